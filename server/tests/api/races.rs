//! Writes that race each other: every change to answers goes through one
//! writer that locks the assessment and checks versions, so a sheet racing
//! a submit lands whole before it or not at all, and a pre-fill racing a
//! colleague's save is a clean conflict for one of them, never an overwrite.

use crate::assessments::{answer_everything_and_submit, get, save, send};
use crate::both;
use crate::common::{Backend, TestApp, World};
use crate::workbooks::sheet;
use app::server::entities::{answer_version, audit_event};
use reqwest::StatusCode;
use sea_orm::{
    sea_query::ExprTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

async fn a_sheet_racing_a_submit_lands_before_it_or_not_at_all(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;
    answer_everything_and_submit(&app, &s).await;
    let mut landed = 0;
    for round in 0..10 {
        let (st, r) = app
            .call(
                &s.owner,
                "change_assessment",
                &[("assessment_id", &s.assessment), ("change", "reopen")],
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{r}");
        let a = get(&app, &s.supplier, &s.assessment).await;
        let rows: Vec<(String, i64)> = a["answers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| (x["id"].to_string(), x["version"].as_i64().unwrap()))
            .collect();
        let text = format!("Round {round}");
        let file = sheet(&rows, |i| {
            let mut f = vec![("statement", text.clone())];
            if i == 0 {
                f.extend([
                    ("compliance", "meets".into()),
                    ("claimed_level", "2".into()),
                ]);
            } else {
                f.extend([
                    ("compliance", "not_applicable".into()),
                    ("na_reason", "n/a".into()),
                ]);
            }
            f
        });
        let id_field = [("assessment_id", s.assessment.as_str())];
        let apply = app.upload(&s.supplier, "apply_answer_sheet", &id_field, "a.xlsx", file);
        // Submits start a little later each round, so that some land
        // before the sheet's write, some during it, some after.
        let submit = async {
            tokio::time::sleep(std::time::Duration::from_millis(round * 6)).await;
            app.call(&s.supplier, "submit_assessment", &id_field).await
        };
        let ((applied, body), (submitted, sbody)) = futures::join!(apply, submit);
        assert!(
            applied == StatusCode::OK || applied == StatusCode::CONFLICT,
            "{applied} {body}"
        );
        assert!(
            submitted == StatusCode::OK || submitted == StatusCode::CONFLICT,
            "{submitted} {sbody}"
        );
        // All or nothing: every statement is the round's, or none.
        let a = get(&app, &s.supplier, &s.assessment).await;
        let statements: Vec<&str> = a["answers"]
            .as_array()
            .unwrap()
            .iter()
            // An empty statement is left out of what travels.
            .map(|x| x["fields"]["statement"].as_str().unwrap_or(""))
            .collect();
        let new = statements.iter().filter(|t| **t == text).count();
        assert!(
            new == 0 || new == statements.len(),
            "{new} of {}",
            statements.len()
        );
        assert_eq!(new > 0, applied == StatusCode::OK, "{body}");
        landed += usize::from(new > 0);
        // No answer of the assessment changed after it was submitted.
        let events = audit_event::Entity::find()
            .filter(
                audit_event::Column::ObjectId
                    .eq(s.assessment.as_str())
                    .or(audit_event::Column::ObjectId.starts_with(format!("{}/", s.assessment))),
            )
            .order_by_asc(audit_event::Column::Seq)
            .all(&app.state.db)
            .await
            .unwrap();
        let mut submitted_at = None;
        for e in &events {
            if e.action == "assessment.status_changed" {
                let submitted = e.after.as_deref().unwrap_or("").contains("\"submitted\"");
                submitted_at = submitted.then_some(e.seq);
            }
            if e.action == "answer.saved" {
                assert!(
                    submitted_at.is_none(),
                    "round {round}: answer {} saved after the submit",
                    e.object_id
                );
            }
        }
        if submitted != StatusCode::OK {
            // The sheet won; submit now.
            let (st, r) = app
                .call(
                    &s.supplier,
                    "submit_assessment",
                    &[("assessment_id", &s.assessment)],
                )
                .await;
            assert_eq!(st, StatusCode::OK, "{r}");
        }
    }
    assert!(
        app::server::audit::verify(&app.state.db, &app.state.audit_key)
            .await
            .unwrap()
            .is_ok()
    );
    eprintln!("sheets that landed before the submit: {landed} of 10");
    app.finish().await;
}
both!(a_sheet_racing_a_submit_lands_before_it_or_not_at_all);

async fn a_prefill_racing_a_save_never_overwrites_it(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    // Earlier answers to the same requirements, in another engagement.
    let earlier = send(&app, &w).await;
    let a = get(&app, &earlier.supplier, &earlier.assessment).await;
    for x in a["answers"].as_array().unwrap() {
        let fields = [("compliance", "meets"), ("statement", "From last year")];
        let (st, r) = save(&app, &earlier.supplier, &x["id"].to_string(), 0, &fields).await;
        assert_eq!(st, StatusCode::OK, "{r}");
    }
    let s = send(&app, &w).await;
    let a = get(&app, &s.supplier, &s.assessment).await;
    let ids: Vec<String> = a["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].to_string())
        .collect();
    // A colleague saves every answer while the pre-fill runs.
    let saves = futures::future::join_all(ids.iter().map(|id| {
        let (app, c) = (&app, s.supplier.clone());
        async move {
            let fields = [("compliance", "does_not_meet"), ("statement", "Colleague")];
            save(app, &c, id, 0, &fields).await
        }
    }));
    let id_field = [("assessment_id", s.assessment.as_str())];
    let prefill = app.call(&s.supplier, "prefill_answers", &id_field);
    let (saved, (st, filled)) = futures::join!(saves, prefill);
    assert_eq!(st, StatusCode::OK, "{filled}");
    let filled = filled.as_u64().unwrap() as usize;
    let mut colleague_won = 0;
    for (st, r) in &saved {
        assert_eq!(*st, StatusCode::OK, "{r}");
        if r.get("Saved").is_some() {
            colleague_won += 1;
        } else {
            // The pre-fill came first: the colleague is shown its text.
            assert_eq!(
                r["Conflict"]["theirs"]["statement"], "From last year",
                "{r}"
            );
        }
    }
    assert_eq!(
        filled + colleague_won,
        ids.len(),
        "each answer written once"
    );
    let a = get(&app, &s.supplier, &s.assessment).await;
    let by_colleague = a["answers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["fields"]["statement"] == "Colleague")
        .count();
    assert_eq!(by_colleague, colleague_won, "no save was overwritten");
    for x in a["answers"].as_array().unwrap() {
        assert_eq!(x["version"], 1, "{x}");
    }
    let ids: Vec<i64> = ids.iter().map(|x| x.parse().unwrap()).collect();
    let kept = answer_version::Entity::find()
        .filter(answer_version::Column::AnswerId.is_in(ids.clone()))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(kept as usize, ids.len(), "one kept version per answer");
    eprintln!("pre-filled {filled}, saved by the colleague {colleague_won}");
    app.finish().await;
}
both!(a_prefill_racing_a_save_never_overwrites_it);
