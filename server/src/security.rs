//! Cross-site request forgery protection, security headers, and a tracing
//! span per request that never records secrets.

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use http::{header, HeaderValue, Method, StatusCode};
use tower_http::compression::{
    predicate::{Predicate, SizeAbove},
    CompressionLayer,
};

/// Whether a state-changing request may proceed. Browsers tell us where a
/// request comes from: `Sec-Fetch-Site` (all current browsers) or, failing
/// that, `Origin`. Requests with neither are not from a browser (curl, API
/// clients) and carry no ambient cookie risk. Pure, so it is unit-tested.
pub fn same_origin_allowed(
    method: &Method,
    host: Option<&str>,
    sec_fetch_site: Option<&str>,
    origin: Option<&str>,
) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    if let Some(site) = sec_fetch_site {
        // "none" is a user typing the URL or a bookmark.
        return matches!(site, "same-origin" | "none");
    }
    match (origin, host) {
        (None, _) => true,
        (Some("null"), _) => false,
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .map(|(_, rest)| rest.trim_end_matches('/') == host)
            .unwrap_or(false),
        (Some(_), None) => false,
    }
}

pub async fn csrf(req: Request, next: Next) -> Response {
    let h = req.headers();
    let get = |name: &str| h.get(name).and_then(|v| v.to_str().ok());
    if same_origin_allowed(
        req.method(),
        get("host"),
        get("sec-fetch-site"),
        get("origin"),
    ) {
        return next.run(req).await;
    }
    tracing::warn!(method = %req.method(), path = %req.uri().path(), "cross-site request refused");
    // A form posted from elsewhere lands on the sign-in page with a note;
    // anything else gets a plain 403.
    if matches!(req.uri().path(), "/auth/login" | "/auth/code") {
        return Redirect::to("/login?error=forbidden").into_response();
    }
    (StatusCode::FORBIDDEN, "Cross-site request refused.").into_response()
}

pub async fn headers(State(https): State<Https>, mut req: Request, next: Next) -> Response {
    let cacheable = is_static_asset(req.uri().path());
    // A page's script nonce: the page renders it into its scripts, and its
    // policy (below) names it.
    let nonce = leptos::nonce::Nonce::new().to_string();
    req.extensions_mut().insert(app::PageNonce(nonce.clone()));
    let mut res = next.run(req).await;
    let served = res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED;
    let page = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if page && !res.headers().contains_key(header::CONTENT_SECURITY_POLICY) {
        if let Ok(v) = HeaderValue::from_str(&app::page_csp(&nonce)) {
            res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
        }
    }
    let h = res.headers_mut();
    let mut set = |name: header::HeaderName, value: &'static str| {
        if !h.contains_key(&name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    };
    // Pages set their own CSP with a script nonce; everything else gets the strictest.
    set(
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
    );
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "same-origin");
    set(
        header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        header::HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=()",
    );
    // Pages, server-function answers, exports and evidence hold tenant data:
    // no browser or proxy cache keeps them.
    // The public files keep their names from one release to the next: a
    // browser keeps them but asks whether they changed before each use.
    if !cacheable {
        set(header::CACHE_CONTROL, "no-store");
    } else if served {
        set(header::CACHE_CONTROL, "no-cache");
    }
    if https.0 {
        set(
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    res
}

/// What a member may reach while their organization requires a second
/// factor they have not set up yet: their account page and what it needs,
/// switching to another organization, and signing out.
const WHILE_SETTING_UP: &[&str] = &[
    "/account",
    "/auth/logout",
    "/api/me",
    "/api/unread_notifications",
    "/api/switch_organization",
    "/api/get_second_factor",
    "/api/begin_second_factor",
    "/api/confirm_second_factor",
    "/api/change_password",
    "/api/list_sessions",
    "/api/end_session",
    "/api/end_other_sessions",
    "/api/list_passkeys",
    "/api/begin_passkey",
    "/api/finish_passkey",
    "/api/rename_passkey",
    "/api/remove_passkey",
];

/// Holds a member whose organization requires a second factor they have not
/// set up yet to their account page: pages and downloads lead there, any
/// other request is refused (403), until the app is set up.
pub async fn second_factor_gate(req: Request, next: Next) -> Response {
    let missing = req
        .extensions()
        .get::<app::server::session::SessionActor>()
        .and_then(|s| s.0.as_ref())
        .is_some_and(|a| a.second_factor_missing());
    let path = req.uri().path();
    if !missing || is_static_asset(path) || WHILE_SETTING_UP.contains(&path) {
        return next.run(req).await;
    }
    if req.method() == http::Method::GET {
        return Redirect::to("/account").into_response();
    }
    (
        StatusCode::FORBIDDEN,
        "Your organization requires two-step sign-in: set it up on your account page first.",
    )
        .into_response()
}

/// Whether Pactline is served over HTTPS (its base URL says so): then
/// browsers are told to come back over HTTPS only.
#[derive(Clone, Copy, Debug)]
pub struct Https(pub bool);

/// The browser bundle and the public files: the same for everyone, no
/// tenant data in them.
pub fn is_static_asset(path: &str) -> bool {
    path.starts_with("/pkg/")
        || [".css", ".js", ".wasm", ".ico", ".svg", ".png", ".woff2"]
            .iter()
            .any(|ext| path.ends_with(ext))
}

/// Caching for the browser bundle under `/pkg/`: with hashed file names
/// (a changed file gets a new name) browsers keep each file for a year and
/// never ask again; without them, they ask before each use.
pub async fn bundle_caching(State(hashed): State<bool>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    if res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED {
        // The brotli, gzip or plain copy by the browser's Accept-Encoding:
        // a shared cache must key on it too.
        res.headers_mut()
            .append(header::VARY, HeaderValue::from_static("accept-encoding"));
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(if hashed {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            }),
        );
    }
    res
}

/// The responses compressed on the fly for a client that accepts brotli or
/// gzip: text (pages, server-function and API JSON, CSV and JSON exports)
/// of a kilobyte or more. Never what is compressed already (archives,
/// office files, PDFs, images, media: evidence downloads are mostly these),
/// nor event streams. The browser bundle is compressed at build time.
pub fn compression() -> CompressionLayer<Compressible> {
    CompressionLayer::new()
        .br(true)
        .gzip(true)
        .compress_when(Compressible)
}

/// See [`compression`].
#[derive(Clone, Copy, Debug)]
pub struct Compressible;

impl Compressible {
    /// Content types (prefixes) whose bodies are compressed already, or
    /// must reach the client as they come.
    const NEVER: [&'static str; 19] = [
        "image/",
        "audio/",
        "video/",
        "font/",
        "text/event-stream",
        "application/grpc",
        "application/zip",
        "application/gzip",
        "application/x-gzip",
        "application/x-7z-compressed",
        "application/x-rar",
        "application/x-xz",
        "application/x-bzip2",
        "application/zstd",
        "application/pdf",
        "application/octet-stream",
        "application/vnd.openxmlformats-officedocument",
        "application/vnd.oasis.opendocument",
        "application/wasm",
    ];
}

impl Predicate for Compressible {
    fn should_compress<B>(&self, res: &http::Response<B>) -> bool
    where
        B: axum::body::HttpBody,
    {
        let kind = res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        SizeAbove::new(1024).should_compress(res)
            && !Self::NEVER.iter().any(|t| kind.starts_with(t))
    }
}

/// Largest body for most requests, and for file uploads.
pub const BODY_LIMIT: usize = 256 * 1024;
pub const UPLOAD_LIMIT: usize = 3 * 1024 * 1024;
pub const EVIDENCE_LIMIT: usize = 11 * 1024 * 1024;

/// The body limit for a path: uploads get more room than forms.
pub fn body_limit_for(path: &str) -> usize {
    if matches!(
        path,
        "/api/import_catalog"
            | "/api/import_profile"
            | "/api/preview_answer_sheet"
            | "/api/apply_answer_sheet"
    ) {
        UPLOAD_LIMIT
    } else if matches!(
        path,
        "/api/upload_evidence" | "/api/upload_product_evidence" | "/api/upload_certificate_file"
    ) || (path.starts_with("/api/v1/answers/") && path.ends_with("/evidence"))
    {
        EVIDENCE_LIMIT
    } else {
        BODY_LIMIT
    }
}

/// Refuses bodies over the path's limit: by their declared length at once,
/// and by counting for bodies sent without one.
pub async fn body_limit(req: Request, next: Next) -> Response {
    let limit = body_limit_for(req.uri().path());
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return (StatusCode::PAYLOAD_TOO_LARGE, "The request is too large.").into_response();
    }
    let req = req.map(|body| axum::body::Body::new(http_body_util::Limited::new(body, limit)));
    next.run(req).await
}

/// Removes an `X-Request-Id` the client sent (a fresh one is set next).
pub async fn drop_client_request_id(mut req: Request) -> Request {
    req.headers_mut().remove("x-request-id");
    req
}

/// Paths with a secret in them are logged with the secret cut out.
pub fn redact_path(path: &str) -> String {
    for prefix in ["/invite/", "/partner/", "/reset/", "/calendar/"] {
        if let Some(_rest) = path.strip_prefix(prefix) {
            return format!("{prefix}[redacted]");
        }
    }
    path.to_string()
}

pub fn span_for(req: &http::Request<axum::body::Body>) -> tracing::Span {
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!("request", method = %req.method(), path = %redact_path(req.uri().path()), request_id = %request_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_methods_always_pass() {
        assert!(same_origin_allowed(
            &Method::GET,
            None,
            Some("cross-site"),
            Some("https://evil.example")
        ));
    }

    #[test]
    fn fetch_metadata_decides_when_present() {
        let post = Method::POST;
        assert!(same_origin_allowed(
            &post,
            Some("a"),
            Some("same-origin"),
            None
        ));
        assert!(same_origin_allowed(&post, Some("a"), Some("none"), None));
        assert!(!same_origin_allowed(
            &post,
            Some("a"),
            Some("cross-site"),
            None
        ));
        assert!(!same_origin_allowed(
            &post,
            Some("a"),
            Some("same-site"),
            None
        ));
    }

    #[test]
    fn origin_must_match_host_without_fetch_metadata() {
        let post = Method::POST;
        assert!(same_origin_allowed(
            &post,
            Some("127.0.0.1:3000"),
            None,
            Some("http://127.0.0.1:3000")
        ));
        assert!(!same_origin_allowed(
            &post,
            Some("127.0.0.1:3000"),
            None,
            Some("http://evil.example")
        ));
        assert!(!same_origin_allowed(
            &post,
            Some("127.0.0.1:3000"),
            None,
            Some("null")
        ));
        assert!(same_origin_allowed(
            &post,
            Some("127.0.0.1:3000"),
            None,
            None
        ));
    }

    #[test]
    fn secrets_in_paths_are_not_logged() {
        assert_eq!(redact_path("/invite/abcdef"), "/invite/[redacted]");
        assert_eq!(redact_path("/partner/abcdef"), "/partner/[redacted]");
        assert_eq!(redact_path("/reset/abcdef"), "/reset/[redacted]");
        assert_eq!(redact_path("/calendar/abcdef.ics"), "/calendar/[redacted]");
        assert_eq!(redact_path("/members"), "/members");
    }
}
