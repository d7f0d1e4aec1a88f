//! Account budgets: signing in with a password and an authenticator code
//! while 8 sign-ins are in flight (p99 < 150 ms; argon2id dominates), and
//! the single sign-on callback's own time (< 20 ms on loopback, the
//! identity provider's share reported apart through Server-Timing).

use super::{ms, percentile};
use std::{
    io::BufRead,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

const PASSWORD: &str = "bench-turbine-lantern-71";
/// Sign-ins in flight at once, and how many each of them makes. A code
/// works once per 30-second step and account, so each sign-in has an
/// account of its own.
const IN_FLIGHT: usize = 8;
const EACH: usize = 6;

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn code(key: &str, at: u64) -> String {
    let secret = totp_rs::Secret::try_from_base32(key.replace(' ', "")).expect("base32 key");
    totp_rs::Builder::new()
        .with_algorithm(totp_rs::Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret)
        .with_account_name("bench")
        .build_noncompliant()
        .generate(at)
        .to_string()
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// An account (an organization of its own, made by `pactline admin
/// create`) with its authenticator app set up; returns its key.
async fn account_with_app(bin: &str, dir: &std::path::Path, base: &str, email: &str) -> String {
    let out = Command::new(bin)
        .args([
            "admin",
            "create",
            "--email",
            email,
            "--org",
            email,
            "--kind",
            "asset_owner",
        ])
        .env("PACTLINE_DATA_DIR", dir)
        .env("PACTLINE_ADMIN_PASSWORD", PASSWORD)
        .env("PACTLINE_LOG", "warn")
        .output()
        .expect("pactline admin create");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let c = client();
    let r = c
        .post(format!("{base}/auth/login"))
        .form(&[("email", email), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/");
    let setup = super::call(&c, base, "begin_second_factor", &[]).await;
    let key = setup["setup"]["key"].as_str().unwrap().to_string();
    super::call(
        &c,
        base,
        "confirm_second_factor",
        &[("code", &code(&key, now()))],
    )
    .await;
    key
}

/// One sign-in: the password, then a code; returns how long both took.
async fn sign_in(base: &str, email: &str, key: &str) -> Duration {
    let c = client();
    let t = Instant::now();
    let r = c
        .post(format!("{base}/auth/login"))
        .form(&[("email", email), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/login/code", "{email}");
    let r = c
        .post(format!("{base}/auth/code"))
        .form(&[("code", code(key, now()).as_str())])
        .send()
        .await
        .unwrap();
    let took = t.elapsed();
    assert_eq!(
        r.headers()["location"],
        "/",
        "{email}: the code was refused"
    );
    took
}

/// Sign-ins with a password and a code, `IN_FLIGHT` at a time.
pub async fn totp_sign_ins(bin: &str, dir: &std::path::Path, base: &str) -> Vec<Duration> {
    let mut accounts = Vec::new();
    for i in 0..IN_FLIGHT * EACH {
        let email = format!("signer{i}@bench-accounts.example");
        let key = account_with_app(bin, dir, base, &email).await;
        accounts.push((email, key));
    }
    // Each code is for the current 30-second step, and the step in which
    // an account confirmed its app is spent for it: begin when the next
    // step starts (the sign-ins take a few seconds, within that step).
    tokio::time::sleep(Duration::from_secs(30 - now() % 30)).await;
    let mut tasks = Vec::new();
    for w in 0..IN_FLIGHT {
        let mine: Vec<(String, String)> = accounts
            .iter()
            .skip(w)
            .step_by(IN_FLIGHT)
            .cloned()
            .collect();
        let base = base.to_string();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            for (email, key) in mine {
                lat.push(sign_in(&base, &email, &key).await);
            }
            lat
        }));
    }
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await.unwrap());
    }
    lat.sort();
    lat
}

/// The OpenID provider the tests use (end2end/oidc/provider.mjs), with a
/// client for this server; returns its issuer.
fn start_provider(base: &str, secret: &str) -> (std::process::Child, String) {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../end2end/oidc/provider.mjs"
    );
    let clients = serde_json::json!([{
        "client_id": "bench",
        "client_secret": secret,
        "redirect_uris": [format!("{base}/auth/sso/callback")],
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
    }]);
    let mut child = Command::new("node")
        .arg(script)
        .env("OIDC_CLIENTS", clients.to_string())
        .env("OIDC_EXIT_WITH_STDIN", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("node (npm ci in end2end/ installs the provider)");
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let issuer = loop {
        let line = lines.next().expect("the provider did not start").unwrap();
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) {
            break v["issuer"].as_str().unwrap().to_string();
        }
    };
    (child, issuer)
}

/// Single sign-on round trips through the provider; returns the callback's
/// total times and Pactline's own share of each (Server-Timing "app").
pub async fn sso_callbacks(base: &str, rounds: usize) -> (Vec<Duration>, Vec<Duration>) {
    let secret = format!("bench-{}", now());
    let (provider, issuer) = start_provider(base, &secret);
    let admin = super::signed_in(base, super::DEMO_EMAIL, super::DEMO_PASSWORD).await;
    super::call(
        &admin,
        base,
        "save_sso_settings",
        &[
            ("issuer", &issuer),
            ("client_id", "bench"),
            ("client_secret", &secret),
            ("domains", "sso-bench.example"),
            ("join_as_viewer", "yes"),
        ],
    )
    .await;
    let mut total = Vec::new();
    let mut own = Vec::new();
    for i in 0..rounds {
        let email = format!("engineer{}@sso-bench.example", i % 4);
        let c = client();
        let page = c
            .post(format!("{base}/auth/sso"))
            .form(&[("email", email.as_str())])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let link = page
            .split("id=\"to-provider\" href=\"")
            .nth(1)
            .and_then(|h| h.split('"').next())
            .expect("the page that leads to the provider")
            .replace("&amp;", "&");
        let mut r = c.get(link).send().await.unwrap();
        let callback = loop {
            let here = r.url().clone();
            if r.status().is_redirection() {
                let next = here
                    .join(r.headers()["location"].to_str().unwrap())
                    .unwrap();
                if next
                    .as_str()
                    .starts_with(&format!("{base}/auth/sso/callback"))
                {
                    break next;
                }
                r = c.get(next).send().await.unwrap();
                continue;
            }
            let html = r.text().await.unwrap();
            let action = html
                .split("action=\"")
                .nth(1)
                .and_then(|a| a.split('"').next())
                .expect("the provider's sign-in form")
                .replace("&#x2F;", "/");
            r = c
                .post(here.join(&action).unwrap())
                .form(&[
                    ("prompt", "login"),
                    ("login", email.as_str()),
                    ("password", "x"),
                ])
                .send()
                .await
                .unwrap();
        };
        let t = Instant::now();
        let back = c.get(callback).send().await.unwrap();
        let took = t.elapsed();
        assert_eq!(back.headers()["location"], "/", "single sign-on failed");
        let timing = back.headers()["server-timing"]
            .to_str()
            .unwrap()
            .to_string();
        let app_ms: f64 = timing
            .split("app;dur=")
            .nth(1)
            .and_then(|v| v.split([',', ';']).next())
            .and_then(|v| v.trim().parse().ok())
            .expect("Server-Timing app");
        if i >= 5 {
            total.push(took);
            own.push(Duration::from_secs_f64(app_ms / 1000.0));
        }
    }
    drop(provider);
    total.sort();
    own.sort();
    (total, own)
}

/// Runs both and prints the figures; true when the budgets are met.
pub async fn accounts(bin: &str, dir: &std::path::Path, base: &str) -> bool {
    let lat = totp_sign_ins(bin, dir, base).await;
    let p99 = percentile(&lat, 0.99);
    println!(
        "sign-in with password + authenticator code, {IN_FLIGHT} in flight: p50 {}, p99 {}, max {} over {} sign-ins",
        ms(percentile(&lat, 0.50)),
        ms(p99),
        ms(*lat.last().unwrap()),
        lat.len()
    );
    let (total, own) = sso_callbacks(base, 45).await;
    let own_p99 = percentile(&own, 0.99);
    println!(
        "single sign-on callback: total p50 {}, p99 {}; Pactline's own time p50 {}, p99 {} (the rest is the provider: discovery, keys, code exchange) over {} callbacks",
        ms(percentile(&total, 0.50)),
        ms(percentile(&total, 0.99)),
        ms(percentile(&own, 0.50)),
        ms(own_p99),
        own.len()
    );
    let met = p99 < Duration::from_millis(150) && own_p99 < Duration::from_millis(20);
    println!(
        "budgets: password + code sign-in p99 < 150 ms with {IN_FLIGHT} in flight, SSO callback's own time < 20 ms: {}",
        if met { "met" } else { "MISSED" }
    );
    met
}
