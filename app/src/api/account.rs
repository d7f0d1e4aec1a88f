//! The signed-in user: who they are, their password, switching organization;
//! and the anonymous flows that lead to an account (invitations, reset).

use crate::model::{
    AppError, InvitationPreview, Me, OrgId, PartnerInvitationPreview, PasskeyCeremony, PasskeyDto,
    SecondFactorDto, SessionDto, SsoSettings,
};
#[cfg(feature = "ssr")]
use crate::server::{
    respond::{as_actor, as_anyone},
    services::{auth, invitations, partners, passkeys, second_factor, sessions, single_sign_on},
};
use leptos::prelude::*;

#[server(endpoint = "me")]
pub async fn current_user() -> Result<Me, AppError> {
    as_actor(|actor, state| async move { auth::me(&actor, &state).await }).await
}

#[server(endpoint = "switch_organization")]
pub async fn switch_organization(org_id: OrgId) -> Result<(), AppError> {
    as_actor(|actor, state| async move {
        auth::switch_org(&actor, &state, org_id).await?;
        leptos_axum::redirect("/");
        Ok(())
    })
    .await
}

#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    as_actor(|actor, state| async move {
        auth::change_password(&actor, &state, &current_password, &new_password).await
    })
    .await
}

/// Where the caller is signed in: their sessions, the current one marked.
#[server(endpoint = "list_sessions")]
pub async fn list_sessions() -> Result<Vec<SessionDto>, AppError> {
    as_actor(|actor, state| async move { sessions::list(&actor, &state).await }).await
}

/// Ends one of the caller's other sessions, by the reference the list gave.
#[server(endpoint = "end_session")]
pub async fn end_session(session: String) -> Result<(), AppError> {
    as_actor(|actor, state| async move { sessions::end(&actor, &state, &session).await }).await
}

/// Ends every session of the caller but this one; returns how many.
#[server(endpoint = "end_other_sessions")]
pub async fn end_other_sessions() -> Result<u64, AppError> {
    as_actor(|actor, state| async move { sessions::end_others(&actor, &state).await }).await
}

/// Where the caller's second factor stands (and, while it is being set
/// up, what to scan and the recovery codes).
#[server(endpoint = "get_second_factor")]
pub async fn get_second_factor() -> Result<SecondFactorDto, AppError> {
    as_actor(|actor, state| async move { second_factor::status(&actor, &state).await }).await
}

#[server(endpoint = "begin_second_factor")]
pub async fn begin_second_factor() -> Result<SecondFactorDto, AppError> {
    as_actor(|actor, state| async move { second_factor::begin(&actor, &state).await }).await
}

#[server(endpoint = "confirm_second_factor")]
pub async fn confirm_second_factor(code: String) -> Result<SecondFactorDto, AppError> {
    as_actor(|actor, state| async move { second_factor::confirm(&actor, &state, &code).await })
        .await
}

#[server(endpoint = "disable_second_factor")]
pub async fn disable_second_factor(
    password: String,
    code: String,
) -> Result<SecondFactorDto, AppError> {
    as_actor(|actor, state| async move {
        second_factor::disable(&actor, &state, &password, &code).await
    })
    .await
}

/// An admin requires a second factor of every member (`required` is a
/// checkbox: present means yes).
#[server(endpoint = "set_second_factor_policy")]
pub async fn set_second_factor_policy(required: Option<String>) -> Result<(), AppError> {
    as_actor(|actor, state| async move {
        second_factor::set_policy(&actor, &state, required.is_some()).await
    })
    .await
}

/// The caller's passkeys.
#[server(endpoint = "list_passkeys")]
pub async fn list_passkeys() -> Result<Vec<PasskeyDto>, AppError> {
    as_actor(|actor, state| async move { passkeys::list(&actor, &state).await }).await
}

/// The first step of adding a passkey: the options for the browser.
#[server(endpoint = "begin_passkey")]
pub async fn begin_passkey() -> Result<PasskeyCeremony, AppError> {
    as_actor(|actor, state| async move { passkeys::begin_registration(&actor, &state).await }).await
}

/// The second step: the browser's new credential (JSON), under a name.
#[server(endpoint = "finish_passkey")]
pub async fn finish_passkey(
    token: String,
    name: String,
    credential: String,
) -> Result<Vec<PasskeyDto>, AppError> {
    as_actor(|actor, state| async move {
        passkeys::finish_registration(&actor, &state, &token, &name, &credential).await
    })
    .await
}

#[server(endpoint = "rename_passkey")]
pub async fn rename_passkey(passkey_id: i64, name: String) -> Result<Vec<PasskeyDto>, AppError> {
    as_actor(
        |actor, state| async move { passkeys::rename(&actor, &state, passkey_id, &name).await },
    )
    .await
}

#[server(endpoint = "remove_passkey")]
pub async fn remove_passkey(passkey_id: i64) -> Result<Vec<PasskeyDto>, AppError> {
    as_actor(|actor, state| async move { passkeys::remove(&actor, &state, passkey_id).await }).await
}

/// The organization's single sign-on, for its admins (None: not set up).
#[server(endpoint = "get_sso_settings")]
pub async fn get_sso_settings() -> Result<Option<SsoSettings>, AppError> {
    as_actor(|actor, state| async move { single_sign_on::settings(&actor, &state).await }).await
}

/// An admin saves the organization's identity provider (checkboxes:
/// present means yes; an empty secret keeps the saved one).
#[server(endpoint = "save_sso_settings")]
pub async fn save_sso_settings(
    issuer: String,
    client_id: String,
    client_secret: String,
    domains: String,
    join_as_viewer: Option<String>,
    enforced: Option<String>,
) -> Result<SsoSettings, AppError> {
    as_actor(|actor, state| async move {
        let input = single_sign_on::SsoInput {
            issuer,
            client_id,
            client_secret,
            domains,
            join_as_viewer: join_as_viewer.is_some(),
            enforced: enforced.is_some(),
        };
        single_sign_on::save(&actor, &state, input).await
    })
    .await
}

/// An admin turns single sign-on off.
#[server(endpoint = "remove_sso_settings")]
pub async fn remove_sso_settings() -> Result<(), AppError> {
    as_actor(|actor, state| async move { single_sign_on::remove(&actor, &state).await }).await
}

/// An admin resets a member's second factor.
#[server(endpoint = "reset_member_second_factor")]
pub async fn reset_member_second_factor(
    membership_id: crate::model::MembershipId,
) -> Result<(), AppError> {
    as_actor(|actor, state| async move {
        second_factor::reset_for_member(&actor, &state, membership_id).await
    })
    .await
}

#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    as_anyone(|state, info| async move { auth::request_reset(&state, &email, &info).await }).await
}

#[server(endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    as_anyone(
        |state, info| async move { auth::reset_password(&state, &token, &password, &info).await },
    )
    .await
}

#[server(endpoint = "get_invitation")]
pub async fn get_invitation(token: String) -> Result<InvitationPreview, AppError> {
    as_anyone(|state, _| async move {
        let visitor = crate::server::Actor::current().await.ok();
        invitations::preview(&state, &token, visitor.as_ref()).await
    })
    .await
}

/// Accepts an invitation and signs the user in (the session cookie is set on
/// this response).
#[server(endpoint = "accept_invitation")]
pub async fn accept_invitation(
    token: String,
    display_name: String,
    password: String,
) -> Result<(), AppError> {
    as_anyone(|state, info| async move {
        let session = invitations::accept(&state, &token, &display_name, &password, &info).await?;
        if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
            resp.append_header(
                http::header::SET_COOKIE,
                crate::server::session::set_cookie(&state, &session),
            );
        }
        leptos_axum::redirect("/");
        Ok(())
    })
    .await
}

#[server(endpoint = "get_partner_invitation")]
pub async fn get_partner_invitation(token: String) -> Result<PartnerInvitationPreview, AppError> {
    as_anyone(|state, _| async move {
        let visitor = crate::server::Actor::current().await.ok();
        partners::preview(&state, &token, visitor.as_ref()).await
    })
    .await
}

/// Accepts an invitation to an organization: `org` is the id of one the
/// signed-in invitee administers, or `new` (then `org_name`, and for a
/// visitor not signed in as the invitee their name and password).
#[server(endpoint = "accept_partner_invitation")]
pub async fn accept_partner_invitation(
    token: String,
    org: String,
    org_name: String,
    display_name: String,
    password: String,
) -> Result<(), AppError> {
    as_anyone(|state, info| async move {
        let how = match org.trim() {
            "new" => partners::Acceptance::New {
                org_name,
                display_name,
                password,
            },
            id => partners::Acceptance::Existing(OrgId(id.parse().map_err(|_| {
                AppError::invalid("org", "Choose an organization or “a new organization”.")
            })?)),
        };
        let visitor = crate::server::Actor::current().await.ok();
        let accepted = partners::accept(&state, &token, how, visitor.as_ref(), &info).await?;
        if let Some(session) = accepted.session {
            if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
                resp.append_header(
                    http::header::SET_COOKIE,
                    crate::server::session::set_cookie(&state, &session),
                );
            }
        }
        leptos_axum::redirect("/");
        Ok(())
    })
    .await
}
