//! The shape of every server function: who is asking, then a service call,
//! then the HTTP status that matches the outcome.

use super::{session::RequestInfo, Actor, AppState};
use crate::model::AppError;
use std::future::Future;

/// Logs an unexpected error with context and returns the opaque `Internal`
/// error with the request id the user can quote.
pub fn internal(e: impl std::fmt::Display) -> AppError {
    let request_id = leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|p| {
            p.headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        })
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    tracing::error!(error = %e, request_id = %request_id, "internal error");
    AppError::Internal { request_id }
}

/// `?` on a database call: the error is logged with the request id and the
/// user sees the opaque `Internal` error. A unique-key violation that a
/// service expects is mapped to a clear message before this, with
/// [`unique_violation`].
impl From<sea_orm::DbErr> for AppError {
    fn from(e: sea_orm::DbErr) -> Self {
        internal(e)
    }
}

/// `?` on writing a workbook the server makes (exports, answer sheets): a
/// failure there is ours, never the user's.
impl From<rust_xlsxwriter::XlsxError> for AppError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        internal(e)
    }
}

/// A write's error, where a unique-key violation means what `taken` says
/// (a clear validation error) and anything else is internal.
pub fn unless_taken(e: sea_orm::DbErr, taken: impl FnOnce() -> AppError) -> AppError {
    if unique_violation(&e) {
        taken()
    } else {
        e.into()
    }
}

/// Whether a database error is a unique-key violation (both databases).
pub fn unique_violation(e: &sea_orm::DbErr) -> bool {
    matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// Server-function calls answer with the error's status. A page render
/// answers 404 for what is not found, and leaves `Unauthenticated` to the
/// page's redirect to the sign-in form.
fn set_status<T>(result: &Result<T, AppError>) {
    if let Err(e) = result {
        let is_page = leptos::prelude::use_context::<http::request::Parts>()
            .is_some_and(|p| !p.uri.path().starts_with("/api/"));
        if is_page && *e == AppError::Unauthenticated {
            return;
        }
        if let Some(resp) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            resp.set_status(
                http::StatusCode::from_u16(e.status()).unwrap_or(http::StatusCode::BAD_REQUEST),
            );
            if let AppError::RateLimited {
                retry_after_secs, ..
            } = e
            {
                resp.insert_header(http::header::RETRY_AFTER, (*retry_after_secs).into());
            }
        }
    }
}

/// Runs `f` as the signed-in actor; `Unauthenticated` without a session.
pub async fn as_actor<T, F, Fut>(f: F) -> Result<T, AppError>
where
    F: FnOnce(Actor, AppState) -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    let result = match (Actor::current().await, AppState::current()) {
        (Ok(actor), Ok(state)) => f(actor, state).await,
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    set_status(&result);
    result
}

/// Runs `f` for anyone, signed in or not (invitation links, password reset).
pub async fn as_anyone<T, F, Fut>(f: F) -> Result<T, AppError>
where
    F: FnOnce(AppState, RequestInfo) -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    let result = match AppState::current() {
        Ok(state) => f(state, RequestInfo::current()).await,
        Err(e) => Err(e),
    };
    set_status(&result);
    result
}
