//! Webhooks: endpoints registered by admins, events queued with the change
//! and sent after commit, signed as Standard Webhooks (checked by the
//! reference library), retried for about a day, given up with the admins
//! told, sent again from the log, delivered once across replicas, and
//! never to private addresses unless configured.

use crate::assessments::send;
use crate::both;
use crate::common::{Backend, Options, TestApp, World, PASSWORD};
use app::model::Role;
use axum::{extract::State, http::HeaderMap, routing::post, Router};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::sync::{
    atomic::{AtomicU16, Ordering},
    Arc, Mutex,
};

/// A receiving endpoint: records every request, answers with `status`.
#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<(String, HeaderMap, String)>>>,
    status: Arc<AtomicU16>,
}

impl Receiver {
    /// Serves `/alpha` and `/sigma` on a loopback port; returns the base URL.
    async fn start(&self) -> String {
        async fn take(
            State((r, who)): State<(Receiver, &'static str)>,
            headers: HeaderMap,
            body: String,
        ) -> StatusCode {
            r.got.lock().unwrap().push((who.to_string(), headers, body));
            StatusCode::from_u16(r.status.load(Ordering::SeqCst)).unwrap()
        }
        let app = Router::new()
            .route("/alpha", post(take).with_state((self.clone(), "alpha")))
            .route("/sigma", post(take).with_state((self.clone(), "sigma")));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        format!("http://{addr}")
    }

    fn events(&self, who: &str) -> Vec<(String, String)> {
        self.got
            .lock()
            .unwrap()
            .iter()
            .filter(|(w, ..)| w == who)
            .map(|(_, h, b)| {
                let v: Value = serde_json::from_str(b).unwrap();
                (
                    v["type"].as_str().unwrap().to_string(),
                    h["webhook-id"].to_str().unwrap().to_string(),
                )
            })
            .collect()
    }
}

async fn register(
    app: &TestApp,
    admin: &Client,
    url: &str,
    events: &[&str],
) -> (StatusCode, Value) {
    let mut form: Vec<(String, String)> = vec![
        ("url".into(), url.into()),
        ("description".into(), "GRC".into()),
    ];
    for (i, e) in events.iter().enumerate() {
        form.push((format!("events[{i}]"), e.to_string()));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.call(admin, "create_webhook", &form).await
}

async fn deliver(app: &TestApp) -> usize {
    app::server::webhooks::deliver_due(&app.state)
        .await
        .unwrap()
}

/// Checks every delivery received with the reference library.
fn verified_by_standard_webhooks(r: &Receiver, secrets: Value) {
    let deliveries: Vec<Value> = r
        .got
        .lock()
        .unwrap()
        .iter()
        .map(|(who, h, body)| {
            let headers: serde_json::Map<String, Value> = h
                .iter()
                .map(|(k, v)| (k.to_string(), json!(v.to_str().unwrap())))
                .collect();
            json!({"endpoint": who, "headers": headers, "body": body})
        })
        .collect();
    let venv = std::env::var("PACTLINE_API_VENV").unwrap_or_else(|_| {
        format!(
            "{}/.cache/pactline/api-venv",
            std::env::var("HOME").unwrap()
        )
    });
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../.ci/api/verify_webhooks.py");
    let mut child = std::process::Command::new(format!("{venv}/bin/python"))
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the API venv's python (make test installs standardwebhooks)");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            json!({"secrets": secrets, "deliveries": deliveries})
                .to_string()
                .as_bytes(),
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "standardwebhooks refused a delivery:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn events_are_signed_sent_after_commit_and_retried(b: Backend) {
    let app = TestApp::spawn_with(
        b,
        Options {
            webhooks_allow_private: true,
            ..Options::default()
        },
    )
    .await;
    let w = World::build(&app).await;
    let receiver = Receiver::default();
    receiver.status.store(500, Ordering::SeqCst);
    let base = receiver.start().await;
    let alpha = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let sigma = app.login(w.sigma.email(Role::Admin), PASSWORD).await;

    // What an admin gets wrong is said; only admins register.
    for (url, events, field) in [
        ("ftp://x.example/h", vec!["assessment.sent"], "url"),
        (&*format!("{base}/alpha"), vec![], "events"),
        (
            &*format!("{base}/alpha"),
            vec!["assessment.exploded"],
            "events",
        ),
    ] {
        let (st, e) = register(&app, &alpha, url, &events).await;
        assert_eq!(
            st,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{url} {events:?}: {e}"
        );
        assert_eq!(e["Validation"]["fields"][0]["field"], field, "{e}");
    }
    let reviewer = app.login(w.alpha.email(Role::Reviewer), PASSWORD).await;
    let (st, _) = register(
        &app,
        &reviewer,
        &format!("{base}/alpha"),
        &["assessment.sent"],
    )
    .await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    let all = app::model::WEBHOOK_EVENTS.map(|(k, _)| k);
    let (st, a) = register(&app, &alpha, &format!("{base}/alpha"), &all).await;
    assert_eq!(st, StatusCode::OK, "{a}");
    let alpha_secret = a["secret"].as_str().unwrap().to_string();
    assert!(alpha_secret.starts_with("whsec_"));
    // Only supplier-side events for Sigma, which never asked for comments.
    let (st, s) = register(
        &app,
        &sigma,
        &format!("{base}/sigma"),
        &[
            "assessment.sent",
            "assessment.submitted",
            "commitment.proposed",
        ],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{s}");
    let sigma_secret = s["secret"].as_str().unwrap().to_string();
    // The list never shows a secret again.
    let (_, list) = app.call(&alpha, "list_webhooks", &[]).await;
    assert!(!list.to_string().contains(&alpha_secret[6..]), "{list}");
    let alpha_hook = list[0]["id"].to_string();

    // A refused change queues nothing.
    let (st, _) = app
        .call(
            &alpha,
            "send_assessment",
            &[
                ("engagement_id", "999999"),
                ("supplier_org_id", &w.sigma.id.0.to_string()),
                ("profile_id", "1"),
                ("due_on", "2099-01-01"),
                ("message", ""),
            ],
        )
        .await;
    assert!(st.is_client_error());
    assert_eq!(deliver(&app).await, 0);

    // Sent: queued for both parties' endpoints; nothing leaves before the
    // job runs; the first attempt fails (500) and waits 5 seconds.
    let sent = send(&app, &w).await;
    assert!(receiver.got.lock().unwrap().is_empty());
    assert_eq!(deliver(&app).await, 2);
    assert_eq!(receiver.events("alpha").len(), 1);
    assert_eq!(receiver.events("sigma").len(), 1);
    assert_eq!(deliver(&app).await, 0, "not again before its time");
    let (_, log) = app
        .call(&alpha, "webhook_deliveries", &[("webhook_id", &alpha_hook)])
        .await;
    assert_eq!(log[0]["state"], "pending", "{log}");
    assert_eq!(log[0]["last_status"], 500);
    assert_eq!(log[0]["attempts"], 1);
    // The endpoint recovers: the retry carries the same webhook-id.
    receiver.status.store(204, Ordering::SeqCst);
    app.clock.advance(chrono::Duration::seconds(6));
    assert_eq!(deliver(&app).await, 2);
    let alpha_events = receiver.events("alpha");
    assert_eq!(alpha_events.len(), 2);
    assert_eq!(
        alpha_events[0], alpha_events[1],
        "the same event, the same id"
    );
    assert_eq!(alpha_events[0].0, "assessment.sent");
    let (_, log) = app
        .call(&alpha, "webhook_deliveries", &[("webhook_id", &alpha_hook)])
        .await;
    assert_eq!(log[0]["state"], "delivered", "{log}");
    assert_eq!(log[0]["last_status"], 204);
    // The payload is thin: ids and status, nothing the other party's
    // endpoint should not read.
    let (_, _, body) = receiver.got.lock().unwrap()[0].clone();
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["data"]["assessment_id"].to_string(), sent.assessment);
    assert_eq!(v["data"]["status"], "sent");

    // Comments: an internal one tells nobody; a shared one tells Alpha's
    // endpoint (Sigma's did not ask).
    let (_, full) = app
        .call(
            &sent.supplier,
            "get_assessment",
            &[("assessment_id", &sent.assessment)],
        )
        .await;
    let answer = full["answers"][0]["id"].to_string();
    for (visibility, body) in [("internal", "price remark"), ("shared", "Which version?")] {
        let (st, r) = app
            .call(
                &alpha,
                "add_comment",
                &[
                    ("answer_id", &answer),
                    ("visibility", visibility),
                    ("body", body),
                ],
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{r}");
    }
    assert_eq!(deliver(&app).await, 1);
    let types: Vec<String> = receiver
        .events("alpha")
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    assert_eq!(types.last().unwrap(), "comment.shared");
    assert_eq!(receiver.events("sigma").len(), 2);

    // Once across replicas: two delivery jobs at once send each event once.
    crate::assessments::answer_everything_and_submit(&app, &sent).await;
    let (a, b2) = tokio::join!(
        app::server::webhooks::deliver_due(&app.state),
        app::server::webhooks::deliver_due(&app.state)
    );
    assert!(a.unwrap() + b2.unwrap() >= 2);
    let submitted: Vec<_> = receiver
        .events("alpha")
        .into_iter()
        .chain(receiver.events("sigma"))
        .filter(|(t, _)| t == "assessment.submitted")
        .collect();
    assert_eq!(submitted.len(), 2, "{submitted:?}");

    // Every delivery so far verifies with its endpoint's secret, and only
    // with it, by the Standard Webhooks reference library.
    verified_by_standard_webhooks(
        &receiver,
        json!({"alpha": alpha_secret, "sigma": sigma_secret}),
    );

    // An endpoint that keeps failing: retried for about a day, then given
    // up, marked failing, its admins told; sent again from the log.
    receiver.status.store(503, Ordering::SeqCst);
    let (st, _) = app
        .call(
            &alpha,
            "begin_review",
            &[("assessment_id", &sent.assessment)],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, r) = app
        .call(
            &alpha,
            "review_answer",
            &[("answer_id", &answer), ("status", "accepted")],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let mut rounds = 0;
    loop {
        deliver(&app).await;
        let (_, log) = app
            .call(&alpha, "webhook_deliveries", &[("webhook_id", &alpha_hook)])
            .await;
        if log[0]["state"] == "failed" {
            assert_eq!(log[0]["event_type"], "answer.review_changed");
            assert_eq!(log[0]["last_status"], 503);
            break;
        }
        rounds += 1;
        assert!(rounds < 20, "never gave up: {log}");
        app.clock.advance(chrono::Duration::hours(11));
    }
    assert!(rounds >= 3, "retried {rounds} times");
    let (_, list) = app.call(&alpha, "list_webhooks", &[]).await;
    assert_ne!(list[0]["failing_since"], Value::Null, "{list}");
    let (_, n) = app.call(&alpha, "list_notifications", &[]).await;
    assert!(
        n["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["kind"] == "webhook.failing"),
        "{n}"
    );
    receiver.status.store(200, Ordering::SeqCst);
    let (_, log) = app
        .call(&alpha, "webhook_deliveries", &[("webhook_id", &alpha_hook)])
        .await;
    let failed = log[0]["id"].to_string();
    let (st, d) = app
        .call(&alpha, "resend_webhook", &[("delivery_id", &failed)])
        .await;
    assert_eq!(st, StatusCode::OK, "{d}");
    assert_eq!(d["state"], "pending");
    assert_eq!(deliver(&app).await, 1);
    let (_, list) = app.call(&alpha, "list_webhooks", &[]).await;
    assert_eq!(list[0]["failing_since"], Value::Null, "a success clears it");
    // Sigma's admin cannot resend or read Alpha's.
    assert_eq!(
        app.call(&sigma, "resend_webhook", &[("delivery_id", &failed)])
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    // Removed: nothing more is sent to it.
    let (st, _) = app
        .call(&alpha, "remove_webhook", &[("webhook_id", &alpha_hook)])
        .await;
    assert_eq!(st, StatusCode::OK);
    let before = receiver.events("alpha").len();
    let (st, _) = app
        .call(
            &alpha,
            "review_answer",
            &[("answer_id", &answer), ("status", "rejected")],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    deliver(&app).await;
    assert_eq!(receiver.events("alpha").len(), before);
    app.finish().await;
}
both!(events_are_signed_sent_after_commit_and_retried);

async fn private_addresses_are_refused_unless_configured(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let alpha = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    for url in [
        "http://127.0.0.1:9/hook",
        "https://127.0.0.1/hook",
        "https://10.0.0.7/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "http://grc.example.com/hook",
    ] {
        let (st, e) = register(&app, &alpha, url, &["assessment.sent"]).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{url}: {e}");
        assert_eq!(e["Validation"]["fields"][0]["field"], "url");
    }
    // A name that resolves to loopback passes the form, but nothing is
    // sent: the address is checked as it resolves.
    let (st, r) = register(
        &app,
        &alpha,
        "https://localhost:9/hook",
        &["assessment.sent"],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    send(&app, &w).await;
    assert_eq!(deliver(&app).await, 1);
    let (_, log) = app
        .call(
            &alpha,
            "webhook_deliveries",
            &[("webhook_id", &r["webhook"]["id"].to_string())],
        )
        .await;
    assert_eq!(log[0]["last_status"], Value::Null, "{log}");
    assert!(
        log[0]["last_error"]
            .as_str()
            .unwrap()
            .contains("no public address"),
        "{log}"
    );
    app.finish().await;
}
both!(private_addresses_are_refused_unless_configured);

async fn two_replicas_deliver_each_event_once(b: Backend) {
    let app = TestApp::spawn_with(
        b,
        Options {
            webhooks_allow_private: true,
            ..Options::default()
        },
    )
    .await;
    let w = World::build(&app).await;
    let receiver = Receiver::default();
    receiver.status.store(200, Ordering::SeqCst);
    let base = receiver.start().await;
    let alpha = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let (st, r) = register(
        &app,
        &alpha,
        &format!("{base}/alpha"),
        &["assessment.sent", "comment.shared"],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    // A second replica: its own connection pools on the same database, the
    // same configuration and key.
    let replica = pactline::init_state((*app.state.config).clone(), None)
        .await
        .expect("a second replica")
        .with_clock(app.clock.clone());
    let sent = send(&app, &w).await;
    let (_, full) = app
        .call(
            &sent.supplier,
            "get_assessment",
            &[("assessment_id", &sent.assessment)],
        )
        .await;
    let answer = full["answers"][0]["id"].to_string();
    for i in 0..20 {
        let (st, r) = app
            .call(
                &alpha,
                "add_comment",
                &[
                    ("answer_id", &answer),
                    ("visibility", "shared"),
                    ("body", &format!("Note {i}")),
                ],
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{r}");
    }
    // Both replicas' jobs run at once, a few rounds.
    for _ in 0..3 {
        let (a, b2) = tokio::join!(
            app::server::webhooks::deliver_due(&app.state),
            app::server::webhooks::deliver_due(&replica)
        );
        a.unwrap();
        b2.unwrap();
    }
    let events = receiver.events("alpha");
    let mut ids: Vec<&str> = events.iter().map(|(_, id)| id.as_str()).collect();
    assert_eq!(ids.len(), 21, "{events:?}");
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 21, "each event exactly once: {events:?}");
    replica.db.clone().close().await.ok();
    replica.writer.clone().close().await.ok();
    app.finish().await;
}
both!(two_replicas_deliver_each_event_once);
