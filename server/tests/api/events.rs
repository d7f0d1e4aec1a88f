//! Who hears of what: every event of an assessment's life reaches the roles
//! of the side that must act on it, in the app and by e-mail, and nobody
//! else.

use crate::assessments::{answer_all_and_submit, due, get, send};
use crate::both;
use crate::common::{Backend, TestApp, World, PASSWORD};
use app::model::Role;
use app::server::notify::{Event, Party};
use reqwest::{Client, StatusCode};
use std::collections::BTreeMap;

/// The table this test holds the code to: event kind → side and roles.
const TABLE: &[(&str, &str, &[Role])] = &[
    (
        "assessment.sent",
        "supplier",
        &[Role::Admin, Role::Contributor],
    ),
    (
        "assessment.submitted",
        "owner",
        &[Role::Admin, Role::Reviewer],
    ),
    (
        "assessment.resubmitted",
        "owner",
        &[Role::Admin, Role::Reviewer],
    ),
    (
        "commitment.planned",
        "owner",
        &[Role::Admin, Role::Reviewer],
    ),
    (
        "review.rejected",
        "supplier",
        &[Role::Admin, Role::Contributor],
    ),
    (
        "review.clarification",
        "supplier",
        &[Role::Admin, Role::Contributor],
    ),
    (
        "assessment.changes_requested",
        "supplier",
        &[Role::Admin, Role::Contributor],
    ),
    (
        "assessment.decided",
        "supplier",
        &[Role::Admin, Role::Contributor],
    ),
    (
        "commitment.condition",
        "supplier",
        &[Role::Admin, Role::Contributor],
    ),
];

#[test]
fn the_code_has_the_same_table() {
    for e in Event::ALL {
        let (party, roles) = e.audience();
        let side = match party {
            Party::Owner => "owner",
            Party::Supplier => "supplier",
        };
        if e.kind() == "comment.shared" {
            continue; // both ways, checked below
        }
        let row = TABLE
            .iter()
            .find(|(k, ..)| *k == e.kind())
            .unwrap_or_else(|| panic!("{} not in the table", e.kind()));
        assert_eq!((row.1, row.2), (side, roles), "{}", e.kind());
    }
}

/// How many notifications of each kind `c` has.
async fn kinds(app: &TestApp, c: &Client) -> BTreeMap<String, usize> {
    let (st, n) = app.call(c, "list_notifications", &[]).await;
    assert_eq!(st, StatusCode::OK, "{n}");
    let mut out = BTreeMap::new();
    for i in n["items"].as_array().unwrap() {
        *out.entry(i["kind"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    out
}

async fn each_event_reaches_the_roles_that_act_on_it(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;
    let mut people: Vec<(&str, Role, Client, String)> = Vec::new();
    for r in Role::ALL {
        let email = w.alpha.email(r).to_string();
        people.push(("owner", r, app.login(&email, PASSWORD).await, email));
    }
    for r in [Role::Admin, Role::Contributor] {
        let email = w.sigma.email(r).to_string();
        people.push(("supplier", r, app.login(&email, PASSWORD).await, email));
    }
    // One answer planned for later (a commitment at submission), the rest
    // answered.
    let planned_on = due();
    answer_all_and_submit(&app, &s, |i| match i {
        0 => vec![("compliance", "meets"), ("claimed_level", "2")],
        1 => vec![
            ("compliance", "planned"),
            ("planned_on", planned_on.as_str()),
        ],
        _ => vec![("compliance", "not_applicable"), ("na_reason", "n/a")],
    })
    .await;
    let a = get(&app, &s.owner, &s.assessment).await;
    let answers: Vec<String> = a["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].to_string())
        .collect();
    let ok = |r: (StatusCode, serde_json::Value), what: &str| {
        assert_eq!(r.0, StatusCode::OK, "{what}: {}", r.1);
    };
    ok(
        app.call(
            &s.owner,
            "begin_review",
            &[("assessment_id", &s.assessment)],
        )
        .await,
        "begin review",
    );
    for (answer, verdict) in [
        (&answers[0], "clarification_requested"),
        (&answers[2], "rejected"),
        (&answers[1], "accepted"),
    ] {
        ok(
            app.call(
                &s.owner,
                "review_answer",
                &[("answer_id", answer), ("status", verdict)],
            )
            .await,
            verdict,
        );
    }
    // A shared comment each way; an internal one tells nobody.
    for (c, visibility) in [
        (&s.owner, "shared"),
        (&s.owner, "internal"),
        (&s.supplier, "shared"),
    ] {
        ok(
            app.call(
                c,
                "add_comment",
                &[
                    ("answer_id", &answers[0]),
                    ("visibility", visibility),
                    ("body", "About the jump host"),
                ],
            )
            .await,
            visibility,
        );
    }
    ok(
        app.call(
            &s.owner,
            "request_changes",
            &[("assessment_id", &s.assessment)],
        )
        .await,
        "request changes",
    );
    let x = &get(&app, &s.supplier, &s.assessment).await["answers"][0];
    let (st, r) = crate::assessments::save(
        &app,
        &s.supplier,
        &x["id"].to_string(),
        x["version"].as_i64().unwrap(),
        &[
            ("compliance", "meets"),
            ("claimed_level", "2"),
            ("statement", "Jump host in the DMZ"),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    ok(
        app.call(
            &s.supplier,
            "submit_assessment",
            &[("assessment_id", &s.assessment)],
        )
        .await,
        "resubmit",
    );
    ok(
        app.call(
            &s.owner,
            "begin_review",
            &[("assessment_id", &s.assessment)],
        )
        .await,
        "begin review again",
    );
    ok(
        app.call(
            &s.owner,
            "decide_assessment",
            &[
                ("assessment_id", &s.assessment),
                ("decision", "accept_with_conditions"),
                ("rationale", "Good enough"),
                ("conditions", "Harden the jump host | 2099-01-01"),
                ("despite_open", "yes"),
            ],
        )
        .await,
        "decide",
    );

    let mut failures = Vec::new();
    for (side, role, c, email) in &people {
        let got = kinds(&app, c).await;
        for (kind, audience, roles) in TABLE {
            let want = usize::from(audience == side && roles.contains(role));
            let have = got.get(*kind).copied().unwrap_or(0);
            if have != want {
                failures.push(format!("{side} {role:?}: {kind} {have} times, want {want}"));
            }
            if want == 1 {
                let mails = app.mails_to(email).await;
                if !mails.iter().any(|m| m.subject.starts_with("Pactline: ")) {
                    failures.push(format!("{side} {role:?}: no e-mail for {kind}"));
                }
            }
        }
        // A shared comment reaches the other side's acting roles, once.
        let comments = got.get("comment.shared").copied().unwrap_or(0);
        let want = match (*side, role) {
            ("owner", Role::Admin | Role::Reviewer) => 1,
            ("supplier", Role::Admin | Role::Contributor) => 1,
            _ => 0,
        };
        if comments != want {
            failures.push(format!(
                "{side} {role:?}: comment.shared {comments} times, want {want}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    app.finish().await;
}
both!(each_event_reaches_the_roles_that_act_on_it);

async fn each_user_chooses_mail_per_kind_at_once_daily_or_never(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let contributor_email = w.sigma.email(Role::Contributor).to_string();
    let admin_email = w.sigma.email(Role::Admin).to_string();
    let contributor = app.login(&contributor_email, PASSWORD).await;
    let (st, p) = app.call(&contributor, "get_mail_preferences", &[]).await;
    assert_eq!(st, StatusCode::OK, "{p}");
    assert!(
        p["topics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t[1] == "immediate"),
        "at once unless chosen otherwise: {p}"
    );
    let (st, r) = app
        .call(
            &contributor,
            "set_mail_preferences",
            &[("reviews", "hourly")],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    let (st, p) = app
        .call(
            &contributor,
            "set_mail_preferences",
            &[("questionnaires", "never"), ("reviews", "daily")],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{p}");
    let chosen: BTreeMap<String, String> = p["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t[0].as_str().unwrap().into(), t[1].as_str().unwrap().into()))
        .collect();
    assert_eq!(chosen["questionnaires"], "never");
    assert_eq!(chosen["reviews"], "daily");
    assert_eq!(chosen["commitments"], "immediate");

    // The questionnaire arrives in the app for both, by e-mail to the admin only.
    let s = send(&app, &w).await;
    assert_eq!(
        kinds(&app, &s.supplier).await.get("assessment.sent"),
        Some(&1)
    );
    assert!(app.mails_to(&contributor_email).await.is_empty());
    assert!(app
        .mails_to(&admin_email)
        .await
        .iter()
        .any(|m| m.subject.contains("security questionnaire")));

    // Two review verdicts wait for tomorrow's summary.
    answer_all_and_submit(&app, &s, |_| {
        vec![("compliance", "not_applicable"), ("na_reason", "n/a")]
    })
    .await;
    let a = get(&app, &s.owner, &s.assessment).await;
    let answers: Vec<String> = a["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].to_string())
        .collect();
    let (st, r) = app
        .call(
            &s.owner,
            "begin_review",
            &[("assessment_id", &s.assessment)],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    for (answer, verdict) in [
        (&answers[0], "clarification_requested"),
        (&answers[1], "rejected"),
    ] {
        let (st, r) = app
            .call(
                &s.owner,
                "review_answer",
                &[("answer_id", answer), ("status", verdict)],
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{r}");
    }
    let got = kinds(&app, &s.supplier).await;
    assert_eq!(got.get("review.clarification"), Some(&1), "{got:?}");
    assert_eq!(got.get("review.rejected"), Some(&1), "{got:?}");
    assert!(app.mails_to(&contributor_email).await.is_empty());
    let admin_now = app.mails_to(&admin_email).await.len();
    assert!(admin_now >= 3, "the admin hears at once: {admin_now}");

    // Today's are not summarized today; tomorrow, once, by either replica.
    assert_eq!(
        app::server::notify::send_digests(&app.state, "replica-a")
            .await
            .unwrap(),
        0
    );
    app.clock.advance(chrono::Duration::days(1));
    let (a1, a2) = tokio::join!(
        app::server::notify::send_digests(&app.state, "replica-a"),
        app::server::notify::send_digests(&app.state, "replica-b")
    );
    assert_eq!(a1.unwrap() + a2.unwrap(), 1);
    let mails = app.mails_to(&contributor_email).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    let digest = &mails[0];
    assert_eq!(
        digest.subject,
        "Pactline: your daily summary (2 notifications)"
    );
    assert!(
        digest.body.contains("Clarification requested"),
        "{}",
        digest.body
    );
    assert!(digest.body.contains("Rejected"), "{}", digest.body);
    assert!(
        digest
            .body
            .contains(&format!("/assessments/{}", s.assessment)),
        "{}",
        digest.body
    );
    assert!(
        !digest.body.contains("questionnaire due"),
        "never means never"
    );
    assert_eq!(
        app::server::notify::send_digests(&app.state, "replica-a")
            .await
            .unwrap(),
        0
    );
    // The admin's e-mail never waited.
    assert_eq!(app.mails_to(&admin_email).await.len(), admin_now);
    app.finish().await;
}
both!(each_user_chooses_mail_per_kind_at_once_daily_or_never);
