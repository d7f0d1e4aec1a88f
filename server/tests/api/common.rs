//! Spawning the real application for a test, and a world of organizations
//! and members to test with.

#![allow(dead_code)]

use app::model::{OrgId, OrgKind, Role};
use app::server::{
    audit::Who,
    config::Config,
    mail::{Mail, Mailer},
    services::admin::{add_member, create_org_with_admin},
    AppState,
};
use leptos::prelude::LeptosOptions;
use reqwest::{redirect::Policy, Client, StatusCode};
use sea_orm::{ConnectionTrait, Database};
use serde_json::Value;
use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates `sqlite` and `postgres` tests for one async test body.
#[macro_export]
macro_rules! both {
    ($name:ident) => {
        mod $name {
            use $crate::common::Backend;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(Backend::Postgres).await
            }
        }
    };
}

pub const PASSWORD: &str = "orchid-lantern-meridian-58";

pub struct TestApp {
    pub base: String,
    pub state: AppState,
    /// Today for the application: the real date until a test moves it.
    pub clock: Arc<app::model::FixedClock>,
    pub mail: Arc<Mutex<Vec<Mail>>>,
    pg: Option<(String, String)>,
    dir: Option<std::path::PathBuf>,
}

pub struct Options {
    /// Keep mail in memory (true) or behave as without SMTP (false).
    pub memory_mail: bool,
    pub secure_cookies: bool,
    /// Deliver through this SMTP server instead (overrides `memory_mail`).
    pub smtp: Option<app::server::config::SmtpConfig>,
    pub session_idle: Option<std::time::Duration>,
    /// Evidence one organization may keep, and files one user may attach
    /// per hour (the server's defaults when unset).
    pub evidence_quota_bytes: Option<u64>,
    pub uploads_per_hour: Option<u64>,
    pub session_absolute: Option<std::time::Duration>,
    /// Which `X-Forwarded-For` entries the server believes.
    pub trust_proxy: app::server::proxy::TrustedProxies,
    /// The base URL names the server `localhost` (passkeys need a host
    /// name); the tests still reach it at 127.0.0.1.
    pub localhost_base: bool,
    /// Identity providers may be plain HTTP on loopback (the test provider).
    pub sso_http_loopback: bool,
    /// Links and the base URL say https (the server itself still speaks
    /// plain HTTP to the test, as behind a TLS-terminating proxy).
    pub https_base: bool,
    /// Requests one API token may make per second (the default otherwise).
    pub api_requests_per_second: Option<u32>,
    /// Webhooks may go to loopback (the test receivers).
    pub webhooks_allow_private: bool,
    /// The site directory the browser bundle is served from, and whether
    /// its file names carry content hashes.
    pub site: Option<(std::path::PathBuf, bool)>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            memory_mail: true,
            secure_cookies: false,
            smtp: None,
            session_idle: None,
            evidence_quota_bytes: None,
            uploads_per_hour: None,
            session_absolute: None,
            trust_proxy: Default::default(),
            https_base: false,
            sso_http_loopback: true,
            localhost_base: false,
            api_requests_per_second: None,
            webhooks_allow_private: false,
            site: None,
        }
    }
}

pub fn unique() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..12].to_string()
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, Options::default()).await
    }

    pub async fn spawn_with(backend: Backend, opts: Options) -> Self {
        let (url, pg, dir) = match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("pactline-test-{}", unique()));
                std::fs::create_dir_all(&dir).unwrap();
                (
                    format!("sqlite://{}?mode=rwc", dir.join("test.db").display()),
                    None,
                    Some(dir),
                )
            }
            Backend::Postgres => {
                let admin = std::env::var("PACTLINE_TEST_PG").expect(
                    "PACTLINE_TEST_PG must name a PostgreSQL server to create test databases on \
                     (make test sets it; see .ci/postgres.sh)",
                );
                let name = format!("pactline_test_{}", unique());
                let conn = Database::connect(&admin)
                    .await
                    .expect("connect to PACTLINE_TEST_PG");
                conn.execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .unwrap();
                conn.close().await.ok();
                let url = admin.replacen("/postgres?", &format!("/{name}?"), 1);
                assert_ne!(url, admin, "PACTLINE_TEST_PG must end in /postgres?…");
                // Files (evidence) still live on disk.
                let dir = std::env::temp_dir().join(format!("pactline-test-{}", unique()));
                std::fs::create_dir_all(&dir).unwrap();
                (url, Some((admin, name)), Some(dir))
            }
        };
        let mut config = Config::for_database(&url);
        if let Some(d) = &dir {
            config.data_dir = d.clone();
        }
        config.secure_cookies = opts.secure_cookies;
        if let Some(d) = opts.session_idle {
            config.session_idle = d;
        }
        if let Some(d) = opts.session_absolute {
            config.session_absolute = d;
        }
        if let Some(q) = opts.evidence_quota_bytes {
            config.evidence_quota_bytes = q;
        }
        if let Some(n) = opts.uploads_per_hour {
            config.uploads_per_hour = n;
        }
        if let Some(n) = opts.api_requests_per_second {
            config.api_requests_per_second = n;
        }
        config.webhooks_allow_private = opts.webhooks_allow_private;
        let (mailer, mail) = if let Some(smtp) = &opts.smtp {
            (
                Mailer::from_config(Some(smtp)).unwrap(),
                Arc::new(Mutex::new(Vec::new())),
            )
        } else if opts.memory_mail {
            Mailer::memory()
        } else {
            (Mailer::Log, Arc::new(Mutex::new(Vec::new())))
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        config.base_url = if opts.https_base {
            format!("https://{addr}")
        } else {
            format!("http://{addr}")
        };
        if opts.localhost_base {
            config.base_url = format!("http://localhost:{}", addr.port());
        }
        config.trust_proxy = opts.trust_proxy.clone();
        config.sso_allow_http_loopback = opts.sso_http_loopback;
        let clock = Arc::new(app::model::FixedClock::at(chrono::Utc::now().date_naive()));
        let state = pactline::init_state(config, Some(mailer))
            .await
            .expect("state")
            .with_clock(clock.clone());
        let options = match &opts.site {
            Some((root, hashed)) => LeptosOptions::builder()
                .output_name("pactline")
                .site_root(root.display().to_string())
                .hash_files(*hashed)
                .site_addr(addr)
                .build(),
            None => LeptosOptions::builder()
                .output_name("pactline")
                .site_addr(addr)
                .build(),
        };
        app::server::mail::spawn_delivery(
            state.db.clone(),
            state.writer.clone(),
            state.mailer.clone(),
            state.clock.clone(),
        );
        let router = pactline::router(state.clone(), options);
        tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .unwrap();
        });
        TestApp {
            base: format!("http://{addr}"),
            state,
            clock,
            mail,
            pg,
            dir,
        }
    }

    /// Drops the PostgreSQL database or the SQLite folder of this test.
    pub async fn finish(self) {
        // Closing waits for every connection to come back; a run must not
        // wait forever on one that does not (say so, and go on).
        let closing = tokio::time::timeout(
            std::time::Duration::from_secs(60),
            self.state.db.clone().close(),
        );
        if closing.await.is_err() {
            eprintln!(
                "warning: a database connection was still in use a minute after the test ended"
            );
        }
        if let Some((admin, name)) = &self.pg {
            let conn = Database::connect(admin).await.unwrap();
            conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await
                .unwrap();
        }
        if let Some(dir) = &self.dir {
            std::fs::remove_dir_all(dir).ok();
        }
    }

    pub fn client(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            // A request that never gets an answer fails its test (and says
            // which) instead of holding the whole run.
            .timeout(std::time::Duration::from_secs(120))
            .build()
            .unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// POSTs the login form; returns the response (a 303 either way).
    pub async fn post_login(&self, c: &Client, email: &str, password: &str) -> reqwest::Response {
        c.post(self.url("/auth/login"))
            .form(&[("email", email), ("password", password)])
            .send()
            .await
            .unwrap()
    }

    /// A signed-in client; panics if the login fails.
    pub async fn login(&self, email: &str, password: &str) -> Client {
        let c = self.client();
        let r = self.post_login(&c, email, password).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/", "login of {email} failed");
        c
    }

    /// Calls a server function with form-encoded arguments.
    /// A page as the browser first gets it: the server-rendered HTML.
    pub async fn page(&self, c: &Client, path: &str) -> String {
        c.get(self.url(path))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    pub async fn call(
        &self,
        c: &Client,
        endpoint: &str,
        args: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let r = c
            .post(self.url(&format!("/api/{endpoint}")))
            .form(args)
            .send()
            .await
            .unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, body)
    }

    /// Calls a server function whose form nests some fields under a name,
    /// as the pages send them: `fixed` as they are, `fields` as
    /// `prefix[key]`.
    pub async fn call_nested(
        &self,
        c: &Client,
        endpoint: &str,
        fixed: &[(&str, &str)],
        prefix: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let nested: Vec<(String, &str)> = fields
            .iter()
            .map(|(k, v)| (format!("{prefix}[{k}]"), *v))
            .collect();
        let mut form: Vec<(&str, &str)> = fixed.to_vec();
        form.extend(nested.iter().map(|(k, v)| (k.as_str(), *v)));
        self.call(c, endpoint, &form).await
    }

    /// Uploads a file to a multipart server function.
    pub async fn upload(
        &self,
        c: &Client,
        endpoint: &str,
        fields: &[(&str, &str)],
        filename: &str,
        bytes: Vec<u8>,
    ) -> (StatusCode, Value) {
        let mut form = reqwest::multipart::Form::new();
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        form = form.part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(filename.to_string()),
        );
        let r = c
            .post(self.url(&format!("/api/{endpoint}")))
            .multipart(form)
            .send()
            .await
            .unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// The messages delivered to `to`, once every message nobody has tried
    /// to deliver yet has been tried (the delivery job runs every second;
    /// this does not wait for it).
    pub async fn mails_to(&self, to: &str) -> Vec<Mail> {
        self.deliver_mail().await;
        self.mail
            .lock()
            .unwrap()
            .iter()
            .filter(|m| m.to == to)
            .cloned()
            .collect()
    }

    /// Delivers what is due now, and waits until no message is left that
    /// was never tried (one the delivery job holds is delivered by it).
    pub async fn deliver_mail(&self) {
        use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
        let st = &self.state;
        for _ in 0..100 {
            app::server::mail::deliver_due(&st.db, &st.writer, &st.mailer, st.clock.now())
                .await
                .unwrap();
            let untried = app::server::entities::outbox::Entity::find()
                .filter(app::server::entities::outbox::Column::NextAttemptAt.is_not_null())
                .filter(app::server::entities::outbox::Column::Attempts.eq(0))
                .count(&st.db)
                .await
                .unwrap();
            // A claimed message counts as tried before it is handed over:
            // give the job's delivery a moment to land.
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            if untried == 0 {
                return;
            }
        }
        panic!("mail stayed undelivered for 2 s");
    }
}

/// A link with a token, as found in a message body.
pub fn link_in(body: &str, path: &str) -> String {
    let start = body
        .find(path)
        .unwrap_or_else(|| panic!("no {path} link in {body}"));
    body[start..].split_whitespace().next().unwrap().to_string()
}

pub struct Member {
    pub email: String,
    pub role: Role,
}

pub struct Org {
    pub id: OrgId,
    pub name: String,
    pub members: Vec<Member>,
}

impl Org {
    pub fn email(&self, role: Role) -> &str {
        &self
            .members
            .iter()
            .find(|m| m.role == role)
            .expect("role in org")
            .email
    }
}

/// Two asset owners with a member of every role, and a product supplier of
/// the first with an admin and a contributor.
pub struct World {
    pub alpha: Org,
    pub beta: Org,
    pub sigma: Org,
}

pub async fn org(state: &AppState, name: &str, slug: &str, kind: OrgKind, roles: &[Role]) -> Org {
    let who = Who::system(&state.audit_key, "test");
    let admin = format!("admin@{slug}.test");
    let (id, _) = create_org_with_admin(
        state,
        name,
        &[kind],
        &admin,
        &format!("{name} Admin"),
        PASSWORD,
        &who,
    )
    .await
    .expect("create org");
    let mut members = vec![Member {
        email: admin,
        role: Role::Admin,
    }];
    for role in roles.iter().filter(|r| **r != Role::Admin) {
        let email = format!("{}@{slug}.test", role.as_str());
        add_member(
            state,
            id,
            &email,
            &format!("{name} {}", role.label()),
            PASSWORD,
            *role,
            &who,
        )
        .await
        .expect("add member");
        members.push(Member { email, role: *role });
    }
    Org {
        id,
        name: name.to_string(),
        members,
    }
}

impl World {
    pub async fn build(app: &TestApp) -> World {
        let s = &app.state;
        let alpha = org(s, "Alpha Water", "alpha", OrgKind::AssetOwner, &Role::ALL).await;
        let beta = org(s, "Beta Power", "beta", OrgKind::AssetOwner, &Role::ALL).await;
        let sigma = org(
            s,
            "Sigma Devices",
            "sigma",
            OrgKind::ProductSupplier,
            &[Role::Admin, Role::Contributor],
        )
        .await;
        // Alpha works with Sigma (Sigma's admin accepted long ago).
        use sea_orm::{ActiveModelTrait, Set};
        app::server::entities::supplier_link::ActiveModel {
            owner_org_id: Set(alpha.id),
            supplier_org_id: Set(sigma.id),
            created_by: Set(None),
            created_at: Set(s.clock.now()),
            ..Default::default()
        }
        .insert(&s.writer)
        .await
        .expect("link supplier");
        World { alpha, beta, sigma }
    }
}

/// The token of the invitation link that `answer` (an invitation just sent
/// or renewed) carries, or else of the last such link mailed to `to`.
pub async fn partner_token(app: &TestApp, answer: &Value, to: &str) -> String {
    let link = match answer["link"].as_str() {
        Some(l) => l.to_string(),
        None => {
            let mails = app.mails_to(to).await;
            let last = mails.last().unwrap_or_else(|| panic!("no mail to {to}"));
            link_in(&last.body, "/partner/")
        }
    };
    link.rsplit('/').next().unwrap().to_string()
}

/// `owner` invites through `endpoint` (`invite_supplier` or
/// `invite_assessor`, `args` naming `admin_email`), and `admin`, signed in
/// as that address, accepts for its organization `org`. Returns what the
/// acceptance answered.
pub async fn invite_and_accept(
    app: &TestApp,
    owner: &Client,
    endpoint: &str,
    args: &[(&str, &str)],
    admin: &Client,
    org: OrgId,
) -> (StatusCode, Value) {
    let (st, sent) = app.call(owner, endpoint, args).await;
    assert_eq!(st, StatusCode::OK, "{endpoint}: {sent}");
    let to = args
        .iter()
        .find(|(k, _)| *k == "admin_email")
        .map(|(_, v)| *v)
        .expect("admin_email");
    let token = partner_token(app, &sent, to).await;
    accept_partner(app, admin, &token, &org.0.to_string()).await
}

/// Accepts an invitation to an organization: for `org` (an id, or `new`).
pub async fn accept_partner(
    app: &TestApp,
    c: &Client,
    token: &str,
    org: &str,
) -> (StatusCode, Value) {
    app.call(
        c,
        "accept_partner_invitation",
        &[
            ("token", token),
            ("org", org),
            ("org_name", ""),
            ("display_name", ""),
            ("password", ""),
        ],
    )
    .await
}

/// The OpenID provider the tests sign in through: oidc-provider (Node.js,
/// from end2end/node_modules) on a loopback port, started once per test
/// binary. It exits when this process does (its standard input closes).
pub fn identity_provider() -> &'static str {
    use std::io::BufRead;
    static ISSUER: std::sync::OnceLock<(String, Mutex<std::process::Child>)> =
        std::sync::OnceLock::new();
    &ISSUER
        .get_or_init(|| {
            let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../end2end/oidc/provider.mjs");
            let mut child = std::process::Command::new("node")
                .arg(script)
                .env("OIDC_EXIT_WITH_STDIN", "1")
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("node must be installed (make test installs end2end/node_modules)");
            let out = child.stdout.take().unwrap();
            let mut lines = std::io::BufReader::new(out).lines();
            let issuer = loop {
                let line = lines
                    .next()
                    .expect("the test identity provider did not start (run npm ci in end2end/)")
                    .unwrap();
                if let Ok(v) = serde_json::from_str::<Value>(&line) {
                    break v["issuer"].as_str().unwrap().to_string();
                }
            };
            (issuer, Mutex::new(child))
        })
        .0
}

/// A client of the test provider registered for `app`'s callback:
/// (client id, client secret).
pub async fn register_sso_client(app: &TestApp) -> (String, String) {
    let r = reqwest::Client::new()
        .post(format!("{}/reg", identity_provider()))
        .json(&serde_json::json!({
            "redirect_uris": [app.url("/auth/sso/callback")],
            "grant_types": ["authorization_code"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "client_secret_basic",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.unwrap();
    (
        v["client_id"].as_str().unwrap().to_string(),
        v["client_secret"].as_str().unwrap().to_string(),
    )
}

/// Follows a single sign-on from Pactline's redirect to the provider,
/// signs in there as `login`, and returns Pactline's answer to the
/// provider's redirect back (the callback's response).
pub async fn through_provider(
    app: &TestApp,
    c: &Client,
    first: reqwest::Response,
    login: &str,
) -> reqwest::Response {
    let first_url = provider_link(first).await;
    let mut r = c.get(first_url).send().await.unwrap();
    for _ in 0..12 {
        let status = r.status();
        let here = r.url().clone();
        if status.is_redirection() {
            let loc = r.headers()["location"].to_str().unwrap().to_string();
            let next = here.join(&loc).unwrap();
            if next.as_str().starts_with(&app.url("/auth/sso/callback")) {
                return c.get(next).send().await.unwrap();
            }
            assert!(
                !next.as_str().starts_with(&app.base),
                "Pactline sent the browser to {next} instead of the provider"
            );
            r = c.get(next).send().await.unwrap();
            continue;
        }
        assert_eq!(status, StatusCode::OK, "provider page {here}");
        let html = r.text().await.unwrap();
        let action = html
            .split("action=\"")
            .nth(1)
            .and_then(|a| a.split('"').next())
            .unwrap_or_else(|| panic!("no form on the provider's page {here}: {html}"))
            .replace("&#x2F;", "/")
            .replace("&amp;", "&");
        r = c
            .post(here.join(&action).unwrap())
            .form(&[("prompt", "login"), ("login", login), ("password", "any")])
            .send()
            .await
            .unwrap();
    }
    panic!("the single sign-on did not come back to Pactline");
}

/// The identity provider's address on the page Pactline answers a single
/// sign-on with (a page that moves on by itself, not a redirect).
pub async fn provider_link(r: reqwest::Response) -> String {
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "expected the page that leads to the provider"
    );
    assert_eq!(r.headers()["cache-control"], "no-store");
    let html = r.text().await.unwrap();
    html.split("id=\"to-provider\" href=\"")
        .nth(1)
        .and_then(|h| h.split('"').next())
        .unwrap_or_else(|| panic!("no link to the provider: {html}"))
        .replace("&amp;", "&")
}

/// The membership id of `email` in the organization of `admin`.
pub async fn member_id(app: &TestApp, admin: &Client, email: &str) -> String {
    let (_, members) = app.call(admin, "list_members", &[]).await;
    members
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == email)
        .unwrap_or_else(|| panic!("{email} is no member: {members}"))["id"]
        .to_string()
}

/// `admin` deactivates the membership of `email`.
pub async fn deactivate(app: &TestApp, admin: &Client, email: &str) {
    let id = member_id(app, admin, email).await;
    let (st, body) = app
        .call(
            admin,
            "set_member_active",
            &[("membership_id", &id), ("active", "false")],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
}
