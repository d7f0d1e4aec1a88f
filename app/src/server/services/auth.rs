//! Signing in and out, passwords, password reset, switching organization.

use crate::model::{check_password_shape, AppError, Email, Me, OrgChoice, OrgId};
use crate::server::{
    access,
    audit::{self, Event, Who},
    db,
    entities::{
        identity_provider, login_challenge, membership, organization, passkey, password_reset,
        recovery_code, sign_in_address, user,
    },
    mail::Mail,
    password::check_policy,
    second_factor as factor,
    session::{self, RequestInfo},
    throttle, tokens, Actor, AppState,
};
use chrono::Duration;
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde_json::json;

const BAD_LOGIN: &str = "The e-mail address or password is not right.";
/// The message (and marker) of a right password refused because the
/// organization signs its members in through its identity provider.
pub const SSO_REQUIRED: &str =
    "Your organization signs you in through its identity provider, not with a password.";
pub const RESET_VALID_MINUTES: i64 = 60;

/// Where a right password leads.
#[derive(Debug)]
pub enum LoginOutcome {
    /// Signed in: the session's token, for the cookie.
    Session(String),
    /// The account asks for a second factor: the token of the half-finished
    /// sign-in, for a short-lived cookie of its own ([`answer_challenge`]).
    NeedsCode(String),
}

/// How long a sign-in waits for its second factor, and how many wrong codes
/// it takes before it must start again.
const CHALLENGE_MINUTES: i64 = 5;
const CHALLENGE_TRIES: i32 = 5;

/// Checks the credentials and starts a session; returns its token.
/// Unknown accounts, wrong passwords and inactive accounts all get the same
/// message after the same amount of work.
#[tracing::instrument(skip_all, fields(client = %info.client_addr))]
pub async fn login(
    state: &AppState,
    email: &str,
    password: &str,
    info: &RequestInfo,
) -> Result<LoginOutcome, AppError> {
    let key: String = email.trim().to_lowercase().chars().take(254).collect();
    let attempt = throttle::reserve(&state.writer, &key, &info.client_addr)
        .await?
        .map_err(throttle::rate_limited)?;
    let found = match Email::parse(&key) {
        Ok(e) => {
            user::Entity::find()
                .filter(user::Column::Email.eq(e.as_str()))
                .one(&state.db)
                .await?
        }
        Err(_) => None,
    };
    let membership = match &found {
        Some(u) if u.is_active => {
            // access: allow — sign-in: the user's own first membership, no actor yet.
            membership::Entity::find()
                .filter(membership::Column::UserId.eq(u.id))
                .filter(membership::Column::IsActive.eq(true))
                .order_by_asc(membership::Column::Id)
                .one(&state.db)
                .await?
        }
        _ => None,
    };
    // Bounded input: argon2 of a megabyte is a denial of service.
    let password = if password.len() > 1024 { "" } else { password };
    let verified = state
        .hasher
        .verify(password, found.as_ref().map(|u| u.password_hash.clone()))
        .await?;
    throttle::admit(&state.writer, &attempt)
        .await?
        .map_err(throttle::rate_limited)?;
    let (Some(user), Some(m), true) = (found.clone(), membership.clone(), verified) else {
        throttle::failed(attempt);
        // Under the organization of the account tried, when there is one,
        // so its admins see guessing against their members; the same write
        // whether the address exists or not.
        let who = match &found {
            Some(u) => Who::user(&state.audit_key, u.id, &info.request_id),
            None => Who::system(&state.audit_key, &info.request_id),
        };
        let txn = db::write_txn(&state.writer).await?;
        audit::record(
            &txn,
            &who,
            Event {
                org: membership.as_ref().map(|m| m.organization_id),
                action: "session.login_failed",
                object_type: "user",
                object_id: found.as_ref().map(|u| u.id.to_string()).unwrap_or_default(),
                before: None,
                after: Some(json!({"email": key, "client_addr": info.client_addr})),
            },
        )
        .await?;
        txn.commit().await?;
        return Err(AppError::Validation {
            message: BAD_LOGIN.into(),
            fields: vec![],
        });
    };
    let txn = db::write_txn(&state.writer).await?;
    throttle::succeeded(&txn, attempt).await?;
    // access: allow — sign-in: the policy of the organization being signed in to.
    let sso_only = identity_provider::Entity::find_by_id(m.organization_id)
        .one(&txn)
        .await?
        .is_some_and(|p| p.enforced);
    if sso_only {
        audit::record(
            &txn,
            &Who::user(&state.audit_key, user.id, &info.request_id),
            Event {
                org: Some(m.organization_id),
                action: "session.password_refused",
                object_type: "user",
                object_id: user.id.to_string(),
                before: None,
                after: Some(
                    json!({"client_addr": info.client_addr, "reason": "single sign-on required"}),
                ),
            },
        )
        .await?;
        txn.commit().await?;
        return Err(AppError::invalid("password", SSO_REQUIRED));
    }
    // access: allow — sign-in: whether the account has a passkey for the second step.
    let has_passkey = passkey::Entity::find()
        .filter(passkey::Column::UserId.eq(user.id.0))
        .count(&txn)
        .await?
        > 0;
    if user.totp_secret.is_some() || has_passkey {
        let token = tokens::new_token();
        let now = state.clock.now();
        login_challenge::ActiveModel {
            token_hash: Set(tokens::hash_token(&token)),
            user_id: Set(user.id),
            organization_id: Set(m.organization_id),
            created_at: Set(now),
            expires_at: Set(now + Duration::minutes(CHALLENGE_MINUTES)),
            failed_attempts: Set(0),
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        return Ok(LoginOutcome::NeedsCode(token));
    }
    let token = open_session(&txn, state, &user, m.organization_id, info, "password").await?;
    txn.commit().await?;
    Ok(LoginOutcome::Session(token))
}

/// Finishes a sign-in that waits for its second factor: a code of the
/// user's authenticator app (each time step once) or an unused recovery
/// code. Wrong codes count against the account like wrong passwords, and
/// after five the sign-in must start again. `Unauthenticated` when the
/// sign-in is gone (expired, ended, or never was).
#[tracing::instrument(skip_all, fields(client = %info.client_addr))]
pub async fn answer_challenge(
    state: &AppState,
    token: &str,
    code: &str,
    info: &RequestInfo,
) -> Result<String, AppError> {
    let hash = tokens::hash_token(token);
    let now = state.clock.now();
    // access: allow — sign-in: the half-finished sign-in named by its own token.
    let Some(ch) = login_challenge::Entity::find_by_id(hash.clone())
        .one(&state.db)
        .await?
        .filter(|c| c.expires_at > now)
    else {
        return Err(AppError::Unauthenticated);
    };
    // access: allow — sign-in: the account the challenge belongs to.
    let Some(user) = user::Entity::find_by_id(ch.user_id)
        .one(&state.db)
        .await?
        .filter(|u| u.is_active)
    else {
        return Err(AppError::Unauthenticated);
    };
    let Some(secret) = user.totp_secret.clone() else {
        return Err(AppError::Unauthenticated);
    };
    let attempt = throttle::reserve(&state.writer, &user.email, &info.client_addr)
        .await?
        .map_err(throttle::rate_limited)?;
    let code = code.chars().take(64).collect::<String>();
    let step = factor::check(
        &factor::open(&state.secrets, &secret)?,
        &user.email,
        &code,
        now.timestamp(),
    )?;
    let recovery = match step {
        None => factor::unused_recovery_code(&state.db, user.id, &code).await?,
        Some(_) => None,
    };
    throttle::admit(&state.writer, &attempt)
        .await?
        .map_err(throttle::rate_limited)?;
    let txn = db::write_txn(&state.writer).await?;
    // Each code once: a time step only after the last one used, a recovery
    // code only while unused (both checked in the write itself).
    let used = match (step, &recovery) {
        (Some(step), _) => {
            user::Entity::update_many()
                .col_expr(user::Column::TotpLastStep, Expr::value(step))
                .filter(user::Column::Id.eq(user.id.0))
                .filter(
                    sea_orm::Condition::any()
                        .add(user::Column::TotpLastStep.is_null())
                        .add(user::Column::TotpLastStep.lt(step)),
                )
                .exec(&txn)
                .await?
                .rows_affected
                == 1
        }
        (None, Some(r)) => {
            recovery_code::Entity::update_many()
                .col_expr(recovery_code::Column::UsedAt, Expr::value(now))
                .filter(recovery_code::Column::Id.eq(r.id))
                .filter(recovery_code::Column::UsedAt.is_null())
                .exec(&txn)
                .await?
                .rows_affected
                == 1
        }
        (None, None) => false,
    };
    if !used {
        drop(txn);
        throttle::failed(attempt);
        let txn = db::write_txn(&state.writer).await?;
        let tries = ch.failed_attempts + 1;
        if tries >= CHALLENGE_TRIES {
            login_challenge::Entity::delete_by_id(hash)
                .exec(&txn)
                .await?;
        } else {
            login_challenge::Entity::update_many()
                .col_expr(login_challenge::Column::FailedAttempts, Expr::value(tries))
                .filter(login_challenge::Column::TokenHash.eq(hash))
                .exec(&txn)
                .await?;
        }
        audit::record(
            &txn,
            &Who::user(&state.audit_key, user.id, &info.request_id),
            Event {
                org: Some(ch.organization_id),
                action: "session.second_factor_failed",
                object_type: "user",
                object_id: user.id.to_string(),
                before: None,
                after: Some(json!({"client_addr": info.client_addr, "tries": tries})),
            },
        )
        .await?;
        txn.commit().await?;
        if tries >= CHALLENGE_TRIES {
            return Err(AppError::Unauthenticated);
        }
        return Err(AppError::invalid(
            "code",
            if step.is_some() {
                "That code was used already: wait for the next one your app shows."
            } else {
                "That code is not right: type the six digits your app shows now, or a recovery code."
            },
        ));
    }
    login_challenge::Entity::delete_by_id(hash)
        .exec(&txn)
        .await?;
    throttle::succeeded(&txn, attempt).await?;
    let method = if step.is_some() {
        "totp"
    } else {
        "recovery_code"
    };
    let token = open_session(&txn, state, &user, ch.organization_id, info, method).await?;
    if recovery.is_some() {
        // access: allow — sign-in: the account's own recovery codes.
        let left = recovery_code::Entity::find()
            .filter(recovery_code::Column::UserId.eq(user.id.0))
            .filter(recovery_code::Column::UsedAt.is_null())
            .count(&txn)
            .await?;
        let body = format!(
            "A recovery code was used to sign in to your Pactline account ({}) from {}; {left} are left. If that was not you, reset your password at once: {}/login\n",
            user.email, info.client_addr, state.config.base_url
        );
        security_notice(
            &txn,
            state,
            Some(ch.organization_id),
            &user.email,
            "a recovery code was used",
            &body,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(token)
}

/// Starts the session of a user whose sign-in is complete: the session, the
/// address remembered (an address new to the account tells its owner) and
/// the audit event saying how the user signed in.
pub(crate) async fn open_session(
    txn: &sea_orm::DatabaseTransaction,
    state: &AppState,
    user: &user::Model,
    org: OrgId,
    info: &RequestInfo,
    method: &str,
) -> Result<String, AppError> {
    let token = session::create(txn, state, user.id, org, info, method).await?;
    if remember_address(txn, state, user.id, &info.client_addr).await? {
        let body = format!(
            "Someone signed in to your Pactline account ({}) from an address it has not been used from before: {}, {}, at {}.\n\nIf that was you, there is nothing to do. If not, change your password now and end the other sessions on your account page: {}/account\n",
            user.email,
            info.client_addr,
            crate::model::browser_label(&info.user_agent),
            super::ts(state.clock.now()),
            state.config.base_url,
        );
        security_notice(
            txn,
            state,
            Some(org),
            &user.email,
            "New sign-in to your Pactline account",
            &body,
        )
        .await?;
    }
    audit::record(
        txn,
        &Who::user(&state.audit_key, user.id, &info.request_id),
        Event {
            org: Some(org),
            action: "session.login",
            object_type: "user",
            object_id: user.id.to_string(),
            before: None,
            after: Some(json!({"client_addr": info.client_addr, "method": method})),
        },
    )
    .await?;
    Ok(token)
}

/// Remembers that `user` signed in from `addr`; true when the address is
/// new to an account that has signed in before (its owner is told).
async fn remember_address(
    txn: &sea_orm::DatabaseTransaction,
    state: &AppState,
    user: crate::model::UserId,
    addr: &str,
) -> Result<bool, AppError> {
    use sea_orm::sea_query::OnConflict;
    let addr: String = addr.chars().take(64).collect();
    // access: allow — sign-in: the account's own addresses, no actor yet.
    let known = sign_in_address::Entity::find()
        .filter(sign_in_address::Column::UserId.eq(user.0))
        .all(txn)
        .await?;
    let now = state.clock.now();
    sign_in_address::Entity::insert(sign_in_address::ActiveModel {
        user_id: Set(user),
        client_addr: Set(addr.clone()),
        first_seen_at: Set(now),
        last_seen_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([
            sign_in_address::Column::UserId,
            sign_in_address::Column::ClientAddr,
        ])
        .update_column(sign_in_address::Column::LastSeenAt)
        .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    Ok(!known.is_empty() && !known.iter().any(|k| k.client_addr == addr))
}

/// A message about the account's own security (a new sign-in, a changed
/// password): always at once, whatever the user chose for notifications.
pub(crate) async fn security_notice(
    txn: &sea_orm::DatabaseTransaction,
    state: &AppState,
    org: Option<OrgId>,
    to: &str,
    subject: &str,
    body: &str,
) -> Result<(), AppError> {
    state
        .mailer
        .send(
            txn,
            org,
            "account.security",
            Mail {
                to: to.to_string(),
                subject: format!("Pactline: {subject}"),
                body: body.to_string(),
            },
            body,
        )
        .await?;
    Ok(())
}

/// Ends the session behind `token`, if any.
pub async fn logout(
    state: &AppState,
    token: &str,
    actor: Option<&Actor>,
    info: &RequestInfo,
) -> Result<(), AppError> {
    let txn = db::write_txn(&state.writer).await?;
    session::destroy(&txn, token).await?;
    if let Some(a) = actor {
        audit::record(
            &txn,
            &Who::user(a.audit_key(), a.user_id(), &info.request_id),
            Event {
                org: Some(a.org_id()),
                action: "session.logout",
                object_type: "user",
                object_id: a.user_id().to_string(),
                before: None,
                after: None,
            },
        )
        .await?;
    }
    Ok(txn.commit().await?)
}

#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn me(actor: &Actor, state: &AppState) -> Result<Me, AppError> {
    let db = &state.db;
    let user = user::Entity::find_by_id(actor.user_id())
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let memberships = access::memberships_of_user(actor)
        .order_by_asc(membership::Column::Id)
        .all(db)
        .await?;
    let orgs = organization::Entity::find()
        .filter(organization::Column::Id.is_in(memberships.iter().map(|m| m.organization_id)))
        .all(db)
        .await?;
    let name_of = |id: i64| {
        orgs.iter()
            .find(|o| o.id == OrgId(id))
            .map(|o| o.name.clone())
            .unwrap_or_default()
    };
    let unread = super::notifications::unread(actor, state).await?;
    let second_factor_required = orgs
        .iter()
        .any(|o| o.id == actor.org_id() && o.require_second_factor);
    Ok(Me {
        unread,
        second_factor_required,
        second_factor_missing: actor.second_factor_missing(),
        user_id: actor.user_id(),
        email: user.email,
        display_name: user.display_name,
        org_id: actor.org_id(),
        org_name: name_of(actor.org_id().0),
        org_kinds: actor.kinds().to_vec(),
        role: actor.role(),
        memberships: memberships
            .iter()
            .map(|m| OrgChoice {
                id: m.organization_id,
                name: name_of(m.organization_id.0),
                role: m.role,
            })
            .collect(),
    })
}

#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, org_id = ?org_id))]
pub async fn switch_org(actor: &Actor, state: &AppState, org_id: OrgId) -> Result<(), AppError> {
    let m = access::memberships_of_user(actor)
        .filter(membership::Column::OrganizationId.eq(org_id.0))
        .one(&state.db)
        .await?;
    if m.is_none() {
        return Err(AppError::NotFound);
    }
    let txn = db::write_txn(&state.writer).await?;
    session::switch_org(&txn, actor, org_id).await?;
    audit::record(
        &txn,
        &Who::actor(actor),
        Event {
            org: Some(org_id),
            action: "session.org_switched",
            object_type: "user",
            object_id: actor.user_id().to_string(),
            before: Some(json!({"org": actor.org_id()})),
            after: Some(json!({"org": org_id})),
        },
    )
    .await?;
    Ok(txn.commit().await?)
}

/// Changes the actor's own password; every other session of theirs ends.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn change_password(
    actor: &Actor,
    state: &AppState,
    current: &str,
    new: &str,
) -> Result<(), AppError> {
    let info = actor.request();
    let db = &state.db;
    let user = user::Entity::find_by_id(actor.user_id())
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let attempt = throttle::reserve(&state.writer, &user.email, &info.client_addr)
        .await?
        .map_err(throttle::rate_limited)?;
    let verified = current.len() <= 1024
        && state
            .hasher
            .verify(current, Some(user.password_hash.clone()))
            .await?;
    throttle::admit(&state.writer, &attempt)
        .await?
        .map_err(throttle::rate_limited)?;
    if !verified {
        throttle::failed(attempt);
        return Err(AppError::invalid(
            "current_password",
            "Your current password is not right.",
        ));
    }
    throttle::succeeded(&state.writer, attempt).await?;
    if current == new {
        return Err(AppError::invalid(
            "new_password",
            "Choose a password different from the current one.",
        ));
    }
    check_policy(new, &[&user.email, &user.display_name])
        .map_err(|e| AppError::invalid("new_password", e.field("password").unwrap_or_default()))?;
    let hash = state.hasher.hash(new).await?;
    let txn = db::write_txn(&state.writer).await?;
    let mut am: user::ActiveModel = user.clone().into();
    am.password_hash = Set(hash);
    am.password_changed_at = Set(state.clock.now());
    am.update(&txn).await?;
    end_reset_links(&txn, actor.user_id(), state.clock.now()).await?;
    let ended =
        session::destroy_for_user(&txn, actor.user_id(), Some(actor.session_hash())).await?;
    audit::record(
        &txn,
        &Who::user(actor.audit_key(), actor.user_id(), &info.request_id),
        Event {
            org: Some(actor.org_id()),
            action: "user.password_changed",
            object_type: "user",
            object_id: user.id.to_string(),
            before: None,
            after: Some(json!({"other_sessions_ended": ended})),
        },
    )
    .await?;
    // The account's owner hears of it, wherever the change came from.
    let body = format!(
        "The password of your Pactline account ({}) was changed at {} from {}, {}; your other sessions were signed out.\n\nIf that was not you, reset your password at once: {}/login\n",
        user.email,
        super::ts(state.clock.now()),
        info.client_addr,
        crate::model::browser_label(&info.user_agent),
        state.config.base_url,
    );
    security_notice(
        &txn,
        state,
        Some(actor.org_id()),
        &user.email,
        "your password was changed",
        &body,
    )
    .await?;
    Ok(txn.commit().await?)
}

/// Sends a single-use reset link if the address belongs to an active
/// account. Answers the same either way, and does the work in the
/// background so the response time tells nothing.
pub async fn request_reset(
    state: &AppState,
    email: &str,
    info: &RequestInfo,
) -> Result<(), AppError> {
    let email = Email::parse(email)?;
    let state = state.clone();
    let info = info.clone();
    tokio::spawn(async move {
        if let Err(e) = send_reset(&state, &email, &info).await {
            tracing::error!(error = %e, request_id = %info.request_id, "password reset mail failed");
        }
    });
    Ok(())
}

async fn send_reset(
    state: &AppState,
    email: &Email,
    info: &RequestInfo,
) -> Result<(), sea_orm::DbErr> {
    let db = &state.db;
    let Some(user) = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .filter(user::Column::IsActive.eq(true))
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let now = state.clock.now();
    let txn = db::write_txn(&state.writer).await?;
    // At most three links an hour per account: the mailbox owner is not
    // flooded. Counted under the account's row lock, so requests that
    // arrive together queue here instead of all seeing two earlier links.
    user::Entity::find_by_id(user.id)
        .lock_exclusive()
        .one(&txn)
        .await?;
    let recent = password_reset::Entity::find()
        .filter(password_reset::Column::UserId.eq(user.id))
        .filter(password_reset::Column::CreatedAt.gt(now - Duration::hours(1)))
        .count(&txn)
        .await?;
    if recent >= 3 {
        tracing::warn!(user = user.id.0, "password reset requests throttled");
        return Ok(());
    }
    let token = tokens::new_token();
    password_reset::ActiveModel {
        user_id: Set(user.id),
        token_hash: Set(tokens::hash_token(&token)),
        created_at: Set(now),
        expires_at: Set(now + Duration::minutes(RESET_VALID_MINUTES)),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &Who::system(&state.audit_key, &info.request_id),
        Event {
            org: None,
            action: "user.password_reset_requested",
            object_type: "user",
            object_id: user.id.to_string(),
            before: None,
            after: Some(json!({"client_addr": info.client_addr})),
        },
    )
    .await?;
    let link = format!("{}/reset/{token}", state.config.base_url);
    let body = format!(
        "Hello {},\n\nsomeone (hopefully you) asked to reset your Pactline password.\n\
         Open this link within {RESET_VALID_MINUTES} minutes to choose a new one; it works once:\n\n{link}\n\n\
         If you did not ask for this, ignore this message: your password stays as it is.\n",
        user.display_name
    );
    let redacted = body.replace(&link, "[single-use reset link withheld]");
    state
        .mailer
        .send(
            &txn,
            None,
            "password_reset",
            Mail {
                to: user.email.clone(),
                subject: "Reset your Pactline password".into(),
                body,
            },
            &redacted,
        )
        .await?;
    txn.commit().await
}

/// Sets a new password from a reset link. Every session of the user ends.
pub async fn reset_password(
    state: &AppState,
    token: &str,
    new: &str,
    info: &RequestInfo,
) -> Result<(), AppError> {
    let invalid = || {
        AppError::invalid(
            "token",
            "This reset link is invalid, expired or already used. Ask for a new one.",
        )
    };
    if !tokens::looks_like_token(token) {
        return Err(invalid());
    }
    check_password_shape(new).map_err(|m| AppError::invalid("password", m))?;
    let db = &state.db;
    let now = state.clock.now();
    let reset = password_reset::Entity::find()
        .filter(password_reset::Column::TokenHash.eq(tokens::hash_token(token)))
        .one(db)
        .await?
        .filter(|r| r.used_at.is_none() && r.expires_at > now)
        .ok_or_else(invalid)?;
    let user = user::Entity::find_by_id(reset.user_id)
        .one(db)
        .await?
        .filter(|u| u.is_active)
        .ok_or_else(invalid)?;
    check_policy(new, &[&user.email, &user.display_name])?;
    let hash = state.hasher.hash(new).await?;
    let txn = db::write_txn(&state.writer).await?;
    // Single use, even when two requests race with the same link.
    let claimed = password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(Some(now)))
        .filter(password_reset::Column::Id.eq(reset.id))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(invalid());
    }
    let mut am: user::ActiveModel = user.clone().into();
    am.password_hash = Set(hash);
    am.password_changed_at = Set(now);
    am.update(&txn).await?;
    end_reset_links(&txn, user.id, now).await?;
    let ended = session::destroy_for_user(&txn, user.id, None).await?;
    audit::record(
        &txn,
        &Who::user(&state.audit_key, user.id, &info.request_id),
        Event {
            org: None,
            action: "user.password_reset",
            object_type: "user",
            object_id: user.id.to_string(),
            before: None,
            after: Some(json!({"sessions_ended": ended})),
        },
    )
    .await?;
    Ok(txn.commit().await?)
}
/// Every reset link of `user` not used yet stops working: once the password
/// changed, a link mailed before is no way in (it may sit in a mailbox
/// someone else reads).
async fn end_reset_links(
    txn: &sea_orm::DatabaseTransaction,
    user: crate::model::UserId,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(Some(now)))
        .filter(password_reset::Column::UserId.eq(user))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(txn)
        .await?;
    Ok(())
}
