//! The asset owner's security program (IEC 62443-2-1:2024): ratings with
//! history and optimistic concurrency, the roll-up per element, traces the
//! owner edits, suppliers' answers and commitments on traced requirements,
//! exports read back.

use crate::assessments::{answer_all_and_submit, send, Sent};
use crate::both;
use crate::commitments::download;
use crate::common::{member_id, Backend, TestApp, World, PASSWORD};
use app::model::Role;
use reqwest::{Client, StatusCode};
use serde_json::Value;

pub async fn rate(
    app: &TestApp,
    c: &Client,
    ref_id: &str,
    target: &str,
    achieved: &str,
    version: i64,
    extra: &[(&str, &str)],
) -> (StatusCode, Value) {
    let version = version.to_string();
    let mut form = vec![
        ("ref_id", ref_id),
        ("rating[target_ml]", target),
        ("rating[achieved_ml]", achieved),
        ("version", version.as_str()),
    ];
    form.extend_from_slice(extra);
    app.call(c, "rate_program_requirement", &form).await
}

pub async fn program(app: &TestApp, c: &Client) -> Value {
    let (st, p) = app.call(c, "security_program", &[]).await;
    assert_eq!(st, StatusCode::OK, "{p}");
    p
}

pub async fn requirement(app: &TestApp, c: &Client, ref_id: &str) -> Value {
    let (st, r) = app
        .call(c, "program_requirement", &[("ref_id", ref_id)])
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    r
}

fn element<'a>(p: &'a Value, spe: &str) -> &'a Value {
    p["elements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["spe"] == spe)
        .unwrap_or_else(|| panic!("{spe} in {p}"))
}

async fn ratings_keep_their_history_and_roll_up(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let admin = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let contributor = app.login(w.alpha.email(Role::Contributor), PASSWORD).await;

    let p = program(&app, &admin).await;
    assert_eq!(p["rows"].as_array().unwrap().len(), 87);
    assert_eq!(p["elements"].as_array().unwrap().len(), 8);
    assert_eq!(element(&p, "SPE 1")["rated"], 0);

    let carla = member_id(&app, &admin, w.alpha.email(Role::Contributor)).await;
    let (st, v) = rate(
        &app,
        &admin,
        "ORG 1.1",
        "3",
        "2",
        0,
        &[
            ("rating[owner_user_id]", &carla),
            ("rating[note]", "IT scope only"),
        ],
    )
    .await;
    assert_eq!((st, v.clone()), (StatusCode::OK, Value::from(1)), "{v}");
    let (st, _) = rate(&app, &contributor, "ORG 1.2", "ML2", "2", 0, &[]).await;
    assert_eq!(st, StatusCode::OK);
    let p = program(&app, &admin).await;
    let spe1 = element(&p, "SPE 1");
    assert_eq!(
        (spe1["requirements"].as_i64(), spe1["rated"].as_i64()),
        (Some(11), Some(2))
    );
    assert_eq!(spe1["mean_target"], 2.5);
    assert_eq!(spe1["mean_achieved"], 2.0);
    assert_eq!(spe1["below_target"], 1);
    let row = p["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ref_id"] == "ORG 1.1")
        .unwrap();
    assert_eq!(row["owner"], "Alpha Water Contributor");

    // Saved on a stale version: refused, nothing changed.
    let (st, r) = rate(&app, &contributor, "ORG 1.1", "1", "1", 0, &[]).await;
    assert_eq!(st, StatusCode::CONFLICT, "{r}");
    assert!(r.to_string().contains("version 1"), "{r}");
    let r = requirement(&app, &admin, "ORG 1.1").await;
    assert_eq!(r["row"]["target_ml"], 3);

    // A revision keeps the earlier rating in the history, newest first.
    let (st, v) = rate(
        &app,
        &contributor,
        "ORG 1.1",
        "3",
        "3",
        1,
        &[("rating[evidence]", "ISMS certificate")],
    )
    .await;
    assert_eq!((st, v), (StatusCode::OK, Value::from(2)));
    let r = requirement(&app, &admin, "ORG 1.1").await;
    let history = r["history"].as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0]["achieved_ml"], 3);
    assert_eq!(history[0]["saved_by"], "Alpha Water Contributor");
    assert_eq!(history[1]["achieved_ml"], 2);
    assert_eq!(history[1]["note"], "IT scope only");
    assert_eq!(r["evidence"], "ISMS certificate");
    assert_eq!(r["version"], 2);
    // The same rating again adds no version.
    let (st, v) = rate(
        &app,
        &contributor,
        "ORG 1.1",
        "3",
        "3",
        2,
        &[("rating[evidence]", "ISMS certificate")],
    )
    .await;
    assert_eq!((st, v), (StatusCode::OK, Value::from(2)));

    // Bad input names its field; nothing is stored.
    for (target, achieved, extra, field) in [
        ("5", "", vec![], "target_ml"),
        ("2", "zero", vec![], "achieved_ml"),
        (
            "2",
            "2",
            vec![("rating[carried_by]", "vendors")],
            "carried_by",
        ),
        (
            "2",
            "2",
            vec![("rating[owner_user_id]", "abc")],
            "owner_user_id",
        ),
    ] {
        let (st, r) = rate(&app, &admin, "ORG 1.3", target, achieved, 0, &extra).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
        assert_eq!(r["Validation"]["fields"][0]["field"], field, "{r}");
    }
    // An owner from another organization is not a member here.
    let beta_admin = app.login(w.beta.email(Role::Admin), PASSWORD).await;
    let beta_member = member_id(&app, &beta_admin, w.beta.email(Role::Viewer)).await;
    let (st, r) = rate(
        &app,
        &admin,
        "ORG 1.3",
        "2",
        "2",
        0,
        &[("rating[owner_user_id]", &beta_member)],
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    assert_eq!(r["Validation"]["fields"][0]["field"], "owner_user_id");
    assert!(requirement(&app, &admin, "ORG 1.3").await["history"]
        .as_array()
        .unwrap()
        .is_empty());
    // No such program requirement.
    let (st, _) = rate(&app, &admin, "ORG 9.9", "2", "2", 0, &[]).await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    // Viewers read but do not rate; suppliers and other owners see nothing
    // of Alpha's program.
    let viewer = app.login(w.alpha.email(Role::Viewer), PASSWORD).await;
    assert_eq!(program(&app, &viewer).await["may_rate"], false);
    let (st, _) = rate(&app, &viewer, "ORG 1.3", "2", "2", 0, &[]).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let sigma = app.login(w.sigma.email(Role::Admin), PASSWORD).await;
    let (st, _) = app.call(&sigma, "security_program", &[]).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert_eq!(
        element(&program(&app, &beta_admin).await, "SPE 1")["rated"],
        0
    );

    // The audit trail records each rating.
    let (_, events) = app.call(&admin, "list_audit_events", &[]).await;
    let rated = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "program.rated")
        .count();
    assert_eq!(rated, 3);
    app.finish().await;
}
both!(ratings_keep_their_history_and_roll_up);

async fn traces_are_the_owners_to_edit(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let admin = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let r = requirement(&app, &admin, "COMP 3.1").await;
    assert_eq!(r["trace_edited"], false);
    let lines: Vec<String> = r["trace"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            format!(
                "{} {}",
                t["part"].as_str().unwrap(),
                t["ref_id"].as_str().unwrap()
            )
        })
        .collect();
    assert!(lines.contains(&"2-4 SP.11.01 BR".to_string()), "{lines:?}");
    assert!(lines.contains(&"4-1 SUM-5".to_string()), "{lines:?}");
    let starting = lines.len();
    assert_eq!(r["row"]["carried_by"], "both");

    // Every bad line is named; the trace stays as it was.
    let (st, e) = app
        .call(
            &admin,
            "set_program_trace",
            &[
                ("ref_id", "COMP 3.1"),
                ("trace", "4-2 CR 3.10\n4-2 CR 99.1\n2-1 ORG 1.1"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let msg = e.to_string();
    assert!(
        msg.contains("line 2") && msg.contains("CR 99.1") && msg.contains("line 3"),
        "{msg}"
    );
    assert_eq!(
        requirement(&app, &admin, "COMP 3.1").await["trace"]
            .as_array()
            .unwrap()
            .len(),
        starting
    );

    // The owner's trace: product suppliers only.
    let (st, n) = app
        .call(
            &admin,
            "set_program_trace",
            &[
                ("ref_id", "COMP 3.1"),
                ("trace", "4-1 SUM-1\n\n4-2 EDR 3.10\n4-1 SUM-1\n"),
            ],
        )
        .await;
    assert_eq!((st, n), (StatusCode::OK, Value::from(2)));
    let r = requirement(&app, &admin, "COMP 3.1").await;
    assert_eq!(r["trace_edited"], true);
    assert_eq!(r["trace"][1]["title"], "Support for updates");
    assert_eq!(r["row"]["carried_by"], "product_suppliers");
    // A rating made before keeps working on the edited trace.
    let (st, _) = rate(
        &app,
        &admin,
        "COMP 3.1",
        "3",
        "1",
        r["version"].as_i64().unwrap(),
        &[],
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let p = program(&app, &admin).await;
    let row = p["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ref_id"] == "COMP 3.1")
        .unwrap();
    assert_eq!(row["traced"], 2);

    // Reset: Pactline's starting trace again; the rating stays.
    let (st, n) = app
        .call(
            &admin,
            "set_program_trace",
            &[("ref_id", "COMP 3.1"), ("reset", "yes")],
        )
        .await;
    assert_eq!((st, n.as_u64()), (StatusCode::OK, Some(starting as u64)));
    let r = requirement(&app, &admin, "COMP 3.1").await;
    assert_eq!(r["trace_edited"], false);
    assert_eq!(r["trace"].as_array().unwrap().len(), starting);
    assert_eq!(r["row"]["target_ml"], 3);

    // Another owner's trace is its own.
    let beta = app.login(w.beta.email(Role::Admin), PASSWORD).await;
    let (st, _) = app
        .call(
            &beta,
            "set_program_trace",
            &[("ref_id", "COMP 3.1"), ("trace", "4-1 SUM-2")],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        requirement(&app, &admin, "COMP 3.1").await["trace"]
            .as_array()
            .unwrap()
            .len(),
        starting
    );
    app.finish().await;
}
both!(traces_are_the_owners_to_edit);

/// Sigma answers Alpha's 4-1 questionnaire (SM-1 met, SM-2 not met, the
/// rest not applicable) and commits to SM-2.
async fn answered(app: &TestApp, s: &Sent) {
    answer_all_and_submit(app, s, |i| match i {
        0 => vec![("compliance", "meets"), ("responsibility_accepted", "yes")],
        1 => vec![
            ("compliance", "does_not_meet"),
            ("responsibility_accepted", "yes"),
        ],
        _ => vec![("compliance", "not_applicable"), ("na_reason", "n/a")],
    })
    .await;
}

async fn suppliers_show_on_the_traced_requirements(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;
    answered(&app, &s).await;
    let due = (chrono::Utc::now().date_naive() + chrono::Days::new(20)).to_string();
    let (st, c) = app
        .call(
            &s.owner,
            "create_commitment",
            &[
                ("assessment_id", s.assessment.as_str()),
                ("promisor", "supplier"),
                ("requirement", "SM-2"),
                ("title", "Name a product security officer"),
                ("due_on", due.as_str()),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{c}");

    // SPE 1's traces reach 4-1 SM, SVV and DM: 24 requirements Sigma answered.
    let p = program(&app, &s.owner).await;
    let sup = &element(&p, "SPE 1")["suppliers"];
    assert_eq!(sup.as_array().unwrap().len(), 1, "{sup}");
    assert_eq!(sup[0]["supplier"], "Sigma Devices");
    assert_eq!(
        (
            sup[0]["answered"].as_i64(),
            sup[0]["met"].as_i64(),
            sup[0]["gaps"].as_i64()
        ),
        (Some(24), Some(23), Some(1))
    );
    assert_eq!(
        (
            sup[0]["open_commitments"].as_i64(),
            sup[0]["overdue_commitments"].as_i64()
        ),
        (Some(1), Some(0))
    );
    // Component security (SPE 4) reaches 4-1 SUM (5) and SG-3, SG-4: not
    // applicable.
    let comp = &element(&p, "SPE 4")["suppliers"][0];
    assert_eq!(
        (comp["answered"].as_i64(), comp["gaps"].as_i64()),
        (Some(7), Some(0))
    );
    // Data protection (SPE 5) is traced to 4-2 only: nothing from Sigma.
    assert!(element(&p, "SPE 5")["suppliers"]
        .as_array()
        .unwrap()
        .is_empty());

    // One requirement's page: ORG 1.1 traces SM (13) and SP.01.
    let r = requirement(&app, &s.owner, "ORG 1.1").await;
    assert_eq!(r["suppliers"][0]["answered"], 13);
    assert_eq!(r["suppliers"][0]["gaps"], 1);

    // Three weeks later the commitment is overdue.
    app.clock.advance(chrono::Duration::days(21));
    let p = program(&app, &s.owner).await;
    assert_eq!(
        element(&p, "SPE 1")["suppliers"][0]["overdue_commitments"],
        1
    );

    // An owner's edited trace decides: without SM, SPE 1 loses them.
    let (st, _) = app
        .call(
            &s.owner,
            "set_program_trace",
            &[("ref_id", "ORG 1.1"), ("trace", "4-1 SUM-1")],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let r = requirement(&app, &s.owner, "ORG 1.1").await;
    assert_eq!(r["suppliers"][0]["answered"], 1);

    // Beta's program knows nothing of Alpha's suppliers.
    let beta = app.login(w.beta.email(Role::Admin), PASSWORD).await;
    let p = program(&app, &beta).await;
    for e in p["elements"].as_array().unwrap() {
        assert!(e["suppliers"].as_array().unwrap().is_empty(), "{e}");
    }
    app.finish().await;
}
both!(suppliers_show_on_the_traced_requirements);

async fn ratings_export_as_xlsx_and_csv(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let admin = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let (st, _) = rate(
        &app,
        &admin,
        "NET 3.1",
        "3",
        "2",
        0,
        &[("rating[note]", "=HYPERLINK(\"x\")")],
    )
    .await;
    assert_eq!(st, StatusCode::OK);

    let csv = String::from_utf8(download(&app, &admin, "/program/0/export/csv").await).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        &header[..5],
        ["element", "element_title", "group", "ref_id", "title"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 87);
    let net = rows.iter().find(|r| &r[3] == "NET 3.1").unwrap();
    assert_eq!((&net[5], &net[6], &net[7]), ("3", "2", "yes"));
    // A formula-like note stays text.
    assert!(!net[12].starts_with('='), "{:?}", &net[12]);

    use calamine::Reader;
    let xlsx = download(&app, &admin, "/program/0/export/xlsx").await;
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let sheet = wb.worksheet_range_at(0).unwrap().unwrap();
    let found = sheet
        .rows()
        .find(|r| r[3] == "NET 3.1")
        .expect("NET 3.1 in the workbook");
    assert_eq!(found[5].to_string(), "3");

    // Not an asset owner: no program to download; anonymous: sign in.
    let sigma = app.login(w.sigma.email(Role::Admin), PASSWORD).await;
    let r = sigma
        .get(app.url("/program/0/export/csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app
        .client()
        .get(app.url("/program/0/export/csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = admin
        .get(app.url("/program/1/export/csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    app.finish().await;
}
both!(ratings_export_as_xlsx_and_csv);

/// The program page's queries do not grow with the number of suppliers:
/// one supplier's answers, then two more suppliers' in the same engagement.
async fn program_queries_do_not_grow_with_suppliers(b: Backend) {
    use std::sync::atomic::Ordering;
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;
    answered(&app, &s).await;
    let (state, queries) = crate::page_queries::counting_state(&app).await;
    let actor = app::server::session::actor_for(&state, w.alpha.email(Role::Viewer), w.alpha.id)
        .await
        .unwrap()
        .unwrap();
    let count = || async {
        queries.store(0, Ordering::SeqCst);
        let p = app::server::services::program::overview(&actor, &state)
            .await
            .unwrap();
        let suppliers = p.elements[0].suppliers.len();
        (suppliers, queries.load(Ordering::SeqCst))
    };
    let one = count().await;
    for (name, slug) in [("Rho Controls", "rho"), ("Tau Systems", "tau")] {
        let (id, client) = crate::comparison::supplier(&app, &s.owner, name, slug).await;
        let a = crate::comparison::send_to(&app, &s, &s.profile, id).await;
        let got = crate::assessments::get(&app, &client, &a).await;
        for x in got["answers"].as_array().unwrap().iter().take(10) {
            let (st, r) = crate::assessments::save(
                &app,
                &client,
                &x["id"].to_string(),
                0,
                &[("compliance", "partially_meets")],
            )
            .await;
            assert_eq!(st, StatusCode::OK, "{r}");
        }
    }
    let three = count().await;
    assert_eq!((one.0, three.0), (1, 3), "suppliers on SPE 1");
    assert_eq!(one.1, three.1, "queries: {one:?} vs {three:?}");
    assert!(three.1 <= 10, "{three:?}");
    app.finish().await;
}
both!(program_queries_do_not_grow_with_suppliers);
