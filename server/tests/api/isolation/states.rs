//! The other supplier in the same engagement, a supplier's viewer and
//! another asset owner, against one assessment in every state it passes
//! through: sent, submitted, under review, decided, withdrawn. Every read is
//! refused and every write is refused and changes nothing.

use crate::assessments::Sent;
use crate::both;
use crate::common::{invite_and_accept, org, Backend, Org, TestApp, World, PASSWORD};
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

/// `org` accepts Alpha's invitation as its supplier (through its admin,
/// signed in) and is sent the same profile in the same engagement as Sigma.
/// Returns its signed-in admin and the new assessment's id.
async fn joins_and_is_sent(app: &TestApp, s: &Sent, org: &Org) -> (Client, String) {
    let admin = app.login(org.email(Role::Admin), PASSWORD).await;
    let (st, r) = invite_and_accept(
        app,
        &s.owner,
        "invite_supplier",
        &[
            ("name", org.name.as_str()),
            ("kind", "product_supplier"),
            ("admin_email", org.email(Role::Admin)),
        ],
        &admin,
        org.id,
    )
    .await;
    assert!(st.is_success() || st.is_redirection(), "{st} {r}");
    let (st, id) = app
        .call(
            &s.owner,
            "send_assessment",
            &[
                ("engagement_id", &s.engagement),
                ("supplier_org_id", &org.id.0.to_string()),
                ("profile_id", &s.profile),
                ("due_on", &crate::assessments::due()),
                ("message", ""),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{id}");
    (admin, id.to_string())
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
    let (rho_admin, _) = joins_and_is_sent(&app, &s, &rho).await;
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
                            ("despite_open", "yes"),
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

/// Beta, an asset owner, also supplies Alpha (an organization of two
/// kinds), and Rho's contributor also reviews for Beta (a person in two
/// organizations). Each sees, in each organization, only what that
/// organization may: never Sigma's or Rho's answers in Alpha's engagement,
/// never Alpha's internal remarks, and nothing of one organization while
/// signed in to the other.
async fn two_kinds_and_two_organizations_stay_apart(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = crate::assessments::send(&app, &w).await;
    let (beta_admin, beta_assessment) = joins_and_is_sent(&app, &s, &w.beta).await;
    let (_, me) = app.call(&beta_admin, "me", &[]).await;
    assert_eq!(
        me["org_kinds"],
        serde_json::json!(["asset_owner", "product_supplier"]),
        "{me}"
    );

    // Sigma's confidential answer and Alpha's internal remark on Beta's.
    let a = crate::assessments::get(&app, &s.supplier, &s.assessment).await;
    let sigma_answer = a["answers"][0]["id"].to_string();
    let (st, r) = crate::assessments::save(
        &app,
        &s.supplier,
        &sigma_answer,
        a["answers"][0]["version"].as_i64().unwrap(),
        &[("compliance", "meets"), ("statement", "SIGMA-CONFIDENTIAL")],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let ba = crate::assessments::get(&app, &s.owner, &beta_assessment).await;
    let beta_answer = ba["answers"][0]["id"].to_string();
    let (st, r) = app
        .call(
            &s.owner,
            "add_comment",
            &[
                ("answer_id", &beta_answer),
                ("visibility", "internal"),
                ("body", "OWNER-INTERNAL about Beta's price"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");

    // Beta as Alpha's supplier: its own questionnaire, nothing else.
    let (st, mine) = app
        .call(
            &beta_admin,
            "get_assessment",
            &[("assessment_id", &beta_assessment)],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{mine}");
    assert_eq!(mine["side"], "supplier");
    let (st, comments) = app
        .call(
            &beta_admin,
            "list_comments",
            &[("assessment_id", &beta_assessment)],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        !comments.to_string().contains("OWNER-INTERNAL"),
        "{comments}"
    );
    for (endpoint, args) in [
        (
            "get_assessment",
            vec![("assessment_id", s.assessment.as_str())],
        ),
        ("answer_history", vec![("answer_id", sigma_answer.as_str())]),
        (
            "get_engagement",
            vec![("engagement_id", s.engagement.as_str())],
        ),
        (
            "compare_suppliers",
            vec![("engagement_id", s.engagement.as_str())],
        ),
    ] {
        let (st, r) = app.call(&beta_admin, endpoint, &args).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{endpoint}: {r}");
    }
    // Beta as an asset owner still sees only its own engagements.
    let (_, engagements) = app.call(&beta_admin, "list_engagements", &[]).await;
    assert!(
        !engagements.to_string().contains("SCADA upgrade 2027"),
        "{engagements}"
    );
    let (_, list) = app.call(&beta_admin, "list_assessments", &[]).await;
    let text = list.to_string();
    assert!(!text.contains("Sigma Devices"), "{text}");
    for page in [
        format!("/assessments/{beta_assessment}"),
        "/assessments".to_string(),
        "/commitments".to_string(),
    ] {
        let html = app.page(&beta_admin, &page).await;
        assert!(!html.contains("SIGMA-CONFIDENTIAL"), "{page}");
        assert!(!html.contains("OWNER-INTERNAL"), "{page}");
        assert!(!html.contains("Sigma Devices"), "{page}");
    }

    // Rho's contributor also reviews for Beta: one organization at a time.
    let rho = org(
        &app.state,
        "Rho Controls",
        "rho",
        OrgKind::ProductSupplier,
        &[Role::Admin, Role::Contributor],
    )
    .await;
    let (_, rho_assessment) = joins_and_is_sent(&app, &s, &rho).await;
    let dual_email = rho.email(Role::Contributor).to_string();
    let (st, r) = app
        .call(
            &beta_admin,
            "invite_member",
            &[("email", &dual_email), ("role", "reviewer")],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let mail = app.mails_to(&dual_email).await;
    let link = crate::common::link_in(&mail.last().unwrap().body, "/invite/");
    let token = link.rsplit('/').next().unwrap();
    let dual = app.login(&dual_email, PASSWORD).await;
    let (st, r) = app
        .call(
            &dual,
            "accept_invitation",
            &[
                ("token", token),
                ("display_name", ""),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert!(st.is_success() || st.is_redirection(), "{st} {r}");
    let (_, me) = app.call(&dual, "me", &[]).await;
    assert_eq!(me["org_name"], "Beta Power", "{me}");
    assert_eq!(me["memberships"].as_array().unwrap().len(), 2, "{me}");
    // Signed in to Beta: Rho's questionnaire is not there, nor Sigma's.
    for id in [&rho_assessment, &s.assessment] {
        let (st, _) = app
            .call(&dual, "get_assessment", &[("assessment_id", id)])
            .await;
        assert_eq!(st, StatusCode::NOT_FOUND, "as Beta: {id}");
    }
    // Beta's questionnaire from Alpha is Beta's: the reviewer of Beta reads it.
    let (st, _) = app
        .call(
            &dual,
            "get_assessment",
            &[("assessment_id", &beta_assessment)],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    // Switched to Rho: Rho's own, and not Beta's nor Sigma's.
    let (st, _) = app
        .call(
            &dual,
            "switch_organization",
            &[("org_id", &rho.id.0.to_string())],
        )
        .await;
    assert!(st.is_success() || st.is_redirection(), "{st}");
    let (st, _) = app
        .call(
            &dual,
            "get_assessment",
            &[("assessment_id", &rho_assessment)],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    for id in [&beta_assessment, &s.assessment] {
        let (st, _) = app
            .call(&dual, "get_assessment", &[("assessment_id", id)])
            .await;
        assert_eq!(st, StatusCode::NOT_FOUND, "as Rho: {id}");
    }
    let (_, members) = app.call(&dual, "list_members", &[]).await;
    assert!(!members.to_string().contains("beta.test"), "{members}");
    app.finish().await;
}
both!(two_kinds_and_two_organizations_stay_apart);
