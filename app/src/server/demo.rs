//! Demo data for a newcomer's `make run`: an asset owner, two product
//! suppliers and a service provider, each with an admin and a contributor,
//! and an assessor invited into the owner's engagement.
//! The passwords below exist only here, for this demo data.

use super::{
    audit::Who,
    entities::organization,
    services::admin::{add_member, create_org_with_admin},
    AppState,
};
use crate::model::{
    AppError, CommitmentAction, CommitmentMove, CommitmentSource, DecisionInput, Described,
    EvidenceLink, NewComment, NewCommitmentInput, OrgInvite, OrgKind, Parsed, Role, SendInput,
};
use crate::server::{
    db,
    entities::{engagement_assessor, supplier_link},
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

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
    DemoLogin {
        org: "Certa Assessment Services",
        kind: OrgKind::Assessor,
        role: Role::Admin,
        email: "ada.assessor@certa.example",
        name: "Ada Lindqvist",
        password: "certa-lagoon-ember-46",
    },
];

/// Seeds the demo data into an empty database. Returns false (and does
/// nothing) when the database already has organizations.
pub async fn seed(state: &AppState) -> Result<bool, AppError> {
    let orgs = organization::Entity::find().count(&state.db).await?;
    if orgs > 0 {
        return Ok(false);
    }
    let who = Who::system(&state.audit_key, "demo-seed");
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
    let txn = db::write_txn(&state.writer).await?;
    let suppliers = created[1..].iter().filter(|(name, _)| {
        DEMO_LOGINS
            .iter()
            .any(|l| l.org == *name && l.kind.is_supplier())
    });
    for (_, supplier) in suppliers {
        supplier_link::ActiveModel {
            owner_org_id: Set(owner),
            supplier_org_id: Set(*supplier),
            created_by: Set(None),
            created_at: Set(state.clock.now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    // Registered first, so the demo's own events fill its delivery log
    // (the .example address never answers: the log shows the retries).
    let admin = super::session::actor_for(state, DEMO_LOGINS[0].email, owner)
        .await?
        .ok_or(AppError::NotFound)?;
    super::services::webhooks::create(
        &admin,
        state,
        "https://grc.northwind.example/hooks/pactline",
        "Northwind GRC tool (demo)",
        &crate::model::WEBHOOK_EVENTS.map(|(k, _)| k.to_string()),
    )
    .await?;
    seed_profiles(state, owner).await?;
    seed_api_token(state, owner, &who).await?;
    Ok(true)
}

/// Northwind's read-only API token for its procurement reports (its
/// secret exists only here, for this demo data).
pub const DEMO_API_TOKEN: &str = "plt_demo-northwind-procurement-read-only-000042";

async fn seed_api_token(
    state: &AppState,
    owner: crate::model::OrgId,
    who: &Who,
) -> Result<(), AppError> {
    use super::entities::{api_token, user};
    let admin = user::Entity::find()
        .filter(user::Column::Email.eq(DEMO_LOGINS[0].email))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let txn = db::write_txn(&state.writer).await?;
    let t = api_token::ActiveModel {
        organization_id: Set(owner),
        name: Set("Procurement reports (demo)".into()),
        role: Set(Role::Reviewer),
        read_only: Set(true),
        token_hash: Set(super::tokens::hash_token(DEMO_API_TOKEN)),
        prefix: Set(DEMO_API_TOKEN.chars().take(12).collect()),
        created_by: Set(admin.id),
        created_at: Set(now),
        expires_at: Set(now + chrono::Duration::days(365)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    super::audit::record(
        &txn,
        who,
        super::audit::Event {
            org: Some(owner),
            action: "api_token.created",
            object_type: "api_token",
            object_id: t.id.to_string(),
            before: None,
            after: Some(serde_json::json!({"name": t.name, "role": "reviewer", "read_only": true})),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Northwind's profiles: a published one for embedded controllers and a
/// draft integrator baseline.
async fn seed_profiles(state: &AppState, owner: crate::model::OrgId) -> Result<(), AppError> {
    use super::services::{catalogs, profile_items, profiles};
    use crate::model::{CatalogId, ComponentType};
    let actor = super::session::actor_for(state, DEMO_LOGINS[0].email, owner)
        .await?
        .ok_or(AppError::NotFound)?
        .with_request(seeding());
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
        Described::parse(
            "Embedded controller, SL-T 2",
            "PLCs and RTUs of the SCADA upgrade 2027",
        )?,
    )
    .await?;
    profile_items::add_from_catalog(
        &actor,
        state,
        edr,
        id_of("iec-62443-4-2"),
        Some(ComponentType::EDR),
        2,
    )
    .await?;
    profile_items::add_from_catalog(&actor, state, edr, id_of("iec-62443-4-1"), None, 2).await?;
    profiles::publish(&actor, state, edr).await?;

    let sp = profiles::create(
        &actor,
        state,
        Described::parse(
            "Integrator baseline",
            "What we expect of every system integrator (62443-2-4)",
        )?,
    )
    .await?;
    profile_items::add_from_catalog(&actor, state, sp, id_of("iec-62443-2-4"), None, 2).await?;

    // A short questionnaire, quick to answer in a demo.
    let quick = profiles::create(
        &actor,
        state,
        Described::parse(
            "Remote access quick check",
            "Five component requirements for remote maintenance access",
        )?,
    )
    .await?;
    let picks: Vec<String> = ["CR 1.1", "CR 1.2", "CR 1.13", "CR 2.1", "CR 3.4"]
        .map(String::from)
        .to_vec();
    profile_items::add_picked(&actor, state, quick, id_of("iec-62443-4-2"), &picks, 2).await?;
    let first = profiles::get(&actor, state, quick).await?.items[0].id;
    profile_items::update_item(
        &actor,
        state,
        first,
        profile_items::ItemInput {
            section: "Access",
            target: "2",
            responsible_party: "product_supplier",
            weight: "5",
            evidence_required: true,
            parameters: "Named accounts for every maintenance engineer",
        },
    )
    .await?;
    profiles::publish(&actor, state, quick).await?;
    seed_engagement(state, &actor, edr, quick).await?;
    seed_commitments(state, &actor, quick).await?;
    seed_program(state, &actor).await?;
    seed_zones(state, &actor).await?;
    seed_products(state).await?;
    seed_mail_choices(state, actor.org_id()).await
}

/// Helix's product library: the HX-500 controller in versions 4.1 and 4.2,
/// 4.2 holding an ISASecure CSA SL 2 certificate (with its file) that
/// expires in three weeks, and Helix's SDLA certificate for its
/// development process.
async fn seed_products(state: &AppState) -> Result<(), AppError> {
    use super::services::products;
    use crate::model::{CertificateForm, ProductForm};
    let helix = organization::Entity::find()
        .filter(organization::Column::NameKey.eq("helix controls"))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let actor = demo_actor(state, "Helix Controls", helix.id.0).await?;
    let today = state.clock.today();
    let days = |n: i64| (today + chrono::Duration::days(n)).to_string();
    let hx = products::create_product(
        &actor,
        state,
        &ProductForm {
            name: "HX-500".into(),
            kind: "component".into(),
            component_type: "EDR".into(),
            description: "Process controller for filtration and pumping".into(),
        },
    )
    .await?;
    let v41 = products::add_version(&actor, state, hx, "4.1", &days(-900), &days(400)).await?;
    // 4.1's answers, kept for reuse; 4.2 starts from them and improves one.
    use super::services::product_answers;
    use crate::model::AnswerInput;
    let answer = |compliance: &str, level: &str, statement: &str| AnswerInput {
        compliance: compliance.into(),
        claimed_level: level.into(),
        statement: statement.into(),
        ..Default::default()
    };
    for (ref_id, a) in [
        (
            "CR 1.1",
            answer(
                "meets",
                "2",
                "Every account is personal; shared accounts are disabled at commissioning.",
            ),
        ),
        (
            "CR 1.2",
            answer(
                "partially_meets",
                "1",
                "Devices authenticate with certificates on the engineering network only.",
            ),
        ),
        (
            "CR 3.4",
            answer("planned", "", "Signed firmware arrives with 4.2."),
        ),
    ] {
        let a = if ref_id == "CR 3.4" {
            AnswerInput {
                planned_on: days(60),
                ..a
            }
        } else {
            a
        };
        product_answers::save(&actor, state, v41, ref_id, &a, 0).await?;
    }
    // 4.1 keeps its hardening guide (a file) and the account policy (a
    // link) with CR 1.1; 4.2 starts with them, and so does what is filled
    // from it.
    use super::services::library_evidence;
    let cr11 = product_answers::answer_set(&actor, state, v41)
        .await?
        .rows
        .into_iter()
        .find(|r| r.ref_id == "CR 1.1")
        .and_then(|r| r.id)
        .ok_or(AppError::NotFound)?;
    library_evidence::add_answer_file(
        &actor,
        state,
        cr11,
        "HX-500 hardening guide HG-41.pdf",
        demo_pdf("HX-500 hardening guide HG-41: accounts, roles, shared accounts off"),
    )
    .await?;
    library_evidence::add_answer_link(
        &actor,
        state,
        cr11,
        crate::model::EvidenceLink::parse(
            "Helix account policy",
            "https://helix.example/security/accounts",
        )?,
    )
    .await?;
    let v42 = products::add_version(&actor, state, hx, "4.2", &days(-300), &days(2900)).await?;
    product_answers::save(
        &actor,
        state,
        v42,
        "CR 3.4",
        &answer(
            "meets",
            "2",
            "Firmware images are signed and checked at boot and before each update.",
        ),
        1,
    )
    .await?;
    let csa = products::add_certificate(
        &actor,
        state,
        Some(v42),
        &CertificateForm {
            scheme: "isasecure_csa".into(),
            levels: "2".into(),
            number: "CSA-HX500-42-0117".into(),
            issuer: "Kestrel Certification".into(),
            scope: "HX-500 firmware 4.2 with the engineering tool 4.2; hardening guide HG-42"
                .into(),
            issued_on: days(-1075),
            expires_on: days(21),
            ..Default::default()
        },
    )
    .await?;
    // The certificate's file, as the certification body issued it.
    library_evidence::set_certificate_file(
        &actor,
        state,
        csa,
        "CSA-HX500-42-0117.pdf",
        demo_pdf("ISASecure CSA certificate CSA-HX500-42-0117: HX-500 4.2, SL 2"),
    )
    .await?;
    products::add_certificate(
        &actor,
        state,
        None,
        &CertificateForm {
            scheme: "isasecure_sdla".into(),
            levels: "ML3".into(),
            number: "SDLA-HELIX-2025-08".into(),
            issuer: "Kestrel Certification".into(),
            scope: "Helix Controls' secure development lifecycle, all controller lines".into(),
            issued_on: days(-400),
            expires_on: days(700),
            ..Default::default()
        },
    )
    .await?;
    // 4.2's answers are shared with Northwind; one changed since, so
    // Northwind has a change to look at on its "Shared with us" page.
    use super::services::product_shares;
    let northwind = organization::Entity::find()
        .filter(organization::Column::NameKey.eq("northwind water utility"))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    product_shares::share(&actor, state, v42, northwind.id.0).await?;
    // Northwind's quick check is about the HX-500 4.2: Helix filled it
    // from the version's answers and certificate.
    let quick = super::services::assessments::list(&actor, state)
        .await?
        .into_iter()
        .find(|a| {
            a.profile == "Remote access quick check"
                && a.status == crate::model::AssessmentStatus::Sent
        });
    if let Some(q) = quick {
        product_answers::fill_assessment(&actor, state, q.id, v42, false).await?;
    }
    product_answers::save(
        &actor,
        state,
        v42,
        "CR 1.2",
        &answer(
            "meets",
            "2",
            "Devices authenticate with certificates on every network since 4.2.",
        ),
        1,
    )
    .await?;
    Ok(())
}

/// Northwind's security program, rated part-way: its organization and
/// policies, remote access, patch management and identification; patch
/// management's first requirement carries Northwind's own trace, and the
/// ISMS rating was revised once (its history shows both).
async fn seed_program(state: &AppState, admin: &super::Actor) -> Result<(), AppError> {
    use super::services::program;
    use crate::model::{CarriedBy, RatingFields};
    let owner_of = |email: &str| {
        let email = email.to_string();
        async move {
            Ok::<_, AppError>(
                super::session::actor_for(state, &email, admin.org_id())
                    .await?
                    .map(|a| a.user_id()),
            )
        }
    };
    let carla = owner_of("carla.contributor@northwind.example").await?;
    let rahul = owner_of("rahul.reviewer@northwind.example").await?;
    let olivia = Some(admin.user_id());
    let ratings: [(&str, i16, i16, Option<crate::model::UserId>, &str); 16] = [
        (
            "ORG 1.1",
            3,
            2,
            olivia,
            "ISMS certified for IT only; the OT scope follows in 2027.",
        ),
        ("ORG 1.2", 2, 2, olivia, ""),
        (
            "ORG 1.3",
            3,
            3,
            olivia,
            "RACI in the OT security policy, section 2.",
        ),
        (
            "ORG 1.4",
            2,
            1,
            carla,
            "Plant staff trained once; no yearly refresher yet.",
        ),
        (
            "ORG 1.6",
            3,
            1,
            rahul,
            "Supplier requirements now go out through Pactline.",
        ),
        (
            "NET 3.1",
            3,
            2,
            carla,
            "Jump host in the DMZ; vendors still bring their own tools.",
        ),
        ("NET 3.2", 3, 2, carla, ""),
        ("NET 3.3", 2, 2, carla, ""),
        (
            "COMP 3.1",
            3,
            1,
            rahul,
            "Depends on the suppliers' patch qualification.",
        ),
        ("COMP 3.2", 2, 1, rahul, ""),
        ("COMP 3.3", 2, 2, rahul, ""),
        ("USER 1.1", 3, 3, carla, ""),
        (
            "USER 1.2",
            3,
            2,
            carla,
            "Shared operator accounts remain on two HMIs.",
        ),
        ("USER 1.3", 2, 2, carla, ""),
        ("AVAIL 2.1", 3, 2, rahul, "Backups tested twice a year."),
        ("AVAIL 2.2", 2, 2, rahul, ""),
    ];
    for (ref_id, target, achieved, owner, note) in ratings {
        let fields = RatingFields {
            target_ml: Some(target),
            achieved_ml: Some(achieved),
            owner_user_id: owner,
            evidence: String::new(),
            note: note.to_string(),
            carried_by: None,
        };
        program::rate(admin, state, ref_id, fields, 0).await?;
    }
    // A revision: the ISMS evidence arrived.
    let revised = RatingFields {
        target_ml: Some(3),
        achieved_ml: Some(2),
        owner_user_id: olivia,
        evidence: "ISMS certificate 2026-117 (IT scope), OT security policy v3".into(),
        note: "ISMS certified for IT only; the OT scope follows in 2027.".into(),
        carried_by: Some(CarriedBy::Both),
    };
    program::rate(admin, state, "ORG 1.1", revised, 1).await?;
    program::set_trace(
        admin,
        state,
        "COMP 3.1",
        "2-4 SP.11.01 BR\n2-4 SP.11.02 BR\n4-1 SUM-1\n4-1 SUM-5\n4-2 EDR 3.10\n4-2 NDR 3.10",
        false,
    )
    .await?;
    Ok(())
}

/// Northwind's water treatment plant: an IT/OT boundary (the plant DMZ), a
/// control zone and a safety zone, each with its SL-T vector; a remote
/// access conduit; Helix's filter PLC and Ostrava's pump-station RTU
/// (linked to Ostrava's accepted quick check, past its end of support,
/// marked legacy) in the control zone; Delta's remote access gateway in the
/// DMZ.
async fn seed_zones(state: &AppState, admin: &super::Actor) -> Result<(), AppError> {
    use super::services::zones;
    use crate::model::ComponentForm;
    let plant = zones::create_system(
        admin,
        state,
        "Water treatment plant",
        "Raw-water intake to the clear-water reservoir; the IT/OT boundary is the plant DMZ.",
    )
    .await?;
    let dmz = zones::create_zone(
        admin,
        state,
        plant,
        "Plant DMZ",
        "IT/OT boundary",
        "2,2,2,2,3,2,2",
    )
    .await?;
    let control = zones::create_zone(
        admin,
        state,
        plant,
        "Control zone",
        "Filtration and pumping PLCs and RTUs",
        "2,2,3,1,2,1,2",
    )
    .await?;
    zones::create_zone(
        admin,
        state,
        plant,
        "Safety zone",
        "Chlorine dosing safety system",
        "3,3,3,2,3,2,3",
    )
    .await?;
    let remote_access = zones::create_conduit(
        admin,
        state,
        plant,
        "Remote access",
        "Vendor maintenance through the DMZ jump host",
        dmz,
        control,
        "3,3,3,2,3,2,2",
    )
    .await?;
    let m = zones::model(admin, state).await?;
    let assessment_of = |supplier: &str| {
        m.assessments
            .iter()
            .find(|(_, label)| label.contains(supplier))
            .map(|(id, _)| id.0.to_string())
            .unwrap_or_default()
    };
    let supplier_of = |name: &str| {
        m.suppliers
            .iter()
            .find(|(_, n)| n == name)
            .map(|(id, _)| id.0.to_string())
            .unwrap_or_default()
    };
    let form = |name: &str,
                ct: &str,
                supplier: String,
                product: &str,
                version: &str,
                since: &str,
                until: &str,
                assessment: String| ComponentForm {
        name: name.into(),
        component_type: ct.into(),
        supplier_org_id: supplier,
        product: product.into(),
        version: version.into(),
        in_service_since: since.into(),
        end_of_support: until.into(),
        assessment_id: assessment,
    };
    zones::add_component(
        admin,
        state,
        control,
        &form(
            "Filter PLC",
            "EDR",
            supplier_of("Helix Controls"),
            "HX-500",
            "4.2",
            "2024-03-01",
            "2034-12-31",
            assessment_of("Helix"),
        ),
    )
    .await?;
    let rtu = zones::add_component(
        admin,
        state,
        control,
        &form(
            "Pump station RTU",
            "EDR",
            supplier_of("Ostrava Automation"),
            "RTU-7",
            "2.3",
            "2014-05-01",
            "2025-12-31",
            assessment_of("Ostrava"),
        ),
    )
    .await?;
    zones::set_component_legacy(admin, state, rtu, true).await?;
    // Delta, the integrator, runs the plant's remote access: a short 2-4
    // questionnaire in its own engagement, where it carries the RTU's
    // countermeasure as a commitment.
    {
        use super::services::{catalogs, engagements, profile_items, profiles};
        use crate::model::{Described, SendInput};
        let shipped = catalogs::list(admin, state).await?;
        let sp = shipped
            .iter()
            .find(|c| c.key == "iec-62443-2-4")
            .map(|c| c.id)
            .ok_or(AppError::NotFound)?;
        let remote = profiles::create(
            admin,
            state,
            Described::parse(
                "Remote access service",
                "IEC 62443-2-4 remote access (SP.07) for the integrator that runs the jump host",
            )?,
        )
        .await?;
        let picks: Vec<String> = ["SP.07.01 BR", "SP.07.02 BR", "SP.07.03 BR", "SP.07.04 BR"]
            .map(String::from)
            .to_vec();
        profile_items::add_picked(admin, state, remote, sp, &picks, 1).await?;
        profiles::publish(admin, state, remote).await?;
        let e = engagements::create(
            admin,
            state,
            Described::parse(
                "Remote access operations 2027",
                "The plant DMZ jump host and vendor sessions",
            )?,
        )
        .await?;
        let delta = supplier_of("Delta Integration Services")
            .parse::<i64>()
            .map_err(|_| AppError::NotFound)?;
        let due = (state.clock.today() + chrono::Days::new(30)).to_string();
        engagements::send_assessment(admin, state, e, delta, remote, SendInput::parse(&due, "")?)
            .await?;
    }
    zones::add_countermeasure(
        admin,
        state,
        rtu,
        &crate::model::CountermeasureForm {
            frs: "FR1, FR3".into(),
            requirements: "CR 1.1, CR 3.4".into(),
            description: "Maintenance only through the DMZ jump host with recorded sessions; firmware hash checked before each change".into(),
            location: "conduit".into(),
            conduit_id: remote_access.to_string(),
            responsible_org_id: supplier_of("Delta Integration Services"),
            review_on: (state.clock.today() + chrono::Duration::days(90)).to_string(),
            residual_gap: "The RTU still accepts unauthenticated Modbus writes inside the control zone".into(),
        },
    )
    .await?;
    // One Northwind carries itself, reviewed once already.
    let own = zones::add_countermeasure(
        admin,
        state,
        rtu,
        &crate::model::CountermeasureForm {
            frs: "FR2".into(),
            requirements: "CR 2.1".into(),
            description: "Writes to the RTU only from the SCADA server's two named operator accounts; the write log is read every week".into(),
            location: "component".into(),
            review_on: (state.clock.today() + chrono::Duration::days(3)).to_string(),
            residual_gap: "A compromised SCADA server could still write to the RTU".into(),
            ..Default::default()
        },
    )
    .await?;
    zones::review_countermeasure(
        admin,
        state,
        own,
        "Write log read every week since commissioning; no unexpected writes.",
        &(state.clock.today() + chrono::Duration::days(14)).to_string(),
    )
    .await?;
    zones::add_component(
        admin,
        state,
        dmz,
        &form(
            "Remote access gateway",
            "NDR",
            supplier_of("Delta Integration Services"),
            "SecureHop",
            "7.1",
            "2023-09-15",
            "",
            String::new(),
        ),
    )
    .await?;
    Ok(())
}

/// Rahul, the reviewer, reads questionnaire and review news once a day.
async fn seed_mail_choices(
    state: &AppState,
    northwind: crate::model::OrgId,
) -> Result<(), AppError> {
    use crate::model::{MailDelivery, MailTopic};
    let rahul = super::session::actor_for(state, "rahul.reviewer@northwind.example", northwind)
        .await?
        .map(|a| a.with_request(seeding()))
        .ok_or(AppError::NotFound)?;
    super::services::notifications::set_mail_preferences(
        &rahul,
        state,
        &[
            (MailTopic::Questionnaires, MailDelivery::Daily),
            (MailTopic::Reviews, MailDelivery::Daily),
        ],
    )
    .await?;
    Ok(())
}

/// "Remote maintenance access 2026": Ostrava has answered the quick check
/// and been accepted with a condition; the responsibility matrix has one
/// open disagreement; commitments are in every state, one overdue; the
/// reminder job has run once, so reminders and an escalation are waiting.
async fn seed_commitments(
    state: &AppState,
    owner: &super::Actor,
    quick: crate::model::ProfileId,
) -> Result<(), AppError> {
    use super::services::{
        assessments, commitments, engagements, evidence_files, matrix, reminders, reviews,
    };
    use crate::model::{AnswerInput, EngagementId};
    let ostrava = organization::Entity::find()
        .filter(organization::Column::NameKey.eq("ostrava automation"))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?
        .id;
    let today = state.clock.today();
    let in_days = |n: i64| (today + chrono::Duration::days(n)).to_string();
    let e = engagements::create(
        owner,
        state,
        Described::parse(
            "Remote maintenance access 2026",
            "Vendor VPN access to the pumping stations",
        )?,
    )
    .await?;
    let sent = engagements::send_assessment(
        owner,
        state,
        e,
        ostrava.0,
        quick,
        SendInput::parse(&in_days(12), "The quick check for remote maintenance.")?,
    )
    .await?;
    let supplier = demo_actor(state, "Ostrava Automation", ostrava.0).await?;
    let a = assessments::get(&supplier, state, sent).await?;
    let answers: [(&str, &str, &str, &str); 5] = [
        (
            "meets",
            "2",
            "",
            "Named accounts for every engineer, from our directory.",
        ),
        (
            "meets",
            "2",
            "",
            "Service accounts are separate and cannot log in interactively.",
        ),
        (
            "partially_meets",
            "1",
            "",
            "Session locks after inactivity on the web interface only.",
        ),
        (
            "planned",
            "",
            &in_days(25),
            "Signed firmware updates arrive with release 7.",
        ),
        (
            "meets",
            "2",
            "",
            "Files are checked for integrity before use.",
        ),
    ];
    for (x, (compliance, level, planned, statement)) in a.answers.iter().zip(answers) {
        let input = AnswerInput {
            compliance: compliance.into(),
            claimed_level: level.into(),
            planned_on: planned.into(),
            statement: statement.into(),
            responsibility_accepted: "yes".into(),
            ..Default::default()
        };
        assessments::save_answer(&supplier, state, x.id, x.version, input).await?;
    }
    evidence_files::add_link(
        &supplier,
        state,
        a.answers[0].id,
        EvidenceLink::parse(
            "Account management procedure",
            "https://ostrava.example/docs/accounts.pdf",
        )?,
    )
    .await?;
    assessments::submit(&supplier, state, sent).await?;
    reviews::begin(owner, state, sent).await?;
    reviews::decide(
        owner,
        state,
        sent,
        DecisionInput::parse(
            "accept_with_conditions",
            "Good answers; remote sessions must be logged before go-live.",
            &format!(
                "Deliver the remote access hardening guide | {}",
                in_days(14)
            ),
        )?
        // The demo's reviewer decided on the answers as a whole.
        .despite_open(true),
    )
    .await?;
    // Ostrava's remote access is re-assessed every two months while the
    // condition is open: due for renewal soon.
    super::services::renewals::set_cadence(owner, state, sent, "2").await?;

    // Commitments: the condition agreed and under way; the planned answer
    // still proposed; one overdue; one the owner promises; one verified.
    let list = commitments::list(owner, state, Some(EngagementId(e.0))).await?;
    for c in list
        .iter()
        .filter(|c| c.source == CommitmentSource::ReviewCondition)
    {
        move_commitment(&supplier, state, c.id, CommitmentAction::Agree, "", "").await?;
        move_commitment(&supplier, state, c.id, CommitmentAction::Start, "", "").await?;
    }
    let overdue = commitments::create(
        owner,
        state,
        sent,
        NewCommitmentInput::parse(
            "supplier",
            "CR 1.13",
            "Rotate the vendor VPN certificates",
            &in_days(-5),
        )?,
    )
    .await?;
    move_commitment(&supplier, state, overdue, CommitmentAction::Agree, "", "").await?;
    commitments::create(
        owner,
        state,
        sent,
        NewCommitmentInput::parse(
            "owner",
            "",
            "Provide the firewall rule set for the maintenance DMZ",
            &in_days(20),
        )?,
    )
    .await?;
    let done = commitments::create(
        &supplier,
        state,
        sent,
        NewCommitmentInput::parse(
            "supplier",
            "CR 1.1",
            "Remove the shared service password from the RTU images",
            &in_days(3),
        )?,
    )
    .await?;
    move_commitment(owner, state, done, CommitmentAction::Agree, "", "").await?;
    move_commitment(
        &supplier,
        state,
        done,
        CommitmentAction::Fulfil,
        "Images 6.4.2 ship without it.",
        "https://ostrava.example/releases/6.4.2",
    )
    .await?;
    move_commitment(owner, state, done, CommitmentAction::Verify, "", "").await?;

    // The matrix: Ostrava accepts what its answers said and proposes to
    // share one requirement with Northwind.
    let m = matrix::matrix(&supplier, state, EngagementId(e.0)).await?;
    if let Some(row) = m.rows.iter().find(|r| r.ref_id == "CR 2.1") {
        let input = matrix::RowInput {
            requirement_id: row.requirement_id,
            stance: "propose",
            duty: "shared",
            split: "Ostrava enforces roles in the RTU; Northwind assigns them",
            note: "Role assignment is the operator's job.",
        };
        matrix::respond(&supplier, state, EngagementId(e.0), input).await?;
    }
    reminders::send_due(state, "demo-seed").await?;
    Ok(())
}

/// The "SCADA upgrade 2027" engagement: the embedded-controller profile
/// sent to both product suppliers, Helix already part-way through.
async fn seed_engagement(
    state: &AppState,
    owner: &super::Actor,
    edr: crate::model::ProfileId,
    quick: crate::model::ProfileId,
) -> Result<(), AppError> {
    use super::services::{assessments, engagements};
    use crate::model::{AnswerInput, AssessmentId};
    let orgs = organization::Entity::find().all(&state.db).await?;
    let org_id = |key: &str| {
        orgs.iter()
            .find(|o| o.name_key == key)
            .map(|o| o.id)
            .ok_or(AppError::NotFound)
    };
    let helix = org_id("helix controls")?;
    let ostrava = org_id("ostrava automation")?;
    let due = (state.clock.today() + chrono::Days::new(45)).to_string();
    let e = engagements::create(
        owner,
        state,
        Described::parse(
            "SCADA upgrade 2027",
            "Water plant 3: PLC/RTU replacement and remote access",
        )?,
    )
    .await?;
    let msg = "Please answer before the tender closes; attach certificates where you have them.";
    // One step sends the profile to both, Ostrava with a week longer.
    let due_on = state.clock.today() + chrono::Days::new(45);
    let sent = engagements::send_assessments(
        owner,
        state,
        e,
        edr,
        &[
            (helix.0, due_on),
            (ostrava.0, due_on + chrono::Days::new(7)),
        ],
        msg,
    )
    .await?;
    let to_helix = sent[0];
    engagements::send_assessment(owner, state, e, helix.0, quick, SendInput::parse(&due, "")?)
        .await?;

    // Helix has started: a few answers and a certificate.
    let actor = demo_actor(state, "Helix Controls", helix.0).await?;
    let a = assessments::get(&actor, state, AssessmentId(to_helix.0)).await?;
    let answers: [(&str, &str, &str); 4] = [
        (
            "meets",
            "2",
            "Every account is personal; shared accounts are disabled at commissioning.",
        ),
        (
            "meets_with_compensating_countermeasure",
            "2",
            "Device certificates are installed by the integrator; see the hardening guide.",
        ),
        ("planned", "", "Firmware 5.2 adds this."),
        (
            "partially_meets",
            "1",
            "Role-based access exists for engineering tools, not for the web interface.",
        ),
    ];
    for (x, (compliance, level, statement)) in a.answers.iter().zip(answers) {
        let input = AnswerInput {
            compliance: compliance.into(),
            countermeasure: if compliance.starts_with("meets_with") {
                "Network segmentation and a jump host in front of every controller.".into()
            } else {
                String::new()
            },
            planned_on: if compliance == "planned" {
                (state.clock.today() + chrono::Days::new(120)).to_string()
            } else {
                String::new()
            },
            claimed_level: level.into(),
            statement: statement.into(),
            responsibility_accepted: "yes".into(),
            ..Default::default()
        };
        assessments::save_answer(&actor, state, x.id, x.version, input).await?;
    }
    // Ostrava has started too, with different answers: the comparison shows
    // where the two offers part.
    let ostrava_actor = demo_actor(state, "Ostrava Automation", ostrava.0).await?;
    let o = assessments::list(&ostrava_actor, state).await?;
    let o = assessments::get(&ostrava_actor, state, o[0].id).await?;
    let ostrava_answers: [(&str, &str, &str); 3] = [
        (
            "meets",
            "2",
            "Personal accounts only; local accounts are locked after commissioning.",
        ),
        (
            "does_not_meet",
            "",
            "No certificate-based device authentication in the current firmware.",
        ),
        (
            "meets",
            "2",
            "Firmware updates are signed and verified before they are applied.",
        ),
    ];
    for (x, (compliance, level, statement)) in o.answers.iter().zip(ostrava_answers) {
        let input = AnswerInput {
            compliance: compliance.into(),
            claimed_level: level.into(),
            statement: statement.into(),
            responsibility_accepted: "yes".into(),
            ..Default::default()
        };
        assessments::save_answer(&ostrava_actor, state, x.id, x.version, input).await?;
    }

    // An assessor reads along and leaves an internal remark for the owner
    // (Certa accepted Northwind's invitation long ago), and a new supplier
    // has not yet answered its invitation.
    let certa_id = org_id("certa assessment services")?;
    let txn = db::write_txn(&state.writer).await?;
    engagement_assessor::ActiveModel {
        engagement_id: Set(e),
        owner_org_id: Set(owner.org_id()),
        assessor_org_id: Set(certa_id),
        invited_by: Set(Some(owner.user_id())),
        created_at: Set(state.clock.now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    super::services::partners::invite_supplier(
        owner,
        state,
        OrgInvite::supplier(
            "Baltic Grid Services",
            "service_provider",
            "it.security@balticgrid.example",
        )?,
    )
    .await?;
    let certa = demo_actor(state, "Certa Assessment Services", certa_id.0).await?;
    super::services::reviews::add_comment(&certa, state, a.answers[1].id, NewComment::parse("internal", "The compensating countermeasure depends on the integrator; ask for the jump host design before accepting.")?)
    .await?;

    assessments::add_certificate(
        &actor,
        state,
        a.answers[0].id,
        assessments::CertificateInput {
            scheme: "ISASecure CSA",
            level: "SL 2",
            scope: "Helix RTU 5000 series, firmware 5.x",
            issuer: "exida",
            expires_on: &(state.clock.today() + chrono::Days::new(400)).to_string(),
        },
    )
    .await?;
    Ok(())
}

/// Moves a demo commitment as its user would.
async fn move_commitment(
    actor: &super::Actor,
    state: &AppState,
    id: crate::model::CommitmentId,
    action: CommitmentAction,
    note: &str,
    link: &str,
) -> Result<(), AppError> {
    let details = Parsed::new(CommitmentMove::parse(action, note, link));
    super::services::commitments::act(actor, state, id, action, details).await?;
    Ok(())
}

/// The first demo login of an organization, as an actor.
async fn demo_actor(state: &AppState, org: &str, id: i64) -> Result<super::Actor, AppError> {
    let login = DEMO_LOGINS
        .iter()
        .filter(|l| l.org == org)
        .max_by_key(|l| l.role == Role::Contributor)
        .ok_or(AppError::NotFound)?;
    super::session::actor_for(state, login.email, crate::model::OrgId(id))
        .await?
        .map(|a| a.with_request(seeding()))
        .ok_or(AppError::NotFound)
}

/// What the audit trail records for the demo data's changes.
fn seeding() -> super::session::RequestInfo {
    super::session::RequestInfo {
        client_addr: "demo".into(),
        request_id: "demo-seed".into(),
        user_agent: String::new(),
    }
}

/// Whether the demo organizations exist (then `serve` prints the logins).
pub async fn present(state: &AppState) -> bool {
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
    out.push_str(&format!(
        "  API token of Northwind Water Utility (reviewer, read only): {DEMO_API_TOKEN}\n"
    ));
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

/// A one-page PDF showing `text` (ASCII): demo evidence files.
fn demo_pdf(text: &str) -> Vec<u8> {
    let text: String = text
        .chars()
        .filter(|c| c.is_ascii() && !matches!(c, '(' | ')' | '\\'))
        .collect();
    let content = format!("BT /F1 12 Tf 56 780 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}
