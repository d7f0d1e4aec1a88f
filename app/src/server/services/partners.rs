//! Invitations from one organization to another: an asset owner asks a
//! supplier to work with it, or an assessor into one engagement.
//!
//! Nothing is created or linked when the invitation is sent: the recipient
//! accepts through the link, either creating a new organization or linking
//! one they already administer. So the inviter's answer is the same whatever
//! organizations and accounts exist, and no organization becomes someone's
//! supplier without its own admin's consent.

use super::{
    invitations::{self, MAX_FAILED_ATTEMPTS, VALID_DAYS},
    suppliers::name_key,
    ts,
};
use crate::model::{
    parse_name, AppError, EngagementId, InvitationStatus, OrgId, OrgInvite, OrgKind, OwnOrg,
    Parsed, PartnerInvitationDto, PartnerInvitationId, PartnerInvitationPreview,
    PartnerInvitationSent, Permission, Role, UserId,
};
use crate::server::{
    access::{find_owned, scoped},
    audit::{self, Event, Who},
    db,
    entities::{
        assessment, engagement, engagement_assessor, membership, organization, partner_invitation,
        supplier_link, user,
    },
    mail::Mail,
    respond::unless_taken,
    session::{self, RequestInfo},
    tokens, Actor, AppState,
};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::json;

fn status_at(i: &partner_invitation::Model, now: DateTime<Utc>) -> InvitationStatus {
    invitations::status_of(
        i.accepted_at,
        i.revoked_at,
        i.expires_at,
        i.failed_attempts,
        now,
    )
}

fn kind_of(i: &partner_invitation::Model) -> OrgKind {
    OrgKind::parse(&i.org_kind).unwrap_or(OrgKind::ProductSupplier)
}

fn dto(i: &partner_invitation::Model, now: DateTime<Utc>) -> PartnerInvitationDto {
    PartnerInvitationDto {
        id: i.id,
        org_name: i.org_name.clone(),
        kind: kind_of(i),
        email: i.email.clone(),
        engagement_id: i.engagement_id,
        status: status_at(i, now),
        created_at: ts(i.created_at),
        expires_at: ts(i.expires_at),
    }
}

/// Who may send, renew and revoke an invitation of this purpose.
fn permission(engagement: Option<EngagementId>) -> Permission {
    match engagement {
        None => Permission::InviteSuppliers,
        Some(_) => Permission::ManageEngagements,
    }
}

/// Mails the link to the recipient (or, without SMTP, returns it once).
async fn send_link<C: ConnectionTrait>(
    conn: &C,
    state: &AppState,
    inviter: &Actor,
    inviter_org: &str,
    engagement: Option<&str>,
    row: &partner_invitation::Model,
    token: &str,
) -> Result<PartnerInvitationSent, AppError> {
    let link = format!("{}/partner/{token}", state.config.base_url);
    let what = match engagement {
        Some(e) => format!("to assess the engagement “{e}”"),
        None => format!(
            "to answer its security questionnaires as a {}",
            kind_of(row).label().to_lowercase()
        ),
    };
    let body = format!(
        "Hello,\n\n{who} of {inviter_org} invites {name} on Pactline {what}.\n\
         Open this link to accept, as a new organization or as one you already administer \
         (valid until {until}; it works once):\n\n{link}\n\n\
         Nothing is shared with {inviter_org} until you accept.\n",
        who = inviter.email(),
        name = row.org_name,
        until = ts(row.expires_at),
    );
    let redacted = body.replace(&link, "[single-use invitation link withheld]");
    let mail = Mail {
        to: row.email.clone(),
        subject: format!("{inviter_org} invites you to Pactline"),
        body,
    };
    state
        .mailer
        .send(
            conn,
            Some(inviter.org_id()),
            "partner_invitation",
            mail,
            &redacted,
        )
        .await?;
    let emailed = state.mailer.delivers();
    Ok(PartnerInvitationSent {
        invitation: dto(row, state.clock.now()),
        emailed,
        link: (!emailed).then_some(link),
    })
}

async fn org_name<C: ConnectionTrait>(conn: &C, id: OrgId) -> Result<String, AppError> {
    Ok(organization::Entity::find_by_id(id)
        .one(conn)
        .await?
        .map(|o| o.name)
        .unwrap_or_default())
}

/// Creates and sends an invitation (inside the caller's transaction).
async fn create<C: ConnectionTrait>(
    conn: &C,
    state: &AppState,
    actor: &Actor,
    engagement: Option<&engagement::Model>,
    input: OrgInvite,
) -> Result<PartnerInvitationSent, AppError> {
    let now = state.clock.now();
    let engagement_id = engagement.map(|e| e.id);
    let mut pending = scoped::<partner_invitation::Entity>(actor)
        .filter(partner_invitation::Column::Email.eq(input.admin_email.as_str()))
        .filter(partner_invitation::Column::AcceptedAt.is_null())
        .filter(partner_invitation::Column::RevokedAt.is_null())
        .filter(partner_invitation::Column::ExpiresAt.gt(now));
    pending = match engagement_id {
        Some(e) => pending.filter(partner_invitation::Column::EngagementId.eq(e.0)),
        None => pending.filter(partner_invitation::Column::EngagementId.is_null()),
    };
    if pending.one(conn).await?.is_some() {
        return Err(AppError::invalid(
            "admin_email",
            format!(
                "{} already has a pending invitation. Renew its link in the list below instead.",
                input.admin_email.as_str()
            ),
        ));
    }
    let token = tokens::new_token();
    let row = partner_invitation::ActiveModel {
        owner_org_id: Set(actor.org_id()),
        engagement_id: Set(engagement_id),
        org_name: Set(input.name),
        org_kind: Set(input.kind.as_str().to_string()),
        email: Set(input.admin_email.as_str().to_string()),
        token_hash: Set(tokens::hash_token(&token)),
        invited_by: Set(Some(actor.user_id())),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(VALID_DAYS)),
        accepted_at: Set(None),
        accepted_org_id: Set(None),
        revoked_at: Set(None),
        failed_attempts: Set(0),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    audit::by_actor(
        conn,
        actor,
        "partner_invitation.created",
        "partner_invitation",
        row.id,
        None,
        Some(json!({
            "email": row.email, "name": row.org_name, "kind": row.org_kind,
            "engagement": row.engagement_id,
        })),
    )
    .await?;
    let inviter = org_name(conn, actor.org_id()).await?;
    send_link(
        conn,
        state,
        actor,
        &inviter,
        engagement.map(|e| e.name.as_str()),
        &row,
        &token,
    )
    .await
}

/// Invites a supplier: `name` is what the owner calls it, `admin_email` the
/// person who decides on the supplier's side.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn invite_supplier(
    actor: &Actor,
    state: &AppState,
    input: OrgInvite,
) -> Result<PartnerInvitationSent, AppError> {
    actor.require(Permission::InviteSuppliers)?;
    let txn = db::write_txn(&state.writer).await?;
    let sent = create(&txn, state, actor, None, input).await?;
    txn.commit().await?;
    Ok(sent)
}

/// Invites an assessor into one of the actor's engagements.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, engagement_id = ?engagement_id))]
pub async fn invite_assessor(
    actor: &Actor,
    state: &AppState,
    engagement_id: EngagementId,
    input: Parsed<OrgInvite>,
) -> Result<PartnerInvitationSent, AppError> {
    actor.require(Permission::ManageEngagements)?;
    let txn = db::write_txn(&state.writer).await?;
    let e = find_owned::<engagement::Entity, _>(&txn, actor, engagement_id)
        .await?
        .into_inner();
    let input = input.checked()?;
    let sent = create(&txn, state, actor, Some(&e), input).await?;
    txn.commit().await?;
    Ok(sent)
}

/// The actor's invitations to suppliers (`None`) or to assessors of one of
/// its engagements, newest first.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn list(
    actor: &Actor,
    state: &AppState,
    engagement_id: Option<EngagementId>,
) -> Result<Vec<PartnerInvitationDto>, AppError> {
    actor.require(permission(engagement_id))?;
    let q = scoped::<partner_invitation::Entity>(actor);
    let q = match engagement_id {
        Some(e) => {
            find_owned::<engagement::Entity, _>(&state.db, actor, e).await?;
            q.filter(partner_invitation::Column::EngagementId.eq(e.0))
        }
        None => q.filter(partner_invitation::Column::EngagementId.is_null()),
    };
    let rows = q
        .order_by_desc(partner_invitation::Column::Id)
        .limit(200)
        .all(&state.db)
        .await?;
    let now = state.clock.now();
    Ok(rows.iter().map(|i| dto(i, now)).collect())
}

/// A fresh link for an invitation not yet accepted; the old link stops
/// working.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn renew(
    actor: &Actor,
    state: &AppState,
    id: PartnerInvitationId,
) -> Result<PartnerInvitationSent, AppError> {
    let txn = db::write_txn(&state.writer).await?;
    let row = find_owned::<partner_invitation::Entity, _>(&txn, actor, id)
        .await?
        .into_inner();
    actor.require(permission(row.engagement_id))?;
    if row.accepted_at.is_some() {
        return Err(AppError::Conflict(
            "This invitation was already accepted.".into(),
        ));
    }
    let engagement = match row.engagement_id {
        Some(e) => Some(
            find_owned::<engagement::Entity, _>(&txn, actor, e)
                .await?
                .into_inner(),
        ),
        None => None,
    };
    let token = tokens::new_token();
    let now = state.clock.now();
    let mut am: partner_invitation::ActiveModel = row.into();
    am.token_hash = Set(tokens::hash_token(&token));
    am.expires_at = Set(now + Duration::days(VALID_DAYS));
    am.revoked_at = Set(None);
    am.failed_attempts = Set(0);
    let row = am.update(&txn).await?;
    audit::by_actor(
        &txn,
        actor,
        "partner_invitation.renewed",
        "partner_invitation",
        row.id,
        None,
        Some(json!({"expires_at": row.expires_at})),
    )
    .await?;
    let inviter = org_name(&txn, actor.org_id()).await?;
    let sent = send_link(
        &txn,
        state,
        actor,
        &inviter,
        engagement.as_ref().map(|e| e.name.as_str()),
        &row,
        &token,
    )
    .await?;
    txn.commit().await?;
    Ok(sent)
}

#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn revoke(
    actor: &Actor,
    state: &AppState,
    id: PartnerInvitationId,
) -> Result<(), AppError> {
    let txn = db::write_txn(&state.writer).await?;
    let row = find_owned::<partner_invitation::Entity, _>(&txn, actor, id)
        .await?
        .into_inner();
    actor.require(permission(row.engagement_id))?;
    if row.accepted_at.is_some() {
        return Err(AppError::Conflict(
            "This invitation was already accepted.".into(),
        ));
    }
    if row.revoked_at.is_some() {
        return Ok(());
    }
    let mut am: partner_invitation::ActiveModel = row.into();
    am.revoked_at = Set(Some(state.clock.now()));
    am.update(&txn).await?;
    audit::by_actor(
        &txn,
        actor,
        "partner_invitation.revoked",
        "partner_invitation",
        id,
        None,
        None,
    )
    .await?;
    Ok(txn.commit().await?)
}

fn invalid_link() -> AppError {
    AppError::invalid(
        "token",
        "This invitation link is invalid, expired or already used. Ask the organization that invited you for a new one.",
    )
}

fn locked_link() -> AppError {
    AppError::invalid(
        "token",
        "This invitation was locked after too many wrong passwords. Ask the organization that invited you for a new link.",
    )
}

async fn pending_by_token<C: ConnectionTrait>(
    conn: &C,
    token: &str,
    now: DateTime<Utc>,
) -> Result<partner_invitation::Model, AppError> {
    if !tokens::looks_like_token(token) {
        return Err(invalid_link());
    }
    // access: allow — the link's token is the credential.
    let row = partner_invitation::Entity::find()
        .filter(partner_invitation::Column::TokenHash.eq(tokens::hash_token(token)))
        .one(conn)
        .await?
        .ok_or_else(invalid_link)?;
    match status_at(&row, now) {
        InvitationStatus::Pending => Ok(row),
        InvitationStatus::Locked => Err(locked_link()),
        _ => Err(invalid_link()),
    }
}

/// The organizations `user` administers, other than `except`.
async fn administered<C: ConnectionTrait>(
    conn: &C,
    user: UserId,
    except: OrgId,
) -> Result<Vec<OwnOrg>, AppError> {
    // access: allow — the signed-in invitee's own admin memberships.
    let ids: Vec<OrgId> = membership::Entity::find()
        .filter(membership::Column::UserId.eq(user.0))
        .filter(membership::Column::IsActive.eq(true))
        .filter(membership::Column::Role.eq(Role::Admin))
        .filter(membership::Column::OrganizationId.ne(except.0))
        .all(conn)
        .await?
        .into_iter()
        .map(|m| m.organization_id)
        .collect();
    let mut orgs: Vec<OwnOrg> = organization::Entity::find()
        .filter(organization::Column::Id.is_in(ids.iter().map(|i| i.0)))
        .all(conn)
        .await?
        .into_iter()
        .map(|o| OwnOrg {
            id: o.id,
            name: o.name,
        })
        .collect();
    orgs.sort_by_key(|o| o.name.to_lowercase());
    Ok(orgs)
}

/// What the link shows. Which organizations the visitor administers is
/// shown only to the invitee, signed in.
pub async fn preview(
    state: &AppState,
    token: &str,
    visitor: Option<&Actor>,
) -> Result<PartnerInvitationPreview, AppError> {
    let row = pending_by_token(&state.db, token, state.clock.now()).await?;
    let invitee = visitor.filter(|a| a.email() == row.email);
    let own_orgs = match invitee {
        Some(a) => administered(&state.db, a.user_id(), row.owner_org_id).await?,
        None => vec![],
    };
    let engagement = match row.engagement_id {
        // access: allow — the engagement the link's token names.
        Some(e) => engagement::Entity::find_by_id(e)
            .one(&state.db)
            .await?
            .map(|e| e.name),
        None => None,
    };
    Ok(PartnerInvitationPreview {
        inviter: org_name(&state.db, row.owner_org_id).await?,
        engagement,
        kind: kind_of(&row),
        proposed_name: row.org_name,
        email: row.email,
        signed_in_as_invitee: invitee.is_some(),
        own_orgs,
    })
}

/// How the recipient accepts.
#[derive(Clone, Debug)]
pub enum Acceptance {
    /// As an organization the signed-in invitee administers.
    Existing(OrgId),
    /// As a new organization with the invitee as its first admin. A visitor
    /// who is not signed in as the invitee gives a name and password (of a
    /// new account, or of the address's existing one).
    New {
        org_name: String,
        display_name: String,
        password: String,
    },
}

/// What accepting did: the organization, and a new session's token when
/// the visitor was not signed in as the invitee.
#[derive(Debug)]
pub struct Accepted {
    pub org_id: OrgId,
    pub session: Option<String>,
}

async fn count_failure(state: &AppState, id: PartnerInvitationId) -> Result<bool, AppError> {
    partner_invitation::Entity::update_many()
        .col_expr(
            partner_invitation::Column::FailedAttempts,
            Expr::col(partner_invitation::Column::FailedAttempts).add(1),
        )
        .filter(partner_invitation::Column::Id.eq(id.0))
        .exec(&state.writer)
        .await?;
    // access: allow — the link found by its token.
    let row = partner_invitation::Entity::find_by_id(id)
        .one(&state.writer)
        .await?;
    Ok(row.is_some_and(|r| r.failed_attempts >= MAX_FAILED_ATTEMPTS))
}

/// Organization names are not unique on Pactline (a name taken elsewhere
/// must not be an oracle): the stored key gets a random suffix when the
/// plain one is in use.
async fn free_name_key<C: ConnectionTrait>(conn: &C, name: &str) -> Result<String, AppError> {
    let key = name_key(name);
    let taken = organization::Entity::find()
        .filter(organization::Column::NameKey.eq(key.as_str()))
        .one(conn)
        .await?
        .is_some();
    Ok(if taken {
        format!("{key}#{}", &tokens::new_token()[..12])
    } else {
        key
    })
}

/// Accepts an invitation to an organization.
pub async fn accept(
    state: &AppState,
    token: &str,
    how: Acceptance,
    visitor: Option<&Actor>,
    info: &RequestInfo,
) -> Result<Accepted, AppError> {
    let now = state.clock.now();
    let row = pending_by_token(&state.db, token, now).await?;
    let invitee = visitor.filter(|a| a.email() == row.email);
    // Who accepts, checked before anything is written.
    enum By {
        SignedIn(UserId),
        Existing(UserId, crate::server::throttle::Attempt),
        NewAccount(String, String),
    }
    let (by, new_org) = match &how {
        Acceptance::Existing(org) => {
            let Some(a) = invitee else {
                return Err(AppError::invalid(
                    "org",
                    format!(
                        "Sign in as {} to accept for an organization you administer.",
                        row.email
                    ),
                ));
            };
            if !administered(&state.db, a.user_id(), row.owner_org_id)
                .await?
                .iter()
                .any(|o| o.id == *org)
            {
                return Err(AppError::invalid(
                    "org",
                    "Choose an organization you administer.",
                ));
            }
            (By::SignedIn(a.user_id()), None)
        }
        Acceptance::New {
            org_name,
            display_name,
            password,
        } => {
            let name = parse_name("org_name", org_name, 200)?;
            let by = match invitee {
                Some(a) => By::SignedIn(a.user_id()),
                None => {
                    let existing = user::Entity::find()
                        .filter(user::Column::Email.eq(row.email.as_str()))
                        .one(&state.db)
                        .await?;
                    match existing {
                        Some(u) => {
                            match invitations::check_account_password(state, &u, password, info)
                                .await?
                            {
                                Some(attempt) => By::Existing(u.id, attempt),
                                None => {
                                    if count_failure(state, row.id).await? {
                                        return Err(locked_link());
                                    }
                                    return Err(invitations::wrong_password());
                                }
                            }
                        }
                        None => {
                            let (n, hash) =
                                invitations::new_account(state, &row.email, display_name, password)
                                    .await?;
                            By::NewAccount(n, hash)
                        }
                    }
                }
            };
            (by, Some(name))
        }
    };

    let txn = db::write_txn(&state.writer).await?;
    // Single use, even when the link is opened twice at once.
    let claimed = partner_invitation::Entity::update_many()
        .col_expr(
            partner_invitation::Column::AcceptedAt,
            Expr::value(Some(now)),
        )
        .filter(partner_invitation::Column::Id.eq(row.id.0))
        .filter(partner_invitation::Column::AcceptedAt.is_null())
        .filter(partner_invitation::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(invalid_link());
    }
    let (user_id, fresh_session) = match by {
        By::SignedIn(u) => (u, false),
        By::Existing(u, attempt) => {
            crate::server::throttle::succeeded(&txn, attempt).await?;
            (u, true)
        }
        By::NewAccount(name, hash) => (
            invitations::insert_user(&txn, &row.email, name, hash, now).await?,
            true,
        ),
    };
    let who = Who::user(&state.audit_key, user_id, &info.request_id);
    let kind = kind_of(&row);
    let org = match (&how, new_org) {
        (_, Some(name)) => {
            let org = organization::ActiveModel {
                name_key: Set(free_name_key(&txn, &name).await?),
                name: Set(name),
                kinds: Set(OrgKind::join(&[kind])),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            membership::ActiveModel {
                user_id: Set(user_id),
                organization_id: Set(org.id),
                role: Set(Role::Admin),
                is_active: Set(true),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            audit::record(
                &txn,
                &who,
                Event {
                    org: Some(org.id),
                    action: "organization.created",
                    object_type: "organization",
                    object_id: org.id.to_string(),
                    before: None,
                    after: Some(json!({
                        "name": org.name, "kinds": org.kinds,
                        "invitation": row.id, "invited_by_org": row.owner_org_id,
                    })),
                },
            )
            .await?;
            org
        }
        (Acceptance::Existing(id), None) => {
            let org = organization::Entity::find_by_id(*id)
                .one(&txn)
                .await?
                .ok_or(AppError::NotFound)?;
            let mut kinds = OrgKind::parse_list(&org.kinds);
            if kinds.contains(&kind) {
                org
            } else {
                kinds.push(kind);
                let mut am: organization::ActiveModel = org.into();
                am.kinds = Set(OrgKind::join(&kinds));
                am.update(&txn).await?
            }
        }
        (Acceptance::New { .. }, None) => unreachable!("a new organization always has a name"),
    };
    partner_invitation::Entity::update_many()
        .col_expr(
            partner_invitation::Column::AcceptedOrgId,
            Expr::value(Some(org.id.0)),
        )
        .filter(partner_invitation::Column::Id.eq(row.id.0))
        .exec(&txn)
        .await?;
    link(&txn, state, &row, &org, user_id).await?;
    audit::record(
        &txn,
        &who,
        Event {
            org: Some(org.id),
            action: "partner_invitation.accepted",
            object_type: "organization",
            object_id: org.id.to_string(),
            before: None,
            after: Some(json!({
                "invitation": row.id, "inviter": row.owner_org_id,
                "engagement": row.engagement_id, "kind": kind,
            })),
        },
    )
    .await?;
    audit::record(
        &txn,
        &who,
        Event {
            org: Some(row.owner_org_id),
            action: match row.engagement_id {
                Some(_) => "engagement.assessor_joined",
                None => "supplier.linked",
            },
            object_type: "organization",
            object_id: org.id.to_string(),
            before: None,
            after: Some(
                json!({"invitation": row.id, "name": org.name, "engagement": row.engagement_id}),
            ),
        },
    )
    .await?;
    tell_inviter(&txn, state, &row, &org.name).await?;
    let session = if fresh_session {
        Some(session::create(&txn, state, user_id, org.id, info, "password").await?)
    } else {
        if let Some(a) = invitee {
            session::switch_org(&txn, a, org.id).await?;
        }
        None
    };
    txn.commit().await?;
    Ok(Accepted {
        org_id: org.id,
        session,
    })
}

/// The link the invitation asked for: a supplier of the inviter, or an
/// assessor in its engagement (never one of the engagement's suppliers).
async fn link<C: ConnectionTrait>(
    txn: &C,
    state: &AppState,
    row: &partner_invitation::Model,
    org: &organization::Model,
    user_id: UserId,
) -> Result<(), AppError> {
    if org.id == row.owner_org_id {
        return Err(AppError::invalid(
            "org",
            "That is the organization that sent the invitation.",
        ));
    }
    let now = state.clock.now();
    match row.engagement_id {
        None => {
            supplier_link::ActiveModel {
                owner_org_id: Set(row.owner_org_id),
                supplier_org_id: Set(org.id),
                created_by: Set(row.invited_by),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(txn)
            .await
            // ux_supplier_links: an owner links a supplier once.
            .map_err(|err| {
                unless_taken(err, || {
                    AppError::Conflict(format!("{} already works with this asset owner.", org.name))
                })
            })?;
        }
        Some(e) => {
            // access: allow — the engagement the accepted link names; the
            // accepting organization must not answer in it.
            let answers_here = assessment::Entity::find()
                .filter(assessment::Column::EngagementId.eq(e.0))
                .filter(assessment::Column::SupplierOrgId.eq(org.id.0))
                .one(txn)
                .await?;
            if answers_here.is_some() {
                return Err(AppError::invalid(
                    "org",
                    format!(
                        "{} answers a questionnaire in this engagement; an assessor must not be one of its suppliers.",
                        org.name
                    ),
                ));
            }
            engagement_assessor::ActiveModel {
                engagement_id: Set(e),
                owner_org_id: Set(row.owner_org_id),
                assessor_org_id: Set(org.id),
                invited_by: Set(row.invited_by.or(Some(user_id))),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(txn)
            .await
            // ux_engagement_assessors: once per engagement.
            .map_err(|err| {
                unless_taken(err, || {
                    AppError::Conflict(format!(
                        "{} is already an assessor in this engagement.",
                        org.name
                    ))
                })
            })?;
        }
    }
    Ok(())
}

/// The person who sent the invitation hears that it was accepted.
async fn tell_inviter<C: ConnectionTrait>(
    txn: &C,
    state: &AppState,
    row: &partner_invitation::Model,
    accepted_as: &str,
) -> Result<(), AppError> {
    let Some(inviter) = row.invited_by else {
        return Ok(());
    };
    let Some(u) = user::Entity::find_by_id(inviter).one(txn).await? else {
        return Ok(());
    };
    let page = match row.engagement_id {
        Some(e) => format!("{}/engagements/{e}", state.config.base_url),
        None => format!("{}/suppliers", state.config.base_url),
    };
    let body = format!(
        "{accepted_as} accepted your invitation sent to {email}.\n\nOpen: {page}\n",
        email = row.email
    );
    state
        .mailer
        .send(
            txn,
            Some(row.owner_org_id),
            "partner_invitation.accepted",
            Mail {
                to: u.email,
                subject: format!("{accepted_as} accepted your invitation"),
                body: body.clone(),
            },
            &body,
        )
        .await?;
    Ok(())
}
