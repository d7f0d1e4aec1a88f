//! HTTP behaviour every route shares: health, headers, CSRF, limits, pages.

use crate::both;
use crate::common::{unique, Backend, Options, TestApp, World, PASSWORD};
use app::model::Role;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

async fn health_reports_the_database(b: Backend) {
    let app = TestApp::spawn(b).await;
    let c = app.client();
    let r = c.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // The probe skips sessions and request ids, not the security headers.
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert!(!r.headers().contains_key("set-cookie"));
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body, serde_json::json!({"status": "ok", "database": "ok"}));
    app.state.db.clone().close().await.unwrap();
    let r = c.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    // Every other route gets a request id of ours.
    let r = c.get(app.url("/login")).send().await.unwrap();
    assert!(r.headers().contains_key("x-request-id"));
    app.finish().await;
}
both!(health_reports_the_database);

async fn pages_and_api_carry_security_headers(b: Backend) {
    let app = TestApp::spawn(b).await;
    let c = app.client();
    for path in ["/login", "/healthz"] {
        let r = c.get(app.url(path)).send().await.unwrap();
        let h = r.headers().clone();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        if path == "/login" {
            let nonce = csp
                .split("'nonce-")
                .nth(1)
                .unwrap()
                .split('\'')
                .next()
                .unwrap()
                .to_string();
            let html = r.text().await.unwrap();
            assert!(
                html.contains(&format!("nonce=\"{nonce}\"")),
                "inline scripts carry the nonce"
            );
            assert!(
                !csp.contains("'unsafe-inline'") || !csp.contains("script-src 'unsafe-inline'")
            );
        }
    }
    app.finish().await;
}
both!(pages_and_api_carry_security_headers);

async fn tenant_answers_are_never_cached_and_https_is_pinned(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let admin = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let page = admin.get(app.url("/members")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()["cache-control"], "no-store");
    let api = admin
        .post(app.url("/api/me"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await
        .unwrap();
    assert_eq!(
        api.headers()["cache-control"],
        "no-store",
        "server functions"
    );
    // Over plain http no HSTS: it would pin a site that cannot do https.
    assert!(!page.headers().contains_key("strict-transport-security"));
    // Server functions answer POST only.
    let get = admin.get(app.url("/api/me")).send().await.unwrap();
    assert_ne!(get.status(), StatusCode::OK, "GET /api/… is not a route");
    assert!(!get
        .text()
        .await
        .unwrap()
        .contains(w.alpha.email(Role::Admin)));
    app.finish().await;

    let app = TestApp::spawn_with(
        b,
        Options {
            https_base: true,
            ..Default::default()
        },
    )
    .await;
    let r = app.client().get(app.url("/login")).send().await.unwrap();
    assert_eq!(
        r.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
    app.finish().await;
}
both!(tenant_answers_are_never_cached_and_https_is_pinned);

async fn request_ids_are_made_by_the_server(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let c = app.client();
    let chosen = "forged-id-<script>";
    let r = c
        .post(app.url("/auth/login"))
        .header("x-request-id", chosen)
        .form(&[
            ("email", w.alpha.email(Role::Admin)),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let id = r.headers()["x-request-id"].to_str().unwrap().to_string();
    assert_ne!(id, chosen);
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
    let audit = app::server::entities::audit_event::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap();
    assert!(audit.iter().all(|e| e.request_id != chosen));
    assert!(
        audit.iter().any(|e| e.request_id == id),
        "the sign-in is audited under our id"
    );
    app.finish().await;
}
both!(request_ids_are_made_by_the_server);

/// The address recorded for a failed sign-in, sent with `forwarded`.
async fn recorded_address(app: &TestApp, email: &str, forwarded: &str) -> String {
    app.client()
        .post(app.url("/auth/login"))
        .header("x-forwarded-for", forwarded)
        .form(&[("email", email), ("password", "not the password")])
        .send()
        .await
        .unwrap();
    app::server::entities::login_attempt::Entity::find()
        .filter(app::server::entities::login_attempt::Column::Email.eq(email))
        .order_by_desc(app::server::entities::login_attempt::Column::Id)
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("the attempt is recorded")
        .client_addr
}

async fn the_client_address_is_what_our_proxy_saw(b: Backend) {
    // No proxy configured: whatever the client forwards is ignored.
    let app = TestApp::spawn(b).await;
    let email = format!("nobody-{}@example.com", unique());
    assert_eq!(recorded_address(&app, &email, "6.6.6.6").await, "127.0.0.1");
    app.finish().await;
    // One trusted hop: the entry the proxy appended, not the client's own.
    let app = TestApp::spawn_with(
        b,
        Options {
            trust_proxy: app::server::proxy::TrustedProxies::Hops(1),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(
        recorded_address(&app, &email, "6.6.6.6, 203.0.113.9").await,
        "203.0.113.9"
    );
    app.finish().await;
    // Trusted networks: every hop inside them is skipped.
    let app = TestApp::spawn_with(
        b,
        Options {
            trust_proxy: app::server::proxy::TrustedProxies::parse("127.0.0.0/8, 10.0.0.0/8")
                .unwrap(),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(
        recorded_address(&app, &email, "6.6.6.6, 198.51.100.4, 10.2.3.4").await,
        "198.51.100.4"
    );
    app.finish().await;
}
both!(the_client_address_is_what_our_proxy_saw);

async fn cross_site_posts_are_refused(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let admin = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let post = |headers: &[(&str, &str)]| {
        let mut rb = admin
            .post(app.url("/api/invite_member"))
            .form(&[("email", "csrf@alpha.test"), ("role", "admin")]);
        for (k, v) in headers {
            rb = rb.header(*k, *v);
        }
        rb.send()
    };
    assert_eq!(
        post(&[("sec-fetch-site", "cross-site")])
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(&[("sec-fetch-site", "same-site")])
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(&[("origin", "http://evil.example")])
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    // Nothing happened.
    let (_, invitations) = app.call(&admin, "list_invitations", &[]).await;
    assert!(!invitations.to_string().contains("csrf@alpha.test"));
    // The same request from our own pages goes through.
    let r = post(&[("sec-fetch-site", "same-origin"), ("origin", &app.base)])
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // A login form posted from another site signs nobody in.
    let c = app.client();
    let r = c
        .post(app.url("/auth/login"))
        .header("sec-fetch-site", "cross-site")
        .form(&[
            ("email", w.alpha.email(Role::Admin)),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/login?error=forbidden");
    assert!(r.headers().get("set-cookie").is_none());
    app.finish().await;
}
both!(cross_site_posts_are_refused);

async fn oversized_bodies_are_refused(b: Backend) {
    let app = TestApp::spawn(b).await;
    let big = "x".repeat(pactline::BODY_LIMIT + 1);
    let r = app
        .client()
        .post(app.url("/auth/login"))
        .form(&[("email", big.as_str()), ("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    app.finish().await;
}
both!(oversized_bodies_are_refused);

async fn pages_follow_the_same_rules_as_the_api(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let anon = app.client();
    // As a browser asks for a page.
    let r = anon
        .get(app.url("/members"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
    assert_eq!(r.headers()["location"], "/login");

    let admin = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let r = admin.get(app.url("/members")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("viewer@alpha.test"));
    assert!(!html.contains("beta.test"));

    // A supplier cannot reach the asset owner's supplier list by URL.
    let supplier = app.login(w.sigma.email(Role::Admin), PASSWORD).await;
    let r = supplier.get(app.url("/suppliers")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let html = r.text().await.unwrap();
    assert!(!html.contains("Sigma Devices</td>"));
    // Nor the admin pages as a contributor.
    let contributor = app.login(w.alpha.email(Role::Contributor), PASSWORD).await;
    assert_eq!(
        contributor
            .get(app.url("/activity"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin
            .get(app.url("/no/such/page"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    app.finish().await;
}
both!(pages_follow_the_same_rules_as_the_api);

/// Building a router lists the routes by rendering the app with resource
/// loading switched off for the whole process; a page rendered meanwhile
/// used to wait for its data forever (leptos-rs/leptos#4773). The tests
/// build a router per application while others render pages, as would a
/// process serving several sites.
async fn a_router_built_while_pages_render_never_stalls_them(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let c = app.login(w.alpha.email(Role::Reviewer), PASSWORD).await;
    // Stops the builder also when a page fails (the runtime waits for
    // blocking tasks before the test may end).
    struct Stop(std::sync::Arc<std::sync::atomic::AtomicBool>);
    impl Drop for Stop {
        fn drop(&mut self) {
            self.0.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
    let stop = Stop(Default::default());
    let builder = {
        let (stop, state) = (stop.0.clone(), app.state.clone());
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        tokio::task::spawn_blocking(move || {
            let mut built = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed)
                && std::time::Instant::now() < deadline
            {
                let options = leptos::prelude::LeptosOptions::builder()
                    .output_name("pactline")
                    .build();
                drop(pactline::router(state.clone(), options));
                built += 1;
            }
            built
        })
    };
    for round in 0..40 {
        let r = c
            .get(app.url("/catalogs"))
            .header("accept", "text/html")
            .timeout(std::time::Duration::from_secs(10))
            .send()
            .await
            .unwrap_or_else(|e| panic!("page {round} never came: {e}"));
        let html = r
            .text()
            .await
            .unwrap_or_else(|e| panic!("page {round} stopped half-way: {e}"));
        assert!(
            html.contains("62443-4-2"),
            "page {round} lists the catalogs"
        );
    }
    drop(stop);
    assert!(builder.await.unwrap() > 0, "routers were built meanwhile");
    app.finish().await;
}
both!(a_router_built_while_pages_render_never_stalls_them);

/// A site as `cargo leptos build --release --precompress` leaves it: the
/// bundle under hashed names, each with its brotli and gzip copy (here
/// marked so the test can tell which one came).
fn built_site() -> std::path::PathBuf {
    let root = std::env::temp_dir().join(format!("pactline-site-{}", unique()));
    let pkg = root.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    for (name, body) in [
        ("pactline.Hx0aB1.wasm", "wasm as built"),
        ("pactline.Hx0aB1.wasm.br", "wasm as brotli"),
        ("pactline.Hx0aB1.wasm.gz", "wasm as gzip"),
        ("pactline.Q9c2.js", "js as built"),
    ] {
        std::fs::write(pkg.join(name), body).unwrap();
    }
    std::fs::write(root.join("favicon.svg"), "<svg/>").unwrap();
    root
}

async fn the_bundle_is_kept_for_good_and_pages_travel_compressed(b: Backend) {
    let site = built_site();
    let app = TestApp::spawn_with(
        b,
        Options {
            site: Some((site.clone(), true)),
            ..Options::default()
        },
    )
    .await;
    let c = reqwest::Client::new();
    let wasm = app.url("/pkg/pactline.Hx0aB1.wasm");
    // The browser's preference decides which copy comes; every copy may be
    // kept for a year (a changed file has a new name) and says it varies.
    for (accept, encoding, body) in [
        ("br, gzip", Some("br"), "wasm as brotli"),
        ("gzip, deflate", Some("gzip"), "wasm as gzip"),
        ("identity", None, "wasm as built"),
    ] {
        let r = c
            .get(&wasm)
            .header("accept-encoding", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{accept}");
        let h = r.headers().clone();
        assert_eq!(
            h.get("content-encoding").map(|v| v.to_str().unwrap()),
            encoding,
            "{accept}"
        );
        assert_eq!(
            h["cache-control"], "public, max-age=31536000, immutable",
            "{accept}"
        );
        assert_eq!(h["content-type"], "application/wasm", "{accept}");
        assert!(
            h["vary"].to_str().unwrap().contains("accept-encoding"),
            "{accept}"
        );
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert!(!h.contains_key("set-cookie"));
        assert_eq!(r.text().await.unwrap(), body, "{accept}");
    }
    // A file without copies comes as it is; a missing one is not kept.
    let r = c
        .get(app.url("/pkg/pactline.Q9c2.js"))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(!r.headers().contains_key("content-encoding"));
    assert_eq!(r.text().await.unwrap(), "js as built");
    let r = c
        .get(app.url("/pkg/pactline.gone.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_ne!(
        r.headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap()),
        Some("public, max-age=31536000, immutable")
    );
    // Public files keep their names: kept, but checked before each use.
    let r = c.get(app.url("/favicon.svg")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "no-cache");

    // Pages and API answers are compressed on the fly for a client that
    // accepts it, and stay uncached; small answers are not worth it.
    let r = c
        .get(app.url("/login"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-encoding"], "gzip");
    assert_eq!(r.headers()["cache-control"], "no-store");
    let packed = r.bytes().await.unwrap();
    let mut html = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&packed[..]), &mut html)
        .unwrap();
    assert!(html.contains("<form"), "{html}");
    assert!(packed.len() < html.len());
    let r = c
        .get(app.url("/api/v1/openapi.json"))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-encoding"], "br");
    let packed = r.bytes().await.unwrap();
    let mut json = Vec::new();
    std::io::Read::read_to_end(
        &mut brotli_decompressor::Decompressor::new(&packed[..], 4096),
        &mut json,
    )
    .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert!(doc["paths"]["/api/v1/assessments"].is_object());
    let r = c
        .get(app.url("/healthz"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert!(!r.headers().contains_key("content-encoding"));
    app.finish().await;
    std::fs::remove_dir_all(site).ok();
}
both!(the_bundle_is_kept_for_good_and_pages_travel_compressed);
