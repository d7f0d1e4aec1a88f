//! Whole flows through the REST API: an asset owner's system reviews and
//! decides by token; a supplier's uploads evidence that the owner's
//! downloads; every POST may carry an Idempotency-Key; catalogs, profiles,
//! engagements, the matrix, notifications and the audit trail read by token.

use crate::assessments::{answer_everything_and_submit, send};
use crate::both;
use crate::common::{Backend, TestApp, World, PASSWORD};
use crate::rest::{get, make_token, put};
use app::model::Role;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

/// POSTs `body` (JSON) with `token`, and an Idempotency-Key when given;
/// returns the status, whether the answer was a replay, and the body.
async fn post(
    app: &TestApp,
    token: &str,
    path: &str,
    key: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, bool, Value) {
    let mut req = Client::new().post(app.url(path)).bearer_auth(token);
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.unwrap();
    let st = r.status();
    let replayed = r.headers().get("idempotent-replayed").is_some();
    let text = r.text().await.unwrap();
    (
        st,
        replayed,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Starts the review of assessment `id` by token; the status answered.
async fn begin_review(app: &TestApp, token: &str, id: &str) -> StatusCode {
    post(
        app,
        token,
        &format!("/api/v1/assessments/{id}/review"),
        None,
        None,
    )
    .await
    .0
}

async fn upload(
    app: &TestApp,
    token: &str,
    answer: &str,
    filename: &str,
    bytes: &[u8],
    key: Option<&str>,
) -> (StatusCode, Value) {
    let mut req = Client::new()
        .post(app.url(&format!(
            "/api/v1/answers/{answer}/evidence?filename={filename}"
        )))
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .body(bytes.to_vec());
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    let r = req.send().await.unwrap();
    let st = r.status();
    let text = r.text().await.unwrap();
    (
        st,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn owners_review_and_decide_by_token(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;
    answer_everything_and_submit(&app, &s).await;
    let (owner, _) = make_token(&app, &s.owner, "reviewer", false).await;
    let sigma_admin = app.login(w.sigma.email(Role::Admin), PASSWORD).await;
    let (supplier, _) = make_token(&app, &sigma_admin, "contributor", false).await;
    let id = &s.assessment;

    // The review begins; answers are judged one by one.
    let (st, _, r) = post(
        &app,
        &owner,
        &format!("/api/v1/assessments/{id}/review"),
        None,
        None,
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(r["status"], "under_review");
    let (st, _, r) = post(
        &app,
        &owner,
        &format!("/api/v1/assessments/{id}/review"),
        None,
        None,
    )
    .await;
    assert_eq!(st, StatusCode::CONFLICT, "once only: {r}");
    let (_, page) = get(
        &app,
        &owner,
        &format!("/api/v1/assessments/{id}/answers?limit=200"),
    )
    .await;
    let answers: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].to_string())
        .collect();
    let (st, p) = put(
        &app,
        &owner,
        &format!("/api/v1/answers/{}/review", answers[0]),
        None,
        json!({"status": "fine"}),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["errors"][0]["field"], "status");
    // The supplier never judges its own answers.
    let (st, _) = put(
        &app,
        &supplier,
        &format!("/api/v1/answers/{}/review", answers[0]),
        None,
        json!({"status": "accepted"}),
    )
    .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    for (i, a) in answers.iter().enumerate() {
        let verdict = if i == 1 {
            "clarification_requested"
        } else {
            "accepted"
        };
        let (st, v) = put(
            &app,
            &owner,
            &format!("/api/v1/answers/{a}/review"),
            None,
            json!({"status": verdict}),
        )
        .await;
        assert_eq!(st, StatusCode::OK, "{v}");
        assert_eq!(v["status"], verdict);
    }
    let (_, page) = get(
        &app,
        &owner,
        &format!("/api/v1/assessments/{id}/answers?limit=2"),
    )
    .await;
    assert_eq!(page["items"][1]["review"], "clarification_requested");

    // Comments: the owner's internal note never reaches the supplier's token.
    let path = format!("/api/v1/answers/{}/comments", answers[1]);
    let (st, _, c) = post(
        &app,
        &owner,
        &path,
        None,
        Some(json!({"visibility": "internal", "body": "OWNER-ONLY price remark"})),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{c}");
    assert_eq!(c["visibility"], "internal");
    assert_eq!(c["organization"], "Alpha Water");
    let (st, _, c) = post(
        &app,
        &owner,
        &path,
        None,
        Some(json!({"visibility": "shared", "body": "Which key length?"})),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{c}");
    // The supplier writes shared comments only, and never empty ones.
    for (body, field) in [
        (json!({"visibility": "internal", "body": "x"}), "visibility"),
        (json!({"visibility": "shared", "body": "  "}), "body"),
    ] {
        let (st, _, p) = post(&app, &supplier, &path, None, Some(body)).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
        assert_eq!(p["errors"][0]["field"], field);
    }
    let (st, _, c) = post(
        &app,
        &supplier,
        &path,
        None,
        Some(json!({"visibility": "shared", "body": "RSA 3072."})),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{c}");
    let comments = format!("/api/v1/assessments/{id}/comments");
    let (_, mine) = get(&app, &owner, &comments).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 3, "{mine}");
    assert!(mine["items"][0]["created_at"]
        .as_str()
        .unwrap()
        .contains('T'));
    let (_, theirs) = get(&app, &supplier, &comments).await;
    assert_eq!(theirs["items"].as_array().unwrap().len(), 2, "{theirs}");
    assert!(!theirs.to_string().contains("OWNER-ONLY"), "{theirs}");

    // Sent back for the open answer: the supplier's turn again.
    let (st, _, r) = post(
        &app,
        &owner,
        &format!("/api/v1/assessments/{id}/changes-requested"),
        None,
        None,
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(r["status"], "changes_requested");
    let (st, r) = app
        .call(&s.supplier, "submit_assessment", &[("assessment_id", id)])
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let st = begin_review(&app, &owner, id).await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = put(
        &app,
        &owner,
        &format!("/api/v1/answers/{}/review", answers[1]),
        None,
        json!({"status": "accepted"}),
    )
    .await;
    assert_eq!(st, StatusCode::OK);

    // The decision: bad ones say what to fix and change nothing.
    let decision = format!("/api/v1/assessments/{id}/decision");
    for (body, field) in [
        (json!({"decision": "accept", "rationale": ""}), "rationale"),
        (json!({"decision": "maybe", "rationale": "x"}), "decision"),
        (
            json!({"decision": "accept_with_conditions", "rationale": "x"}),
            "conditions",
        ),
        (
            json!({"decision": "accept_with_conditions", "rationale": "x",
                   "conditions": [{"title": "two\nlines", "due_on": null}]}),
            "conditions",
        ),
    ] {
        let (st, _, p) = post(&app, &owner, &decision, None, Some(body.clone())).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {p}");
        assert_eq!(p["errors"][0]["field"], field, "{p}");
    }
    let (st, _, p) = post(
        &app,
        &owner,
        &decision,
        None,
        Some(json!({"decision": "accept", "rationale": "x", "extra": 1})),
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{p}");

    // Decided once, whatever the retries: the same key gives the same answer.
    let body = json!({"decision": "accept_with_conditions", "rationale": "Good SDL; patch policy due.",
                      "conditions": [{"title": "Publish the patch policy | v2", "due_on": "2099-03-31"}]});
    let (st, replayed, first) = post(
        &app,
        &owner,
        &decision,
        Some("decide-7f3a"),
        Some(body.clone()),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{first}");
    assert!(!replayed);
    assert_eq!(first["status"], "accepted_with_conditions");
    let (st, replayed, again) = post(
        &app,
        &owner,
        &decision,
        Some("decide-7f3a"),
        Some(body.clone()),
    )
    .await;
    assert_eq!((st, replayed), (StatusCode::OK, true), "{again}");
    assert_eq!(again, first);
    // The same key for another request: refused.
    let (st, _, p) = post(
        &app,
        &owner,
        &decision,
        Some("decide-7f3a"),
        Some(json!({"decision": "reject", "rationale": "No."})),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert!(
        p["type"]
            .as_str()
            .unwrap()
            .ends_with("idempotency-key-reused"),
        "{p}"
    );
    // Without the key, a second decision is a conflict.
    let (st, _, _) = post(&app, &owner, &decision, None, Some(body)).await;
    assert_eq!(st, StatusCode::CONFLICT);
    // A malformed key names the header.
    for bad in ["has space", &"k".repeat(256)] {
        let (st, _, p) = post(&app, &owner, &decision, Some(bad), Some(json!({}))).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{p}");
        assert_eq!(p["errors"][0]["field"], "Idempotency-Key");
    }
    // The condition is a commitment the supplier is asked to make, once.
    let (_, c) = get(&app, &supplier, "/api/v1/commitments").await;
    let titles: Vec<&str> = c["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Publish the patch policy | v2"], "{c}");
    let (_, a) = get(&app, &owner, &format!("/api/v1/assessments/{id}")).await;
    assert_eq!(a["status"], "accepted_with_conditions");

    // The audit trail names the token each change came through; only a
    // read-only admin token reads it, page by page.
    let (st, _) = get(&app, &owner, "/api/v1/audit-events").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (auditor, _) = make_token(&app, &s.owner, "admin", true).await;
    let (st, _, _) = post(
        &app,
        &auditor,
        &format!("/api/v1/assessments/{id}/review"),
        None,
        None,
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "an admin token only reads");
    let (st, page) = get(&app, &auditor, "/api/v1/audit-events?limit=3").await;
    assert_eq!(st, StatusCode::OK, "{page}");
    assert_eq!(page["items"].as_array().unwrap().len(), 3);
    let first_seq = page["items"][0]["seq"].as_i64().unwrap();
    assert!(page["items"][1]["seq"].as_i64().unwrap() < first_seq);
    let next = page["next"].as_str().unwrap().to_string();
    let (_, more) = get(&app, &auditor, &next).await;
    assert!(more["items"][0]["seq"].as_i64().unwrap() < page["items"][2]["seq"].as_i64().unwrap());
    let (_, all) = get(&app, &auditor, "/api/v1/audit-events?limit=200").await;
    let decided = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"].as_str().unwrap().contains("decided"))
        .unwrap_or_else(|| panic!("a decision event: {all}"));
    assert_eq!(decided["api_token"], "Procurement reports", "{decided}");
    assert_eq!(decided["actor"], w.alpha.email(Role::Admin));
    assert!(decided["occurred_at"].as_str().unwrap().ends_with('Z'));
    // The admin page says so too.
    let (_, events) = app.call(&s.owner, "list_audit_events", &[]).await;
    assert!(events
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["api_token"] == "Procurement reports"));
    app.finish().await;
}
both!(owners_review_and_decide_by_token);

async fn suppliers_upload_evidence_that_owners_download(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;
    let sigma_admin = app.login(w.sigma.email(Role::Admin), PASSWORD).await;
    let (supplier, _) = make_token(&app, &sigma_admin, "contributor", false).await;
    let (other_supplier_token, _) = make_token(&app, &sigma_admin, "contributor", false).await;
    let (owner, _) = make_token(&app, &s.owner, "viewer", true).await;
    let id = &s.assessment;
    let (_, page) = get(
        &app,
        &supplier,
        &format!("/api/v1/assessments/{id}/answers?limit=1"),
    )
    .await;
    let answer = page["items"][0]["id"].to_string();

    // Bad files are refused with what to fix; nothing is stored.
    let (st, p) = upload(&app, &supplier, &answer, "tool.exe", b"MZ\x90\0", None).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["errors"][0]["field"], "file");
    let (st, p) = upload(&app, &supplier, &answer, "report.pdf", b"not a pdf", None).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    let (st, p) = upload(&app, &supplier, &answer, "", b"%PDF-1.7", None).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{p}");
    assert_eq!(p["errors"][0]["field"], "filename");
    // A read-only token uploads nothing.
    let (st, _) = upload(&app, &owner, &answer, "x.pdf", b"%PDF-1.7", None).await;
    assert_eq!(st, StatusCode::FORBIDDEN);

    // A PDF, sent twice with one key (a retry): stored once.
    let pdf = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n";
    let (st, first) = upload(
        &app,
        &supplier,
        &answer,
        "IEC 62443-4-1 cert.pdf",
        pdf,
        Some("up-1"),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{first}");
    let (st, again) = upload(
        &app,
        &supplier,
        &answer,
        "IEC 62443-4-1 cert.pdf",
        pdf,
        Some("up-1"),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED);
    assert_eq!(again, first);
    // Another token's key of the same spelling is its own.
    let (st, other) = upload(
        &app,
        &other_supplier_token,
        &answer,
        "second.pdf",
        pdf,
        Some("up-1"),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{other}");
    assert_ne!(other["id"], first["id"]);
    // Two retries at once: one acts, the other is told to wait or replays.
    let (a, b2) = tokio::join!(
        upload(&app, &supplier, &answer, "third.pdf", pdf, Some("up-2")),
        upload(&app, &supplier, &answer, "third.pdf", pdf, Some("up-2")),
    );
    let mut statuses = [a.0, b2.0];
    statuses.sort();
    assert!(
        statuses == [StatusCode::CREATED, StatusCode::CREATED] && a.1 == b2.1
            || statuses == [StatusCode::CREATED, StatusCode::CONFLICT],
        "{a:?} {b2:?}"
    );
    // A link.
    let links = format!("/api/v1/answers/{answer}/links");
    let (st, _, p) = post(
        &app,
        &supplier,
        &links,
        None,
        Some(json!({"url": "file:///etc/passwd"})),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["errors"][0]["field"], "url");
    let (st, _, l) = post(
        &app,
        &supplier,
        &links,
        None,
        Some(json!({"title": "Audit report", "url": "https://sigma.example/audit"})),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{l}");
    assert_eq!(l["download"], Value::Null);

    // The owner's token lists the evidence and downloads the file as sent.
    let (_, page) = get(
        &app,
        &owner,
        &format!("/api/v1/assessments/{id}/answers?limit=1"),
    )
    .await;
    let evidence = page["items"][0]["evidence"].as_array().unwrap();
    let titles: Vec<&str> = evidence
        .iter()
        .map(|e| e["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 4, "{titles:?}");
    assert_eq!(
        titles.iter().filter(|t| t.contains("third")).count(),
        1,
        "{titles:?}"
    );
    let download = first["download"].as_str().unwrap();
    assert_eq!(evidence[0]["download"], download);
    let r = Client::new()
        .get(app.url(download))
        .bearer_auth(&owner)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment;"));
    assert_eq!(r.bytes().await.unwrap().as_ref(), pdf);
    // Without a token: 401, never the file.
    let r = Client::new().get(app.url(download)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    app.finish().await;
}
both!(suppliers_upload_evidence_that_owners_download);

async fn catalogs_profiles_engagements_and_matrix_read_by_token(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;
    let (owner, _) = make_token(&app, &s.owner, "viewer", true).await;
    let sigma_admin = app.login(w.sigma.email(Role::Admin), PASSWORD).await;
    let (supplier, _) = make_token(&app, &sigma_admin, "viewer", true).await;

    let (st, cats) = get(&app, &owner, "/api/v1/catalogs").await;
    assert_eq!(st, StatusCode::OK, "{cats}");
    let sdl = cats["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["part"] == "4-1" && c["shipped"] == true)
        .unwrap_or_else(|| panic!("4-1 shipped: {cats}"));
    let cid = sdl["id"].to_string();
    let total = sdl["requirements"].as_u64().unwrap();
    let (_, one) = get(&app, &owner, &format!("/api/v1/catalogs/{cid}")).await;
    assert_eq!(one["key"], sdl["key"]);
    assert!(one["last_modified"].as_str().unwrap().ends_with('Z'));
    // Requirements page by page, none twice, none left out.
    let mut seen = Vec::new();
    let mut next = Some(format!("/api/v1/catalogs/{cid}/requirements?limit=10"));
    while let Some(path) = next {
        let (st, page) = get(&app, &owner, &path).await;
        assert_eq!(st, StatusCode::OK, "{page}");
        for r in page["items"].as_array().unwrap() {
            seen.push(r["ref_id"].as_str().unwrap().to_string());
        }
        next = page["next"].as_str().map(str::to_string);
    }
    assert_eq!(seen.len() as u64, total);
    seen.dedup();
    assert_eq!(seen.len() as u64, total);
    assert!(seen.contains(&"SM-1".to_string()), "{seen:?}");

    let (_, profiles) = get(&app, &owner, "/api/v1/profiles").await;
    assert_eq!(profiles["items"][0]["name"], "Vendor SDL", "{profiles}");
    assert_eq!(profiles["items"][0]["status"], "published");
    let (_, p) = get(&app, &owner, &format!("/api/v1/profiles/{}", s.profile)).await;
    assert_eq!(p["versions"].as_array().unwrap().len(), 1, "{p}");
    let (_, items) = get(
        &app,
        &owner,
        &format!("/api/v1/profiles/{}/items?limit=200", s.profile),
    )
    .await;
    assert_eq!(items["items"].as_array().unwrap().len(), 47);
    assert_eq!(items["items"][0]["weight"], 5);
    assert_eq!(items["items"][0]["target_kind"], "maturity_level");
    // A supplier has no profiles of its own to read.
    assert_eq!(
        get(&app, &supplier, "/api/v1/profiles").await.0,
        StatusCode::NOT_FOUND
    );

    let (_, list) = get(&app, &owner, "/api/v1/engagements").await;
    assert_eq!(list["items"][0]["name"], "SCADA upgrade 2027", "{list}");
    assert_eq!(list["items"][0]["assessments"], 1);
    let (_, e) = get(
        &app,
        &owner,
        &format!("/api/v1/engagements/{}", s.engagement),
    )
    .await;
    assert_eq!(e["side"], "owner");
    assert_eq!(e["assessments"][0]["id"].to_string(), s.assessment);
    assert_eq!(e["assessments"][0]["supplier"], "Sigma Devices");
    let (st, m) = get(
        &app,
        &owner,
        &format!("/api/v1/engagements/{}/matrix", s.engagement),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{m}");
    assert_eq!(m["rows"].as_array().unwrap().len(), 47);
    let columns: Vec<&str> = m["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(columns.contains(&"Sigma Devices"), "{columns:?}");
    assert_eq!(
        m["rows"][0]["cells"].as_array().unwrap().len(),
        columns.len()
    );
    let (_, theirs) = get(
        &app,
        &supplier,
        &format!("/api/v1/engagements/{}/matrix", s.engagement),
    )
    .await;
    assert_eq!(theirs["side"], "supplier");

    // The supplier admin was told of the questionnaire.
    let (st, n) = get(&app, &supplier, "/api/v1/notifications").await;
    assert_eq!(st, StatusCode::OK, "{n}");
    assert!(n["unread"].as_u64().unwrap() >= 1, "{n}");
    assert!(n["items"][0]["created_at"].as_str().unwrap().ends_with('Z'));
    app.finish().await;
}
both!(catalogs_profiles_engagements_and_matrix_read_by_token);

/// Validates OSCAL documents with compliance-trestle (a third-party
/// implementation of the OSCAL models).
pub fn oscal_valid(docs: &[(&str, &Value)]) {
    let dir = std::env::temp_dir().join(format!("pactline-oscal-{}", crate::common::unique()));
    std::fs::create_dir_all(&dir).unwrap();
    let files: Vec<_> = docs
        .iter()
        .map(|(name, doc)| {
            let p = dir.join(format!("{name}.json"));
            std::fs::write(&p, serde_json::to_vec(doc).unwrap()).unwrap();
            p
        })
        .collect();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../.ci/oscal_validate.py");
    let out = std::process::Command::new("python3")
        .arg(script)
        .args(&files)
        .output()
        .expect("python3");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "OSCAL validation failed (make test installs compliance-trestle):\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn assessments_export_as_oscal_assessment_results(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;
    crate::assessments::answer_all_and_submit(&app, &s, |i| match i {
        0 => vec![
            ("compliance", "meets"),
            ("claimed_level", "2"),
            ("statement", "Threat model per release"),
        ],
        1 => vec![
            ("compliance", "does_not_meet"),
            ("statement", "No SBOM yet"),
        ],
        2 => vec![
            ("compliance", "meets_with_compensating_countermeasure"),
            ("countermeasure", "Vendor-managed jump host"),
        ],
        _ => vec![("compliance", "not_applicable"), ("na_reason", "n/a")],
    })
    .await;
    let (owner, _) = make_token(&app, &s.owner, "reviewer", false).await;
    let id = &s.assessment;
    let st = begin_review(&app, &owner, id).await;
    assert_eq!(st, StatusCode::OK);
    let (_, page) = get(
        &app,
        &owner,
        &format!("/api/v1/assessments/{id}/answers?limit=200"),
    )
    .await;
    let answers = page["items"].as_array().unwrap().clone();
    for (i, a) in answers.iter().enumerate() {
        let verdict = if i == 3 { "rejected" } else { "accepted" };
        let (st, _) = put(
            &app,
            &owner,
            &format!("/api/v1/answers/{}/review", a["id"]),
            None,
            json!({"status": verdict}),
        )
        .await;
        assert_eq!(st, StatusCode::OK);
    }
    let (st, _, d) = post(
        &app,
        &owner,
        &format!("/api/v1/assessments/{id}/decision"),
        None,
        Some(json!({
        "decision": "accept_with_conditions", "rationale": "SBOM within the year.",
        "conditions": [{"title": "Deliver an SBOM", "due_on": "2099-01-31"}]})),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{d}");

    // From the API, with an ETag; the same document from the page.
    let r = Client::new()
        .get(app.url(&format!("/api/v1/assessments/{id}/oscal")))
        .bearer_auth(&owner)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    let doc: Value = r.json().await.unwrap();
    let r = Client::new()
        .get(app.url(&format!("/api/v1/assessments/{id}/oscal")))
        .bearer_auth(&owner)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::NOT_MODIFIED,
        "the same assessment, the same document"
    );
    let r = s
        .owner
        .get(app.url(&format!("/assessments/{id}/export/oscal")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("assessment-results.json"));
    let from_page: Value = r.json().await.unwrap();
    assert_eq!(from_page, doc);
    let supplier_doc: Value = s
        .supplier
        .get(app.url(&format!("/assessments/{id}/export/oscal")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(supplier_doc, doc, "both parties read the same results");

    let ar = &doc["assessment-results"];
    let result = &ar["results"][0];
    let controls = result["reviewed-controls"]["control-selections"][0]["include-controls"]
        .as_array()
        .unwrap();
    assert_eq!(controls.len(), answers.len());
    let observations = result["observations"].as_array().unwrap();
    assert_eq!(observations.len(), answers.len());
    // The first answer's evidence (a link) travels as relevant evidence.
    assert_eq!(
        observations[0]["relevant-evidence"][0]["href"],
        "https://sigma.example/a"
    );
    // Findings: not met, compensated, rejected — nothing else.
    let findings = result["findings"].as_array().unwrap();
    let states: Vec<(String, String)> = findings
        .iter()
        .map(|f| {
            (
                f["title"]
                    .as_str()
                    .unwrap()
                    .split(':')
                    .next()
                    .unwrap()
                    .to_string(),
                f["target"]["status"]["state"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let refs: Vec<String> = answers
        .iter()
        .map(|a| a["requirement"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        states,
        vec![
            (refs[1].clone(), "not-satisfied".to_string()),
            (refs[2].clone(), "satisfied".to_string()),
            (refs[3].clone(), "not-satisfied".to_string()),
        ],
        "{findings:?}"
    );
    assert!(result["remarks"]
        .as_str()
        .unwrap()
        .contains("SBOM within the year"));
    assert!(result["end"].as_str().unwrap().ends_with('Z'));
    let text = doc.to_string();
    assert!(text.contains("Vendor-managed jump host"));
    oscal_valid(&[("results", &doc)]);
    app.finish().await;
}
both!(assessments_export_as_oscal_assessment_results);
