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
mod commitments;
mod docs;
mod problem;

pub use problem::{Problem, ProblemField};

use app::server::{
    session::{self, RequestInfo},
    tokens, Actor, AppState,
};
use axum::{
    extract::{FromRef, FromRequestParts},
    http::{header, request::Parts, HeaderMap, HeaderValue, Method, StatusCode},
    response::{IntoResponse, Response},
    Router,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use serde::Serialize;
use std::sync::OnceLock;
use utoipa::{
    openapi::security::{Http, HttpAuthScheme, SecurityScheme},
    Modify, OpenApi,
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
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, t)| t.trim())
            .unwrap_or_default();
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
    let etag = format!("\"{}\"", &tokens::sha256_hex(&body)[..32]);
    let matches = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == etag || t == "*");
    let tag = HeaderValue::from_str(&etag).expect("hex is a valid header value");
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
}

/// The OpenAPI document, made once.
pub fn openapi() -> &'static utoipa::openapi::OpenApi {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOC.get_or_init(|| open_api_router().into_openapi())
}

/// `/api/v1`: the API's routes, its OpenAPI document and its documentation.
pub fn router() -> Router<crate::ServerState> {
    let (routes, _) = open_api_router().split_for_parts();
    routes
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
