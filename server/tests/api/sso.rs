//! Single sign-on through a real OpenID provider (oidc-provider, started by
//! the tests on a loopback port): configuration by an organization's
//! admins, sign-in through the provider, who may come in, enforcement.

use crate::both;
use crate::common::{
    deactivate, identity_provider, provider_link, register_sso_client, through_provider, Backend,
    Options, TestApp, World, PASSWORD,
};
use app::model::Role;
use reqwest::{Client, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;

/// Alpha's admin sets single sign-on up for alpha.test with a client
/// registered at the test provider.
async fn configure(app: &TestApp, w: &World, join: bool, enforced: bool) -> Client {
    let admin = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let (id, secret) = register_sso_client(app).await;
    let mut args = vec![
        ("issuer", identity_provider().to_string()),
        ("client_id", id),
        ("client_secret", secret),
        ("domains", "Alpha.test".to_string()),
    ];
    if join {
        args.push(("join_as_viewer", "on".into()));
    }
    if enforced {
        args.push(("enforced", "on".into()));
    }
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (st, body) = app.call(&admin, "save_sso_settings", &args).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    admin
}

/// Starts a single sign-on for `email` in a fresh browser and signs in at
/// the provider as `login`; returns the browser and Pactline's answer.
async fn sso(app: &TestApp, email: &str, login: &str) -> (Client, reqwest::Response) {
    let c = app.client();
    let r = c
        .post(app.url("/auth/sso"))
        .form(&[("email", email)])
        .send()
        .await
        .unwrap();
    let back = through_provider(app, &c, r, login).await;
    (c, back)
}

fn location(r: &reqwest::Response) -> String {
    r.headers()["location"].to_str().unwrap().to_string()
}

async fn audit_actions(app: &TestApp) -> Vec<(String, Value)> {
    app::server::entities::audit_event::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| {
            let after = e
                .after
                .as_deref()
                .and_then(|a| serde_json::from_str(a).ok())
                .unwrap_or(Value::Null);
            (e.action, after)
        })
        .collect()
}

async fn an_admin_configures_single_sign_on_and_the_secret_stays_sealed(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let admin = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let (st, none) = app.call(&admin, "get_sso_settings", &[]).await;
    assert_eq!((st, none), (StatusCode::OK, Value::Null));
    let (id, secret) = register_sso_client(&app).await;
    let issuer = identity_provider();
    let save = |issuer: &str, secret: &str, domains: &str| {
        vec![
            ("issuer".to_string(), issuer.to_string()),
            ("client_id".to_string(), id.clone()),
            ("client_secret".to_string(), secret.to_string()),
            ("domains".to_string(), domains.to_string()),
        ]
    };
    let call = |args: Vec<(String, String)>| {
        let admin = admin.clone();
        let app = &app;
        async move {
            let args: Vec<(&str, &str)> =
                args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            app.call(&admin, "save_sso_settings", &args).await
        }
    };
    // Each bad field is refused by name, and nothing is saved.
    for (args, field, says) in [
        (
            save("http://idp.example.com", &secret, "alpha.test"),
            "issuer",
            "https://",
        ),
        (
            save("not a url", &secret, "alpha.test"),
            "issuer",
            "not a URL",
        ),
        // Nothing answers there: the discovery document is read before saving.
        (
            save("http://127.0.0.1:9", &secret, "alpha.test"),
            "issuer",
            "discovery document",
        ),
        (
            save(issuer, "", "alpha.test"),
            "client_secret",
            "client secret",
        ),
        (
            save(issuer, &secret, "localhost"),
            "domains",
            "not an e-mail domain",
        ),
        (save(issuer, &secret, ""), "domains", "at least one"),
    ] {
        let (st, body) = call(args).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let v = &body["Validation"];
        assert_eq!(v["fields"][0]["field"], field, "{body}");
        assert!(v["message"].as_str().unwrap().contains(says), "{body}");
    }
    assert_eq!(
        app.call(&admin, "get_sso_settings", &[]).await.1,
        Value::Null
    );

    let (st, saved) = call(save(issuer, &secret, "alpha.test, ops.alpha.test")).await;
    assert_eq!(st, StatusCode::OK, "{saved}");
    assert_eq!(saved["secret_saved"], true);
    assert_eq!(
        saved["domains"],
        serde_json::json!(["alpha.test", "ops.alpha.test"])
    );
    assert_eq!(saved["redirect_uri"], app.url("/auth/sso/callback"));
    // The secret never comes back, and is sealed in the database.
    let (_, shown) = app.call(&admin, "get_sso_settings", &[]).await;
    assert!(!shown.to_string().contains(&secret), "{shown}");
    let row = app::server::entities::identity_provider::Entity::find_by_id(w.alpha.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert!(row.client_secret_sealed.starts_with("v1."));
    assert!(!row.client_secret_sealed.contains(&secret));
    // Saved again without a secret: the sealed one stays.
    let (st, again) = call(save(issuer, "", "alpha.test")).await;
    assert_eq!(st, StatusCode::OK, "{again}");
    let row2 = app::server::entities::identity_provider::Entity::find_by_id(w.alpha.id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row2.client_secret_sealed, row.client_secret_sealed);
    // Requiring it with one's own address outside the domains would lock
    // the admin out.
    let mut lock = save(issuer, "", "ops.alpha.test");
    lock.push(("enforced".into(), "on".into()));
    let (st, body) = call(lock).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["Validation"]["fields"][0]["field"], "enforced");

    // Another organization cannot claim Alpha's domain, nor see its settings.
    let beta = app.login(w.beta.email(Role::Admin), PASSWORD).await;
    assert_eq!(
        app.call(&beta, "get_sso_settings", &[]).await.1,
        Value::Null
    );
    let (st, body) = app
        .call(
            &beta,
            "save_sso_settings",
            &[
                ("issuer", issuer),
                ("client_id", "beta"),
                ("client_secret", "beta-secret"),
                ("domains", "beta.test alpha.test"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["Validation"]["message"]
            .as_str()
            .unwrap()
            .contains("alpha.test"),
        "{body}"
    );
    // Reviewers do not manage it.
    let reviewer = app.login(w.alpha.email(Role::Reviewer), PASSWORD).await;
    assert_eq!(
        app.call(&reviewer, "get_sso_settings", &[]).await.0,
        StatusCode::NOT_FOUND
    );

    // Audited, without the secret.
    let events = audit_actions(&app).await;
    let configured: Vec<_> = events
        .iter()
        .filter(|(a, _)| a == "organization.sso_configured")
        .collect();
    assert_eq!(configured.len(), 2);
    assert!(events
        .iter()
        .all(|(_, after)| !after.to_string().contains(&secret)));

    // Removed: the domain is free and sign-in by SSO stops.
    assert_eq!(
        app.call(&admin, "remove_sso_settings", &[]).await.0,
        StatusCode::OK
    );
    assert_eq!(
        app.call(&admin, "get_sso_settings", &[]).await.1,
        Value::Null
    );
    let r = app
        .client()
        .post(app.url("/auth/sso"))
        .form(&[("email", "reviewer@alpha.test")])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/login?error=sso_unknown");
    app.finish().await;
}
both!(an_admin_configures_single_sign_on_and_the_secret_stays_sealed);

async fn members_sign_in_through_their_provider_and_strangers_stay_out(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let admin = configure(&app, &w, false, false).await;
    let reviewer = w.alpha.email(Role::Reviewer);

    // The sign-in page's address field goes to the provider when no
    // password is typed, with the address as a hint.
    let c = app.client();
    let r = app.post_login(&c, reviewer, "").await;
    let to = provider_link(r).await;
    assert!(
        to.starts_with(&format!("{}/auth?", identity_provider())),
        "{to}"
    );
    for part in [
        "code_challenge_method=S256",
        "code_challenge=",
        "nonce=",
        "state=",
        "login_hint=reviewer%40alpha.test",
    ] {
        assert!(to.contains(part), "{part} missing: {to}");
    }
    let r = app.post_login(&c, reviewer, "").await;
    let back = through_provider(&app, &c, r, reviewer).await;
    assert_eq!(back.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&back), "/");
    // Where the callback's time went: the provider's share and Pactline's.
    let timing = back.headers()["server-timing"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        timing.starts_with("idp;dur=") && timing.contains(", app;dur="),
        "{timing}"
    );
    let (st, me) = app.call(&c, "me", &[]).await;
    assert_eq!(st, StatusCode::OK, "{me}");
    assert_eq!(me["email"], reviewer);
    assert_eq!(me["role"], "reviewer");
    assert!(audit_actions(&app)
        .await
        .iter()
        .any(|(a, after)| a == "session.login" && after["method"] == "sso"));
    // With a password, an address of a provider that does not require it
    // still signs in the ordinary way.
    let r = app.post_login(&app.client(), reviewer, PASSWORD).await;
    assert_eq!(location(&r), "/");

    // No account, and joining is by invitation: out, and told why.
    let (c, back) = sso(&app, "newcomer@alpha.test", "newcomer@alpha.test").await;
    assert_eq!(location(&back), "/login?error=sso_not_invited");
    assert_eq!(app.call(&c, "me", &[]).await.0, StatusCode::UNAUTHORIZED);
    // The provider vouches for another address than the domain's: out.
    let (_, back) = sso(&app, reviewer, "someone@beta.test").await;
    assert_eq!(location(&back), "/login?error=sso_address");
    // An address the provider has not verified: out.
    let (_, back) = sso(&app, reviewer, "unverified.reviewer@alpha.test").await;
    assert_eq!(location(&back), "/login?error=sso_address");

    // A deactivated member stays out, whatever the provider says.
    deactivate(&app, &admin, w.alpha.email(Role::Contributor)).await;
    let (c, back) = sso(
        &app,
        w.alpha.email(Role::Contributor),
        w.alpha.email(Role::Contributor),
    )
    .await;
    assert_eq!(location(&back), "/login?error=sso_inactive");
    assert_eq!(app.call(&c, "me", &[]).await.0, StatusCode::UNAUTHORIZED);
    let failures = audit_actions(&app)
        .await
        .into_iter()
        .filter(|(a, _)| a == "session.sso_failed")
        .count();
    assert_eq!(failures, 4);
    app.finish().await;
}
both!(members_sign_in_through_their_provider_and_strangers_stay_out);

async fn strangers_join_as_viewers_when_the_admins_allow_it(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let _admin = configure(&app, &w, true, false).await;
    let (c, back) = sso(&app, "new.engineer@alpha.test", "new.engineer@alpha.test").await;
    assert_eq!(location(&back), "/");
    let (_, me) = app.call(&c, "me", &[]).await;
    assert_eq!(me["email"], "new.engineer@alpha.test");
    assert_eq!(me["role"], "viewer");
    assert_eq!(me["org_name"], "Alpha Water");
    // Viewers read, they do not change anything.
    let (st, _) = app.call(&c, "get_sso_settings", &[]).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    // The account has no password to guess.
    let r = app
        .post_login(&app.client(), "new.engineer@alpha.test", "!sso")
        .await;
    assert_eq!(location(&r), "/login?error=invalid");
    assert!(audit_actions(&app)
        .await
        .iter()
        .any(|(a, _)| a == "membership.joined_by_sso"));
    // A second sign-in finds the same account and membership.
    let (c2, back) = sso(&app, "new.engineer@alpha.test", "new.engineer@alpha.test").await;
    assert_eq!(location(&back), "/");
    assert_eq!(app.call(&c2, "me", &[]).await.1["role"], "viewer");
    let members = app::server::entities::user::Entity::find()
        .filter(app::server::entities::user::Column::Email.eq("new.engineer@alpha.test"))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(members.len(), 1);
    app.finish().await;
}
both!(strangers_join_as_viewers_when_the_admins_allow_it);

async fn an_organization_that_requires_sso_refuses_passwords(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let _admin = configure(&app, &w, false, true).await;
    // A right password for an address of the domain: to the provider, the
    // password not even looked at.
    let r = app
        .post_login(&app.client(), w.alpha.email(Role::Reviewer), PASSWORD)
        .await;
    let to = provider_link(r).await;
    assert!(to.starts_with(identity_provider()), "{to}");
    // A member whose address is elsewhere (a contractor): the right
    // password is refused all the same, with the reason.
    app::server::services::admin::add_member(
        &app.state,
        w.alpha.id,
        "contractor@elsewhere.test",
        "Contractor",
        PASSWORD,
        Role::Contributor,
        &app::server::audit::Who::system(&app.state.audit_key, "test"),
    )
    .await
    .unwrap();
    let r = app
        .post_login(&app.client(), "contractor@elsewhere.test", PASSWORD)
        .await;
    assert_eq!(location(&r), "/login?error=sso_required");
    assert!(audit_actions(&app)
        .await
        .iter()
        .any(|(a, _)| a == "session.password_refused"));
    // Through the provider, members come in.
    let (_, back) = sso(
        &app,
        w.alpha.email(Role::Reviewer),
        w.alpha.email(Role::Reviewer),
    )
    .await;
    assert_eq!(location(&back), "/");
    // Another organization's members keep their passwords.
    let r = app
        .post_login(&app.client(), w.beta.email(Role::Reviewer), PASSWORD)
        .await;
    assert_eq!(location(&r), "/");
    app.finish().await;
}
both!(an_organization_that_requires_sso_refuses_passwords);

async fn the_providers_answer_counts_once_and_only_in_the_browser_that_asked(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let _admin = configure(&app, &w, false, false).await;
    let reviewer = w.alpha.email(Role::Reviewer);
    // Catch the provider's redirect back instead of following it.
    let c = app.client();
    let r = c
        .post(app.url("/auth/sso"))
        .form(&[("email", reviewer)])
        .send()
        .await
        .unwrap();
    let mut r = c.get(provider_link(r).await).send().await.unwrap();
    let callback = loop {
        let loc = r.url().join(&location(&r)).unwrap();
        if loc.as_str().starts_with(&app.url("/auth/sso/callback")) {
            break loc;
        }
        r = c.get(loc.clone()).send().await.unwrap();
        if r.status() == StatusCode::OK {
            let html = r.text().await.unwrap();
            let action = html
                .split("action=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .replace("&#x2F;", "/");
            r = c
                .post(loc.join(&action).unwrap())
                .form(&[
                    ("prompt", "login"),
                    ("login", reviewer),
                    ("password", "any"),
                ])
                .send()
                .await
                .unwrap();
        }
    };
    // Someone else's browser (a link sent to a victim) signs no one in, and
    // the sign-in is spent.
    let other = app.client();
    let r = other.get(callback.clone()).send().await.unwrap();
    assert_eq!(location(&r), "/login?error=sso_expired");
    assert_eq!(
        app.call(&other, "me", &[]).await.0,
        StatusCode::UNAUTHORIZED
    );
    let r = c.get(callback.clone()).send().await.unwrap();
    assert_eq!(location(&r), "/login?error=sso_expired");
    // A made-up state, or none: nothing.
    let r = c
        .get(app.url("/auth/sso/callback?state=forged&code=abc"))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/login?error=sso_expired");
    let r = c.get(app.url("/auth/sso/callback")).send().await.unwrap();
    assert_eq!(location(&r), "/login?error=sso_expired");
    assert_eq!(app.call(&c, "me", &[]).await.0, StatusCode::UNAUTHORIZED);

    // A fresh sign-in in the right browser works; its answer replayed does not.
    let c = app.client();
    let r = c
        .post(app.url("/auth/sso"))
        .form(&[("email", reviewer)])
        .send()
        .await
        .unwrap();
    let back = through_provider(&app, &c, r, reviewer).await;
    assert_eq!(location(&back), "/");
    app.finish().await;
}
both!(the_providers_answer_counts_once_and_only_in_the_browser_that_asked);

async fn a_single_sign_on_session_satisfies_the_second_factor_rule(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let _admin = configure(&app, &w, false, false).await;
    // An admin without an authenticator app may not require the rule when
    // signed in with a password (it would hold them too), but may when
    // signed in through the provider (that meets it).
    let admin = w.alpha.email(Role::Admin);
    let pw = app.login(admin, PASSWORD).await;
    let (st, _) = app
        .call(&pw, "set_second_factor_policy", &[("required", "yes")])
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let (by_sso, _) = sso(&app, admin, admin).await;
    let (st, body) = app
        .call(&by_sso, "set_second_factor_policy", &[("required", "yes")])
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let reviewer = w.alpha.email(Role::Reviewer);
    // With a password and no second factor: held at the account page.
    let pw = app.login(reviewer, PASSWORD).await;
    assert_eq!(
        app.call(&pw, "me", &[]).await.1["second_factor_missing"],
        true
    );
    assert_eq!(
        app.call(&pw, "list_engagements", &[]).await.0,
        StatusCode::FORBIDDEN
    );
    // Through the organization's identity provider: not held.
    let (c, back) = sso(&app, reviewer, reviewer).await;
    assert_eq!(location(&back), "/");
    assert_eq!(
        app.call(&c, "me", &[]).await.1["second_factor_missing"],
        false
    );
    let (st, _) = app.call(&c, "list_engagements", &[]).await;
    assert_eq!(st, StatusCode::OK);
    app.finish().await;
}
both!(a_single_sign_on_session_satisfies_the_second_factor_rule);

async fn issuers_must_use_https_unless_the_server_allows_loopback(b: Backend) {
    let app = TestApp::spawn_with(
        b,
        Options {
            sso_http_loopback: false,
            ..Default::default()
        },
    )
    .await;
    let w = World::build(&app).await;
    let admin = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let (st, body) = app
        .call(
            &admin,
            "save_sso_settings",
            &[
                ("issuer", identity_provider()),
                ("client_id", "x"),
                ("client_secret", "y"),
                ("domains", "alpha.test"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["Validation"]["message"]
            .as_str()
            .unwrap()
            .contains("https://"),
        "{body}"
    );
    app.finish().await;
}
both!(issuers_must_use_https_unless_the_server_allows_loopback);

/// What the hostile provider puts in (or does to) the ID token it issues.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Forgery {
    None,
    WrongNonce,
    WrongAudience,
    WrongIssuer,
    BadSignature,
    Expired,
    Unsigned,
}

/// A hostile OpenID provider: its discovery document and keys are in
/// order, but its token endpoint answers with whatever ID token the test
/// asks for (signed with its own P-256 key, or not). The real provider
/// above never issues a bad token; this one shows that Pactline refuses
/// each kind of bad one, and accepts the same token when nothing is wrong.
struct Hostile {
    issuer: String,
    key: p256::ecdsa::SigningKey,
    forgery: std::sync::Mutex<Forgery>,
    nonce: std::sync::Mutex<String>,
}

fn b64(bytes: impl AsRef<[u8]>) -> String {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
    URL_SAFE_NO_PAD.encode(bytes)
}

impl Hostile {
    fn id_token(&self, client_id: &str) -> String {
        use p256::ecdsa::signature::Signer;
        let forgery = *self.forgery.lock().unwrap();
        let now = chrono::Utc::now().timestamp();
        let (iat, exp) = if forgery == Forgery::Expired {
            (now - 1200, now - 600)
        } else {
            (now, now + 300)
        };
        let claims = serde_json::json!({
            "iss": if forgery == Forgery::WrongIssuer { "https://elsewhere.example".to_string() } else { self.issuer.clone() },
            "sub": "reviewer",
            "aud": if forgery == Forgery::WrongAudience { "another-client" } else { client_id },
            "iat": iat,
            "exp": exp,
            "nonce": if forgery == Forgery::WrongNonce { "not-the-nonce".to_string() } else { self.nonce.lock().unwrap().clone() },
            "email": "reviewer@alpha.test",
            "email_verified": true,
        });
        if forgery == Forgery::Unsigned {
            return format!("{}.{}.", b64(r#"{"alg":"none"}"#), b64(claims.to_string()));
        }
        let head = b64(r#"{"alg":"ES256","kid":"k1","typ":"JWT"}"#);
        let signing_input = format!("{head}.{}", b64(claims.to_string()));
        let sig: p256::ecdsa::Signature = self.key.sign(signing_input.as_bytes());
        let mut sig = sig.to_bytes().to_vec();
        if forgery == Forgery::BadSignature {
            sig[10] ^= 0x01;
        }
        format!("{signing_input}.{}", b64(sig))
    }
}

async fn hostile_provider() -> std::sync::Arc<Hostile> {
    use axum::{routing::get, routing::post, Json, Router};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let secret: [u8; 32] = rand::random();
    let h = std::sync::Arc::new(Hostile {
        issuer: issuer.clone(),
        key: p256::ecdsa::SigningKey::from_slice(&secret).unwrap(),
        forgery: std::sync::Mutex::new(Forgery::None),
        nonce: std::sync::Mutex::new(String::new()),
    });
    let point = h.key.verifying_key().to_sec1_bytes();
    let jwks = serde_json::json!({"keys": [{
        "kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": "k1",
        "x": b64(&point[1..33]), "y": b64(&point[33..65]),
    }]});
    let discovery = serde_json::json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/auth"),
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["ES256"],
    });
    let hs = h.clone();
    let router = Router::new()
        .route(
            "/.well-known/openid-configuration",
            get(move || async move { Json(discovery) }),
        )
        .route("/jwks", get(move || async move { Json(jwks) }))
        .route(
            "/token",
            post(move || {
                let h = hs.clone();
                async move {
                    Json(serde_json::json!({
                        "access_token": "opaque",
                        "token_type": "Bearer",
                        "expires_in": 300,
                        "id_token": h.id_token("pactline"),
                    }))
                }
            }),
        );
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    h
}

async fn forged_id_tokens_are_refused(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let hostile = hostile_provider().await;
    let admin = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let (st, body) = app
        .call(
            &admin,
            "save_sso_settings",
            &[
                ("issuer", hostile.issuer.as_str()),
                ("client_id", "pactline"),
                ("client_secret", "hostile-secret"),
                ("domains", "alpha.test"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let reviewer = w.alpha.email(Role::Reviewer);
    for (forgery, expected) in [
        (Forgery::WrongNonce, "/login?error=sso_failed"),
        (Forgery::WrongAudience, "/login?error=sso_failed"),
        (Forgery::WrongIssuer, "/login?error=sso_failed"),
        (Forgery::BadSignature, "/login?error=sso_failed"),
        (Forgery::Expired, "/login?error=sso_failed"),
        (Forgery::Unsigned, "/login?error=sso_failed"),
        // The same provider with nothing forged: signed in.
        (Forgery::None, "/"),
    ] {
        let c = app.client();
        let r = c
            .post(app.url("/auth/sso"))
            .form(&[("email", reviewer)])
            .send()
            .await
            .unwrap();
        let to = url::Url::parse(&provider_link(r).await).unwrap();
        let param = |k: &str| {
            to.query_pairs()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.to_string())
                .unwrap()
        };
        *hostile.nonce.lock().unwrap() = param("nonce");
        *hostile.forgery.lock().unwrap() = forgery;
        let back = c
            .get(app.url(&format!(
                "/auth/sso/callback?code=abc&state={}",
                param("state")
            )))
            .send()
            .await
            .unwrap();
        assert_eq!(location(&back), expected, "{forgery:?}");
        let signed_in = app.call(&c, "me", &[]).await.0 == StatusCode::OK;
        assert_eq!(signed_in, forgery == Forgery::None, "{forgery:?}");
    }
    let failures = audit_actions(&app)
        .await
        .into_iter()
        .filter(|(a, after)| {
            a == "session.sso_failed" && after["reason"].as_str().unwrap_or("").contains("ID token")
        })
        .count();
    assert_eq!(failures, 6);
    app.finish().await;
}
both!(forged_id_tokens_are_refused);
