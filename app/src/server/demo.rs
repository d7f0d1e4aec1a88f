//! Demo data for a newcomer's `make run`: an asset owner, two product
//! suppliers and a service provider, each with an admin and a contributor.
//! The passwords below exist only here, for this demo data.

use super::{
    audit::Who,
    entities::organization,
    services::admin::{add_member, create_org_with_admin},
    AppState,
};
use crate::model::{AppError, OrgKind, Role};
use crate::server::{db, entities::supplier_link, respond::internal};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, Set};

pub struct DemoLogin {
    pub org: &'static str,
    pub kind: OrgKind,
    pub role: Role,
    pub email: &'static str,
    pub name: &'static str,
    pub password: &'static str,
}

pub const DEMO_LOGINS: &[DemoLogin] = &[
    DemoLogin {
        org: "Northwind Water Utility",
        kind: OrgKind::AssetOwner,
        role: Role::Admin,
        email: "olivia.admin@northwind.example",
        name: "Olivia Brandt",
        password: "reservoir-lantern-42",
    },
    DemoLogin {
        org: "Northwind Water Utility",
        kind: OrgKind::AssetOwner,
        role: Role::Reviewer,
        email: "rahul.reviewer@northwind.example",
        name: "Rahul Mehta",
        password: "reservoir-compass-17",
    },
    DemoLogin {
        org: "Northwind Water Utility",
        kind: OrgKind::AssetOwner,
        role: Role::Contributor,
        email: "carla.contributor@northwind.example",
        name: "Carla Jensen",
        password: "reservoir-meadow-93",
    },
    DemoLogin {
        org: "Helix Controls",
        kind: OrgKind::ProductSupplier,
        role: Role::Admin,
        email: "hana.admin@helix.example",
        name: "Hana Novak",
        password: "helix-copper-orbit-58",
    },
    DemoLogin {
        org: "Helix Controls",
        kind: OrgKind::ProductSupplier,
        role: Role::Contributor,
        email: "hugo.contributor@helix.example",
        name: "Hugo Lind",
        password: "helix-velvet-canyon-24",
    },
    DemoLogin {
        org: "Ostrava Automation",
        kind: OrgKind::ProductSupplier,
        role: Role::Admin,
        email: "olga.admin@ostrava.example",
        name: "Olga Dvorak",
        password: "ostrava-granite-tulip-61",
    },
    DemoLogin {
        org: "Ostrava Automation",
        kind: OrgKind::ProductSupplier,
        role: Role::Contributor,
        email: "otto.contributor@ostrava.example",
        name: "Otto Maier",
        password: "ostrava-harbor-pepper-35",
    },
    DemoLogin {
        org: "Delta Integration Services",
        kind: OrgKind::ServiceProvider,
        role: Role::Admin,
        email: "dana.admin@delta.example",
        name: "Dana Okafor",
        password: "delta-saffron-bridge-77",
    },
    DemoLogin {
        org: "Delta Integration Services",
        kind: OrgKind::ServiceProvider,
        role: Role::Contributor,
        email: "dev.contributor@delta.example",
        name: "Dev Sharma",
        password: "delta-marble-falcon-19",
    },
];

/// Seeds the demo data into an empty database. Returns false (and does
/// nothing) when the database already has organizations.
pub async fn seed(state: &AppState) -> Result<bool, AppError> {
    let orgs = organization::Entity::find()
        .count(&state.db)
        .await
        .map_err(internal)?;
    if orgs > 0 {
        return Ok(false);
    }
    let who = Who::system("demo-seed");
    let mut created: Vec<(&str, crate::model::OrgId)> = Vec::new();
    for login in DEMO_LOGINS {
        match created.iter().find(|(name, _)| *name == login.org) {
            None => {
                assert_eq!(
                    login.role,
                    Role::Admin,
                    "each demo organization starts with its admin"
                );
                let (org, _) = create_org_with_admin(
                    state,
                    login.org,
                    &[login.kind],
                    login.email,
                    login.name,
                    login.password,
                    &who,
                )
                .await?;
                created.push((login.org, org));
            }
            Some((_, org)) => {
                add_member(
                    state,
                    *org,
                    login.email,
                    login.name,
                    login.password,
                    login.role,
                    &who,
                )
                .await?;
            }
        }
    }
    let owner = created[0].1;
    let txn = db::write_txn(&state.db).await.map_err(internal)?;
    for (_, supplier) in &created[1..] {
        supplier_link::ActiveModel {
            owner_org_id: Set(owner.0),
            supplier_org_id: Set(supplier.0),
            created_by: Set(None),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(internal)?;
    }
    txn.commit().await.map_err(internal)?;
    seed_profiles(state, owner).await?;
    Ok(true)
}

/// Northwind's profiles: a published one for embedded controllers and a
/// draft integrator baseline.
async fn seed_profiles(state: &AppState, owner: crate::model::OrgId) -> Result<(), AppError> {
    use super::services::{catalogs, profiles};
    use crate::model::{CatalogId, ComponentType};
    let actor = super::session::actor_for(state, DEMO_LOGINS[0].email, owner)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let info = super::session::RequestInfo {
        client_addr: "demo".into(),
        request_id: "demo-seed".into(),
    };
    let shipped = catalogs::list(&actor, state).await?;
    let id_of = |key: &str| {
        shipped
            .iter()
            .find(|c| c.key == key)
            .map(|c| c.id)
            .unwrap_or(CatalogId(0))
    };

    let edr = profiles::create(
        &actor,
        state,
        "Embedded controller, SL-T 2",
        "PLCs and RTUs of the SCADA upgrade 2027",
        &info,
    )
    .await?;
    profiles::add_from_catalog(
        &actor,
        state,
        edr,
        id_of("iec-62443-4-2"),
        Some(ComponentType::EDR),
        "2",
        &info,
    )
    .await?;
    profiles::add_from_catalog(&actor, state, edr, id_of("iec-62443-4-1"), None, "2", &info)
        .await?;
    profiles::publish(&actor, state, edr, &info).await?;

    let sp = profiles::create(
        &actor,
        state,
        "Integrator baseline",
        "What we expect of every system integrator (62443-2-4)",
        &info,
    )
    .await?;
    profiles::add_from_catalog(&actor, state, sp, id_of("iec-62443-2-4"), None, "2", &info).await?;
    Ok(())
}

/// Whether the demo organizations exist (then `serve` prints the logins).
pub async fn present(state: &AppState) -> bool {
    use sea_orm::{ColumnTrait, QueryFilter};
    organization::Entity::find()
        .filter(organization::Column::NameKey.eq("northwind water utility"))
        .one(&state.db)
        .await
        .ok()
        .flatten()
        .is_some()
}

/// The demo logins as a table for the console.
pub fn logins_table() -> String {
    let mut out = String::from("Demo logins (demo data only):\n");
    for l in DEMO_LOGINS {
        out.push_str(&format!(
            "  {:<28} {:<12} {:<38} {}\n",
            l.org,
            l.role.label(),
            l.email,
            l.password
        ));
    }
    out
}
