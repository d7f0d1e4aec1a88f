//! The REST API's budgets: a 500-answer assessment's answers by token
//! (p50 < 5 ms for the largest page), a list at ≥ 5,000 req/s over 32
//! keep-alive connections (the token looked up by its SHA-256 each time),
//! and a webhook delivered within 2 s (p99) of its change's commit.

use super::*;

/// Prints the API figures; returns whether the budgets were met.
pub(crate) async fn api(base: &str, f: &AssessmentFigures) -> bool {
    let owner = signed_in(base, DEMO_EMAIL, DEMO_PASSWORD).await;
    let made = call(
        &owner,
        base,
        "create_api_token",
        &[
            ("name", "bench"),
            ("role", "reviewer"),
            ("days", "1"),
            ("read_only", "yes"),
        ],
    )
    .await;
    let token = made["secret"].as_str().expect("a token").to_string();

    // The largest page of the 500 answers, one client at a time.
    let url = format!(
        "{base}/api/v1/assessments/{}/answers?limit=200",
        f.assessment
    );
    let client = reqwest::Client::new();
    let mut lat = Vec::new();
    for i in 0..220 {
        let t = Instant::now();
        let r = client.get(&url).bearer_auth(&token).send().await.unwrap();
        assert!(r.status().is_success());
        // The server's time: until the whole body is here; the client's
        // parsing is not the API's.
        let bytes = r.bytes().await.unwrap();
        if i >= 20 {
            lat.push(t.elapsed());
        }
        let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(body["items"].as_array().map(Vec::len), Some(200));
    }
    lat.sort();
    let answers_p50 = percentile(&lat, 0.50);
    println!(
        "API: GET /api/v1/assessments/{{id}}/answers?limit=200 of the 500-answer assessment: p50 {}, p99 {}",
        ms(answers_p50),
        ms(percentile(&lat, 0.99))
    );

    let (rps, lat) = throughput(
        &format!("{base}/api/v1/assessments?limit=20"),
        Some(("authorization", &format!("Bearer {token}"))),
        32,
        5,
    )
    .await;
    println!(
        "API: GET /api/v1/assessments?limit=20 with a token: {rps:.0} req/s over 32 keep-alive connections (p50 {}, p99 {})",
        ms(percentile(&lat, 0.50)),
        ms(percentile(&lat, 0.99))
    );
    let hook_p99 = webhook_latency(base, &owner, f).await;
    let ok = answers_p50 < Duration::from_millis(5)
        && rps >= 5000.0
        && hook_p99 < Duration::from_secs(2);
    println!(
        "budgets: API answers page p50 < 5 ms, list >= 5,000 req/s over 32 connections, webhook p99 < 2 s after commit: {}",
        if ok { "met" } else { "MISSED" }
    );
    ok
}

/// From a change's commit (its API answer) to its webhook's arrival at a
/// receiver on loopback, for 40 shared comments a tenth of a second apart;
/// returns the p99.
async fn webhook_latency(base: &str, owner: &reqwest::Client, f: &AssessmentFigures) -> Duration {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};
    type Arrivals = Arc<Mutex<HashMap<i64, Instant>>>;
    let arrived: Arrivals = Arc::default();
    async fn take(
        axum::extract::State(a): axum::extract::State<Arrivals>,
        body: String,
    ) -> axum::http::StatusCode {
        let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        if let Some(id) = v["data"]["comment_id"].as_i64() {
            a.lock().unwrap().insert(id, Instant::now());
        }
        axum::http::StatusCode::NO_CONTENT
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(take))
        .with_state(arrived.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let made = call(
        owner,
        base,
        "create_webhook",
        &[
            ("url", &format!("http://{addr}/hook")),
            ("description", "bench"),
            ("events[0]", "comment.shared"),
        ],
    )
    .await;
    assert!(made["secret"].is_string(), "{made}");
    let writer = call(
        owner,
        base,
        "create_api_token",
        &[
            ("name", "bench comments"),
            ("role", "reviewer"),
            ("days", "1"),
        ],
    )
    .await;
    let token = writer["secret"].as_str().expect("a token").to_string();
    let client = reqwest::Client::new();
    let answers: serde_json::Value = client
        .get(format!(
            "{base}/api/v1/assessments/{}/answers?limit=1",
            f.assessment
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let answer = answers["items"][0]["id"].as_i64().expect("an answer");
    let mut committed = Vec::new();
    for i in 0..40 {
        let r = client
            .post(format!("{base}/api/v1/answers/{answer}/comments"))
            .bearer_auth(&token)
            .json(&serde_json::json!({"visibility": "shared", "body": format!("Bench note {i}")}))
            .send()
            .await
            .unwrap();
        let at = Instant::now();
        let c: serde_json::Value = r.json().await.unwrap();
        committed.push((c["id"].as_i64().expect("a comment"), at));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while arrived.lock().unwrap().len() < committed.len() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let got = arrived.lock().unwrap().clone();
    let mut lat: Vec<Duration> = committed
        .iter()
        .map(|(id, at)| {
            got.get(id)
                .map(|t| t.saturating_duration_since(*at))
                .unwrap_or(Duration::from_secs(30))
        })
        .collect();
    lat.sort();
    let p99 = percentile(&lat, 0.99);
    println!(
        "API: webhook delivered after its change's commit: p50 {}, p99 {} ({} of {} arrived)",
        ms(percentile(&lat, 0.50)),
        ms(p99),
        got.len(),
        committed.len()
    );
    p99
}
