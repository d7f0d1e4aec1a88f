//! Commitments from planned answers to verified, the responsibility matrix
//! agreed and re-opened, reminders sent once by two schedulers, the
//! portfolio dashboard, and what leaves as files and calendar feeds.

use crate::assessments::{answer_all_and_submit, send, Sent};
use crate::both;
use crate::common::{Backend, TestApp, World, PASSWORD};
use app::model::Role;
use reqwest::{Client, StatusCode};
use serde_json::Value;

fn day(offset: i64) -> chrono::NaiveDate {
    chrono::Utc::now().date_naive() + chrono::Duration::days(offset)
}

pub async fn assessment(app: &TestApp, c: &Client, id: &str) -> Value {
    let (st, a) = app
        .call(c, "get_assessment", &[("assessment_id", id)])
        .await;
    assert_eq!(st, StatusCode::OK, "{a}");
    a
}

/// The supplier answers everything (the first answer met with evidence,
/// the second planned for `planned`, the rest not applicable) and submits.
async fn answer_with_a_plan(app: &TestApp, s: &Sent, planned: &str) {
    answer_all_and_submit(app, s, |i| match i {
        0 => vec![
            ("compliance", "meets"),
            ("claimed_level", "2"),
            ("responsibility_accepted", "yes"),
        ],
        1 => vec![("compliance", "planned"), ("planned_on", planned)],
        _ => vec![("compliance", "not_applicable"), ("na_reason", "n/a")],
    })
    .await
}

/// Proposes a commitment by hand on an assessment.
async fn propose(
    app: &TestApp,
    c: &Client,
    assessment: &str,
    promisor: &str,
    requirement: &str,
    title: &str,
    due_on: &str,
) -> (StatusCode, Value) {
    app.call(
        c,
        "create_commitment",
        &[
            ("assessment_id", assessment),
            ("promisor", promisor),
            ("requirement", requirement),
            ("title", title),
            ("due_on", due_on),
        ],
    )
    .await
}

async fn commitments(app: &TestApp, c: &Client) -> Vec<Value> {
    let (st, list) = app.call(c, "list_commitments", &[]).await;
    assert_eq!(st, StatusCode::OK, "{list}");
    list.as_array().unwrap().clone()
}

async fn act(
    app: &TestApp,
    c: &Client,
    id: &str,
    action: &str,
    note: &str,
    link: &str,
) -> (StatusCode, Value) {
    app.call(
        c,
        "commitment_action",
        &[
            ("commitment_id", id),
            ("action", action),
            ("note", note),
            ("link", link),
        ],
    )
    .await
}

pub async fn notifications(app: &TestApp, c: &Client) -> Value {
    let (st, n) = app.call(c, "list_notifications", &[]).await;
    assert_eq!(st, StatusCode::OK, "{n}");
    n
}

async fn commitments_go_from_planned_answers_to_verified(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;
    let planned = day(60).to_string();
    answer_with_a_plan(&app, &s, &planned).await;

    // Submitting made the planned answer a proposed commitment of Sigma's.
    let list = commitments(&app, &s.owner).await;
    assert_eq!(list.len(), 1, "{list:?}");
    let c = &list[0];
    assert_eq!(c["source"], "planned_answer");
    assert_eq!(c["status"], "proposed");
    assert_eq!(c["due_on"], planned.as_str());
    assert_eq!(c["party"], "Sigma Devices");
    assert!(c["requirement"].as_str().unwrap().starts_with("SM"), "{c}");
    assert_eq!(c["actions"], serde_json::json!(["agree", "waive"]));
    let id = c["id"].to_string();
    // Sigma proposed it: it waits for the owner.
    let theirs = commitments(&app, &s.supplier).await;
    assert_eq!(theirs[0]["actions"], serde_json::json!([]));
    let (st, r) = act(&app, &s.supplier, &id, "agree", "", "").await;
    assert_eq!(st, StatusCode::CONFLICT, "{r}");

    // Reopening and submitting again adds nothing twice.
    let (st, r) = app
        .call(
            &s.owner,
            "change_assessment",
            &[("assessment_id", &s.assessment), ("change", "reopen")],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let (st, r) = app
        .call(
            &s.supplier,
            "submit_assessment",
            &[("assessment_id", &s.assessment)],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(commitments(&app, &s.owner).await.len(), 1);

    // Through to verified: the owner agrees, Sigma works and closes with
    // evidence, the owner verifies. Each side hears of the other's moves.
    let (st, r) = act(&app, &s.owner, &id, "agree", "", "").await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(r["status"], "agreed");
    let sigma_admin = app.login(w.sigma.email(Role::Admin), PASSWORD).await;
    let n = notifications(&app, &sigma_admin).await;
    assert!(n["unread"].as_u64().unwrap() >= 1, "{n}");
    assert!(n.to_string().contains("Commitment agreed to"), "{n}");
    let (st, r) = act(&app, &s.supplier, &id, "start", "", "").await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let (st, r) = act(&app, &s.supplier, &id, "fulfil", "Done", "").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    assert!(r.to_string().contains("Closing needs evidence"), "{r}");
    let (st, r) = act(&app, &s.supplier, &id, "fulfil", "", "javascript:alert(1)").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    let (st, r) = act(&app, &s.owner, &id, "verify", "", "").await;
    assert_eq!(st, StatusCode::CONFLICT, "{r}");
    let (st, r) = act(
        &app,
        &s.supplier,
        &id,
        "fulfil",
        "Firmware 5.2 released",
        "https://sigma.example/release-5.2",
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(r["status"], "fulfilled");
    assert_eq!(r["closure_link"], "https://sigma.example/release-5.2");
    // The owner's reviewers are asked to verify.
    let reviewer = app.login(w.alpha.email(Role::Reviewer), PASSWORD).await;
    assert!(notifications(&app, &reviewer)
        .await
        .to_string()
        .contains("fulfilled (please verify)"));
    // Sending back needs a reason; verifying closes it.
    let (st, r) = act(&app, &s.owner, &id, "reject", "", "").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    let (st, r) = act(&app, &s.owner, &id, "verify", "", "").await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(r["status"], "verified");
    assert_eq!(r["actions"], serde_json::json!([]));
    // A viewer reads but moves nothing.
    let viewer = app.login(w.alpha.email(Role::Viewer), PASSWORD).await;
    let seen = commitments(&app, &viewer).await;
    assert_eq!(seen[0]["actions"], serde_json::json!([]));

    // By hand: the owner promises something itself; Sigma agrees and
    // verifies. A requirement outside the questionnaire is refused.
    let (st, r) = propose(
        &app,
        &s.owner,
        &s.assessment,
        "owner",
        "CR 9.9",
        "Segment the plant network",
        "",
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    assert!(r
        .to_string()
        .contains("not a requirement of this questionnaire"));
    let (st, r) = propose(
        &app,
        &s.owner,
        &s.assessment,
        "owner",
        "",
        "Segment the plant network",
        "31.12.2027",
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    // A title is one line: a bare CR or an escape would reach the calendar
    // feed and e-mails.
    for title in [
        "Segment\rthe plant network",
        "Segment\u{1b}[2J",
        "Two\nlines",
    ] {
        let (st, r) = propose(&app, &s.owner, &s.assessment, "owner", "", title, "").await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{title:?}: {r}");
        assert_eq!(r["Validation"]["fields"][0]["field"], "title", "{r}");
    }
    let (st, own) = propose(
        &app,
        &s.owner,
        &s.assessment,
        "owner",
        "",
        "Segment the plant network",
        &day(10).to_string(),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{own}");
    let own = own.to_string();
    let (st, r) = propose(
        &app,
        &s.supplier,
        &s.assessment,
        "owner",
        "",
        "You will do it",
        "",
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    for (who, action) in [
        (&s.supplier, "agree"),
        (&s.owner, "start"),
        (&s.owner, "fulfil"),
        (&s.supplier, "verify"),
    ] {
        let (st, r) = act(
            &app,
            who,
            &own,
            action,
            "",
            "https://alpha.example/vlan-plan",
        )
        .await;
        assert_eq!(st, StatusCode::OK, "{action}: {r}");
    }
    // Waiving is the owner's, with a reason.
    let (st, third) = propose(
        &app,
        &s.supplier,
        &s.assessment,
        "supplier",
        "SM-1",
        "Yearly penetration test",
        &day(-3).to_string(),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{third}");
    let third = third.to_string();
    let list = commitments(&app, &s.owner).await;
    let t = list
        .iter()
        .find(|c| c["id"].as_i64() == third.parse().ok())
        .unwrap();
    assert_eq!(t["overdue"], true, "{t}");
    assert_eq!(t["requirement"], "SM-1");
    let (st, r) = act(&app, &s.supplier, &third, "waive", "No longer needed", "").await;
    assert_eq!(st, StatusCode::CONFLICT, "{r}");
    let (st, r) = act(
        &app,
        &s.owner,
        &third,
        "waive",
        "Covered by the site audit",
        "",
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(r["overdue"], false);
    assert_eq!(r["waive_reason"], "Covered by the site audit");

    // Exports: CSV, .xlsx and the OSCAL plan of action carry all three.
    let csv = download(&app, &s.owner, "/commitments/0/export/csv").await;
    let text = String::from_utf8(csv).unwrap();
    assert!(
        text.starts_with("id,engagement,owner,supplier,party"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 4, "{text}");
    assert!(text.contains("Segment the plant network"));
    let xlsx = download(
        &app,
        &s.owner,
        &format!("/commitments/{}/export/xlsx", s.engagement),
    )
    .await;
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let sheet = wb.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(sheet.height(), 4);
    let raw = download(&app, &s.supplier, "/commitments/0/export/oscal").await;
    // A third-party OSCAL implementation accepts it (see catalogs.rs).
    let file = std::env::temp_dir().join(format!("poam-{}.json", crate::common::unique()));
    std::fs::write(&file, &raw).unwrap();
    let out = std::process::Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../.ci/oscal_validate.py"
        ))
        .arg(&file)
        .output()
        .expect("python3");
    std::fs::remove_file(&file).ok();
    assert!(
        out.status.success(),
        "OSCAL validation failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let poam: Value = serde_json::from_slice(&raw).unwrap();
    let p = &poam["plan-of-action-and-milestones"];
    assert_eq!(p["metadata"]["oscal-version"], "1.1.2");
    assert_eq!(p["poam-items"].as_array().unwrap().len(), 3);
    assert_eq!(p["risks"].as_array().unwrap().len(), 3);
    let closed = p["risks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "closed")
        .count();
    assert_eq!(closed, 3, "{p}");

    // All of it is in the audit trail.
    let (_, events) = app.call(&s.owner, "list_audit_events", &[]).await;
    let events = events.to_string();
    for a in [
        "commitment.proposed",
        "commitment.agree",
        "commitment.fulfil",
        "commitment.verify",
        "commitment.waive",
    ] {
        assert!(events.contains(a), "{a} not audited");
    }
    app.finish().await;
}
both!(commitments_go_from_planned_answers_to_verified);

pub async fn download(app: &TestApp, c: &Client, path: &str) -> Vec<u8> {
    let r = c.get(app.url(path)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.bytes().await.unwrap().to_vec()
}

/// A second application state on the same database with its own
/// connections: another replica.
async fn replica(app: &TestApp) -> app::server::AppState {
    let config = (*app.state.config).clone();
    let db = app::server::db::connect(&config.database_url)
        .await
        .unwrap();
    let writer = app::server::db::connect_writer(&config.database_url)
        .await
        .unwrap();
    // The same mailbox: whichever replica sends a reminder, its mail is seen.
    let st = app::server::AppState::new(
        db,
        config,
        app.state.mailer.clone(),
        app.state.audit_key.clone(),
    )
    .with_clock(app.clock.clone());
    match writer {
        Some(w) => st.with_writer(w),
        None => st,
    }
}

pub async fn count_kind(app: &TestApp, kind: &str) -> Vec<(i64, i64)> {
    use sea_orm::{ConnectionTrait, Statement};
    let rows = app
        .state
        .db
        .query_all_raw(Statement::from_string(
            app.state.db.get_database_backend(),
            format!(
                "SELECT user_id, COUNT(*) AS n FROM notifications WHERE kind = '{kind}' GROUP BY user_id ORDER BY user_id"
            ),
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|r| {
            (
                r.try_get::<i64>("", "user_id").unwrap(),
                r.try_get::<i64>("", "n").unwrap(),
            )
        })
        .collect()
}

async fn reminders_go_out_once_even_from_two_schedulers(b: Backend) {
    use app::server::services::reminders;
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;
    let other = replica(&app).await;
    // Due in 7 days: a commitment Sigma promises; overdue: another one.
    let mut ids = Vec::new();
    for (title, due) in [("Harden the image", day(7)), ("Fix CVE-2026-1", day(-1))] {
        let (st, id) = propose(
            &app,
            &s.owner,
            &s.assessment,
            "supplier",
            "",
            title,
            &due.to_string(),
        )
        .await;
        assert_eq!(st, StatusCode::OK, "{id}");
        let (st, r) = act(&app, &s.supplier, &id.to_string(), "agree", "", "").await;
        assert_eq!(st, StatusCode::OK, "{r}");
        ids.push(id.to_string());
    }
    // A certificate record that expires tomorrow.
    let a = assessment(&app, &s.supplier, &s.assessment).await;
    let (st, r) = app
        .call(
            &s.supplier,
            "add_evidence_certificate",
            &[
                ("answer_id", &a["answers"][0]["id"].to_string()),
                ("scheme", "ISASecure SDLA"),
                ("level", "ML 2"),
                ("scope", ""),
                ("issuer", "exida"),
                ("expires_on", &day(1).to_string()),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");

    // Two schedulers at once, several rounds, bypassing the lease so only
    // the claims keep them apart.
    let mut sent = 0;
    for _ in 0..3 {
        let (x, y) = tokio::join!(
            reminders::send_due(&app.state, "replica-a"),
            reminders::send_due(&other, "replica-b")
        );
        sent += x.unwrap() + y.unwrap();
    }
    // The 7-day commitment reminder, the overdue escalation (owner) and
    // its notice (supplier), the certificate: four, each once. The
    // assessment (due in 30 days) gets its 30-day reminder: five.
    assert_eq!(sent, 5);
    let sigma_people = 2; // admin and contributor
    let reminded = count_kind(&app, "commitment.reminder").await;
    assert_eq!(reminded.len(), sigma_people, "{reminded:?}");
    assert!(reminded.iter().all(|(_, n)| *n == 1), "{reminded:?}");
    // Escalation: Alpha's admin and reviewer, not its contributor or viewer.
    let escalated = count_kind(&app, "commitment.overdue").await;
    assert_eq!(escalated.len(), 2 + sigma_people, "{escalated:?}");
    assert!(escalated.iter().all(|(_, n)| *n == 1));
    let reviewer = app.login(w.alpha.email(Role::Reviewer), PASSWORD).await;
    let n = notifications(&app, &reviewer).await;
    assert!(
        n.to_string()
            .contains("Overdue commitment with Sigma Devices"),
        "{n}"
    );
    let contributor = app.login(w.alpha.email(Role::Contributor), PASSWORD).await;
    assert!(!notifications(&app, &contributor)
        .await
        .to_string()
        .contains("Overdue"));
    assert_eq!(
        count_kind(&app, "certificate.reminder").await.len(),
        sigma_people
    );
    assert_eq!(
        count_kind(&app, "assessment.reminder").await.len(),
        sigma_people
    );
    // E-mail went with each notification.
    app.deliver_mail().await;
    let mails = app.mail.lock().unwrap().clone();
    assert!(mails
        .iter()
        .any(|m| m.subject.contains("Commitment due in 7 days")));

    // With the lease: two runs at once, nothing new to send.
    let (x, y) = tokio::join!(
        reminders::run_once(&app.state, "replica-a"),
        reminders::run_once(&other, "replica-b")
    );
    assert_eq!(x.unwrap() + y.unwrap(), 0);

    // Six days later: the 1-day reminder, once; the 7-day one not again.
    app.clock.set(day(6));
    let (x, y) = tokio::join!(
        reminders::run_once(&app.state, "replica-a"),
        reminders::run_once(&other, "replica-b")
    );
    let later = x.unwrap() + y.unwrap();
    // The commitment's 1-day reminder; the certificate has expired.
    assert_eq!(later, 1);
    assert!(count_kind(&app, "commitment.reminder")
        .await
        .iter()
        .all(|(_, n)| *n == 2));

    // The supplier chooses its own days: 14 days ahead of the assessment.
    app.clock.set(day(0));
    let sigma_admin = app.login(w.sigma.email(Role::Admin), PASSWORD).await;
    let (st, r) = app
        .call(&sigma_admin, "set_reminder_days", &[("days", "never")])
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    let (st, r) = app
        .call(&sigma_admin, "set_reminder_days", &[("days", "16, 2")])
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(r, "16, 2");
    app.clock.set(day(14));
    let n = reminders::run_once(&app.state, "replica-a").await.unwrap();
    // The assessment (16 days ahead of its due date now counts) once more,
    // and the commitment due on day 7 is overdue: escalated to Alpha, told
    // to Sigma.
    assert_eq!(n, 3);
    let twice = count_kind(&app, "assessment.reminder").await;
    assert!(
        twice.len() == 2 && twice.iter().all(|(_, n)| *n == 2),
        "{twice:?}"
    );

    // Marking read empties the badge.
    let before = notifications(&app, &reviewer).await["unread"]
        .as_u64()
        .unwrap();
    assert!(before > 0);
    let (st, _) = app.call(&reviewer, "mark_notifications_read", &[]).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(notifications(&app, &reviewer).await["unread"], 0);
    app.finish().await;
}
both!(reminders_go_out_once_even_from_two_schedulers);

async fn the_calendar_feed_is_private(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;
    let (st, id) = propose(
        &app,
        &s.owner,
        &s.assessment,
        "supplier",
        "",
        "Deliver the hardening guide",
        &day(20).to_string(),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{id}");
    let (st, url) = app.call(&s.supplier, "create_calendar_feed", &[]).await;
    assert_eq!(st, StatusCode::OK, "{url}");
    let url = url.as_str().unwrap().to_string();
    assert!(url.ends_with(".ics"), "{url}");
    // No cookie: the address is the credential.
    let r = reqwest::get(&url).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    let ics = r.text().await.unwrap();
    assert!(ics.contains("BEGIN:VCALENDAR"), "{ics}");
    assert!(ics.contains("Deliver the hardening guide"), "{ics}");
    assert!(
        ics.contains(&format!("DTSTART;VALUE=DATE:{}", day(20).format("%Y%m%d"))),
        "{ics}"
    );
    // A new address replaces the old one.
    let (_, again) = app.call(&s.supplier, "create_calendar_feed", &[]).await;
    assert_eq!(
        reqwest::get(&url).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let again = again.as_str().unwrap().to_string();
    assert_eq!(reqwest::get(&again).await.unwrap().status(), StatusCode::OK);
    // A member who leaves loses the feed.
    use sea_orm::ConnectionTrait;
    app.state
        .db
        .execute_unprepared(&format!(
            "UPDATE memberships SET is_active = false WHERE organization_id = {} AND role = 'contributor'",
            w.sigma.id.0
        ))
        .await
        .unwrap();
    assert_eq!(
        reqwest::get(&again).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    app.finish().await;
}
both!(the_calendar_feed_is_private);

async fn the_portfolio_is_counted_in_aggregates(b: Backend) {
    use std::sync::atomic::Ordering;
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;
    answer_with_a_plan(&app, &s, &day(3).to_string()).await;
    let (st, p) = app.call(&s.owner, "get_portfolio", &[]).await;
    assert_eq!(st, StatusCode::OK, "{p}");
    assert_eq!(p["suppliers"], 1);
    let submitted = p["by_status"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x[0] == "submitted")
        .unwrap()[1]
        .clone();
    assert_eq!(submitted, 1);
    assert_eq!(p["open_commitments"], 1);
    assert_eq!(p["overdue_commitments"], 0);
    assert_eq!(p["heatmap"][0]["supplier"], "Sigma Devices");
    assert!(!p["groups"].as_array().unwrap().is_empty());
    let attention = p["attention"].to_string();
    assert!(
        attention.contains("Review the answers of Sigma Devices"),
        "{attention}"
    );
    assert!(attention.contains("(planned)"), "{attention}");
    // Overdue once the clock passes the planned date.
    app.clock.set(day(4));
    let (_, p) = app.call(&s.owner, "get_portfolio", &[]).await;
    assert_eq!(p["overdue_commitments"], 1);
    app.clock.set(day(0));
    // The supplier's home: what it owes to Alpha.
    let (st, owed) = app.call(&s.supplier, "get_owed", &[]).await;
    assert_eq!(st, StatusCode::OK, "{owed}");
    assert_eq!(owed[0]["owner"], "Alpha Water");
    assert_eq!(owed[0]["commitments"].as_array().unwrap().len(), 1);
    assert_eq!(owed[0]["assessments_open"], 0);
    let home = s
        .owner
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        home.contains("data-testid=\"heatmap\""),
        "no heatmap on the home page"
    );

    // The same number of statements for 3 and for 30 suppliers.
    let mut counts = Vec::new();
    for (n, name) in [(5, "Small Utility"), (30, "Large Utility")] {
        let g = app::server::generate::portfolio(
            &app.state,
            name,
            &format!("owner@{}.test", n),
            PASSWORD,
            n,
            20,
        )
        .await
        .unwrap();
        assert_eq!(g.answers, n * 20);
        let (state, queries) = crate::page_queries::counting_state(&app).await;
        let (org, user) = {
            use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
            let u = app::server::entities::user::Entity::find()
                .filter(app::server::entities::user::Column::Email.eq(g.owner_email.clone()))
                .one(&app.state.db)
                .await
                .unwrap()
                .unwrap();
            let m = app::server::entities::membership::Entity::find()
                .filter(app::server::entities::membership::Column::UserId.eq(u.id))
                .one(&app.state.db)
                .await
                .unwrap()
                .unwrap();
            (m.organization_id, u.email)
        };
        let actor = app::server::session::actor_for(&state, &user, org)
            .await
            .unwrap()
            .unwrap();
        queries.store(0, Ordering::SeqCst);
        let p = app::server::services::dashboard::portfolio(&actor, &state)
            .await
            .unwrap();
        counts.push((n, queries.load(Ordering::SeqCst)));
        assert_eq!(p.suppliers, n as i64);
        assert!(p.heatmap.len() <= 50 && !p.heatmap.is_empty());
        assert_eq!(p.groups.len(), 7, "{:?}", p.groups);
        assert!(p.open_commitments > 0);
    }
    assert_eq!(counts[0].1, counts[1].1, "{counts:?}");
    assert!(counts[0].1 <= 10, "{counts:?}");
    app.finish().await;
}
both!(the_portfolio_is_counted_in_aggregates);
