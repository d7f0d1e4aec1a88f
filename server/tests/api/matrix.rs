//! The shared-responsibility matrix: assigned, answered by each supplier,
//! agreed and re-opened, exported; and what a plain answer says for it.

use crate::assessments::{save, send};
use crate::both;
use crate::commitments::{assessment, download, notifications};
use crate::common::{Backend, TestApp, World, PASSWORD};
use crate::comparison::{send_to, supplier};
use app::model::Role;
use reqwest::{Client, StatusCode};
use serde_json::Value;

async fn matrix(app: &TestApp, c: &Client, engagement: &str) -> Value {
    let (st, m) = app
        .call(c, "get_matrix", &[("engagement_id", engagement)])
        .await;
    assert_eq!(st, StatusCode::OK, "{m}");
    m
}

fn rows_in(m: &Value, state: &str) -> usize {
    m["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["state"] == state)
        .count()
}

async fn respond(
    app: &TestApp,
    c: &Client,
    engagement: &str,
    requirement: &str,
    stance: &str,
    duty: &str,
    split: &str,
) -> (StatusCode, Value) {
    app.call(
        c,
        "respond_responsibility",
        &[
            ("engagement_id", engagement),
            ("requirement_id", requirement),
            ("stance", stance),
            ("duty", duty),
            ("split", split),
            ("note", "From our side"),
        ],
    )
    .await
}

async fn assign(
    app: &TestApp,
    c: &Client,
    engagement: &str,
    requirement: &str,
    column: &str,
    duty: &str,
    split: &str,
) -> (StatusCode, Value) {
    app.call(
        c,
        "assign_responsibility",
        &[
            ("engagement_id", engagement),
            ("requirement_id", requirement),
            ("column", column),
            ("duty", duty),
            ("split", split),
        ],
    )
    .await
}

async fn the_matrix_is_agreed_and_reopened(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;
    let (omega, omega_c) = supplier(&app, &s.owner, "Omega Automation", "omega").await;
    send_to(&app, &s, &s.profile, omega).await;
    let e = s.engagement.clone();

    // Owner's view: owner, both suppliers (by name), other; 47 rows, each
    // carried by its supplier by default, awaiting the suppliers.
    let m = matrix(&app, &s.owner, &e).await;
    let names: Vec<&str> = m["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Alpha Water",
            "Omega Automation",
            "Sigma Devices",
            "Other party"
        ]
    );
    let rows = m["rows"].as_array().unwrap().clone();
    assert_eq!(rows.len(), 47);
    // The first item is the owner's own (the profile says so): agreed as is.
    assert_eq!(rows[0]["default_party"], "asset_owner");
    assert_eq!(rows_in(&m, "agreed"), 1);
    assert_eq!(rows_in(&m, "pending"), 46, "{}", rows[1]);
    assert!(m["agreed_at"].is_null());

    // A supplier sees its own column only, and nothing of the other.
    let mine = matrix(&app, &s.supplier, &e).await;
    assert_eq!(mine["columns"].as_array().unwrap().len(), 1);
    assert_eq!(mine["columns"][0]["name"], "Sigma Devices");
    assert_eq!(mine["rows"].as_array().unwrap().len(), 46);
    assert!(!mine.to_string().contains("Omega"), "{mine}");
    let omega_view = matrix(&app, &omega_c, &e).await;
    assert!(!omega_view.to_string().contains("Sigma"));

    // Omega accepts everything; Sigma accepts all but one row, where it
    // proposes to share. Neither can answer for the owner's own row.
    let req = |i: usize| rows[i]["requirement_id"].to_string();
    let (st, _) = respond(&app, &omega_c, &e, &req(0), "accept", "", "").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    for i in 1..47 {
        let (st, r) = respond(&app, &omega_c, &e, &req(i), "accept", "", "").await;
        assert_eq!(st, StatusCode::OK, "{r}");
    }
    for i in 2..47 {
        let (st, r) = respond(&app, &s.supplier, &e, &req(i), "accept", "", "").await;
        assert_eq!(st, StatusCode::OK, "{r}");
    }
    let (st, r) = respond(&app, &s.supplier, &e, &req(1), "propose", "shared", "").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    let (st, r) = respond(&app, &s.supplier, &e, &req(1), "propose", "responsible", "").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    assert!(r.to_string().contains("accept it instead"));
    let (st, r) = respond(
        &app,
        &s.supplier,
        &e,
        &req(1),
        "propose",
        "shared",
        "We ship patches, Alpha deploys them",
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let m = matrix(&app, &s.owner, &e).await;
    assert_eq!(rows_in(&m, "disagreement"), 1);
    assert_eq!(rows_in(&m, "agreed"), 46);
    assert!(m["agreed_at"].is_null());
    let reviewer = app.login(w.alpha.email(Role::Reviewer), PASSWORD).await;
    assert!(notifications(&app, &reviewer)
        .await
        .to_string()
        .contains("proposes shared"));

    // The owner adopts the proposal: every row is agreed, and so is the matrix.
    let sigma_col = w.sigma.id.0.to_string();
    let (st, r) = assign(&app, &s.owner, &e, &req(1), &sigma_col, "shared", "").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    let (st, r) = assign(&app, &s.owner, &e, "999999", &sigma_col, "none", "").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    let (st, r) = assign(&app, &s.owner, &e, &req(1), "999999", "none", "").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    let (st, m) = assign(
        &app,
        &s.owner,
        &e,
        &req(1),
        &sigma_col,
        "shared",
        "We ship patches, Alpha deploys them",
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{m}");
    assert_eq!(rows_in(&m, "agreed"), 47, "{}", m["rows"][0]);
    assert!(m["agreed_at"].is_string(), "{}", m["agreed_at"]);
    let (st, r) = assign(
        &app,
        &s.owner,
        &e,
        &req(1),
        &sigma_col,
        "shared",
        "We ship patches, Alpha deploys them",
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");

    // A later change re-opens the row it touches, and the matrix.
    let alpha_col = w.alpha.id.0.to_string();
    let (st, m) = assign(
        &app,
        &s.owner,
        &e,
        &req(2),
        &alpha_col,
        "shared",
        "Alpha runs the backups",
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{m}");
    assert!(m["agreed_at"].is_null());
    assert_eq!(rows_in(&m, "pending"), 1);
    let n = notifications(&app, &omega_c).await;
    assert!(n.to_string().contains("changed"), "{n}");
    // Both suppliers accept the changed row; Sigma's answer, the last one,
    // agrees the matrix again.
    for c in [&omega_c, &s.supplier] {
        let (st, r) = respond(&app, c, &e, &req(2), "accept", "", "").await;
        assert_eq!(st, StatusCode::OK, "{r}");
    }
    let m = matrix(&app, &s.owner, &e).await;
    assert!(m["agreed_at"].is_string(), "{}", m["agreed_at"]);
    // Unassigned rows stand out: nobody carries the row any more.
    for col in [&sigma_col, &omega.to_string()] {
        let (st, r) = assign(&app, &s.owner, &e, &req(3), col, "none", "").await;
        assert_eq!(st, StatusCode::OK, "{r}");
    }
    let m = matrix(&app, &s.owner, &e).await;
    assert_eq!(rows_in(&m, "unassigned"), 1);
    // Sigma no longer sees the row it does not carry.
    let mine = matrix(&app, &s.supplier, &e).await;
    assert_eq!(mine["rows"].as_array().unwrap().len(), 45);
    // Only the owner assigns, only suppliers respond.
    let (st, _) = assign(&app, &s.supplier, &e, &req(4), &sigma_col, "none", "").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = respond(&app, &s.owner, &e, &req(4), "accept", "", "").await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    // Exports: the owner's has every column; Sigma's only its own.
    let csv = String::from_utf8(download(&app, &s.owner, &format!("/matrix/{e}/export/csv")).await)
        .unwrap();
    let head = csv.lines().next().unwrap();
    assert!(
        head.contains("Omega Automation stance") && head.contains("Sigma Devices split"),
        "{head}"
    );
    assert_eq!(csv.lines().count(), 48);
    let theirs =
        String::from_utf8(download(&app, &s.supplier, &format!("/matrix/{e}/export/csv")).await)
            .unwrap();
    assert!(!theirs.contains("Omega"), "{theirs}");
    let xlsx = download(&app, &s.owner, &format!("/matrix/{e}/export/xlsx")).await;
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    assert_eq!(wb.worksheet_range_at(0).unwrap().unwrap().height(), 48);

    let (_, events) = app.call(&s.owner, "list_audit_events", &[]).await;
    let events = events.to_string();
    for a in ["matrix.assigned", "matrix.agreed", "matrix.reopened"] {
        assert!(events.contains(a), "{a} not audited");
    }
    // The suppliers' answers are in their own trail.
    let sigma_admin = app.login(w.sigma.email(Role::Admin), PASSWORD).await;
    let (_, theirs) = app.call(&sigma_admin, "list_audit_events", &[]).await;
    assert!(theirs.to_string().contains("matrix.responded"));
    // Agreeing and re-opening are the owner's events, even when a
    // supplier's answer settled the matrix: they list every open row.
    for a in ["matrix.agreed", "matrix.reopened", "rows_open"] {
        assert!(
            !theirs.to_string().contains(a),
            "{a} in a supplier's trail: {theirs}"
        );
    }
    app.finish().await;
}
both!(the_matrix_is_agreed_and_reopened);

async fn an_answer_speaks_for_the_supplier_until_it_says_otherwise(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;
    let a = assessment(&app, &s.supplier, &s.assessment).await;
    let answers = a["answers"].as_array().unwrap();
    for (i, accepted) in [(0, "yes"), (1, "no")] {
        let x = &answers[i];
        let (st, r) = save(
            &app,
            &s.supplier,
            &x["id"].to_string(),
            x["version"].as_i64().unwrap(),
            &[
                ("compliance", "meets"),
                ("responsibility_accepted", accepted),
            ],
        )
        .await;
        assert_eq!(st, StatusCode::OK, "{r}");
    }
    let x = &answers[2];
    let (st, r) = save(
        &app,
        &s.supplier,
        &x["id"].to_string(),
        x["version"].as_i64().unwrap(),
        &[
            ("compliance", "by_other_party"),
            ("other_party", "The integrator"),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let m = matrix(&app, &s.owner, &s.engagement).await;
    let rows = m["rows"].as_array().unwrap();
    assert_eq!(rows[0]["state"], "agreed");
    assert_eq!(rows[1]["state"], "disagreement");
    assert_eq!(rows[2]["state"], "disagreement");
    assert!(rows[2].to_string().contains("The integrator"));
    assert_eq!(rows[3]["state"], "pending");
    app.finish().await;
}
both!(an_answer_speaks_for_the_supplier_until_it_says_otherwise);
