//! The asset owner's side of a submitted assessment: verdicts, requests
//! for clarification, comments and the decision.

use crate::assessments::{answer_everything_and_submit, get, save, send};
use crate::both;
use crate::common::{Backend, TestApp, World, PASSWORD};
use app::model::Role;
use reqwest::StatusCode;
use serde_json::Value;

async fn a_reviewer_reviews_clarifies_and_decides(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;
    answer_everything_and_submit(&app, &s).await;
    let reviewer = app.login(w.alpha.email(Role::Reviewer), PASSWORD).await;
    let id = s.assessment.clone();
    let a = get(&app, &reviewer, &id).await;
    let first = a["answers"][0]["id"].to_string();
    let second = a["answers"][1]["id"].to_string();

    // Verdicts wait for the review to start; contributors do not review.
    let (st, _) = app
        .call(
            &reviewer,
            "review_answer",
            &[("answer_id", &first), ("status", "accepted")],
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT);
    let contributor = app.login(w.alpha.email(Role::Contributor), PASSWORD).await;
    let (st, _) = app
        .call(&contributor, "begin_review", &[("assessment_id", &id)])
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, r) = app
        .call(&reviewer, "begin_review", &[("assessment_id", &id)])
        .await;
    assert_eq!((st, r), (StatusCode::OK, Value::from("under_review")));
    for (answer, verdict) in [(&first, "clarification_requested"), (&second, "accepted")] {
        let (st, r) = app
            .call(
                &reviewer,
                "review_answer",
                &[("answer_id", answer), ("status", verdict)],
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{r}");
    }
    for (vis, body) in [
        ("internal", "INTERNAL: their price is too high"),
        ("shared", "Please attach the audit report itself."),
    ] {
        let (st, r) = app
            .call(
                &reviewer,
                "add_comment",
                &[("answer_id", &first), ("visibility", vis), ("body", body)],
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{r}");
    }
    // The supplier sees the shared comment and the verdicts, never the internal one.
    let (_, thread) = app
        .call(&s.supplier, "list_comments", &[("assessment_id", &id)])
        .await;
    assert_eq!(thread.as_array().unwrap().len(), 1, "{thread}");
    assert!(!thread.to_string().contains("INTERNAL"));
    let (_, all) = app
        .call(&reviewer, "list_comments", &[("assessment_id", &id)])
        .await;
    assert_eq!(all.as_array().unwrap().len(), 2);
    let sa = get(&app, &s.supplier, &id).await;
    assert_eq!(sa["answers"][0]["review"], "clarification_requested");
    assert!(!sa.to_string().contains("INTERNAL"));
    let (st, _) = app
        .call(
            &s.supplier,
            "add_comment",
            &[
                ("answer_id", &first),
                ("visibility", "internal"),
                ("body", "x"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let (st, _) = app
        .call(&s.supplier, "get_gap", &[("assessment_id", &id)])
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    // Clarification round trip.
    let (st, r) = app
        .call(&reviewer, "request_changes", &[("assessment_id", &id)])
        .await;
    assert_eq!((st, r), (StatusCode::OK, Value::from("changes_requested")));
    assert!(app
        .mails_to(w.sigma.email(Role::Contributor))
        .await
        .iter()
        .any(|m| m.subject.contains("Changes requested")));
    let v = sa["answers"][0]["version"].as_i64().unwrap();
    let (st, _) = save(
        &app,
        &s.supplier,
        &first,
        v,
        &[
            ("compliance", "meets"),
            ("claimed_level", "3"),
            ("statement", "Audit report attached"),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = app
        .call(
            &s.supplier,
            "add_comment",
            &[
                ("answer_id", &first),
                ("visibility", "shared"),
                ("body", "Attached as requested."),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = app
        .call(&s.supplier, "submit_assessment", &[("assessment_id", &id)])
        .await;
    assert_eq!(st, StatusCode::OK);
    app.call(&reviewer, "begin_review", &[("assessment_id", &id)])
        .await;

    // The gap analysis: 4-1 practices, maturity levels.
    let (st, gap) = app
        .call(&reviewer, "get_gap", &[("assessment_id", &id)])
        .await;
    assert_eq!(st, StatusCode::OK, "{gap}");
    assert_eq!(
        gap["score"], 100.0,
        "one item meets above target, the rest do not count: {gap}"
    );
    assert_eq!(gap["lines"].as_array().unwrap().len(), 47);

    // Decisions: checked, then recorded with conditions as commitments.
    for (decision, rationale, conditions) in [
        ("accept", "", ""),
        ("reject", "No", "Fix it | 2027-01-01"),
        ("accept_with_conditions", "OK", ""),
        ("accept_with_conditions", "OK", "Fix it | someday"),
    ] {
        let (st, _) = app
            .call(
                &reviewer,
                "decide_assessment",
                &[
                    ("assessment_id", &id),
                    ("decision", decision),
                    ("rationale", rationale),
                    ("conditions", conditions),
                ],
            )
            .await;
        assert_eq!(
            st,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{decision} {rationale} {conditions}"
        );
    }
    // Answers are still open (one awaits clarification, one is accepted,
    // the rest have no verdict): the decision names them and
    // waits for an explicit "decide anyway".
    let decide = |despite: &'static str| {
        let (app, reviewer, id) = (&app, reviewer.clone(), id.clone());
        async move {
            app.call(
                &reviewer,
                "decide_assessment",
                &[
                    ("assessment_id", id.as_str()),
                    ("decision", "accept_with_conditions"),
                    ("rationale", "Meets our SDL needs; two follow-ups."),
                    ("conditions", "Deliver the 2027 penetration test report | 2027-06-30\nTrain the support staff"),
                    ("despite_open", despite),
                ],
            )
            .await
        }
    };
    let (st, r) = decide("").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    let text = r.to_string();
    assert!(
        text.contains("45 answer(s) not reviewed yet and 1 awaiting clarification: "),
        "{text}"
    );
    assert!(text.contains("and 38 more"), "{text}");
    assert_eq!(
        get(&app, &s.supplier, &id).await["summary"]["status"],
        "under_review"
    );
    let (st, r) = decide("yes").await;
    assert_eq!(
        (st, r),
        (StatusCode::OK, Value::from("accepted_with_conditions"))
    );
    use sea_orm::{EntityTrait, PaginatorTrait};
    let n = app::server::entities::commitment::Entity::find()
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(n, 2);
    let done = get(&app, &s.supplier, &id).await;
    assert_eq!(done["summary"]["status"], "accepted_with_conditions");
    assert_eq!(done["decision"], "Meets our SDL needs; two follow-ups.");
    let (st, _) = app
        .call(
            &reviewer,
            "review_answer",
            &[("answer_id", &first), ("status", "rejected")],
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "decided: no more verdicts");
    app.finish().await;
}
both!(a_reviewer_reviews_clarifies_and_decides);
