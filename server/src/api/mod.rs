//! The REST API, `/api/v1`, for scripts and other systems (procurement,
//! GRC, ticketing). A caller authenticates with an organization's API token
//! (`Authorization: Bearer plt_…`) and acts as its maker with the token's
//! role; every read and change goes through the same services and access
//! layer as the browser's server functions.
//!
//! Conventions: JSON with snake_case names and RFC 3339 times; errors as
//! problem details; lists by cursor (`limit` up to 200, `next` link);
//! `ETag` on reads with `If-None-Match`. The OpenAPI 3.1 document is made
//! from the handlers (`/api/v1/openapi.json`) and rendered as the API's
//! documentation by Pactline itself (`/api/v1/docs`, no CDN).

mod answers;
mod assessments;
mod catalogs;
mod commitments;
mod docs;
mod engagements;
mod evidence;
mod organization;
mod problem;
mod reviews;

pub use problem::{Problem, ProblemField};

use app::server::{
    idempotency::{self, Begin},
    session::{self, RequestInfo},
    tokens, Actor, AppState,
};
use axum::{
    extract::{FromRef, FromRequestParts, Request, State},
    http::{header, request::Parts, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    Router,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;
use utoipa::{
    openapi::security::{Http, HttpAuthScheme, SecurityScheme},
    IntoParams, Modify, OpenApi,
};
use utoipa_axum::router::OpenApiRouter;

/// The caller: an organization's API token, resolved to the actor it acts as.
pub struct Caller(pub Actor);

/// Each token's request budget: a sustained rate and a burst of twice
/// that (GCRA, in memory per process).
pub struct Limits(governor::DefaultKeyedRateLimiter<i64>);

impl Limits {
    pub fn new(per_second: u32) -> Self {
        let rate = std::num::NonZeroU32::new(per_second.max(1)).expect("at least one");
        let burst = rate.saturating_mul(std::num::NonZeroU32::new(2).expect("two"));
        Limits(governor::RateLimiter::keyed(
            governor::Quota::per_second(rate).allow_burst(burst),
        ))
    }

    /// Counts one request of `token`; a 429 problem when over its budget.
    fn check(&self, token: i64) -> Result<(), Problem> {
        use governor::clock::{Clock, DefaultClock};
        self.0.check_key(&token).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            Problem {
                retry_after: Some(secs.max(1)),
                ..Problem::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate-limited",
                    "This token made too many requests; wait the seconds in Retry-After, then go on.",
                )
            }
        })
    }
}

impl FromRequestParts<crate::ServerState> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        server: &crate::ServerState,
    ) -> Result<Self, Problem> {
        let state = AppState::from_ref(server);
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Err(Problem::unauthorized(
                "Send an API token as `Authorization: Bearer plt_…` (an admin makes one on the Members page).",
            ));
        };
        let token = bearer(value);
        if !tokens::looks_like_api_token(token) {
            return Err(Problem::unauthorized(
                "The Authorization header holds no API token: send `Bearer plt_…`.",
            ));
        }
        let actor = session::resolve_api_token(&state, token)
            .await?
            .ok_or_else(|| {
                Problem::unauthorized(
                    "This token is unknown, expired or revoked, or its maker is no longer an admin. Ask an admin for a new one.",
                )
            })?;
        if let Some(t) = actor.api_token() {
            server.api_limits.check(t.id)?;
        }
        let info =
            RequestInfo::from_parts(&parts.headers, &parts.extensions, &state.config.trust_proxy);
        let actor = actor.with_request(info);
        let reads = matches!(parts.method, Method::GET | Method::HEAD);
        if !reads && actor.api_token().is_some_and(|t| t.read_only) {
            return Err(Problem::new(
                StatusCode::FORBIDDEN,
                "read-only-token",
                "This token may only read. Ask an admin for a token that may change things.",
            ));
        }
        Ok(Caller(actor))
    }
}

/// The token of an `Authorization: Bearer …` header, or "".
fn bearer(value: &HeaderValue) -> &str {
    value
        .to_str()
        .ok()
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim())
        .unwrap_or_default()
}

/// The `Idempotency-Key` a creating POST may carry.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IdempotencyKey {
    /// Any 1 to 255 visible ASCII characters (a UUID, say), new for each
    /// change. Sent again with the same request within a day, the first
    /// answer comes back (header `Idempotent-Replayed: true`) and nothing
    /// happens twice; with another request, 422.
    #[serde(rename = "Idempotency-Key")]
    #[param(value_type = Option<String>, pattern = "^[!-~]{1,255}$")]
    pub key: Option<String>,
}

/// The largest body a POST of the API may have.
const POST_LIMIT: usize = crate::security::EVIDENCE_LIMIT;

/// Handles `Idempotency-Key` on POSTs: the first request with a key acts
/// and its answer is kept; the same request again gets that answer back.
pub async fn idempotent(
    State(server): State<crate::ServerState>,
    req: Request,
    next: Next,
) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let Some(key) = req.headers().get("idempotency-key").cloned() else {
        return next.run(req).await;
    };
    let key = match key.to_str() {
        Ok(k) if (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()) => {
            k.to_string()
        }
        _ => {
            return Problem::bad_parameter(
                "Idempotency-Key",
                "`Idempotency-Key` is 1 to 255 visible ASCII characters, e.g. a UUID.",
            )
            .into_response()
        }
    };
    let state = AppState::from_ref(&server);
    // Without a valid token the handler refuses the request anyway.
    let token = req.headers().get(header::AUTHORIZATION).map(bearer);
    let actor = match token.filter(|t| tokens::looks_like_api_token(t)) {
        Some(t) => match session::resolve_api_token(&state, t).await {
            Ok(Some(a)) => a,
            Ok(None) => return next.run(req).await,
            Err(e) => return Problem::from(e).into_response(),
        },
        None => return next.run(req).await,
    };
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, POST_LIMIT).await {
        Ok(b) => b,
        Err(_) => {
            return Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-large",
                "The request is too large.",
            )
            .into_response()
        }
    };
    let mut digest = Vec::with_capacity(bytes.len() + 300);
    digest.extend_from_slice(parts.method.as_str().as_bytes());
    digest.push(b' ');
    digest.extend_from_slice(parts.uri.to_string().as_bytes());
    digest.push(b'\n');
    digest.extend_from_slice(&bytes);
    let hash = tokens::sha256_hex(&digest);
    let id = match idempotency::begin(&actor, &state, &key, &hash).await {
        Err(e) => return Problem::from(e).into_response(),
        Ok(Begin::Mismatch) => {
            return Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency-key-reused",
                "This Idempotency-Key was used for another request: use a new key for a new change.",
            )
            .into_response()
        }
        Ok(Begin::InFlight) => {
            return Problem::new(
                StatusCode::CONFLICT,
                "idempotency-key-in-flight",
                "The first request with this Idempotency-Key is still being handled: wait, then send it again.",
            )
            .into_response()
        }
        Ok(Begin::Replay {
            status,
            content_type,
            body,
        }) => {
            let mut r = (
                StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
                body,
            )
                .into_response();
            let h = r.headers_mut();
            if let Ok(v) = HeaderValue::from_str(&content_type) {
                h.insert(header::CONTENT_TYPE, v);
            }
            h.insert("idempotent-replayed", HeaderValue::from_static("true"));
            return r;
        }
        Ok(Begin::Proceed(id)) => id,
    };
    let r = next
        .run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await;
    let status = r.status();
    let (parts, body) = r.into_parts();
    let kept = match axum::body::to_bytes(body, 1024 * 1024).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "API answer unreadable");
            let _ = idempotency::forget(&state, id).await;
            return Problem::from(app::model::AppError::Internal {
                request_id: request_id(&parts.headers),
            })
            .into_response();
        }
    };
    let retry_worthy = status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS;
    let text = std::str::from_utf8(&kept).ok();
    let outcome = match (retry_worthy, text) {
        (false, Some(t)) => {
            let ct = parts
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("application/json");
            idempotency::finish(&state, id, status.as_u16(), ct, t.to_string()).await
        }
        _ => idempotency::forget(&state, id).await,
    };
    if let Err(e) = outcome {
        tracing::error!(error = %e, "idempotency key not recorded");
    }
    Response::from_parts(parts, axum::body::Body::from(kept))
}

/// The most items one page of a list holds.
pub const MAX_LIMIT: u64 = 200;
const DEFAULT_LIMIT: u64 = 50;

/// `limit` as sent, checked.
pub fn limit_of(limit: Option<&str>) -> Result<u64, Problem> {
    match limit {
        None => Ok(DEFAULT_LIMIT),
        Some(s) => match s.parse::<u64>() {
            Ok(n @ 1..=MAX_LIMIT) => Ok(n),
            _ => Err(Problem::bad_parameter(
                "limit",
                format!("`limit` is a whole number from 1 to {MAX_LIMIT}."),
            )),
        },
    }
}

/// A cursor names the last item of the page before; it is opaque to clients.
pub fn cursor_for(last_id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("after:{last_id}"))
}

/// The id a cursor names.
pub fn after_of(cursor: Option<&str>) -> Result<Option<i64>, Problem> {
    let Some(c) = cursor.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    URL_SAFE_NO_PAD
        .decode(c)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix("after:").and_then(|n| n.parse::<i64>().ok()))
        .map(Some)
        .ok_or_else(|| {
            Problem::bad_parameter(
                "cursor",
                "`cursor` is not one this API gave: use the `next` link of the page before.",
            )
        })
}

/// One page of a list read whole, by position: the page's items and the
/// cursor of the next page (None on the last). Lists that are read whole
/// anyway (an assessment's answers, commitments) page this way.
pub fn page_by_position<T, U>(
    all: Vec<T>,
    cursor: Option<&str>,
    limit: u64,
    each: impl FnMut(T) -> U,
) -> Result<(Vec<U>, Option<String>), Problem> {
    let start = after_of(cursor)?.unwrap_or(0).max(0) as usize;
    let total = all.len();
    let end = start.saturating_add(limit as usize).min(total);
    let next = (end < total).then(|| cursor_for(end as i64));
    let items = all
        .into_iter()
        .skip(start.min(total))
        .take(limit as usize)
        .map(each)
        .collect();
    Ok((items, next))
}

/// A JSON answer with an `ETag` (a digest of the body); `304 Not Modified`
/// when the client already holds it (`If-None-Match`).
pub fn json_with_etag<T: Serialize>(headers: &HeaderMap, value: &T) -> Response {
    let body = match serde_json::to_vec(value) {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "API answer not serializable");
            return Problem::from(app::model::AppError::Internal {
                request_id: request_id(headers),
            })
            .into_response();
        }
    };
    // Weak: the same tag stands for the JSON whether it travels compressed
    // or not (RFC 9110, 8.8.3); If-None-Match compares weakly anyway.
    let etag = format!("\"{}\"", &tokens::sha256_hex(&body)[..32]);
    let matches = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == etag || t == "*");
    let tag = HeaderValue::from_str(&format!("W/{etag}")).expect("hex is a valid header value");
    if matches {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        r.headers_mut().insert(header::ETAG, tag);
        return r;
    }
    let mut r = (StatusCode::OK, body).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(header::ETAG, tag);
    r
}

fn request_id(headers: &HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_string()
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Pactline API",
        version = "1",
        description = "Security requirements, answers, evidence, reviews and commitments between asset owners and their suppliers (IEC 62443). Authenticate with an organization's API token: `Authorization: Bearer plt_…`."
    ),
    modifiers(&BearerAuth),
    security(("token" = [])),
    components(schemas(Problem, ProblemField))
)]
struct ApiDoc;

/// The API's routes with their OpenAPI description.
fn open_api_router() -> OpenApiRouter<crate::ServerState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(assessments::routes())
        .merge(answers::routes())
        .merge(commitments::routes())
        .merge(catalogs::routes())
        .merge(engagements::routes())
        .merge(reviews::routes())
        .merge(evidence::routes())
        .merge(organization::routes())
}

/// The OpenAPI document, made once.
pub fn openapi() -> &'static utoipa::openapi::OpenApi {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOC.get_or_init(|| open_api_router().into_openapi())
}

/// `/api/v1`: the API's routes, its OpenAPI document and its documentation.
pub fn router(server: crate::ServerState) -> Router<crate::ServerState> {
    let (routes, _) = open_api_router().split_for_parts();
    routes
        .layer(axum::middleware::from_fn_with_state(server, idempotent))
        .route(
            "/api/v1/openapi.json",
            axum::routing::get(
                |headers: HeaderMap| async move { json_with_etag(&headers, openapi()) },
            ),
        )
        .route("/api/v1/docs", axum::routing::get(docs::page))
        .route(
            "/api/v1/{*rest}",
            axum::routing::any(|| async {
                Problem::new(
                    StatusCode::NOT_FOUND,
                    "no-such-route",
                    "No such API route: see /api/v1/docs.",
                )
            }),
        )
}
