//! The signed-in user's second factor: setting an authenticator app up
//! (a secret shown as a QR code and as text, confirmed by a first code, with
//! ten single-use recovery codes), and turning it off (password and a
//! current code). Signing in with it is in `auth`.

use crate::model::{AppError, MembershipId, Permission, SecondFactorDto, SecondFactorSetup};
use crate::server::{
    access::{self, find_owned},
    audit, db,
    entities::{membership, organization, passkey, recovery_code, user},
    mail::Mail,
    second_factor as factor, session, throttle, Actor, AppState,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::json;

async fn me(actor: &Actor, state: &AppState) -> Result<user::Model, AppError> {
    user::Entity::find_by_id(actor.user_id())
        .one(&state.db)
        .await?
        .ok_or(AppError::Unauthenticated)
}

/// Where the caller's second factor stands.
#[tracing::instrument(skip_all, fields(user = actor.user_id().0))]
pub async fn status(actor: &Actor, state: &AppState) -> Result<SecondFactorDto, AppError> {
    let u = me(actor, state).await?;
    let left = recovery_code::Entity::find()
        .filter(recovery_code::Column::UserId.eq(u.id.0))
        .filter(recovery_code::Column::UsedAt.is_null())
        .count(&state.db)
        .await?;
    let pending = match (&u.totp_secret, &u.totp_pending) {
        (None, Some(sealed)) => Some(factor::open(&state.secrets, sealed)?),
        _ => None,
    };
    let setup = match pending {
        Some(pending) => Some(SecondFactorSetup {
            qr_svg: factor::qr_svg(&factor::otpauth_url(&pending, &u.email)?)?,
            key: factor::grouped(&pending),
            recovery_codes: u
                .totp_pending_codes
                .as_deref()
                .unwrap_or_default()
                .lines()
                .map(str::to_string)
                .collect(),
        }),
        None => None,
    };
    Ok(SecondFactorDto {
        enabled: u.totp_secret.is_some(),
        since: u.totp_enabled_at.map(super::ts),
        recovery_codes_left: left,
        setup,
    })
}

/// Offers a new secret and recovery codes to set an app up with; nothing
/// changes for signing in until a first code confirms them.
#[tracing::instrument(skip_all, fields(user = actor.user_id().0))]
pub async fn begin(actor: &Actor, state: &AppState) -> Result<SecondFactorDto, AppError> {
    let u = me(actor, state).await?;
    if u.totp_secret.is_some() {
        return Err(AppError::Conflict(
            "Two-step sign-in is already on. Turn it off first to set up another app.".into(),
        ));
    }
    let txn = db::write_txn(&state.writer).await?;
    let mut am: user::ActiveModel = u.into();
    am.totp_pending = Set(Some(factor::seal(&state.secrets, &factor::new_secret())));
    am.totp_pending_codes = Set(Some(factor::new_recovery_codes().join("\n")));
    am.update(&txn).await?;
    audit::by_actor(
        &txn,
        actor,
        "user.second_factor_setup_started",
        "user",
        actor.user_id().0,
        None,
        Some(json!({})),
    )
    .await?;
    txn.commit().await?;
    status(actor, state).await
}

/// Confirms the app with its first code: from now on every sign-in asks
/// for a code, and the recovery codes shown are kept hashed.
#[tracing::instrument(skip_all, fields(user = actor.user_id().0))]
pub async fn confirm(
    actor: &Actor,
    state: &AppState,
    code: &str,
) -> Result<SecondFactorDto, AppError> {
    let u = me(actor, state).await?;
    let (Some(pending), None) = (u.totp_pending.clone(), &u.totp_secret) else {
        return Err(AppError::invalid(
            "code",
            "Start setting up an authenticator app first.",
        ));
    };
    let info = actor.request();
    let attempt = throttle::reserve(&state.writer, &u.email, &info.client_addr)
        .await?
        .map_err(throttle::rate_limited)?;
    let step = factor::check(
        &factor::open(&state.secrets, &pending)?,
        &u.email,
        code,
        state.clock.now().timestamp(),
    )?;
    throttle::admit(&state.writer, &attempt)
        .await?
        .map_err(throttle::rate_limited)?;
    let Some(step) = step else {
        throttle::failed(attempt);
        return Err(AppError::invalid(
            "code",
            "That code is not right: type the six digits your app shows now.",
        ));
    };
    throttle::succeeded(&state.writer, attempt).await?;
    let now = state.clock.now();
    let codes: Vec<String> = u
        .totp_pending_codes
        .as_deref()
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect();
    let email = u.email.clone();
    let txn = db::write_txn(&state.writer).await?;
    let mut am: user::ActiveModel = u.into();
    am.totp_secret = Set(Some(pending));
    am.totp_pending = Set(None);
    am.totp_pending_codes = Set(None);
    am.totp_enabled_at = Set(Some(now));
    am.totp_last_step = Set(Some(step));
    am.update(&txn).await?;
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(actor.user_id().0))
        .exec(&txn)
        .await?;
    for c in &codes {
        recovery_code::ActiveModel {
            user_id: Set(actor.user_id()),
            code_hash: Set(factor::hash_recovery_code(c)),
            created_at: Set(now),
            used_at: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    audit::by_actor(
        &txn,
        actor,
        "user.second_factor_enabled",
        "user",
        actor.user_id().0,
        None,
        Some(json!({"recovery_codes": codes.len()})),
    )
    .await?;
    tell(&txn, state, actor, &email, "two-step sign-in was turned on", "Two-step sign-in was turned on for your Pactline account: every sign-in now asks for a code from your authenticator app (or one of your recovery codes).").await?;
    txn.commit().await?;
    status(actor, state).await
}

/// Turns the second factor off: needs the password and a current code (or
/// a recovery code).
#[tracing::instrument(skip_all, fields(user = actor.user_id().0))]
pub async fn disable(
    actor: &Actor,
    state: &AppState,
    password: &str,
    code: &str,
) -> Result<SecondFactorDto, AppError> {
    let u = me(actor, state).await?;
    let Some(secret) = u.totp_secret.clone() else {
        return Err(AppError::invalid("code", "Two-step sign-in is not on."));
    };
    let info = actor.request();
    let attempt = throttle::reserve(&state.writer, &u.email, &info.client_addr)
        .await?
        .map_err(throttle::rate_limited)?;
    let password_ok = password.len() <= 1024
        && state
            .hasher
            .verify(password, Some(u.password_hash.clone()))
            .await?;
    let step = factor::check(
        &factor::open(&state.secrets, &secret)?,
        &u.email,
        code,
        state.clock.now().timestamp(),
    )?;
    let recovery = match step {
        None => factor::unused_recovery_code(&state.db, u.id, code).await?,
        Some(_) => None,
    };
    throttle::admit(&state.writer, &attempt)
        .await?
        .map_err(throttle::rate_limited)?;
    if !password_ok {
        throttle::failed(attempt);
        return Err(AppError::invalid("password", "Your password is not right."));
    }
    if step.is_none() && recovery.is_none() {
        throttle::failed(attempt);
        return Err(AppError::invalid(
            "code",
            "That code is not right: type the six digits your app shows now, or a recovery code.",
        ));
    }
    throttle::succeeded(&state.writer, attempt).await?;
    let email = u.email.clone();
    let txn = db::write_txn(&state.writer).await?;
    factor::clear(&txn, u).await?;
    audit::by_actor(
        &txn,
        actor,
        "user.second_factor_disabled",
        "user",
        actor.user_id().0,
        None,
        Some(json!({})),
    )
    .await?;
    tell(&txn, state, actor, &email, "two-step sign-in was turned off", "Two-step sign-in was turned off for your Pactline account: signing in needs only the password again.").await?;
    txn.commit().await?;
    status(actor, state).await
}

/// An admin requires (or no longer requires) a second factor of every
/// member: those without one set it up at their next request and can do
/// nothing else until they have.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn set_policy(actor: &Actor, state: &AppState, required: bool) -> Result<(), AppError> {
    actor.require(Permission::ManageMembers)?;
    // An admin signed in through the organization's identity provider
    // meets the rule already ("a second factor or SSO").
    // access: allow — the admin's own passkeys.
    let passkeys = passkey::Entity::find()
        .filter(passkey::Column::UserId.eq(actor.user_id().0))
        .count(&state.db)
        .await?;
    if required
        && !actor.signed_in_by_sso()
        && passkeys == 0
        && me(actor, state).await?.totp_secret.is_none()
    {
        return Err(AppError::invalid(
            "required",
            "Set up your own two-step sign-in first (on your account page), or sign in through your organization's single sign-on: the rule would otherwise hold you there too.",
        ));
    }
    let txn = db::write_txn(&state.writer).await?;
    access::lock_organization(&txn, actor).await?;
    let org = organization::Entity::find_by_id(actor.org_id())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let before = org.require_second_factor;
    let mut am: organization::ActiveModel = org.into();
    am.require_second_factor = Set(required);
    am.update(&txn).await?;
    audit::by_actor(
        &txn,
        actor,
        "organization.second_factor_policy",
        "organization",
        actor.org_id().0,
        Some(json!({"required": before})),
        Some(json!({"required": required})),
    )
    .await?;
    Ok(txn.commit().await?)
}

/// An admin resets a member's second factor (a lost phone, recovery codes
/// gone): it is off, the member's sessions end, and the member is told. The
/// admin's own is turned off on the account page instead.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn reset_for_member(
    actor: &Actor,
    state: &AppState,
    id: MembershipId,
) -> Result<(), AppError> {
    actor.require(Permission::ManageMembers)?;
    let txn = db::write_txn(&state.writer).await?;
    let m = find_owned::<membership::Entity, _>(&txn, actor, id).await?;
    if m.user_id == actor.user_id() {
        return Err(AppError::invalid(
            "member",
            "Turn your own two-step sign-in off on your account page.",
        ));
    }
    let u = user::Entity::find_by_id(m.user_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    // access: allow — the member's passkeys (the member is the admin's own, found above).
    let passkeys = passkey::Entity::find()
        .filter(passkey::Column::UserId.eq(u.id.0))
        .count(&txn)
        .await?;
    if u.totp_secret.is_none() && u.totp_pending.is_none() && passkeys == 0 {
        return Err(AppError::invalid(
            "member",
            "This member has no two-step sign-in to reset.",
        ));
    }
    // A lost device may hold the passkeys too: they go with the app.
    passkey::Entity::delete_many()
        .filter(passkey::Column::UserId.eq(u.id.0))
        .exec(&txn)
        .await?;
    let email = u.email.clone();
    factor::clear(&txn, u).await?;
    let ended = session::destroy_for_user(&txn, m.user_id, None).await?;
    audit::by_actor(
        &txn,
        actor,
        "user.second_factor_reset",
        "user",
        m.user_id.0,
        None,
        Some(json!({"sessions_ended": ended})),
    )
    .await?;
    tell(
        &txn,
        state,
        actor,
        &email,
        "your two-step sign-in was reset",
        "An administrator of your organization reset your two-step sign-in: your sessions were ended, and you set up your authenticator app again the next time you sign in (if your organization requires it) or on your account page.",
    )
    .await?;
    Ok(txn.commit().await?)
}

/// The account's owner hears of every change to its second factor.
async fn tell(
    txn: &sea_orm::DatabaseTransaction,
    state: &AppState,
    actor: &Actor,
    to: &str,
    subject: &str,
    what: &str,
) -> Result<(), AppError> {
    let info = actor.request();
    let body = format!(
        "{what}\n\nThe change came from {} ({}) at {}. If that was not you, reset your password at once: {}/login\n",
        info.client_addr,
        crate::model::browser_label(&info.user_agent),
        super::ts(state.clock.now()),
        state.config.base_url,
    );
    state
        .mailer
        .send(
            txn,
            Some(actor.org_id()),
            "account.security",
            Mail {
                to: to.to_string(),
                subject: format!("Pactline: {subject}"),
                body: body.clone(),
            },
            &body,
        )
        .await?;
    Ok(())
}
