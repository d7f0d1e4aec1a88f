//! What belongs to the token's organization and maker: the maker's
//! notifications and (read-only admin tokens) the organization's audit
//! events.

use super::assessments::{query, PageParams};
use super::{after_of, cursor_for, json_with_etag, limit_of, page_by_position, Caller, Problem};
use app::server::{
    services::{admin, notifications},
    AppState,
};
use axum::{
    extract::{rejection::QueryRejection, Query, State},
    http::HeaderMap,
    response::Response,
};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<crate::ServerState> {
    OpenApiRouter::new()
        .routes(routes!(list_notifications))
        .routes(routes!(list_audit_events))
}

/// A notification of the token's maker in the organization.
#[derive(Serialize, ToSchema)]
pub struct Notification {
    pub id: i64,
    /// What happened, e.g. `assessment_submitted`.
    pub kind: String,
    pub title: String,
    pub body: String,
    /// The page it is about (in the browser).
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

/// One page of notifications, newest first.
#[derive(Serialize, ToSchema)]
pub struct NotificationPage {
    /// How many are unread in all.
    pub unread: u64,
    pub items: Vec<Notification>,
    pub next: Option<String>,
}

/// A recorded change in the organization.
#[derive(Serialize, ToSchema)]
pub struct AuditEvent {
    /// Its place in the organization's tamper-evident chain.
    pub seq: i64,
    pub occurred_at: DateTime<Utc>,
    /// The person's address, or `system`.
    pub actor: String,
    /// The API token the change was made through, by name.
    pub api_token: Option<String>,
    /// What happened, e.g. `answer.saved`.
    pub action: String,
    pub object: String,
    /// The object before and after, as JSON text, where recorded.
    pub before: Option<String>,
    pub after: Option<String>,
}

/// One page of audit events, newest first.
#[derive(Serialize, ToSchema)]
pub struct AuditEventPage {
    pub items: Vec<AuditEvent>,
    pub next: Option<String>,
}

/// The latest notifications (at most 100) of the token's maker in the
/// organization, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/notifications",
    tag = "organization",
    params(PageParams),
    responses(
        (status = 200, description = "One page of notifications", body = NotificationPage),
        (status = 304, description = "Unchanged since the ETag sent in If-None-Match"),
        (status = 400, description = "A parameter is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this token: wait Retry-After seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_notifications(
    State(state): State<AppState>,
    Caller(actor): Caller,
    headers: HeaderMap,
    q: Result<Query<PageParams>, QueryRejection>,
) -> Result<Response, Problem> {
    let p = query(q)?;
    let limit = limit_of(p.limit.as_deref())?;
    let n = notifications::list(&actor, &state).await?;
    let (items, next) = page_by_position(n.items, p.cursor.as_deref(), limit, |n| Notification {
        id: n.id,
        kind: n.kind,
        title: n.title,
        body: n.body,
        link: n.link,
        created_at: n.created_at,
        read: n.read,
    })?;
    let next = next.map(|c| format!("/api/v1/notifications?limit={limit}&cursor={c}"));
    Ok(json_with_etag(
        &headers,
        &NotificationPage {
            unread: n.unread,
            items,
            next,
        },
    ))
}

/// The organization's audit events, newest first, with the API token each
/// change was made through. Only a read-only admin token reads them.
#[utoipa::path(
    get,
    path = "/api/v1/audit-events",
    tag = "organization",
    params(PageParams),
    responses(
        (status = 200, description = "One page of audit events", body = AuditEventPage),
        (status = 304, description = "Unchanged since the ETag sent in If-None-Match"),
        (status = 400, description = "A parameter is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The token does not act as an admin", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this token: wait Retry-After seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_audit_events(
    State(state): State<AppState>,
    Caller(actor): Caller,
    headers: HeaderMap,
    q: Result<Query<PageParams>, QueryRejection>,
) -> Result<Response, Problem> {
    let p = query(q)?;
    let limit = limit_of(p.limit.as_deref())?;
    let before = after_of(p.cursor.as_deref())?;
    let rows = admin::audit_page(&actor, &state, before, limit).await?;
    let next = (rows.len() as u64 == limit)
        .then(|| rows.last().map(|e| e.seq))
        .flatten()
        .map(|seq| {
            format!(
                "/api/v1/audit-events?limit={limit}&cursor={}",
                cursor_for(seq)
            )
        });
    let items = rows
        .into_iter()
        .map(|e| AuditEvent {
            seq: e.seq,
            occurred_at: e.at,
            actor: e.actor,
            api_token: e.api_token,
            action: e.action,
            object: e.object,
            before: e.before,
            after: e.after,
        })
        .collect();
    Ok(json_with_etag(&headers, &AuditEventPage { items, next }))
}
