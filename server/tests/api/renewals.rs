//! Recurring re-assessment: the owner sets a cadence on an accepted
//! assessment; the next one opens on time (once, with two schedulers
//! racing), pre-filled from the accepted answers and bound to the same
//! product version, both sides are told, and its answers are marked
//! changed or unchanged.

use crate::assessments::{answer_everything_and_submit, get, send, Sent};
use crate::both;
use crate::common::{Backend, TestApp, World, PASSWORD};
use app::model::Role;
use app::server::services::renewals;
use reqwest::StatusCode;
use serde_json::Value;

async fn accept(app: &TestApp, s: &Sent) {
    let (st, r) = app
        .call(
            &s.owner,
            "begin_review",
            &[("assessment_id", &s.assessment)],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let (st, r) = app
        .call(
            &s.owner,
            "decide_assessment",
            &[
                ("assessment_id", s.assessment.as_str()),
                ("decision", "accept"),
                ("rationale", "Meets our needs."),
                ("conditions", ""),
                ("despite_open", "yes"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
}

async fn set(app: &TestApp, c: &reqwest::Client, id: &str, months: &str) -> (StatusCode, Value) {
    app.call(
        c,
        "set_renewal",
        &[("assessment_id", id), ("every_months", months)],
    )
    .await
}

async fn an_accepted_assessment_is_renewed_on_time_once(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;
    // Not before it is accepted.
    let (st, _) = set(&app, &s.owner, &s.assessment, "12").await;
    assert_eq!(st, StatusCode::CONFLICT);
    // Evidence on the first answer: a file and a link.
    let first = get(&app, &s.supplier, &s.assessment).await["answers"][0]["id"].to_string();
    let (st, file) = app
        .upload(
            &s.supplier,
            "upload_evidence",
            &[("answer_id", &first)],
            "SDL report.pdf",
            b"%PDF-1.7\n% SDL report".to_vec(),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{file}");
    let (st, r) = app
        .call(
            &s.supplier,
            "add_evidence_link",
            &[
                ("answer_id", first.as_str()),
                ("title", "SDL handbook"),
                ("url", "https://sigma.example/sdl"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    answer_everything_and_submit(&app, &s).await;
    accept(&app, &s).await;

    // Only the owner's managers set it, with a sensible cadence.
    for (c, want) in [(&s.supplier, StatusCode::NOT_FOUND)] {
        let (st, _) = set(&app, c, &s.assessment, "12").await;
        assert_eq!(st, want);
    }
    let viewer = app.login(w.alpha.email(Role::Viewer), PASSWORD).await;
    let (st, _) = set(&app, &viewer, &s.assessment, "12").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let beta = app.login(w.beta.email(Role::Admin), PASSWORD).await;
    let (st, _) = set(&app, &beta, &s.assessment, "12").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    for bad in ["0", "61", "yearly"] {
        let (st, r) = set(&app, &s.owner, &s.assessment, bad).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(r["Validation"]["fields"][0]["field"], "every_months");
    }
    let today = app.state.clock.today();
    let (st, on) = set(&app, &s.owner, &s.assessment, "12").await;
    assert_eq!(st, StatusCode::OK, "{on}");
    let renews_on: chrono::NaiveDate = on.as_str().unwrap().parse().unwrap();
    assert_eq!(
        renews_on,
        today.checked_add_months(chrono::Months::new(12)).unwrap()
    );
    let a = get(&app, &s.owner, &s.assessment).await;
    assert_eq!(a["renewal"]["every_months"], 12);
    assert_eq!(a["renewal"]["may_set"], true);
    let (_, p) = app.call(&s.owner, "get_portfolio", &[]).await;
    assert_eq!(p["renewals"][0]["renews_on"], on, "{p}");
    assert_eq!(p["renewals"][0]["soon"], false);

    // Nothing opens before 30 days ahead.
    app.clock.set(renews_on - chrono::Duration::days(31));
    assert_eq!(renewals::open_due(&app.state).await.unwrap(), 0);
    let (_, p) = app.call(&s.owner, "get_portfolio", &[]).await;
    assert_eq!(p["renewals"][0]["soon"], true);

    // On time, two schedulers at once: one renewal.
    app.clock.set(renews_on - chrono::Duration::days(30));
    let (x, y) = tokio::join!(
        renewals::open_due(&app.state),
        renewals::open_due(&app.state)
    );
    assert_eq!(x.unwrap() + y.unwrap(), 1);
    assert_eq!(renewals::open_due(&app.state).await.unwrap(), 0);
    let (_, p) = app.call(&s.owner, "get_portfolio", &[]).await;
    let next = p["renewals"][0]["opened"].to_string();
    assert_ne!(next, "null", "{p}");

    // The renewal: same engagement and supplier, due on the date,
    // pre-filled from the accepted answers, all unchanged so far.
    let r = get(&app, &s.supplier, &next).await;
    assert_eq!(r["summary"]["status"], "sent");
    assert_eq!(r["summary"]["due_on"], renews_on.to_string());
    assert_eq!(r["renewal"]["renews"].to_string(), s.assessment);
    let answers = r["answers"].as_array().unwrap();
    let old = get(&app, &s.owner, &s.assessment).await;
    assert_eq!(answers.len(), old["answers"].as_array().unwrap().len());
    assert_eq!(answers[0]["fields"]["compliance"], "meets");
    assert_eq!(answers[1]["fields"]["compliance"], "not_applicable");
    assert!(answers.iter().all(|x| x["since_last"] == false), "{r}");
    // The evidence comes along, the file pointing at the same bytes.
    let carried = &answers[0]["evidence"];
    // (answering everything added a link "Audit" too)
    assert_eq!(carried.as_array().unwrap().len(), 3, "{carried}");
    assert_eq!(carried[0]["title"], "SDL report.pdf");
    assert_ne!(carried[0]["id"], file);
    assert_eq!(carried[1]["url"], "https://sigma.example/sdl");
    let got = s
        .owner
        .get(app.url(&format!("/evidence/{}", carried[0]["id"])))
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), StatusCode::OK);
    assert_eq!(
        got.bytes().await.unwrap().as_ref(),
        b"%PDF-1.7\n% SDL report"
    );
    assert_eq!(r["renewal"]["unchanged"], answers.len());
    // The old one says it was renewed, and its cadence is fixed now.
    assert_eq!(old["renewal"]["next"].to_string(), next);
    assert_eq!(old["renewal"]["may_set"], false);
    let (st, _) = set(&app, &s.owner, &s.assessment, "6").await;
    assert_eq!(st, StatusCode::CONFLICT);

    // Both sides were told.
    let supplier_mail = app.mails_to(w.sigma.email(Role::Contributor)).await;
    assert!(
        supplier_mail
            .iter()
            .any(|m| m.subject.contains("periodic re-assessment due")),
        "{supplier_mail:?}"
    );
    let owner_mail = app.mails_to(w.alpha.email(Role::Reviewer)).await;
    assert!(
        owner_mail
            .iter()
            .any(|m| m.subject.contains("Re-assessment of Sigma Devices opened")),
        "{owner_mail:?}"
    );

    // The supplier changes one answer: marked changed, the rest unchanged.
    let first = &answers[0];
    let (st, saved) = crate::assessments::save(
        &app,
        &s.supplier,
        &first["id"].to_string(),
        first["version"].as_i64().unwrap(),
        &[("compliance", "partially_meets"), ("claimed_level", "1")],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{saved}");
    let r = get(&app, &s.owner, &next).await;
    assert_eq!(r["answers"][0]["since_last"], true);
    assert_eq!(r["renewal"]["changed"], 1);
    // A week before it is due, both sides are reminded (once each).
    app.clock.set(renews_on - chrono::Duration::days(7));
    for lease in ["a", "b"] {
        app::server::services::reminders::run_once(&app.state, lease)
            .await
            .unwrap();
    }
    let owners = crate::commitments::count_kind(&app, "assessment.renewal_reminder").await;
    assert_eq!(owners.len(), 2, "Alpha's admin and reviewer: {owners:?}");
    assert!(owners.iter().all(|(_, n)| *n == 1), "{owners:?}");
    let mails = app.mails_to(w.alpha.email(Role::Reviewer)).await;
    assert!(
        mails.iter().any(|m| m
            .subject
            .contains("Re-assessment of Sigma Devices due in 7 days")),
        "{mails:?}"
    );
    let suppliers = crate::commitments::count_kind(&app, "assessment.reminder").await;
    assert!(!suppliers.is_empty(), "Sigma is reminded too");
    // Nobody else reads the renewal.
    let (st, _) = app
        .call(&beta, "get_assessment", &[("assessment_id", &next)])
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    app.finish().await;
}
both!(an_accepted_assessment_is_renewed_on_time_once);
