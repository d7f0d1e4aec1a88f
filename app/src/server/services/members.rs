//! An organization's members and their roles.

use super::ts;
use crate::model::{AppError, MemberDto, MembershipId, OrgOverview, Permission, Role};
use crate::server::{
    access::{self, find_owned, scoped},
    audit::{self, Event, Who},
    db,
    entities::{invitation, membership, organization, supplier_link, user},
    respond::internal,
    session::{self},
    Actor, AppState,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;

#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn overview(actor: &Actor, state: &AppState) -> Result<OrgOverview, AppError> {
    let db = &state.db;
    let org = organization::Entity::find_by_id(actor.org_id())
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let active_members = scoped::<membership::Entity>(actor)
        .filter(membership::Column::IsActive.eq(true))
        .count(db)
        .await?;
    let pending_invitations = scoped::<invitation::Entity>(actor)
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .filter(invitation::Column::ExpiresAt.gt(state.clock.now()))
        .count(db)
        .await?;
    let suppliers = scoped::<supplier_link::Entity>(actor).count(db).await?;
    // Asset owners that count this organization among their suppliers: the
    // number only, never who else they work with.
    let customers = access::links_to_supplier(actor).count(db).await?;
    Ok(OrgOverview {
        id: actor.org_id(),
        name: org.name,
        kinds: actor.kinds().to_vec(),
        active_members,
        pending_invitations,
        suppliers,
        customers,
    })
}

#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn list(actor: &Actor, state: &AppState) -> Result<Vec<MemberDto>, AppError> {
    actor.require(Permission::ViewMembers)?;
    let db = &state.db;
    let memberships = scoped::<membership::Entity>(actor)
        .order_by_asc(membership::Column::Id)
        .all(db)
        .await?;
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(memberships.iter().map(|m| m.user_id)))
        .all(db)
        .await?;
    let mut out: Vec<MemberDto> = memberships
        .into_iter()
        .filter_map(|m| {
            let u = users.iter().find(|u| u.id == m.user_id)?;
            Some(MemberDto {
                id: m.id,
                user_id: u.id,
                email: u.email.clone(),
                display_name: u.display_name.clone(),
                role: m.role,
                is_active: m.is_active && u.is_active,
                is_self: u.id == actor.user_id(),
                joined: ts(m.created_at),
                second_factor: u.totp_secret.is_some(),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.is_active.cmp(&a.is_active).then(
            a.display_name
                .to_lowercase()
                .cmp(&b.display_name.to_lowercase()),
        )
    });
    Ok(out)
}

async fn other_active_admins<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    except: i64,
) -> Result<u64, AppError> {
    scoped::<membership::Entity>(actor)
        .filter(membership::Column::Role.eq(Role::Admin))
        .filter(membership::Column::IsActive.eq(true))
        .filter(membership::Column::Id.ne(except))
        .count(conn)
        .await
        .map_err(internal)
}

fn member_json(m: &membership::Model) -> serde_json::Value {
    json!({"user_id": m.user_id, "role": m.role, "is_active": m.is_active})
}

#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn change_role(
    actor: &Actor,
    state: &AppState,
    id: MembershipId,
    role: Role,
) -> Result<(), AppError> {
    let info = actor.request();
    actor.require(Permission::ManageMembers)?;
    let txn = db::write_txn(&state.writer).await?;
    // Two admins demoting each other at once must not both succeed.
    access::lock_organization(&txn, actor).await?;
    let m = find_owned::<membership::Entity, _>(&txn, actor, id).await?;
    if m.role == role {
        return Ok(());
    }
    if m.role == Role::Admin && m.is_active && other_active_admins(&txn, actor, m.id.0).await? == 0
    {
        return Err(AppError::invalid(
            "role",
            "An organization needs at least one active admin. Make someone else admin first.",
        ));
    }
    let before = member_json(&m);
    let mut am: membership::ActiveModel = m.into_inner().into();
    am.role = Set(role);
    let after = am.update(&txn).await?;
    audit::record(
        &txn,
        &Who::user(actor.audit_key(), actor.user_id(), &info.request_id),
        Event {
            org: Some(actor.org_id()),
            action: "membership.role_changed",
            object_type: "membership",
            object_id: id.to_string(),
            before: Some(before),
            after: Some(member_json(&after)),
        },
    )
    .await?;
    Ok(txn.commit().await?)
}

/// Deactivates or reactivates a member. Deactivation ends their sessions in
/// this organization at once.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn set_active(
    actor: &Actor,
    state: &AppState,
    id: MembershipId,
    active: bool,
) -> Result<(), AppError> {
    let info = actor.request();
    actor.require(Permission::ManageMembers)?;
    let txn = db::write_txn(&state.writer).await?;
    // Two admins demoting each other at once must not both succeed.
    access::lock_organization(&txn, actor).await?;
    let m = find_owned::<membership::Entity, _>(&txn, actor, id).await?;
    if m.is_active == active {
        return Ok(());
    }
    if !active {
        if m.user_id == actor.user_id() {
            return Err(AppError::invalid(
                "member",
                "You cannot deactivate yourself. Ask another admin.",
            ));
        }
        if m.role == Role::Admin && other_active_admins(&txn, actor, m.id.0).await? == 0 {
            return Err(AppError::invalid(
                "member",
                "An organization needs at least one active admin.",
            ));
        }
    }
    let before = member_json(&m);
    let user_id = m.user_id;
    let mut am: membership::ActiveModel = m.into_inner().into();
    am.is_active = Set(active);
    let after = am.update(&txn).await?;
    let ended = if active {
        0
    } else {
        session::destroy_for_membership(&txn, user_id, actor.org_id()).await?
    };
    audit::record(
        &txn,
        &Who::user(actor.audit_key(), actor.user_id(), &info.request_id),
        Event {
            org: Some(actor.org_id()),
            action: if active {
                "membership.reactivated"
            } else {
                "membership.deactivated"
            },
            object_type: "membership",
            object_id: id.to_string(),
            before: Some(before),
            after: Some(json!({"member": member_json(&after), "sessions_ended": ended})),
        },
    )
    .await?;
    Ok(txn.commit().await?)
}
