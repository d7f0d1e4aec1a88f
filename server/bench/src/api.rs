//! The REST API's budgets: a 500-answer assessment's answers by token
//! (p50 < 5 ms for the largest page) and a list at ≥ 5,000 req/s over 32
//! keep-alive connections (the token looked up by its SHA-256 each time).

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
        Some(&token),
        32,
        5,
    )
    .await;
    println!(
        "API: GET /api/v1/assessments?limit=20 with a token: {rps:.0} req/s over 32 keep-alive connections (p50 {}, p99 {})",
        ms(percentile(&lat, 0.50)),
        ms(percentile(&lat, 0.99))
    );
    let ok = answers_p50 < Duration::from_millis(5) && rps >= 5000.0;
    println!(
        "budgets: API answers page p50 < 5 ms, list >= 5,000 req/s over 32 connections: {}",
        if ok { "met" } else { "MISSED" }
    );
    ok
}
