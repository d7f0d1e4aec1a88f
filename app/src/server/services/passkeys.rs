//! Passkeys (WebAuthn, through webauthn-rs): a user adds, names and removes
//! them on the account page; signs in with one instead of a password (a
//! discoverable credential with user verification: possession and a PIN or
//! biometric, a multi-factor sign-in of its own); or uses one as the second
//! step after a right password.
//!
//! Each ceremony has two steps; between them its state stays on the server
//! (`webauthn_ceremonies`, five minutes, used once), named by a random token
//! the browser hands back. The credential's counter is updated on every
//! use, and a counter that goes backwards (a cloned authenticator) is
//! refused.

use crate::model::{AppError, PasskeyCeremony, PasskeyDto};
use crate::server::{
    audit::{self, Event, Who},
    db,
    entities::{login_challenge, membership, passkey, user, webauthn_ceremony},
    session::RequestInfo,
    tokens, Actor, AppState,
};
use chrono::Duration;
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;
use webauthn_rs::prelude::{
    CredentialID, DiscoverableAuthentication, Passkey, PasskeyAuthentication, PasskeyRegistration,
    PublicKeyCredential, RegisterPublicKeyCredential, Url, Uuid, Webauthn, WebauthnBuilder,
};

const CEREMONY_MINUTES: i64 = 5;
/// The most passkeys one account may have.
pub const MAX_PASSKEYS: u64 = 10;
const NAME_MAX: usize = 60;

/// The relying party: Pactline at its base URL (the browser checks that the
/// page's origin is this one; the RP ID is its host name).
fn relying_party(state: &AppState) -> Result<Webauthn, AppError> {
    let origin = Url::parse(&state.config.base_url).map_err(crate::server::respond::internal)?;
    // Browsers accept no IP address as a site's passkey identity.
    let Some(host) = origin.domain().map(str::to_string) else {
        return Err(refused(
            "Passkeys need Pactline to be reached by a host name (PACTLINE_BASE_URL), not an IP address. Ask your administrator.",
        ));
    };
    WebauthnBuilder::new(&host, &origin)
        .and_then(|b| b.rp_name("Pactline").build())
        .map_err(crate::server::respond::internal)
}

fn refused(message: &str) -> AppError {
    AppError::invalid("passkey", message)
}

fn dto(p: passkey::Model) -> PasskeyDto {
    PasskeyDto {
        id: p.id,
        name: p.name,
        created: super::ts(p.created_at),
        last_used: p.last_used_at.map(super::ts),
    }
}

fn check_name(name: &str) -> Result<String, AppError> {
    let name: String = name.trim().chars().filter(|c| !c.is_control()).collect();
    if name.is_empty() || name.chars().count() > NAME_MAX {
        return Err(AppError::invalid(
            "name",
            format!("Name the passkey in 1 to {NAME_MAX} characters, e.g. “Work laptop” or “Security key”."),
        ));
    }
    Ok(name)
}

/// The browser's answer, parsed; a clear message when it is not one.
fn parse<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, AppError> {
    if json.len() > 64 * 1024 {
        return Err(refused(
            "The browser's answer is too large to be a passkey.",
        ));
    }
    serde_json::from_str(json)
        .map_err(|_| refused("The browser's answer is not a passkey response. Try again."))
}

async fn mine(
    state: &AppState,
    user: crate::model::UserId,
) -> Result<Vec<passkey::Model>, AppError> {
    // access: allow — the signed-in user's own passkeys.
    Ok(passkey::Entity::find()
        .filter(passkey::Column::UserId.eq(user.0))
        .order_by_asc(passkey::Column::Id)
        .all(&state.db)
        .await?)
}

/// The caller's passkeys.
#[tracing::instrument(skip_all, fields(user = actor.user_id().0))]
pub async fn list(actor: &Actor, state: &AppState) -> Result<Vec<PasskeyDto>, AppError> {
    Ok(mine(state, actor.user_id())
        .await?
        .into_iter()
        .map(dto)
        .collect())
}

/// Saves the state of a ceremony's first step; returns its token.
async fn save_ceremony(
    state: &AppState,
    kind: &str,
    user: Option<crate::model::UserId>,
    st: &impl serde::Serialize,
) -> Result<String, AppError> {
    let token = tokens::new_token();
    let now = state.clock.now();
    let txn = db::write_txn(&state.writer).await?;
    webauthn_ceremony::Entity::delete_many()
        .filter(webauthn_ceremony::Column::ExpiresAt.lt(now))
        .exec(&txn)
        .await?;
    webauthn_ceremony::ActiveModel {
        token_hash: Set(tokens::hash_token(&token)),
        kind: Set(kind.into()),
        user_id: Set(user),
        state_json: Set(serde_json::to_string(st).map_err(crate::server::respond::internal)?),
        created_at: Set(now),
        expires_at: Set(now + Duration::minutes(CEREMONY_MINUTES)),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(token)
}

/// Takes a ceremony's state out (once): the right kind, not expired.
async fn take_ceremony<T: serde::de::DeserializeOwned>(
    state: &AppState,
    token: &str,
    kind: &str,
) -> Result<(Option<crate::model::UserId>, T), AppError> {
    let hash = tokens::hash_token(token);
    let txn = db::write_txn(&state.writer).await?;
    // access: allow — the ceremony named by its own token.
    let row = webauthn_ceremony::Entity::find_by_id(hash.clone())
        .one(&txn)
        .await?;
    if row.is_some() {
        webauthn_ceremony::Entity::delete_by_id(hash)
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    let row = row
        .filter(|r| r.kind == kind && r.expires_at > state.clock.now())
        .ok_or_else(|| refused("That passkey request expired or was used already. Try again."))?;
    let st = serde_json::from_str(&row.state_json).map_err(crate::server::respond::internal)?;
    Ok((row.user_id, st))
}

/// Starts adding a passkey to the caller's account.
#[tracing::instrument(skip_all, fields(user = actor.user_id().0))]
pub async fn begin_registration(
    actor: &Actor,
    state: &AppState,
) -> Result<PasskeyCeremony, AppError> {
    let existing = mine(state, actor.user_id()).await?;
    if existing.len() as u64 >= MAX_PASSKEYS {
        return Err(refused(&format!(
            "An account keeps at most {MAX_PASSKEYS} passkeys: remove one first."
        )));
    }
    // access: allow — the signed-in user's own account.
    let u = user::Entity::find_by_id(actor.user_id())
        .one(&state.db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let handle = handle_of(state, &u).await?;
    let exclude: Vec<CredentialID> = existing
        .iter()
        .filter_map(|p| serde_json::from_str::<Passkey>(&p.passkey_json).ok())
        .map(|p| p.cred_id().clone())
        .collect();
    let (mut options, reg) = relying_party(state)?
        .start_passkey_registration(handle, &u.email, &u.display_name, Some(exclude))
        .map_err(crate::server::respond::internal)?;
    // A discoverable credential, so that it can sign in without a password
    // (the authenticator keeps the account's handle).
    if let Some(sel) = options.public_key.authenticator_selection.as_mut() {
        sel.require_resident_key = true;
        sel.resident_key = Some(webauthn_rs_proto::ResidentKeyRequirement::Required);
    }
    let token = save_ceremony(state, "register", Some(actor.user_id()), &reg).await?;
    Ok(PasskeyCeremony {
        token,
        options: serde_json::to_string(&options).map_err(crate::server::respond::internal)?,
    })
}

/// The user's WebAuthn handle: random, made on first use.
async fn handle_of(state: &AppState, u: &user::Model) -> Result<Uuid, AppError> {
    let id = u.id;
    if let Some(h) = u
        .webauthn_handle
        .as_deref()
        .and_then(|h| Uuid::parse_str(h).ok())
    {
        return Ok(h);
    }
    let h = Uuid::new_v4();
    let txn = db::write_txn(&state.writer).await?;
    user::Entity::update_many()
        .col_expr(user::Column::WebauthnHandle, Expr::value(h.to_string()))
        .filter(user::Column::Id.eq(id.0))
        .filter(user::Column::WebauthnHandle.is_null())
        .exec(&txn)
        .await?;
    txn.commit().await?;
    // Another request may have set it first: read what was kept.
    // access: allow — the signed-in user's own account.
    let u = user::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    u.webauthn_handle
        .as_deref()
        .and_then(|h| Uuid::parse_str(h).ok())
        .ok_or_else(|| crate::server::respond::internal("no WebAuthn handle"))
}

/// Finishes adding a passkey: the browser's answer to the challenge of
/// [`begin_registration`], under the name the user gave it.
#[tracing::instrument(skip_all, fields(user = actor.user_id().0))]
pub async fn finish_registration(
    actor: &Actor,
    state: &AppState,
    token: &str,
    name: &str,
    credential: &str,
) -> Result<Vec<PasskeyDto>, AppError> {
    let name = check_name(name)?;
    let credential: RegisterPublicKeyCredential = parse(credential)?;
    let (owner, reg): (_, PasskeyRegistration) = take_ceremony(state, token, "register").await?;
    if owner != Some(actor.user_id()) {
        return Err(refused(
            "That passkey request expired or was used already. Try again.",
        ));
    }
    let key = relying_party(state)?
        .finish_passkey_registration(&credential, &reg)
        .map_err(|e| {
            tracing::info!(error = %e, "passkey registration refused");
            refused("The passkey could not be checked (the browser's answer does not match this request). Try again.")
        })?;
    let cred_id = base64_url(key.cred_id().as_ref());
    let now = state.clock.now();
    let txn = db::write_txn(&state.writer).await?;
    // access: allow — the signed-in user's own passkeys.
    let count = passkey::Entity::find()
        .filter(passkey::Column::UserId.eq(actor.user_id().0))
        .count(&txn)
        .await?;
    if count >= MAX_PASSKEYS {
        return Err(refused(&format!(
            "An account keeps at most {MAX_PASSKEYS} passkeys: remove one first."
        )));
    }
    // access: allow — is this credential registered already (to anyone)?
    if passkey::Entity::find()
        .filter(passkey::Column::CredentialId.eq(cred_id.clone()))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(refused("This passkey is registered already."));
    }
    let row = passkey::ActiveModel {
        user_id: Set(actor.user_id()),
        name: Set(name.clone()),
        credential_id: Set(cred_id),
        passkey_json: Set(serde_json::to_string(&key).map_err(crate::server::respond::internal)?),
        created_at: Set(now),
        last_used_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::by_actor(
        &txn,
        actor,
        "account.passkey_added",
        "passkey",
        row.id,
        None,
        Some(json!({"name": name})),
    )
    .await?;
    let body = format!(
        "A passkey named “{name}” was added to your Pactline account ({}) from {}. It signs you in without a password, and counts as a second factor.\n\nIf that was not you, remove it on your account page and change your password at once: {}/account\n",
        actor.email(),
        actor.request().client_addr,
        state.config.base_url
    );
    super::auth::security_notice(
        &txn,
        state,
        Some(actor.org_id()),
        actor.email(),
        "a passkey was added",
        &body,
    )
    .await?;
    txn.commit().await?;
    list(actor, state).await
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
    URL_SAFE_NO_PAD.encode(bytes)
}

async fn owned(
    conn: &impl sea_orm::ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> Result<passkey::Model, AppError> {
    // access: allow — one of the signed-in user's own passkeys (anyone else's is not found).
    passkey::Entity::find_by_id(id)
        .filter(passkey::Column::UserId.eq(actor.user_id().0))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)
}

/// Renames one of the caller's passkeys.
#[tracing::instrument(skip_all, fields(user = actor.user_id().0, id))]
pub async fn rename(
    actor: &Actor,
    state: &AppState,
    id: i64,
    name: &str,
) -> Result<Vec<PasskeyDto>, AppError> {
    let name = check_name(name)?;
    let txn = db::write_txn(&state.writer).await?;
    let p = owned(&txn, actor, id).await?;
    let before = p.name.clone();
    let mut am: passkey::ActiveModel = p.into();
    am.name = Set(name.clone());
    am.update(&txn).await?;
    audit::by_actor(
        &txn,
        actor,
        "account.passkey_renamed",
        "passkey",
        id,
        Some(json!({"name": before})),
        Some(json!({"name": name})),
    )
    .await?;
    txn.commit().await?;
    list(actor, state).await
}

/// Removes one of the caller's passkeys (the user is e-mailed).
#[tracing::instrument(skip_all, fields(user = actor.user_id().0, id))]
pub async fn remove(actor: &Actor, state: &AppState, id: i64) -> Result<Vec<PasskeyDto>, AppError> {
    let txn = db::write_txn(&state.writer).await?;
    let p = owned(&txn, actor, id).await?;
    passkey::Entity::delete_by_id(p.id).exec(&txn).await?;
    audit::by_actor(
        &txn,
        actor,
        "account.passkey_removed",
        "passkey",
        id,
        Some(json!({"name": p.name})),
        None,
    )
    .await?;
    let body = format!(
        "The passkey named “{}” was removed from your Pactline account ({}) from {}.\n\nIf that was not you, change your password at once: {}/account\n",
        p.name,
        actor.email(),
        actor.request().client_addr,
        state.config.base_url
    );
    super::auth::security_notice(
        &txn,
        state,
        Some(actor.org_id()),
        actor.email(),
        "a passkey was removed",
        &body,
    )
    .await?;
    txn.commit().await?;
    list(actor, state).await
}

/// The first step of signing in with a passkey, before anyone is known:
/// the authenticator offers the account's own credential.
pub async fn begin_sign_in(state: &AppState) -> Result<PasskeyCeremony, AppError> {
    let (mut options, auth) = relying_party(state)?
        .start_discoverable_authentication()
        .map_err(crate::server::respond::internal)?;
    // Asked for by a button, not offered in the address field's autofill.
    options.mediation = None;
    let token = save_ceremony(state, "sign_in", None, &auth).await?;
    Ok(PasskeyCeremony {
        token,
        options: serde_json::to_string(&options).map_err(crate::server::respond::internal)?,
    })
}

/// Checks an assertion against a stored passkey; on success updates its
/// counter and last use (inside `txn`).
async fn verify_and_touch(
    txn: &sea_orm::DatabaseTransaction,
    state: &AppState,
    row: passkey::Model,
    finish: impl FnOnce(
        &Passkey,
    ) -> Result<
        webauthn_rs::prelude::AuthenticationResult,
        webauthn_rs::prelude::WebauthnError,
    >,
) -> Result<bool, AppError> {
    let mut key: Passkey =
        serde_json::from_str(&row.passkey_json).map_err(crate::server::respond::internal)?;
    let result = match finish(&key) {
        Ok(r) => r,
        Err(e) => {
            tracing::info!(error = %e, "passkey assertion refused");
            return Ok(false);
        }
    };
    // (webauthn-rs refused a counter that did not move forward: a cloned
    // authenticator.)
    key.update_credential(&result);
    let mut am: passkey::ActiveModel = row.into();
    am.passkey_json = Set(serde_json::to_string(&key).map_err(crate::server::respond::internal)?);
    am.last_used_at = Set(Some(state.clock.now()));
    am.update(txn).await?;
    Ok(true)
}

const NOT_RIGHT: &str =
    "That passkey did not sign you in. Try again, or sign in with your password.";

/// Signs in with a passkey alone; returns the session token.
#[tracing::instrument(skip_all, fields(client = %info.client_addr))]
pub async fn finish_sign_in(
    state: &AppState,
    token: &str,
    credential: &str,
    info: &RequestInfo,
) -> Result<String, AppError> {
    let credential: PublicKeyCredential = parse(credential)?;
    let (_, auth): (_, DiscoverableAuthentication) = take_ceremony(state, token, "sign_in").await?;
    let rp = relying_party(state)?;
    let (handle, cred_id) = rp
        .identify_discoverable_authentication(&credential)
        .map_err(|_| refused(NOT_RIGHT))?;
    let cred_id = base64_url(cred_id);
    let txn = db::write_txn(&state.writer).await?;
    // access: allow — sign-in: the account whose authenticator answered.
    let found = user::Entity::find()
        .filter(user::Column::WebauthnHandle.eq(handle.to_string()))
        .one(&txn)
        .await?;
    let row = match &found {
        Some(u) => {
            // access: allow — sign-in: that account's credential, by its id.
            passkey::Entity::find()
                .filter(passkey::Column::CredentialId.eq(cred_id))
                .filter(passkey::Column::UserId.eq(u.id.0))
                .one(&txn)
                .await?
        }
        None => None,
    };
    let (Some(u), Some(row)) = (found, row) else {
        return Err(refused(NOT_RIGHT));
    };
    let ok = verify_and_touch(&txn, state, row, |key| {
        rp.finish_discoverable_authentication_v2(&credential, auth, key)
    })
    .await?;
    // access: allow — sign-in: the user's own first membership, no actor yet.
    let m = membership::Entity::find()
        .filter(membership::Column::UserId.eq(u.id.0))
        .filter(membership::Column::IsActive.eq(true))
        .order_by_asc(membership::Column::Id)
        .one(&txn)
        .await?;
    let Some(m) = m.filter(|_| ok && u.is_active) else {
        drop(txn);
        record_failure(state, &u, info).await?;
        return Err(refused(NOT_RIGHT));
    };
    let token =
        super::auth::open_session(&txn, state, &u, m.organization_id, info, "passkey").await?;
    txn.commit().await?;
    Ok(token)
}

async fn record_failure(
    state: &AppState,
    u: &user::Model,
    info: &RequestInfo,
) -> Result<(), AppError> {
    let txn = db::write_txn(&state.writer).await?;
    // access: allow — sign-in: the organization of the account tried, for its admins.
    let org = membership::Entity::find()
        .filter(membership::Column::UserId.eq(u.id.0))
        .order_by_asc(membership::Column::Id)
        .one(&txn)
        .await?
        .map(|m| m.organization_id);
    audit::record(
        &txn,
        &Who::user(&state.audit_key, u.id, &info.request_id),
        Event {
            org,
            action: "session.passkey_failed",
            object_type: "user",
            object_id: u.id.to_string(),
            before: None,
            after: Some(json!({"client_addr": info.client_addr})),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The half-finished sign-in (right password) that a passkey may complete.
async fn challenge(state: &AppState, challenge: &str) -> Result<login_challenge::Model, AppError> {
    // access: allow — sign-in: the half-finished sign-in named by its own token.
    login_challenge::Entity::find_by_id(tokens::hash_token(challenge))
        .one(&state.db)
        .await?
        .filter(|c| c.expires_at > state.clock.now())
        .ok_or(AppError::Unauthenticated)
}

/// The first step of a passkey as the second step of a sign-in.
pub async fn begin_second_step(
    state: &AppState,
    challenge_token: &str,
) -> Result<PasskeyCeremony, AppError> {
    let ch = challenge(state, challenge_token).await?;
    // access: allow — sign-in: the passkeys of the account the challenge belongs to.
    let keys: Vec<Passkey> = passkey::Entity::find()
        .filter(passkey::Column::UserId.eq(ch.user_id.0))
        .all(&state.db)
        .await?
        .iter()
        .filter_map(|p| serde_json::from_str(&p.passkey_json).ok())
        .collect();
    if keys.is_empty() {
        return Err(refused(
            "This account has no passkey: type the code your app shows.",
        ));
    }
    let (options, auth) = relying_party(state)?
        .start_passkey_authentication(&keys)
        .map_err(crate::server::respond::internal)?;
    let token = save_ceremony(state, "second_step", Some(ch.user_id), &auth).await?;
    Ok(PasskeyCeremony {
        token,
        options: serde_json::to_string(&options).map_err(crate::server::respond::internal)?,
    })
}

/// Completes a sign-in whose password was right with one of the account's
/// passkeys; returns the session token.
#[tracing::instrument(skip_all, fields(client = %info.client_addr))]
pub async fn finish_second_step(
    state: &AppState,
    challenge_token: &str,
    token: &str,
    credential: &str,
    info: &RequestInfo,
) -> Result<String, AppError> {
    let ch = challenge(state, challenge_token).await?;
    let credential: PublicKeyCredential = parse(credential)?;
    let (owner, auth): (_, PasskeyAuthentication) =
        take_ceremony(state, token, "second_step").await?;
    if owner != Some(ch.user_id) {
        return Err(refused(NOT_RIGHT));
    }
    let cred_id = base64_url(credential.get_credential_id());
    let rp = relying_party(state)?;
    let txn = db::write_txn(&state.writer).await?;
    // access: allow — sign-in: the account the challenge belongs to.
    let u = user::Entity::find_by_id(ch.user_id)
        .one(&txn)
        .await?
        .filter(|u| u.is_active)
        .ok_or(AppError::Unauthenticated)?;
    // access: allow — sign-in: that account's credential, by its id.
    let row = passkey::Entity::find()
        .filter(passkey::Column::CredentialId.eq(cred_id))
        .filter(passkey::Column::UserId.eq(u.id.0))
        .one(&txn)
        .await?;
    let ok = match row {
        Some(row) => {
            verify_and_touch(&txn, state, row, |_| {
                rp.finish_passkey_authentication(&credential, &auth)
            })
            .await?
        }
        None => false,
    };
    if !ok {
        drop(txn);
        record_failure(state, &u, info).await?;
        return Err(refused(NOT_RIGHT));
    }
    login_challenge::Entity::delete_by_id(ch.token_hash.clone())
        .exec(&txn)
        .await?;
    let token =
        super::auth::open_session(&txn, state, &u, ch.organization_id, info, "passkey").await?;
    txn.commit().await?;
    Ok(token)
}
