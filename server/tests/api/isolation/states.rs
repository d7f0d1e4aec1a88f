//! The other supplier in the same engagement, a supplier's viewer and
//! another asset owner, against one assessment in every state it passes
//! through: sent, submitted, under review, decided, withdrawn. Every read is
//! refused and every write is refused and changes nothing.

use crate::both;
use crate::common::{invite_and_accept, org, Backend, TestApp, World, PASSWORD};
use app::model::{OrgKind, Role};
use reqwest::{Client, StatusCode};

/// Every call an outsider could try on `assessment` and its `answer`.
async fn sweep(
    app: &TestApp,
    who: &str,
    c: &Client,
    assessment: &str,
    answer: &str,
) -> Vec<String> {
    let anon = who == "anonymous";
    let want = if anon { 401 } else { 404 };
    let calls: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("get_assessment", vec![("assessment_id", assessment)]),
        ("list_comments", vec![("assessment_id", assessment)]),
        ("get_gap", vec![("assessment_id", assessment)]),
        ("answer_history", vec![("answer_id", answer)]),
        ("submit_assessment", vec![("assessment_id", assessment)]),
        ("begin_review", vec![("assessment_id", assessment)]),
        (
            "review_answer",
            vec![("answer_id", answer), ("status", "accepted")],
        ),
        (
            "decide_assessment",
            vec![
                ("assessment_id", assessment),
                ("decision", "reject"),
                ("rationale", "No"),
                ("conditions", ""),
            ],
        ),
        (
            "change_assessment",
            vec![("assessment_id", assessment), ("change", "withdraw")],
        ),
        (
            "change_assessment",
            vec![("assessment_id", assessment), ("change", "reopen")],
        ),
        (
            "add_comment",
            vec![
                ("answer_id", answer),
                ("visibility", "shared"),
                ("body", "OUTSIDER-COMMENT"),
            ],
        ),
        (
            "assign_answer",
            vec![("answer_id", answer), ("assignee", "")],
        ),
        (
            "add_evidence_link",
            vec![
                ("answer_id", answer),
                ("title", "Outsider"),
                ("url", "https://outsider.example/x"),
            ],
        ),
    ];
    let mut failures = Vec::new();
    for (endpoint, args) in calls {
        let (st, body) = app.call(c, endpoint, &args).await;
        if st.as_u16() != want {
            failures.push(format!(
                "{who} {endpoint} {args:?}: got {st}, want {want}: {body}"
            ));
        }
    }
    let (st, body) = crate::assessments::save(
        app,
        c,
        answer,
        0,
        &[("compliance", "meets"), ("statement", "OUTSIDER-ANSWER")],
    )
    .await;
    if st.as_u16() != want {
        failures.push(format!("{who} save_answer: got {st}, want {want}: {body}"));
    }
    let (st, body) = app
        .upload(
            c,
            "upload_evidence",
            &[("answer_id", answer)],
            "outsider.txt",
            b"outsider".to_vec(),
        )
        .await;
    if st.as_u16() != want {
        failures.push(format!(
            "{who} upload_evidence: got {st}, want {want}: {body}"
        ));
    }
    for (path, anon_status) in [
        (format!("/assessments/{assessment}"), 302),
        (format!("/assessments/{assessment}/export/xlsx"), 401),
    ] {
        let r = c
            .get(app.url(&path))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        let got = r.status().as_u16();
        let want = if anon { anon_status } else { 404 };
        let text = r.text().await.unwrap_or_default();
        if got != want {
            failures.push(format!("{who} GET {path}: got {got}, want {want}"));
        }
        if text.contains("SIGMA-CONFIDENTIAL") {
            failures.push(format!("{who} GET {path}: shows Sigma's answer"));
        }
    }
    failures
}

async fn every_assessment_state_is_closed_to_outsiders(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = crate::assessments::send(&app, &w).await;
    // Rho, a second supplier of Alpha, answers in the same engagement.
    let rho = org(
        &app.state,
        "Rho Controls",
        "rho",
        OrgKind::ProductSupplier,
        &[Role::Admin, Role::Contributor, Role::Viewer],
    )
    .await;
    let rho_admin = app.login(rho.email(Role::Admin), PASSWORD).await;
    let (st, r) = invite_and_accept(
        &app,
        &s.owner,
        "invite_supplier",
        &[
            ("name", "Rho Controls"),
            ("kind", "product_supplier"),
            ("admin_email", "admin@rho.test"),
        ],
        &rho_admin,
        rho.id,
    )
    .await;
    assert!(st.is_success() || st.is_redirection(), "{st} {r}");
    let (st, r) = app
        .call(
            &s.owner,
            "send_assessment",
            &[
                ("engagement_id", &s.engagement),
                ("supplier_org_id", &rho.id.0.to_string()),
                ("profile_id", &s.profile),
                ("due_on", &crate::assessments::due()),
                ("message", ""),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let outsiders = [
        ("rho admin", rho_admin),
        (
            "rho contributor",
            app.login(rho.email(Role::Contributor), PASSWORD).await,
        ),
        (
            "rho viewer",
            app.login(rho.email(Role::Viewer), PASSWORD).await,
        ),
        (
            "beta admin",
            app.login(w.beta.email(Role::Admin), PASSWORD).await,
        ),
        (
            "beta reviewer",
            app.login(w.beta.email(Role::Reviewer), PASSWORD).await,
        ),
        ("anonymous", app.client()),
    ];
    let a = crate::assessments::get(&app, &s.supplier, &s.assessment).await;
    let mut answer = a["answers"][0]["id"].to_string();
    let mut assessment = s.assessment.clone();
    let (st, r) = crate::assessments::save(
        &app,
        &s.supplier,
        &answer,
        a["answers"][0]["version"].as_i64().unwrap(),
        &[
            ("compliance", "meets"),
            ("claimed_level", "2"),
            ("statement", "SIGMA-CONFIDENTIAL design notes"),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{r}");

    let mut failures = Vec::new();
    let mut seen = Vec::new();
    for state in ["sent", "submitted", "under_review", "decided", "withdrawn"] {
        match state {
            "submitted" => crate::assessments::answer_everything_and_submit(&app, &s).await,
            "under_review" => {
                let (st, r) = app
                    .call(
                        &s.owner,
                        "begin_review",
                        &[("assessment_id", &s.assessment)],
                    )
                    .await;
                assert_eq!(st, StatusCode::OK, "{r}");
            }
            "decided" => {
                let (st, r) = app
                    .call(
                        &s.owner,
                        "decide_assessment",
                        &[
                            ("assessment_id", &s.assessment),
                            ("decision", "accept"),
                            ("rationale", "Fine"),
                            ("conditions", ""),
                        ],
                    )
                    .await;
                assert_eq!(st, StatusCode::OK, "{r}");
            }
            "withdrawn" => {
                // A decided assessment is not withdrawn: a second one, sent
                // to Sigma in another engagement, is.
                let (st, e) = app
                    .call(
                        &s.owner,
                        "create_engagement",
                        &[("name", "Second tender"), ("description", "")],
                    )
                    .await;
                assert_eq!(st, StatusCode::OK, "{e}");
                let (st, id) = app
                    .call(
                        &s.owner,
                        "send_assessment",
                        &[
                            ("engagement_id", &e.to_string()),
                            ("supplier_org_id", &w.sigma.id.0.to_string()),
                            ("profile_id", &s.profile),
                            ("due_on", &crate::assessments::due()),
                            ("message", ""),
                        ],
                    )
                    .await;
                assert_eq!(st, StatusCode::OK, "{id}");
                assessment = id.to_string();
                let a = crate::assessments::get(&app, &s.supplier, &assessment).await;
                answer = a["answers"][0]["id"].to_string();
                let (st, r) = app
                    .call(
                        &s.owner,
                        "change_assessment",
                        &[("assessment_id", &assessment), ("change", "withdraw")],
                    )
                    .await;
                assert_eq!(st, StatusCode::OK, "{r}");
            }
            _ => {}
        }
        let before = crate::assessments::get(&app, &s.owner, &assessment).await;
        seen.push(
            before["summary"]["status"]
                .as_str()
                .unwrap_or("?")
                .to_string(),
        );
        for (who, c) in &outsiders {
            failures.extend(
                sweep(&app, who, c, &assessment, &answer)
                    .await
                    .into_iter()
                    .map(|f| format!("[{state}] {f}")),
            );
        }
        let after = crate::assessments::get(&app, &s.owner, &assessment).await;
        assert_eq!(before, after, "[{state}] the assessment changed");
        assert!(!after.to_string().contains("OUTSIDER"), "[{state}] {after}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(
        seen,
        [
            "in_progress",
            "submitted",
            "under_review",
            "accepted",
            "withdrawn"
        ],
        "the states the sweep ran in"
    );
    app.finish().await;
}
both!(every_assessment_state_is_closed_to_outsiders);
