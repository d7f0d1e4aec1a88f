//! An asset owner's suppliers: inviting a supplier organization (creating it
//! with its first admin) and listing those it works with.

use super::{invitations, ts};
use crate::model::{
    AppError, Email, InvitationSent, OrgInvite, OrgKind, Permission, Role, SupplierDto,
    SupplierInvited,
};
use crate::server::{
    access::scoped,
    audit::{self, Event, Who},
    db,
    entities::{organization, supplier_link},
    respond::unless_taken,
    Actor, AppState,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;

/// The key under which organization names are unique: case and spacing do
/// not make a different organization.
pub fn name_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn require_asset_owner(actor: &Actor) -> Result<(), AppError> {
    if actor.kinds().contains(&OrgKind::AssetOwner) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn list(actor: &Actor, state: &AppState) -> Result<Vec<SupplierDto>, AppError> {
    require_asset_owner(actor)?;
    let links = scoped::<supplier_link::Entity>(actor)
        .order_by_asc(supplier_link::Column::Id)
        .all(&state.db)
        .await?;
    let orgs = organization::Entity::find()
        .filter(organization::Column::Id.is_in(links.iter().map(|l| l.supplier_org_id)))
        .all(&state.db)
        .await?;
    let mut out: Vec<SupplierDto> = links
        .iter()
        .filter_map(|l| {
            let o = orgs.iter().find(|o| o.id == l.supplier_org_id)?;
            Some(SupplierDto {
                org_id: o.id,
                name: o.name.clone(),
                kinds: OrgKind::parse_list(&o.kinds),
                since: ts(l.created_at),
            })
        })
        .collect();
    out.sort_by_key(|s| s.name.to_lowercase());
    Ok(out)
}

/// Adds a supplier. A new organization is created with `admin_email` invited
/// as its first admin; an organization of that name already on Pactline is
/// linked as it is (its own admins manage its members).
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn invite(
    actor: &Actor,
    state: &AppState,
    input: OrgInvite,
) -> Result<SupplierInvited, AppError> {
    let info = actor.request();
    actor.require(Permission::InviteSuppliers)?;
    let OrgInvite {
        name,
        kind,
        admin_email: email,
    } = input;
    let now = state.clock.now();
    let who = Who::user(actor.audit_key(), actor.user_id(), &info.request_id);
    let txn = db::write_txn(&state.writer).await?;
    let (org, invitation) = find_or_create(&txn, state, actor, &who, &name, kind, &email).await?;
    let link = supplier_link::ActiveModel {
        owner_org_id: Set(actor.org_id()),
        supplier_org_id: Set(org.id),
        created_by: Set(Some(actor.user_id())),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    // ux_supplier_links: an owner links a supplier once.
    .map_err(|err| {
        unless_taken(err, || {
            AppError::invalid(
                "name",
                format!("{} is already one of your suppliers.", org.name),
            )
        })
    })?;
    audit::record(
        &txn,
        &who,
        Event {
            org: Some(actor.org_id()),
            action: "supplier.linked",
            object_type: "organization",
            object_id: org.id.to_string(),
            before: None,
            after: Some(json!({"name": org.name, "new_organization": invitation.is_some()})),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(SupplierInvited {
        supplier: SupplierDto {
            org_id: org.id,
            name: org.name,
            kinds: OrgKind::parse_list(&org.kinds),
            since: ts(link.created_at),
        },
        invitation,
    })
}

/// The organization named `name`: the one already on Pactline under that
/// name, as it is (its own admins manage its members), or a new one of
/// `kind` with `admin` invited as its first admin (the invitation comes
/// back). Never the actor's own organization.
pub(crate) async fn find_or_create<C: ConnectionTrait>(
    conn: &C,
    state: &AppState,
    actor: &Actor,
    who: &Who,
    name: &str,
    kind: OrgKind,
    admin: &Email,
) -> Result<(organization::Model, Option<InvitationSent>), AppError> {
    let existing = organization::Entity::find()
        .filter(organization::Column::NameKey.eq(name_key(name)))
        .one(conn)
        .await?;
    if let Some(org) = existing {
        if org.id == actor.org_id() {
            return Err(AppError::invalid("name", "That is your own organization."));
        }
        return Ok((org, None));
    }
    let org = organization::ActiveModel {
        name: Set(name.to_string()),
        name_key: Set(name_key(name)),
        kinds: Set(OrgKind::join(&[kind])),
        created_at: Set(state.clock.now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    audit::record(
        conn,
        who,
        Event {
            org: Some(org.id),
            action: "organization.created",
            object_type: "organization",
            object_id: org.id.to_string(),
            before: None,
            after: Some(
                json!({"name": org.name, "kinds": org.kinds, "invited_by_org": actor.org_id().0}),
            ),
        },
    )
    .await?;
    let sent =
        invitations::create_in(conn, state, who, actor.email(), &org, admin, Role::Admin).await?;
    Ok((org, Some(sent)))
}

#[cfg(test)]
mod tests {
    use super::name_key;

    #[test]
    fn names_differing_in_case_or_spacing_are_the_same_organization() {
        assert_eq!(name_key("  Helix   Controls "), "helix controls");
        assert_eq!(name_key("HELIX controls"), name_key("Helix Controls"));
        assert_ne!(name_key("Helix Controls"), name_key("Helix Control"));
    }
}
