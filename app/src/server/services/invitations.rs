//! Invitations into an organization: single-use, expiring links whose token
//! the database keeps only as a hash.

use super::ts;
use crate::model::{
    check_password_shape, parse_name, AppError, Email, InvitationDto, InvitationId,
    InvitationPreview, InvitationSent, InvitationStatus, MemberInvite, OrgId, Permission, Role,
    UserId,
};
use crate::server::{
    access::{find_owned, scoped},
    audit::{self, Event, Who},
    db,
    entities::{invitation, membership, organization, user},
    mail::Mail,
    password::check_policy,
    session::{self, RequestInfo},
    throttle, tokens, Actor, AppState,
};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::json;

pub const VALID_DAYS: i64 = 7;
/// Wrong passwords through one link before it is locked.
pub const MAX_FAILED_ATTEMPTS: i32 = 5;

/// The status of an invitation at `now`. Pure, unit-tested.
pub fn status_at(i: &invitation::Model, now: DateTime<Utc>) -> InvitationStatus {
    status_of(
        i.accepted_at,
        i.revoked_at,
        i.expires_at,
        i.failed_attempts,
        now,
    )
}

pub(crate) fn status_of(
    accepted_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
    expires_at: DateTime<Utc>,
    failed_attempts: i32,
    now: DateTime<Utc>,
) -> InvitationStatus {
    match (accepted_at, revoked_at) {
        (Some(_), _) => InvitationStatus::Accepted,
        (None, Some(_)) => InvitationStatus::Revoked,
        (None, None) if failed_attempts >= MAX_FAILED_ATTEMPTS => InvitationStatus::Locked,
        (None, None) if expires_at <= now => InvitationStatus::Expired,
        (None, None) => InvitationStatus::Pending,
    }
}

fn dto(i: &invitation::Model, now: DateTime<Utc>) -> InvitationDto {
    InvitationDto {
        id: i.id,
        email: i.email.clone(),
        role: i.role,
        status: status_at(i, now),
        created_at: ts(i.created_at),
        expires_at: ts(i.expires_at),
    }
}

#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn list(actor: &Actor, state: &AppState) -> Result<Vec<InvitationDto>, AppError> {
    actor.require(Permission::ManageMembers)?;
    let rows = scoped::<invitation::Entity>(actor)
        .order_by_desc(invitation::Column::Id)
        .limit(200)
        .all(&state.db)
        .await?;
    let now = state.clock.now();
    Ok(rows.iter().map(|i| dto(i, now)).collect())
}

/// Mails the link (or, without SMTP, returns it for the admin to pass on).
async fn send_link<C: ConnectionTrait>(
    conn: &C,
    state: &AppState,
    org: OrgId,
    org_name: &str,
    inviter: &str,
    row: &invitation::Model,
    token: &str,
) -> Result<InvitationSent, AppError> {
    let link = format!("{}/invite/{token}", state.config.base_url);
    let body = format!(
        "Hello,\n\n{inviter} invites you to join {org_name} on Pactline as {role}.\n\
         Open this link to accept (valid until {until}; it works once):\n\n{link}\n",
        role = row.role.label(),
        until = ts(row.expires_at),
    );
    let redacted = body.replace(&link, "[single-use invitation link withheld]");
    let mail = Mail {
        to: row.email.clone(),
        subject: format!("Invitation to {org_name} on Pactline"),
        body,
    };
    state
        .mailer
        .send(conn, Some(org), "invitation", mail, &redacted)
        .await?;
    let emailed = state.mailer.delivers();
    Ok(InvitationSent {
        invitation: dto(row, state.clock.now()),
        emailed,
        link: (!emailed).then_some(link),
    })
}

/// Creates an invitation in `org` (inside the caller's transaction) and sends it.
pub(crate) async fn create_in<C: ConnectionTrait>(
    conn: &C,
    state: &AppState,
    who: &Who,
    inviter: &str,
    org: &organization::Model,
    email: &Email,
    role: Role,
) -> Result<InvitationSent, AppError> {
    let existing_member = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(conn)
        .await?;
    if let Some(u) = existing_member {
        // access: allow — the invitation's organization, which the caller
        // chose: its own, or a supplier it has just registered.
        let m = membership::Entity::find()
            .filter(membership::Column::UserId.eq(u.id))
            .filter(membership::Column::OrganizationId.eq(org.id))
            .filter(membership::Column::IsActive.eq(true))
            .one(conn)
            .await?;
        if m.is_some() {
            return Err(AppError::invalid(
                "email",
                format!("{} is already a member.", email.as_str()),
            ));
        }
    }
    let now = state.clock.now();
    // access: allow — as above, the invitation's organization.
    let pending = invitation::Entity::find()
        .filter(invitation::Column::OrganizationId.eq(org.id))
        .filter(invitation::Column::Email.eq(email.as_str()))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .filter(invitation::Column::ExpiresAt.gt(now))
        .one(conn)
        .await?;
    if pending.is_some() {
        return Err(AppError::invalid(
            "email",
            format!(
                "{} already has a pending invitation. Renew its link in the list below instead.",
                email.as_str()
            ),
        ));
    }
    let token = tokens::new_token();
    let row = invitation::ActiveModel {
        organization_id: Set(org.id),
        email: Set(email.as_str().to_string()),
        role: Set(role),
        token_hash: Set(tokens::hash_token(&token)),
        invited_by: Set((who.user_id.map(|u| u.0)).map(UserId)),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(VALID_DAYS)),
        accepted_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    audit::record(
        conn,
        who,
        Event {
            org: Some(org.id),
            action: "invitation.created",
            object_type: "invitation",
            object_id: row.id.to_string(),
            before: None,
            after: Some(json!({"email": row.email, "role": row.role})),
        },
    )
    .await?;
    send_link(conn, state, org.id, &org.name, inviter, &row, &token).await
}

#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn invite(
    actor: &Actor,
    state: &AppState,
    input: MemberInvite,
) -> Result<InvitationSent, AppError> {
    let info = actor.request();
    actor.require(Permission::ManageMembers)?;
    let MemberInvite { email, role } = input;
    let txn = db::write_txn(&state.writer).await?;
    let org = organization::Entity::find_by_id(actor.org_id())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let who = Who::user(actor.audit_key(), actor.user_id(), &info.request_id);
    let sent = create_in(&txn, state, &who, actor.email(), &org, &email, role).await?;
    txn.commit().await?;
    Ok(sent)
}

/// Issues a fresh link for a pending, expired or revoked invitation; the old
/// link stops working.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn renew(
    actor: &Actor,
    state: &AppState,
    id: InvitationId,
) -> Result<InvitationSent, AppError> {
    let info = actor.request();
    actor.require(Permission::ManageMembers)?;
    let txn = db::write_txn(&state.writer).await?;
    let row = find_owned::<invitation::Entity, _>(&txn, actor, id).await?;
    if row.accepted_at.is_some() {
        return Err(AppError::Conflict(
            "This invitation was already accepted.".into(),
        ));
    }
    let org = organization::Entity::find_by_id(actor.org_id())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let token = tokens::new_token();
    let now = state.clock.now();
    let mut am: invitation::ActiveModel = row.into_inner().into();
    am.token_hash = Set(tokens::hash_token(&token));
    am.expires_at = Set(now + Duration::days(VALID_DAYS));
    am.revoked_at = Set(None);
    am.failed_attempts = Set(0);
    let row = am.update(&txn).await?;
    audit::record(
        &txn,
        &Who::user(actor.audit_key(), actor.user_id(), &info.request_id),
        Event {
            org: Some(actor.org_id()),
            action: "invitation.renewed",
            object_type: "invitation",
            object_id: row.id.to_string(),
            before: None,
            after: Some(json!({"expires_at": row.expires_at})),
        },
    )
    .await?;
    let sent = send_link(
        &txn,
        state,
        actor.org_id(),
        &org.name,
        actor.email(),
        &row,
        &token,
    )
    .await?;
    txn.commit().await?;
    Ok(sent)
}

#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn revoke(actor: &Actor, state: &AppState, id: InvitationId) -> Result<(), AppError> {
    let info = actor.request();
    actor.require(Permission::ManageMembers)?;
    let txn = db::write_txn(&state.writer).await?;
    let row = find_owned::<invitation::Entity, _>(&txn, actor, id).await?;
    if row.accepted_at.is_some() {
        return Err(AppError::Conflict(
            "This invitation was already accepted.".into(),
        ));
    }
    if row.revoked_at.is_some() {
        return Ok(());
    }
    let mut am: invitation::ActiveModel = row.into_inner().into();
    am.revoked_at = Set(Some(state.clock.now()));
    am.update(&txn).await?;
    audit::record(
        &txn,
        &Who::user(actor.audit_key(), actor.user_id(), &info.request_id),
        Event {
            org: Some(actor.org_id()),
            action: "invitation.revoked",
            object_type: "invitation",
            object_id: id.to_string(),
            before: None,
            after: None,
        },
    )
    .await?;
    Ok(txn.commit().await?)
}

fn invalid_link() -> AppError {
    AppError::invalid(
        "token",
        "This invitation link is invalid, expired or already used. Ask the person who invited you for a new one.",
    )
}

fn locked_link() -> AppError {
    AppError::invalid(
        "token",
        "This invitation was locked after too many wrong passwords. Ask the person who invited you for a new link.",
    )
}

async fn pending_by_token<C: ConnectionTrait>(
    conn: &C,
    token: &str,
    now: DateTime<Utc>,
) -> Result<invitation::Model, AppError> {
    if !tokens::looks_like_token(token) {
        return Err(invalid_link());
    }
    // access: allow — the link's token is the credential.
    let row = invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(tokens::hash_token(token)))
        .one(conn)
        .await?
        .ok_or_else(invalid_link)?;
    match status_at(&row, now) {
        InvitationStatus::Pending => Ok(row),
        InvitationStatus::Locked => Err(locked_link()),
        _ => Err(invalid_link()),
    }
}

/// What the link shows. Whether the address already has an account is told
/// only to that account, signed in: the inviter may hold the link.
pub async fn preview(
    state: &AppState,
    token: &str,
    visitor: Option<&Actor>,
) -> Result<InvitationPreview, AppError> {
    let row = pending_by_token(&state.db, token, state.clock.now()).await?;
    let org = organization::Entity::find_by_id(row.organization_id)
        .one(&state.db)
        .await?
        .ok_or_else(invalid_link)?;
    Ok(InvitationPreview {
        org_name: org.name,
        signed_in_as_invitee: visitor.is_some_and(|a| a.email() == row.email),
        email: row.email,
        role: row.role,
    })
}

/// Counts a wrong password given through the link; true when that locked it.
async fn count_failure(state: &AppState, id: i64) -> Result<bool, AppError> {
    invitation::Entity::update_many()
        .col_expr(
            invitation::Column::FailedAttempts,
            Expr::col(invitation::Column::FailedAttempts).add(1),
        )
        .filter(invitation::Column::Id.eq(id))
        .exec(&state.writer)
        .await?;
    // access: allow — the link found by its token above.
    let row = invitation::Entity::find_by_id(InvitationId(id))
        .one(&state.writer)
        .await?;
    Ok(row.is_some_and(|r| r.failed_attempts >= MAX_FAILED_ATTEMPTS))
}

/// The password of an existing account given through a link, checked under
/// the same throttle as signing in (a link is not a way around it). `None`
/// when it does not fit or the account is deactivated: the caller counts the
/// failure against its link.
pub(crate) async fn check_account_password(
    state: &AppState,
    u: &user::Model,
    password: &str,
    info: &RequestInfo,
) -> Result<Option<throttle::Attempt>, AppError> {
    let reserved = throttle::reserve(&state.writer, &u.email, &info.client_addr)
        .await?
        .map_err(throttle::rate_limited)?;
    let ok = password.len() <= 1024
        && state
            .hasher
            .verify(password, Some(u.password_hash.clone()))
            .await?;
    throttle::admit(&state.writer, &reserved)
        .await?
        .map_err(throttle::rate_limited)?;
    if !ok || !u.is_active {
        throttle::failed(reserved);
        return Ok(None);
    }
    Ok(Some(reserved))
}

pub(crate) fn wrong_password() -> AppError {
    AppError::invalid(
        "password",
        "This password does not fit. If you already use Pactline with this address, enter that account's password.",
    )
}

/// The checked name and the password's hash for an account created through
/// a link.
pub(crate) async fn new_account(
    state: &AppState,
    email: &str,
    display_name: &str,
    password: &str,
) -> Result<(String, String), AppError> {
    let name = parse_name("display_name", display_name, 200)?;
    check_password_shape(password).map_err(|m| AppError::invalid("password", m))?;
    check_policy(password, &[email, &name])?;
    Ok((name, state.hasher.hash(password).await?))
}

/// A new, active account made through a link (inside the caller's
/// transaction).
pub(crate) async fn insert_user<C: ConnectionTrait>(
    conn: &C,
    email: &str,
    name: String,
    hash: String,
    now: DateTime<Utc>,
) -> Result<UserId, AppError> {
    Ok(user::ActiveModel {
        email: Set(email.to_string()),
        display_name: Set(name),
        password_hash: Set(hash),
        is_active: Set(true),
        created_at: Set(now),
        password_changed_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?
    .id)
}

/// Accepts an invitation: creates the account (or, for an existing account,
/// checks its password), adds the membership and starts a session in the
/// organization. Returns the session token.
pub async fn accept(
    state: &AppState,
    token: &str,
    display_name: &str,
    password: &str,
    info: &RequestInfo,
) -> Result<String, AppError> {
    let db = &state.db;
    let row = pending_by_token(db, token, state.clock.now()).await?;
    let existing = user::Entity::find()
        .filter(user::Column::Email.eq(row.email.as_str()))
        .one(db)
        .await?;
    let mut attempt = None;
    let new_hash = match &existing {
        Some(u) => match check_account_password(state, u, password, info).await? {
            Some(reserved) => {
                attempt = Some(reserved);
                None
            }
            None => {
                if count_failure(state, row.id.0).await? {
                    return Err(locked_link());
                }
                return Err(wrong_password());
            }
        },
        None => Some(new_account(state, &row.email, display_name, password).await?),
    };
    let now = state.clock.now();
    let txn = db::write_txn(&state.writer).await?;
    // Single use, even when the link is opened twice at once.
    let claimed = invitation::Entity::update_many()
        .col_expr(invitation::Column::AcceptedAt, Expr::value(Some(now)))
        .filter(invitation::Column::Id.eq(row.id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(invalid_link());
    }
    if let Some(attempt) = attempt {
        throttle::succeeded(&txn, attempt).await?;
    }
    let user_id = match (existing, new_hash) {
        (Some(u), _) => u.id,
        (None, Some((name, hash))) => insert_user(&txn, &row.email, name, hash, now).await?,
        (None, None) => unreachable!("a new account always has a password hash"),
    };
    // access: allow — the invitation's token is the credential; its
    // organization and the accepting user.
    let prior = membership::Entity::find()
        .filter(membership::Column::UserId.eq(user_id))
        .filter(membership::Column::OrganizationId.eq(row.organization_id))
        .one(&txn)
        .await?;
    let membership_id = match prior {
        Some(m) if m.is_active => {
            return Err(AppError::Conflict(
                "You are already a member of this organization.".into(),
            ))
        }
        Some(m) => {
            let mut am: membership::ActiveModel = m.into();
            am.is_active = Set(true);
            am.role = Set(row.role);
            am.update(&txn).await?.id
        }
        None => {
            membership::ActiveModel {
                user_id: Set(user_id),
                organization_id: Set(row.organization_id),
                role: Set(row.role),
                is_active: Set(true),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?
            .id
        }
    };
    audit::record(
        &txn,
        &Who::user(&state.audit_key, user_id, &info.request_id),
        Event {
            org: Some(row.organization_id),
            action: "invitation.accepted",
            object_type: "membership",
            object_id: membership_id.to_string(),
            before: None,
            after: Some(json!({"invitation": row.id, "user_id": user_id, "role": row.role})),
        },
    )
    .await?;
    let session =
        session::create(&txn, state, user_id, row.organization_id, info, "password").await?;
    txn.commit().await?;
    Ok(session)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invitation_status_follows_its_dates() {
        let now = Utc::now();
        let later = now + Duration::days(1);
        let earlier = now - Duration::days(1);
        assert_eq!(
            status_of(None, None, later, 0, now),
            InvitationStatus::Pending
        );
        assert_eq!(
            status_of(None, None, later, MAX_FAILED_ATTEMPTS - 1, now),
            InvitationStatus::Pending
        );
        assert_eq!(
            status_of(None, None, later, MAX_FAILED_ATTEMPTS, now),
            InvitationStatus::Locked
        );
        assert_eq!(
            status_of(None, None, earlier, 0, now),
            InvitationStatus::Expired
        );
        assert_eq!(
            status_of(None, None, now, 0, now),
            InvitationStatus::Expired
        );
        assert_eq!(
            status_of(None, Some(earlier), later, 0, now),
            InvitationStatus::Revoked
        );
        assert_eq!(
            status_of(Some(earlier), None, earlier, 0, now),
            InvitationStatus::Accepted
        );
        assert_eq!(
            status_of(Some(earlier), Some(earlier), later, 0, now),
            InvitationStatus::Accepted
        );
    }
}
