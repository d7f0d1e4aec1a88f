//! Plain HTTP routes outside Leptos: sign in and out (plain forms, so they
//! work without JavaScript) and the health check.

use app::model::AppError;
use app::server::{
    db,
    services::{auth, passkeys, single_sign_on as sso},
    session::{self, RequestInfo, SessionActor},
    AppState,
};
use axum::{
    extract::Query,
    extract::{FromRef, FromRequestParts, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Extension, Form, Json,
};
use http::request::Parts;
use serde::Deserialize;

pub async fn healthz(State(state): State<AppState>) -> Response {
    if db::ping(&state.db).await {
        (
            StatusCode::OK,
            Json(serde_json::json!({"status": "ok", "database": "ok"})),
        )
            .into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({"status": "unavailable", "database": "unreachable"})),
        )
            .into_response()
    }
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
}

/// The client address and request id, as services record them.
pub struct Info(pub RequestInfo);

impl<S> FromRequestParts<S> for Info
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        Ok(Info(RequestInfo::from_parts(
            &parts.headers,
            &parts.extensions,
            &state.config.trust_proxy,
        )))
    }
}

/// POST /auth/login: sets the session cookie and goes home, or back to the
/// form with the reason. An address whose domain signs in through an
/// identity provider goes there instead when its organization requires
/// that (the password is not looked at) or when no password was given.
pub async fn login(
    State(state): State<AppState>,
    Info(info): Info,
    Form(form): Form<LoginForm>,
) -> Response {
    match sso::provider_for_email(&state, &form.email).await {
        Ok(Some(p)) if p.enforced || form.password.is_empty() => {
            return start_sso(&state, &p, &form.email, &info).await
        }
        Ok(_) => {}
        Err(e) => {
            tracing::error!(error = %e, "looking up single sign-on failed");
            return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response();
        }
    }
    match auth::login(&state, &form.email, &form.password, &info).await {
        Ok(auth::LoginOutcome::Session(token)) => (
            [(header::SET_COOKIE, session::set_cookie(&state, &token))],
            Redirect::to("/"),
        )
            .into_response(),
        // The password was right; the account wants its second factor.
        Ok(auth::LoginOutcome::NeedsCode(challenge)) => (
            [(
                header::SET_COOKIE,
                session::set_challenge_cookie(&state, &challenge),
            )],
            Redirect::to("/login/code"),
        )
            .into_response(),
        Err(AppError::RateLimited {
            retry_after_secs, ..
        }) => {
            let minutes = retry_after_secs.div_ceil(60).max(1);
            let mut res =
                Redirect::to(&format!("/login?error=throttled&minutes={minutes}")).into_response();
            res.headers_mut()
                .insert(header::RETRY_AFTER, retry_after_secs.into());
            res
        }
        Err(AppError::Validation { message, .. }) if message == auth::SSO_REQUIRED => {
            Redirect::to("/login?error=sso_required").into_response()
        }
        Err(AppError::Validation { .. }) => Redirect::to("/login?error=invalid").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "login failed");
            (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response()
        }
    }
}

#[derive(Deserialize)]
pub struct SsoForm {
    email: String,
}

/// POST /auth/sso: "sign in with single sign-on" for an address; goes to
/// its organization's identity provider, or back with the reason.
pub async fn sso_start(
    State(state): State<AppState>,
    Info(info): Info,
    Form(form): Form<SsoForm>,
) -> Response {
    match sso::provider_for_email(&state, &form.email).await {
        Ok(Some(p)) => start_sso(&state, &p, &form.email, &info).await,
        Ok(None) => Redirect::to("/login?error=sso_unknown").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "looking up single sign-on failed");
            (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response()
        }
    }
}

async fn start_sso(
    state: &AppState,
    p: &app::server::entities::identity_provider::Model,
    email: &str,
    info: &RequestInfo,
) -> Response {
    match sso::start(state, p, email, info).await {
        Ok(started) => (
            [
                (
                    header::SET_COOKIE,
                    session::set_sso_cookie(state, &started.browser_token),
                ),
                (header::CACHE_CONTROL, "no-store".parse().unwrap()),
            ],
            axum::response::Html(to_provider_page(&started.provider_url)),
        )
            .into_response(),
        Err(failure) => Redirect::to(&format!("/login?error={}", failure.code())).into_response(),
    }
}

/// The page that sends the browser on to its identity provider. Not a
/// redirect: the sign-in forms' Content-Security-Policy (`form-action
/// 'self'`) covers a form's redirects too, and must stay that strict; a
/// page that moves on by itself (meta refresh, no script) is not a form
/// submission. The link is there for browsers that do not refresh.
fn to_provider_page(url: &str) -> String {
    let url = url
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0;url={url}\"><title>Signing in</title></head><body><main><p>Taking you to your organization's sign-in page… <a id=\"to-provider\" href=\"{url}\">Continue</a></p></main></body></html>"
    )
}

#[derive(Deserialize)]
pub struct SsoAnswer {
    #[serde(default)]
    state: String,
    code: Option<String>,
    error: Option<String>,
}

/// GET /auth/sso/callback: the identity provider's answer. Signs in and
/// goes home, or to the sign-in page with the reason.
pub async fn sso_callback(
    State(state): State<AppState>,
    Info(info): Info,
    headers: HeaderMap,
    Query(answer): Query<SsoAnswer>,
) -> Response {
    let browser = session::sso_from_headers(&state, &headers);
    let answer = sso::Callback {
        state: answer.state.chars().take(512).collect(),
        code: answer.code,
        error: answer.error,
    };
    let started = std::time::Instant::now();
    let (target, session_cookie, provider) =
        match sso::finish(&state, answer, browser.as_deref(), &info).await {
            Ok(f) => (
                "/".to_string(),
                Some(session::set_cookie(&state, &f.token)),
                f.provider_time,
            ),
            Err(failure) => (
                format!("/login?error={}", failure.code()),
                None,
                std::time::Duration::ZERO,
            ),
        };
    let mut res = Redirect::to(&target).into_response();
    let h = res.headers_mut();
    // Where the time went (for operators and the benchmark): waiting for
    // the identity provider, and Pactline's own work.
    let own = started.elapsed().saturating_sub(provider);
    if let Ok(v) = http::HeaderValue::from_str(&format!(
        "idp;dur={:.1};desc=\"identity provider\", app;dur={:.1}",
        provider.as_secs_f64() * 1000.0,
        own.as_secs_f64() * 1000.0
    )) {
        h.insert("server-timing", v);
    }
    h.append(header::SET_COOKIE, session::clear_sso_cookie(&state));
    if let Some(c) = session_cookie {
        h.append(header::SET_COOKIE, c);
    }
    res
}

/// What the browser sends back from `navigator.credentials.get`.
#[derive(Deserialize)]
pub struct PasskeyAnswer {
    token: String,
    credential: serde_json::Value,
}

fn passkey_refusal(e: AppError) -> Response {
    match e {
        AppError::Validation { message, .. } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(serde_json::json!({"message": message})),
        )
            .into_response(),
        AppError::Unauthenticated => (
            StatusCode::UNAUTHORIZED,
            Json(serde_json::json!({"message": "That sign-in was not finished in time. Sign in again.", "redirect": "/login?error=expired"})),
        )
            .into_response(),
        e => {
            tracing::error!(error = %e, "passkey sign-in failed");
            (StatusCode::INTERNAL_SERVER_ERROR, Json(serde_json::json!({"message": "Something went wrong; try again."}))).into_response()
        }
    }
}

/// POST /auth/passkey/options: the first step of signing in with a passkey.
pub async fn passkey_options(State(state): State<AppState>) -> Response {
    match passkeys::begin_sign_in(&state).await {
        Ok(c) => Json(c).into_response(),
        Err(e) => passkey_refusal(e),
    }
}

/// POST /auth/passkey: the authenticator's answer; signs in.
pub async fn passkey_sign_in(
    State(state): State<AppState>,
    Info(info): Info,
    Json(answer): Json<PasskeyAnswer>,
) -> Response {
    match passkeys::finish_sign_in(&state, &answer.token, &answer.credential.to_string(), &info)
        .await
    {
        Ok(token) => (
            [(header::SET_COOKIE, session::set_cookie(&state, &token))],
            Json(serde_json::json!({"redirect": "/"})),
        )
            .into_response(),
        Err(e) => passkey_refusal(e),
    }
}

/// POST /auth/passkey/second-step/options: a passkey as the second step
/// of a sign-in whose password was right (its challenge cookie).
pub async fn passkey_second_options(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(challenge) = session::challenge_from_headers(&state, &headers) else {
        return passkey_refusal(AppError::Unauthenticated);
    };
    match passkeys::begin_second_step(&state, &challenge).await {
        Ok(c) => Json(c).into_response(),
        Err(e) => passkey_refusal(e),
    }
}

/// POST /auth/passkey/second-step: the authenticator's answer; signs in.
pub async fn passkey_second_step(
    State(state): State<AppState>,
    Info(info): Info,
    headers: HeaderMap,
    Json(answer): Json<PasskeyAnswer>,
) -> Response {
    let Some(challenge) = session::challenge_from_headers(&state, &headers) else {
        return passkey_refusal(AppError::Unauthenticated);
    };
    match passkeys::finish_second_step(
        &state,
        &challenge,
        &answer.token,
        &answer.credential.to_string(),
        &info,
    )
    .await
    {
        Ok(token) => {
            let mut res = Json(serde_json::json!({"redirect": "/"})).into_response();
            let h = res.headers_mut();
            h.append(header::SET_COOKIE, session::set_cookie(&state, &token));
            h.append(header::SET_COOKIE, session::clear_challenge_cookie(&state));
            res
        }
        Err(e) => passkey_refusal(e),
    }
}

#[derive(Deserialize)]
pub struct CodeForm {
    code: String,
}

/// POST /auth/code: the second factor of a sign-in whose password was
/// right. Signs in and goes home, or back to the code form with the reason,
/// or to the sign-in form when the sign-in has to start again.
pub async fn code(
    State(state): State<AppState>,
    Info(info): Info,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Response {
    let Some(challenge) = session::challenge_from_headers(&state, &headers) else {
        return Redirect::to("/login?error=expired").into_response();
    };
    match auth::answer_challenge(&state, &challenge, &form.code, &info).await {
        Ok(token) => {
            let mut res = Redirect::to("/").into_response();
            let h = res.headers_mut();
            h.append(header::SET_COOKIE, session::set_cookie(&state, &token));
            h.append(header::SET_COOKIE, session::clear_challenge_cookie(&state));
            res
        }
        Err(AppError::Unauthenticated) => (
            [(header::SET_COOKIE, session::clear_challenge_cookie(&state))],
            Redirect::to("/login?error=expired"),
        )
            .into_response(),
        Err(AppError::RateLimited {
            retry_after_secs, ..
        }) => {
            let minutes = retry_after_secs.div_ceil(60).max(1);
            let mut res = Redirect::to(&format!("/login/code?error=throttled&minutes={minutes}"))
                .into_response();
            res.headers_mut()
                .insert(header::RETRY_AFTER, retry_after_secs.into());
            res
        }
        Err(AppError::Validation { message, .. }) => {
            let reused = message.contains("used already");
            Redirect::to(if reused {
                "/login/code?error=reused"
            } else {
                "/login/code?error=invalid"
            })
            .into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "second factor failed");
            (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response()
        }
    }
}

/// POST /auth/logout: ends the session on the server and clears the cookie.
pub async fn logout(
    State(state): State<AppState>,
    Info(info): Info,
    Extension(actor): Extension<SessionActor>,
    headers: HeaderMap,
) -> Response {
    if let Some(token) = session::token_from_headers(&state, &headers) {
        let actor = actor.0;
        if let Err(e) = auth::logout(&state, &token, actor.as_ref(), &info).await {
            tracing::error!(error = %e, "logout failed");
        }
    }
    (
        [(header::SET_COOKIE, session::clear_cookie(&state))],
        Redirect::to("/login?notice=signed_out"),
    )
        .into_response()
}

/// GET /catalogs/{id}/export/{format}, /profiles/{id}/export/{format},
/// /assessments/{id}/export/xlsx (answers), /engagements/{id}/export/xlsx
/// (the supplier comparison), /matrix/{engagement}/export/{xlsx,csv} and
/// /commitments/{engagement or 0}/export/{xlsx,csv,oscal} and
/// /program/0/export/{xlsx,csv} (the security program's ratings),
/// /zones/0/export/{xlsx,csv} and /countermeasures/0/export/{xlsx,csv} (the
/// zone and conduit register, the countermeasure register),
/// /systems/{id}/export/oscal (a system's zone model as an OSCAL system
/// security plan): downloads for the signed-in actor; anything not theirs
/// is 404.
pub async fn export(
    State(state): State<AppState>,
    Extension(session): Extension<SessionActor>,
    axum::extract::Path((kind, id, format)): axum::extract::Path<(String, i64, String)>,
) -> Response {
    use app::server::services::exports::{self, Format};
    let Some(actor) = session.0 else {
        return (StatusCode::UNAUTHORIZED, "Sign in to download.").into_response();
    };
    let Some(fmt) = Format::parse(&format) else {
        return (StatusCode::NOT_FOUND, "No such export.").into_response();
    };
    let result = match kind.as_str() {
        "catalogs" => exports::catalog(&actor, &state, app::model::CatalogId(id), fmt).await,
        "profiles" => exports::profile(&actor, &state, app::model::ProfileId(id), fmt).await,
        "assessments" if fmt == Format::Xlsx => app::server::services::answer_sheets::workbook(
            &actor,
            &state,
            app::model::AssessmentId(id),
        )
        .await
        .map(|(filename, bytes)| exports::Download {
            filename,
            content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            bytes,
        }),
        "assessments" if fmt == Format::Oscal => {
            exports::assessment_results(&actor, &state, app::model::AssessmentId(id)).await
        }
        "engagements" if fmt == Format::Xlsx => app::server::services::comparison::workbook(
            &actor,
            &state,
            app::model::EngagementId(id),
        )
        .await
        .map(|(filename, bytes)| exports::Download {
            filename,
            content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            bytes,
        }),
        "matrix" => {
            app::server::services::commitment_exports::matrix_download(
                &actor,
                &state,
                app::model::EngagementId(id),
                fmt,
            )
            .await
        }
        // Id 0: every commitment the caller may read.
        "commitments" => {
            app::server::services::commitment_exports::commitments_download(
                &actor,
                &state,
                (id != 0).then_some(app::model::EngagementId(id)),
                fmt,
            )
            .await
        }
        // Id 0: the asset owner's own program, zone and conduit register and
        // countermeasure register.
        "program" if id == 0 => app::server::services::program::download(&actor, &state, fmt).await,
        "zones" if id == 0 => {
            app::server::services::zones::register_download(&actor, &state, fmt).await
        }
        "countermeasures" if id == 0 => {
            app::server::services::zones::countermeasures_download(&actor, &state, fmt).await
        }
        "systems" if fmt == Format::Oscal => {
            app::server::services::zones::oscal_download(&actor, &state, id).await
        }
        _ => Err(AppError::NotFound),
    };
    match result {
        Ok(d) => (
            [
                (header::CONTENT_TYPE, d.content_type.to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}\"", d.filename),
                ),
                (header::CACHE_CONTROL, "private, no-store".to_string()),
            ],
            d.bytes,
        )
            .into_response(),
        Err(e) => {
            let status =
                StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, e.to_string()).into_response()
        }
    }
}

/// `Content-Disposition` for a download: always an attachment, an ASCII
/// fallback name and the exact name in RFC 5987 form.
pub fn attachment(filename: &str) -> String {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || " .-_()".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut exact = String::new();
    for b in filename.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            exact.push(b as char);
        } else {
            exact.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{exact}")
}

/// GET /evidence/{id}: an evidence file, for the two organizations of its
/// assessment only; anything else is 404.
pub async fn evidence(
    State(state): State<AppState>,
    Extension(session): Extension<SessionActor>,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> Response {
    let Some(actor) = session.0 else {
        return (StatusCode::UNAUTHORIZED, "Sign in to download.").into_response();
    };
    let found =
        app::server::services::assessments::download(&actor, &state, app::model::EvidenceId(id))
            .await;
    file_response(found)
}

/// GET /library-evidence/{id}: a file kept in a product library, for the
/// supplier's members who may see the library and for an asset owner the
/// set it belongs to is shared with (not revoked); anything else is 404.
pub async fn library_evidence(
    State(state): State<AppState>,
    Extension(session): Extension<SessionActor>,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> Response {
    let Some(actor) = session.0 else {
        return (StatusCode::UNAUTHORIZED, "Sign in to download.").into_response();
    };
    let found = app::server::services::library_evidence::download(&actor, &state, id).await;
    file_response(found)
}

/// A stored evidence file as a download that browsers never run.
fn file_response(found: Result<(String, String, Vec<u8>), AppError>) -> Response {
    match found {
        Ok((name, content_type, bytes)) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CONTENT_DISPOSITION, attachment(&name)),
                (header::CACHE_CONTROL, "private, no-store".to_string()),
                (
                    header::CONTENT_SECURITY_POLICY,
                    "sandbox; default-src 'none'; frame-ancestors 'none'".to_string(),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => {
            let status =
                StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, e.to_string()).into_response()
        }
    }
}

/// GET /calendar/{token}.ics: a user's private feed of commitment due
/// dates, for calendar programs (which send no session cookie; the token in
/// the address is the credential, and only its hash is stored).
pub async fn calendar(
    State(state): State<AppState>,
    axum::extract::Path(token): axum::extract::Path<String>,
) -> Response {
    match app::server::services::calendar::calendar(&state, &token).await {
        Ok(ics) => (
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                (header::CACHE_CONTROL, "private, no-store"),
            ],
            ics,
        )
            .into_response(),
        Err(AppError::NotFound) => (StatusCode::NOT_FOUND, "No such calendar.").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "calendar feed failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "Try again later.").into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::attachment;

    #[test]
    fn download_names_cannot_break_the_header() {
        assert_eq!(
            attachment("cert.pdf"),
            "attachment; filename=\"cert.pdf\"; filename*=UTF-8''cert.pdf"
        );
        let h = attachment("a\"; b=c\r\nX: y ü.pdf");
        assert!(!h.contains('\r') && !h.contains('\n'));
        assert!(
            h.starts_with("attachment; filename=\"a__ b_c__X_ y _.pdf\""),
            "{h}"
        );
        assert!(h.ends_with("%C3%BC.pdf"), "{h}");
    }
}
