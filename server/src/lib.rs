//! The `pactline` server: the axum router around the Leptos app, its
//! middleware (request ids, tracing, CSRF, security headers, body limits),
//! the sign-in routes and the health check.

pub mod api;
pub mod routes;
pub mod security;

use app::server::{config::Config, db, mail::Mailer, session, AppState};
use axum::{
    extract::FromRef,
    routing::{get, post},
    Router,
};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::{sync::OnceLock, time::Duration};
use tower_http::{
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    services::ServeDir,
    trace::TraceLayer,
};

pub use security::{BODY_LIMIT, UPLOAD_LIMIT};

#[derive(Clone)]
pub struct ServerState {
    pub leptos_options: LeptosOptions,
    pub app: AppState,
    /// The REST API's per-token request budgets.
    pub api_limits: std::sync::Arc<api::Limits>,
}

impl FromRef<ServerState> for LeptosOptions {
    fn from_ref(s: &ServerState) -> Self {
        s.leptos_options.clone()
    }
}

impl FromRef<ServerState> for AppState {
    fn from_ref(s: &ServerState) -> Self {
        s.app.clone()
    }
}

/// Connects, migrates and builds the application state.
pub async fn init_state(config: Config, mailer: Option<Mailer>) -> Result<AppState, String> {
    let db = db::connect_pool(&config.database_url, config.db_connections)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    db::migrate(&db)
        .await
        .map_err(|e| format!("migration failed: {e}"))?;
    let audit_key = app::server::audit::AuditKey::load(&config)?;
    app::server::audit::bind_key(&db, &audit_key).await?;
    let added = app::server::services::catalogs::load_shipped(&db, &audit_key)
        .await
        .map_err(|e| format!("loading the shipped catalogs failed: {e}"))?;
    if added > 0 {
        tracing::info!(added, "loaded shipped catalog versions");
    }
    let mailer = match mailer {
        Some(m) => m,
        None => Mailer::from_config(config.smtp.as_ref())?,
    };
    let writer = db::connect_writer(&config.database_url)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    db::spawn_checkpoints(&config.database_url)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    let secrets = app::server::secrets::SecretKey::load(&config)?;
    let sealed = app::server::second_factor::seal_stored(&db, &secrets)
        .await
        .map_err(|e| format!("sealing the stored authenticator secrets failed: {e}"))?;
    if sealed > 0 {
        tracing::info!(sealed, "sealed authenticator secrets stored in clear");
    }
    let state = AppState::new(db, config, mailer, audit_key).with_secrets(secrets);
    Ok(match writer {
        Some(w) => state.with_writer(w),
        None => state,
    })
}

/// The application's routes, listed once per process.
///
/// Listing renders the app with resource loading switched off through a
/// process-wide flag; a page rendered on another thread at that moment
/// would wait forever for its data (leptos-rs/leptos#4773). Listing once,
/// before any router exists, keeps every render out of that window, also
/// when one process builds several routers (the tests do).
fn route_list() -> &'static [AxumRouteListing] {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App))
}

/// The whole HTTP application.
pub fn router(app_state: AppState, leptos_options: LeptosOptions) -> Router {
    let routes = route_list().to_vec();
    let state = ServerState {
        leptos_options: leptos_options.clone(),
        app: app_state.clone(),
        api_limits: std::sync::Arc::new(api::Limits::new(app_state.config.api_requests_per_second)),
    };
    let ctx_state = app_state.clone();
    let x_request_id = http::HeaderName::from_static("x-request-id");

    // The liveness probe needs no session, body or request id: it skips
    // those layers (load balancers call it several times a second) and
    // keeps the security headers.
    let health = Router::new().route("/healthz", get(routes::healthz)).layer(
        axum::middleware::from_fn_with_state(
            security::Https(app_state.config.base_url.starts_with("https://")),
            security::headers,
        ),
    );

    // The browser bundle: files on disk, the same for everyone, so no
    // session, body or request id; the build's brotli or gzip copy of a
    // file when the browser accepts it (`--precompress`).
    let pkg = leptos_options.site_pkg_dir.to_string();
    let bundle = Router::new()
        .nest_service(
            &format!("/{pkg}"),
            ServeDir::new(std::path::Path::new(&*leptos_options.site_root).join(&pkg))
                .precompressed_br()
                .precompressed_gzip(),
        )
        .layer(axum::middleware::from_fn_with_state(
            leptos_options.hash_files,
            security::bundle_caching,
        ))
        .layer(axum::middleware::from_fn_with_state(
            security::Https(app_state.config.base_url.starts_with("https://")),
            security::headers,
        ));

    // The REST API authenticates each request by its token: no session
    // cookie, so no CSRF check and no browser second-step gate.
    let api = api::router(state.clone())
        .layer(axum::middleware::from_fn_with_state(
            security::Https(app_state.config.base_url.starts_with("https://")),
            security::headers,
        ))
        .layer(axum::middleware::from_fn(security::body_limit))
        .layer(security::compression())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(security::span_for)
                .on_response(
                    tower_http::trace::DefaultOnResponse::new().level(tracing::Level::DEBUG),
                ),
        )
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(SetRequestIdLayer::new(
            x_request_id.clone(),
            MakeRequestUuid,
        ))
        .layer(axum::middleware::map_request(
            security::drop_client_request_id,
        ));

    Router::new()
        .route("/auth/login", post(routes::login))
        .route("/auth/code", post(routes::code))
        .route("/auth/sso", post(routes::sso_start))
        .route("/auth/passkey/options", post(routes::passkey_options))
        .route("/auth/passkey", post(routes::passkey_sign_in))
        .route(
            "/auth/passkey/second-step/options",
            post(routes::passkey_second_options),
        )
        .route(
            "/auth/passkey/second-step",
            post(routes::passkey_second_step),
        )
        .route("/auth/sso/callback", get(routes::sso_callback))
        .route("/auth/logout", post(routes::logout))
        .route("/{kind}/{id}/export/{format}", get(routes::export))
        .route("/evidence/{id}", get(routes::evidence))
        .route("/library-evidence/{id}", get(routes::library_evidence))
        .route("/calendar/{token}", get(routes::calendar))
        .route(
            "/api/{*fn_name}",
            post(move |req: axum::extract::Request| {
                let st = ctx_state.clone();
                leptos_axum::handle_server_fns_with_context(
                    move || provide_context(st.clone()),
                    req,
                )
            }),
        )
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let st = app_state.clone();
                move || provide_context(st.clone())
            },
            {
                let options = leptos_options.clone();
                move || app::shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler::<ServerState, _>(
            app::shell,
        ))
        // Runs after the session is known (layers listed later run first).
        .layer(axum::middleware::from_fn(security::second_factor_gate))
        .layer(axum::middleware::from_fn_with_state(
            app_state.clone(),
            session::layer,
        ))
        .layer(axum::middleware::from_fn(security::csrf))
        .layer(axum::middleware::from_fn_with_state(
            security::Https(app_state.config.base_url.starts_with("https://")),
            security::headers,
        ))
        .layer(axum::middleware::from_fn(security::body_limit))
        .layer(security::compression())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(security::span_for)
                .on_response(
                    tower_http::trace::DefaultOnResponse::new().level(tracing::Level::DEBUG),
                ),
        )
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(SetRequestIdLayer::new(x_request_id, MakeRequestUuid))
        // The request id is ours: one a client sends is dropped before
        // `SetRequestIdLayer` makes a fresh one, so the audit trail and the
        // logs never carry client-chosen text.
        .layer(axum::middleware::map_request(
            security::drop_client_request_id,
        ))
        .merge(health)
        .merge(bundle)
        .merge(api)
        .with_state(state)
}

/// Deletes what has expired: sessions, old login attempts, used or expired
/// reset links. Runs every ten minutes in `serve`.
pub async fn housekeeping(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(600));
    loop {
        tick.tick().await;
        if let Err(e) = app::server::services::admin::purge_expired(&state).await {
            tracing::warn!(error = %e, "housekeeping failed");
        }
        if let Err(e) = app::server::services::evidence_files::sweep_blobs(&state).await {
            tracing::warn!(error = %e, "removing unused evidence files failed");
        }
    }
}
