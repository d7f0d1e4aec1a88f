//! Operator tasks (the first organization and admin) and the admin views of
//! an organization: its outbox and its audit trail.

use super::{suppliers::name_key, ts};
use crate::model::{
    parse_name, AppError, AuditEventDto, Email, OrgId, OrgKind, OutboxDto, Permission, Role,
    StorageDto, UserId,
};
use crate::server::{
    access::scoped,
    audit::{self, Event, Who},
    db,
    entities::{api_token, audit_event, membership, organization, outbox, user},
    password::check_policy,
    Actor, AppState,
};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::json;

/// Creates an organization with its first admin (a new account). Used by
/// `pactline admin create` and by the demo data.
pub async fn create_org_with_admin(
    state: &AppState,
    org_name: &str,
    kinds: &[OrgKind],
    email: &str,
    display_name: &str,
    password: &str,
    who: &Who,
) -> Result<(OrgId, UserId), AppError> {
    let org_name = parse_name("org", org_name, 200)?;
    let email = Email::parse(email)?;
    let display_name = parse_name("name", display_name, 200)?;
    if kinds.is_empty() {
        return Err(AppError::invalid(
            "kind",
            "Give the organization at least one kind.",
        ));
    }
    check_policy(password, &[email.as_str(), &display_name])?;
    let hash = state.hasher.hash(password).await?;
    let now = state.clock.now();
    let txn = db::write_txn(&state.writer).await?;
    let key = name_key(&org_name);
    if organization::Entity::find()
        .filter(organization::Column::NameKey.eq(key.as_str()))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(AppError::invalid(
            "org",
            format!("An organization named {org_name} already exists."),
        ));
    }
    if user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(AppError::invalid(
            "email",
            format!("An account for {} already exists.", email.as_str()),
        ));
    }
    let org = organization::ActiveModel {
        name: Set(org_name),
        name_key: Set(key),
        kinds: Set(OrgKind::join(kinds)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let (u, m) = insert_account(&txn, &email, display_name, hash, org.id, Role::Admin, now).await?;
    audit::record(
        &txn,
        who,
        Event {
            org: Some(org.id),
            action: "organization.created",
            object_type: "organization",
            object_id: org.id.to_string(),
            before: None,
            after: Some(
                json!({"name": org.name, "kinds": org.kinds, "admin": u.email, "membership": m.id}),
            ),
        },
    )
    .await?;
    txn.commit().await?;
    Ok((org.id, u.id))
}

/// A new, active account with one active membership.
async fn insert_account<C: sea_orm::ConnectionTrait>(
    conn: &C,
    email: &Email,
    display_name: String,
    password_hash: String,
    org: OrgId,
    role: Role,
    now: DateTime<Utc>,
) -> Result<(user::Model, membership::Model), AppError> {
    let u = user::ActiveModel {
        email: Set(email.as_str().to_string()),
        display_name: Set(display_name),
        password_hash: Set(password_hash),
        is_active: Set(true),
        created_at: Set(now),
        password_changed_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    let m = membership::ActiveModel {
        user_id: Set(u.id),
        organization_id: Set(org),
        role: Set(role),
        is_active: Set(true),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok((u, m))
}

/// Adds a new account to an organization with a role, without an invitation
/// (operator and demo use only; users join through invitations).
pub async fn add_member(
    state: &AppState,
    org: OrgId,
    email: &str,
    display_name: &str,
    password: &str,
    role: Role,
    who: &Who,
) -> Result<UserId, AppError> {
    let email = Email::parse(email)?;
    let display_name = parse_name("name", display_name, 200)?;
    check_policy(password, &[email.as_str(), &display_name])?;
    let hash = state.hasher.hash(password).await?;
    let txn = db::write_txn(&state.writer).await?;
    let (u, m) = insert_account(
        &txn,
        &email,
        display_name,
        hash,
        org,
        role,
        state.clock.now(),
    )
    .await?;
    audit::record(
        &txn,
        who,
        Event {
            org: Some(org),
            action: "membership.created",
            object_type: "membership",
            object_id: m.id.to_string(),
            before: None,
            after: Some(json!({"user": u.email, "role": m.role})),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(u.id)
}

/// The evidence the organization keeps against its quota (admins).
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn storage(actor: &Actor, state: &AppState) -> Result<StorageDto, AppError> {
    actor.require(Permission::ManageMembers)?;
    Ok(StorageDto {
        used_bytes: super::evidence_files::stored_bytes(&state.db, actor).await?,
        quota_bytes: state.config.evidence_quota_bytes,
    })
}

#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn outbox(actor: &Actor, state: &AppState) -> Result<Vec<OutboxDto>, AppError> {
    actor.require(Permission::ViewOutbox)?;
    let rows = scoped::<outbox::Entity>(actor)
        .order_by_desc(outbox::Column::Id)
        .limit(200)
        .all(&state.db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| OutboxDto {
            id: r.id,
            purpose: r.purpose,
            recipient: r.recipient,
            subject: r.subject,
            created_at: ts(r.created_at),
            status: match (r.sent_at, r.pending_body.is_some(), r.last_error) {
                (Some(t), _, _) => format!("Sent {}", ts(t)),
                (None, true, Some(e)) => match r.next_attempt_at {
                    Some(t) => format!("{e} (next attempt {})", ts(t)),
                    None => e,
                },
                (None, true, None) => "Queued".into(),
                (None, false, Some(e)) => format!("Not sent: {e}"),
                (None, false, None) => "Not sent".into(),
            },
        })
        .collect())
}

/// The organization's latest audit events, newest first (the admin page).
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn audit_log(actor: &Actor, state: &AppState) -> Result<Vec<AuditEventDto>, AppError> {
    audit_page(actor, state, None, 200).await
}

/// Up to `limit` of the organization's audit events older than `before`
/// (its sequence number), newest first: who did what, and through which
/// API token.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn audit_page(
    actor: &Actor,
    state: &AppState,
    before: Option<i64>,
    limit: u64,
) -> Result<Vec<AuditEventDto>, AppError> {
    actor.require(Permission::ViewAuditLog)?;
    let mut q = scoped::<audit_event::Entity>(actor).order_by_desc(audit_event::Column::Seq);
    if let Some(b) = before {
        q = q.filter(audit_event::Column::Seq.lt(b));
    }
    let rows = q.limit(limit).all(&state.db).await?;
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(rows.iter().filter_map(|r| r.actor_user_id)))
        .all(&state.db)
        .await?;
    let tokens = scoped::<api_token::Entity>(actor)
        .filter(api_token::Column::Id.is_in(rows.iter().filter_map(|r| r.api_token_id)))
        .all(&state.db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| AuditEventDto {
            seq: r.seq,
            occurred_at: ts(r.occurred_at),
            at: r.occurred_at,
            actor: r
                .actor_user_id
                .and_then(|id| users.iter().find(|u| u.id == id))
                .map(|u| u.email.clone())
                .unwrap_or_else(|| "system".into()),
            api_token: r
                .api_token_id
                .and_then(|id| tokens.iter().find(|t| t.id == id))
                .map(|t| t.name.clone()),
            action: r.action,
            object: format!("{} {}", r.object_type, r.object_id),
            before: r.before,
            after: r.after,
        })
        .collect())
}

/// Deletes expired sessions, login attempts older than a day, reset links
/// past their expiry and API idempotency keys older than a day. Audit events and invitations are kept.
pub async fn purge_expired(state: &AppState) -> Result<u64, sea_orm::DbErr> {
    use crate::server::entities::{login_attempt, password_reset, session};
    let now = state.clock.now();
    let idle =
        chrono::Duration::from_std(state.config.session_idle).unwrap_or(chrono::Duration::hours(2));
    let mut n = session::Entity::delete_many()
        .filter(
            session::Column::ExpiresAt
                .lt(now)
                .or(session::Column::LastSeenAt.lt(now - idle)),
        )
        .exec(&state.writer)
        .await?
        .rows_affected;
    n += login_attempt::Entity::delete_many()
        .filter(login_attempt::Column::CreatedAt.lt(now - chrono::Duration::days(1)))
        .exec(&state.writer)
        .await?
        .rows_affected;
    n += password_reset::Entity::delete_many()
        .filter(password_reset::Column::ExpiresAt.lt(now - chrono::Duration::days(1)))
        .exec(&state.writer)
        .await?
        .rows_affected;
    n += crate::server::idempotency::purge(state).await?;
    Ok(n)
}
