//! The REST API (`/api/v1`) and its tokens: made, listed and revoked by an
//! admin, expiring, dying with their maker's admin role; lists by cursor,
//! ETags, problem details, the OpenAPI document and its documentation page.

use crate::assessments::{due, save, send};
use crate::both;
use crate::common::{deactivate, member_id, Backend, Options, TestApp, World, PASSWORD};
use app::model::Role;
use reqwest::{Client, StatusCode};
use serde_json::Value;

pub async fn make_token(
    app: &TestApp,
    admin: &Client,
    role: &str,
    read_only: bool,
) -> (String, Value) {
    let mut args = vec![
        ("name", "Procurement reports"),
        ("role", role),
        ("days", "30"),
    ];
    if read_only {
        args.push(("read_only", "yes"));
    }
    let (st, t) = app.call(admin, "create_api_token", &args).await;
    assert_eq!(st, StatusCode::OK, "{t}");
    (
        t["secret"].as_str().unwrap().to_string(),
        t["token"].clone(),
    )
}

/// Sends a request with `token` and reads the answer as JSON (or text).
async fn with_token(req: reqwest::RequestBuilder, token: &str) -> (StatusCode, Value) {
    let r = req.bearer_auth(token).send().await.unwrap();
    let st = r.status();
    let text = r.text().await.unwrap();
    (
        st,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

pub async fn get(app: &TestApp, token: &str, path: &str) -> (StatusCode, Value) {
    with_token(Client::new().get(app.url(path)), token).await
}

async fn tokens_are_made_once_and_die_when_told(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;
    let admin = &s.owner;

    // Only an admin makes tokens, never with admin's powers, for at most a year.
    let reviewer = app.login(w.alpha.email(Role::Reviewer), PASSWORD).await;
    let (st, _) = app
        .call(
            &reviewer,
            "create_api_token",
            &[("name", "x"), ("role", "viewer"), ("days", "30")],
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    for (args, field) in [
        ([("name", "x"), ("role", "admin"), ("days", "30")], "role"),
        ([("name", " "), ("role", "viewer"), ("days", "30")], "name"),
        ([("name", "x"), ("role", "viewer"), ("days", "366")], "days"),
        ([("name", "x"), ("role", "viewer"), ("days", "0")], "days"),
    ] {
        let (st, e) = app.call(admin, "create_api_token", &args).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{args:?}: {e}");
        assert_eq!(e["Validation"]["fields"][0]["field"], field, "{e}");
    }

    let (secret, token) = make_token(&app, admin, "reviewer", false).await;
    assert!(secret.starts_with("plt_"), "{secret}");
    assert_eq!(token["state"], "active");
    assert_eq!(token["prefix"], secret[..12]);
    // The list never shows the token again, nor its hash.
    let (st, list) = app.call(admin, "list_api_tokens", &[]).await;
    assert_eq!(st, StatusCode::OK);
    assert!(!list.to_string().contains(&secret[12..]), "{list}");
    let hash = app::server::tokens::hash_token(&secret);
    assert!(!list.to_string().contains(&hash));
    assert_eq!(list[0]["last_used"], Value::Null);

    // The token reads; its use is recorded.
    let (st, page) = get(&app, &secret, "/api/v1/assessments").await;
    assert_eq!(st, StatusCode::OK, "{page}");
    assert_eq!(page["items"][0]["id"].to_string(), s.assessment);
    assert_eq!(page["items"][0]["supplier"], "Sigma Devices");
    assert_eq!(page["items"][0]["status"], "sent");
    assert_eq!(page["items"][0]["progress"]["total"], 47);
    let (_, list) = app.call(admin, "list_api_tokens", &[]).await;
    assert_ne!(list[0]["last_used"], Value::Null, "{list}");
    // The audit trail has the token's making, without the secret.
    let (_, events) = app.call(admin, "list_audit_events", &[]).await;
    let text = events.to_string();
    assert!(text.contains("api_token.created"), "{text}");
    assert!(!text.contains(&secret[12..]));

    // Revoked: refused at once, with problem details.
    let (st, _) = app
        .call(
            admin,
            "revoke_api_token",
            &[("token_id", &token["id"].to_string())],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let r = Client::new()
        .get(app.url("/api/v1/assessments"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    assert!(r.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Bearer"));
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["status"], 401);
    assert!(p["detail"].as_str().unwrap().contains("revoked"), "{p}");
    let (_, list) = app.call(admin, "list_api_tokens", &[]).await;
    assert_eq!(list[0]["state"], "revoked");

    // Expired: refused after its last day.
    let (secret, _) = make_token(&app, admin, "viewer", true).await;
    assert_eq!(
        get(&app, &secret, "/api/v1/assessments").await.0,
        StatusCode::OK
    );
    app.clock.advance(chrono::Duration::days(31));
    assert_eq!(
        get(&app, &secret, "/api/v1/assessments").await.0,
        StatusCode::UNAUTHORIZED
    );
    let (_, list) = app.call(admin, "list_api_tokens", &[]).await;
    assert_eq!(list[0]["state"], "expired");
    assert_eq!(list[0]["read_only"], true);
    app.clock.advance(chrono::Duration::days(-31));

    // A token dies with its maker's admin role, or their membership.
    let colleague = w.alpha.email(Role::Reviewer);
    let id = member_id(&app, admin, colleague).await;
    let (st, _) = app
        .call(
            admin,
            "change_member_role",
            &[("membership_id", &id), ("role", "admin")],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (secret, _) = make_token(&app, &reviewer, "viewer", false).await;
    assert_eq!(
        get(&app, &secret, "/api/v1/assessments").await.0,
        StatusCode::OK
    );
    let (st, _) = app
        .call(
            admin,
            "change_member_role",
            &[("membership_id", &id), ("role", "reviewer")],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        get(&app, &secret, "/api/v1/assessments").await.0,
        StatusCode::UNAUTHORIZED
    );
    let (st, _) = app
        .call(
            admin,
            "change_member_role",
            &[("membership_id", &id), ("role", "admin")],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        get(&app, &secret, "/api/v1/assessments").await.0,
        StatusCode::OK
    );
    deactivate(&app, admin, colleague).await;
    assert_eq!(
        get(&app, &secret, "/api/v1/assessments").await.0,
        StatusCode::UNAUTHORIZED
    );

    // Not a token at all, or a session cookie's value: refused alike.
    for h in ["Bearer nonsense", "Basic dXNlcjpwYXNz", "plt_"] {
        let r = Client::new()
            .get(app.url("/api/v1/assessments"))
            .header("authorization", h)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{h}");
    }
    // A browser session does not open the API.
    let r = s
        .owner
        .get(app.url("/api/v1/assessments"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    app.finish().await;
}
both!(tokens_are_made_once_and_die_when_told);

async fn lists_page_by_cursor_and_reads_revalidate(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;
    // Three more assessments for Sigma, in engagements of their own.
    let mut ids = vec![s.assessment.clone()];
    for n in 0..3 {
        let (_, e) = app
            .call(
                &s.owner,
                "create_engagement",
                &[("name", &format!("Lot {n}")), ("description", "")],
            )
            .await;
        let (st, a) = app
            .call(
                &s.owner,
                "send_assessment",
                &[
                    ("engagement_id", &e.to_string()),
                    ("supplier_org_id", &w.sigma.id.0.to_string()),
                    ("profile_id", &s.profile),
                    ("due_on", &due()),
                    ("message", ""),
                ],
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{a}");
        ids.push(a.to_string());
    }
    let (token, _) = make_token(&app, &s.owner, "viewer", true).await;

    // Pages of three, then the rest; the next link carries the filters.
    let mut seen = Vec::new();
    let mut next = Some("/api/v1/assessments?limit=3&status=sent".to_string());
    let mut pages = 0;
    while let Some(path) = next {
        let (st, page) = get(&app, &token, &path).await;
        assert_eq!(st, StatusCode::OK, "{page}");
        for a in page["items"].as_array().unwrap() {
            seen.push(a["id"].to_string());
        }
        next = page["next"].as_str().map(str::to_string);
        if let Some(n) = &next {
            assert!(n.contains("status=sent") && n.contains("limit=3"), "{n}");
        }
        pages += 1;
    }
    assert_eq!(pages, 2);
    assert_eq!(seen, ids);
    // Filters narrow the list.
    let (_, none) = get(&app, &token, "/api/v1/assessments?status=submitted").await;
    assert_eq!(none["items"], serde_json::json!([]));
    let (_, by_supplier) = get(
        &app,
        &token,
        &format!("/api/v1/assessments?supplier={}", w.sigma.id.0),
    )
    .await;
    assert_eq!(by_supplier["items"].as_array().unwrap().len(), 4);
    let (_, one) = get(
        &app,
        &token,
        &format!("/api/v1/assessments?engagement={}", s.engagement),
    )
    .await;
    assert_eq!(one["items"].as_array().unwrap().len(), 1);
    let (_, later) = get(&app, &token, "/api/v1/assessments?due_after=2999-01-01").await;
    assert_eq!(later["items"], serde_json::json!([]));

    // Bad parameters: problem details naming the parameter.
    for (q, field) in [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("limit=ten", "limit"),
        ("cursor=bogus!", "cursor"),
        ("status=done", "status"),
        ("status=", "status"),
        ("limit=", "limit"),
        ("supplier=x", "supplier"),
        ("due_before=31/12/2026", "due_before"),
    ] {
        let r = Client::new()
            .get(app.url(&format!("/api/v1/assessments?{q}")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{q}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], field, "{q}: {p}");
    }

    // Answers in pages of twenty, in the profile's order.
    let (st, first) = get(
        &app,
        &token,
        &format!("/api/v1/assessments/{}/answers?limit=20", s.assessment),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{first}");
    assert_eq!(first["items"].as_array().unwrap().len(), 20);
    let mut count = 20;
    let mut next = first["next"].as_str().map(str::to_string);
    while let Some(path) = next {
        let (_, page) = get(&app, &token, &path).await;
        count += page["items"].as_array().unwrap().len();
        next = page["next"].as_str().map(str::to_string);
    }
    assert_eq!(count, 47);

    // A read carries an ETag; sent back, it is 304 until the data changes.
    let path = format!("/api/v1/assessments/{}/answers?limit=1", s.assessment);
    let r = Client::new()
        .get(app.url(&path))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    let body: Value = r.json().await.unwrap();
    let r = Client::new()
        .get(app.url(&path))
        .bearer_auth(&token)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    let answer = &body["items"][0];
    let (st, r) = save(
        &app,
        &s.supplier,
        &answer["id"].to_string(),
        answer["version"].as_i64().unwrap(),
        &[
            ("compliance", "meets"),
            ("claimed_level", "2"),
            ("statement", "Signed firmware"),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let r = Client::new()
        .get(app.url(&path))
        .bearer_auth(&token)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let changed: Value = r.json().await.unwrap();
    assert_eq!(changed["items"][0]["compliance"], "meets");
    assert_eq!(changed["items"][0]["statement"], "Signed firmware");

    // A cursor past the end is an empty last page.
    let (st, past) = get(
        &app,
        &token,
        &format!(
            "/api/v1/assessments/{}/answers?cursor=YWZ0ZXI6OTIyMzM3MjAzNjg1NDc3NTgwNw",
            s.assessment
        ),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{past}");
    assert_eq!(past["items"], serde_json::json!([]));
    assert_eq!(past["next"], Value::Null);

    // One assessment; unknown ids and other routes are problems too.
    let (st, one) = get(
        &app,
        &token,
        &format!("/api/v1/assessments/{}", s.assessment),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(one["engagement"], "SCADA upgrade 2027");
    assert_eq!(one["progress"]["answered"], 1);
    for path in [
        "/api/v1/assessments/999999",
        "/api/v1/assessments/x",
        "/api/v1/nothing",
    ] {
        let (st, p) = get(&app, &token, path).await;
        assert!(
            st == StatusCode::NOT_FOUND || st == StatusCode::BAD_REQUEST,
            "{path}: {st}"
        );
        assert_eq!(p["status"], st.as_u16(), "{path}: {p}");
    }
    app.finish().await;
}
both!(lists_page_by_cursor_and_reads_revalidate);

async fn the_api_describes_itself(b: Backend) {
    let app = TestApp::spawn(b).await;
    let r = reqwest::get(app.url("/api/v1/openapi.json")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let doc: Value = r.json().await.unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    for path in [
        "/api/v1/assessments",
        "/api/v1/assessments/{id}",
        "/api/v1/assessments/{id}/answers",
    ] {
        assert!(doc["paths"][path]["get"].is_object(), "{path} documented");
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["token"]["scheme"], "bearer",
        "{}",
        doc["components"]
    );
    // The documentation page works offline: no script, nothing from elsewhere.
    let r = reqwest::get(app.url("/api/v1/docs")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("GET /api/v1/assessments/{id}/answers"),
        "{html}"
    );
    assert!(html.contains("id=\"schema-Answer\""));
    assert!(!html.contains("<script") && !html.contains("https://"));
    app.finish().await;
}
both!(the_api_describes_itself);

pub async fn put(
    app: &TestApp,
    token: &str,
    path: &str,
    if_match: Option<&str>,
    body: Value,
) -> (StatusCode, Value) {
    let mut req = Client::new().put(app.url(path)).json(&body);
    if let Some(m) = if_match {
        req = req.header("if-match", m);
    }
    with_token(req, token).await
}

async fn a_supplier_changes_answers_without_overwriting_anyone(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;
    let sigma_admin = app.login(w.sigma.email(Role::Admin), PASSWORD).await;
    let (token, made) = make_token(&app, &sigma_admin, "contributor", false).await;
    let (_, page) = get(
        &app,
        &token,
        &format!("/api/v1/assessments/{}/answers?limit=2", s.assessment),
    )
    .await;
    let answer = &page["items"][1];
    let id = answer["id"].to_string();
    let version = answer["version"].as_i64().unwrap();
    let path = format!("/api/v1/answers/{id}");
    let good = serde_json::json!({"compliance": "meets", "claimed_level": 2, "statement": "Role-based access in the engineering tool"});

    // Without If-Match nothing is written; a malformed one names the header.
    let (st, p) = put(&app, &token, &path, None, good.clone()).await;
    assert_eq!(st, StatusCode::PRECONDITION_REQUIRED, "{p}");
    let (st, p) = put(&app, &token, &path, Some("latest"), good.clone()).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_eq!(p["errors"][0]["field"], "If-Match");
    // Bad bodies: what to fix.
    let (st, p) = put(
        &app,
        &token,
        &path,
        Some(&format!("\"{version}\"")),
        serde_json::json!({"compliance": "meets", "claimed_level": 9}),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["errors"][0]["field"], "claimed_level", "{p}");
    let (st, p) = put(
        &app,
        &token,
        &path,
        Some(&format!("\"{version}\"")),
        serde_json::json!({"compliance": "meets", "price": 5}),
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{p}");
    assert_eq!(p["errors"][0]["field"], "body");

    // Saved, with the next version.
    let (st, saved) = put(
        &app,
        &token,
        &path,
        Some(&format!("\"{version}\"")),
        good.clone(),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{saved}");
    assert_eq!(saved["version"], version + 1);
    // The same stale version again: 412 with both sides, nothing written.
    let stale = serde_json::json!({"compliance": "does_not_meet", "statement": "overwrite"});
    let (st, c) = put(&app, &token, &path, Some(&format!("\"{version}\"")), stale).await;
    assert_eq!(st, StatusCode::PRECONDITION_FAILED, "{c}");
    assert_eq!(c["current_version"], version + 1);
    assert_eq!(
        c["current"]["statement"],
        "Role-based access in the engineering tool"
    );
    assert_eq!(c["yours"]["statement"], "overwrite");
    let (_, back) = get(
        &app,
        &token,
        &format!("/api/v1/assessments/{}/answers?limit=2", s.assessment),
    )
    .await;
    assert_eq!(back["items"][1]["compliance"], "meets");
    assert_eq!(back["items"][1]["version"], version + 1);

    // The audit trail names the token the change was made with.
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let events = app::server::entities::audit_event::Entity::find()
        .filter(
            app::server::entities::audit_event::Column::ApiTokenId.eq(made["id"].as_i64().unwrap()),
        )
        .all(&app.state.db)
        .await
        .unwrap();
    assert!(!events.is_empty(), "the save is audited under the token");

    // Who may not change it: the owner, a viewer or read-only token of the
    // supplier (403 before anything else), another supplier.
    let (owner_token, _) = make_token(&app, &s.owner, "reviewer", false).await;
    let (viewer, _) = make_token(&app, &sigma_admin, "viewer", false).await;
    let (read_only, _) = make_token(&app, &sigma_admin, "contributor", true).await;
    let v = format!("\"{}\"", version + 1);
    assert_eq!(
        put(&app, &owner_token, &path, Some(&v), good.clone())
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        put(&app, &viewer, &path, Some(&v), good.clone()).await.0,
        StatusCode::NOT_FOUND
    );
    let (st, p) = put(&app, &read_only, &path, Some(&v), good.clone()).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{p}");

    // Once submitted, answers are locked.
    crate::assessments::answer_everything_and_submit(&app, &s).await;
    let (_, back) = get(
        &app,
        &token,
        &format!("/api/v1/assessments/{}/answers?limit=2", s.assessment),
    )
    .await;
    let v = format!("\"{}\"", back["items"][1]["version"]);
    let (st, p) = put(&app, &token, &path, Some(&v), good).await;
    assert_eq!(st, StatusCode::CONFLICT, "{p}");
    app.finish().await;
}
both!(a_supplier_changes_answers_without_overwriting_anyone);

async fn each_token_has_its_own_request_budget(b: Backend) {
    let app = TestApp::spawn_with(
        b,
        Options {
            api_requests_per_second: Some(5),
            ..Default::default()
        },
    )
    .await;
    let w = World::build(&app).await;
    let admin = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let (busy, _) = make_token(&app, &admin, "viewer", true).await;
    let (calm, _) = make_token(&app, &admin, "viewer", true).await;
    // A burst of twice the rate passes; beyond, 429 with Retry-After.
    let mut refused = None;
    for _ in 0..30 {
        let r = Client::new()
            .get(app.url("/api/v1/assessments"))
            .bearer_auth(&busy)
            .send()
            .await
            .unwrap();
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            refused = Some(r);
            break;
        }
        assert_eq!(r.status(), StatusCode::OK);
    }
    let r = refused.expect("the burst ran out");
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&wait), "{wait}");
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["status"], 429);
    assert_eq!(p["retry_after"], wait);
    // Another token of the same organization is not slowed down.
    assert_eq!(
        get(&app, &calm, "/api/v1/assessments").await.0,
        StatusCode::OK
    );
    // After the wait, the busy token goes on.
    tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
    assert_eq!(
        get(&app, &busy, "/api/v1/assessments").await.0,
        StatusCode::OK
    );
    app.finish().await;
}
both!(each_token_has_its_own_request_budget);

pub async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    with_token(Client::new().post(app.url(path)).json(&body), token).await
}

async fn commitments_are_listed_and_moved_by_token(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;
    let (st, id) = app
        .call(
            &s.owner,
            "create_commitment",
            &[
                ("assessment_id", &s.assessment),
                ("promisor", "supplier"),
                ("requirement", ""),
                ("title", "Patch the historian"),
                ("due_on", "2099-01-01"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{id}");
    let sigma_admin = app.login(w.sigma.email(Role::Admin), PASSWORD).await;
    let (supplier, _) = make_token(&app, &sigma_admin, "contributor", false).await;
    let (owner, _) = make_token(&app, &s.owner, "reviewer", false).await;

    let (st, page) = get(&app, &supplier, "/api/v1/commitments").await;
    assert_eq!(st, StatusCode::OK, "{page}");
    let c = &page["items"][0];
    assert_eq!(c["id"], id);
    assert_eq!(c["status"], "proposed");
    assert_eq!(c["actions"], serde_json::json!(["agree"]));
    let (_, by_engagement) = get(
        &app,
        &supplier,
        &format!("/api/v1/commitments?engagement={}", s.engagement),
    )
    .await;
    assert_eq!(by_engagement["items"].as_array().unwrap().len(), 1);

    let path = format!("/api/v1/commitments/{id}/moves");
    // A move that does not apply, and a fulfilment without its evidence.
    let (st, p) = post(
        &app,
        &supplier,
        &path,
        serde_json::json!({"action": "verify"}),
    )
    .await;
    assert_eq!(st, StatusCode::CONFLICT, "{p}");
    let (st, p) = post(
        &app,
        &supplier,
        &path,
        serde_json::json!({"action": "finish"}),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["errors"][0]["field"], "action");
    for action in ["agree", "start"] {
        let (st, c) = post(
            &app,
            &supplier,
            &path,
            serde_json::json!({"action": action}),
        )
        .await;
        assert_eq!(st, StatusCode::OK, "{action}: {c}");
    }
    let (st, p) = post(
        &app,
        &supplier,
        &path,
        serde_json::json!({"action": "fulfil"}),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["errors"][0]["field"], "link", "{p}");
    let (st, c) = post(
        &app,
        &supplier,
        &path,
        serde_json::json!({"action": "fulfil", "link": "https://helix.example/patches/42", "note": "Rolled out"}),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{c}");
    assert_eq!(c["status"], "fulfilled");
    // The owner verifies; the browser shows the same commitment.
    let (st, c) = post(&app, &owner, &path, serde_json::json!({"action": "verify"})).await;
    assert_eq!(st, StatusCode::OK, "{c}");
    assert_eq!(c["status"], "verified");
    let (_, list) = app.call(&s.owner, "list_commitments", &[]).await;
    assert_eq!(list[0]["status"], "verified", "{list}");
    assert_eq!(list[0]["closure_link"], "https://helix.example/patches/42");
    // Beta's people never reach it.
    let beta_admin = app.login(w.beta.email(Role::Admin), PASSWORD).await;
    let (beta, _) = make_token(&app, &beta_admin, "reviewer", false).await;
    let (st, _) = post(
        &app,
        &beta,
        &path,
        serde_json::json!({"action": "waive", "note": "x"}),
    )
    .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (_, none) = get(&app, &beta, "/api/v1/commitments").await;
    assert_eq!(none["items"], serde_json::json!([]));
    app.finish().await;
}
both!(commitments_are_listed_and_moved_by_token);
