//! The supplier comparison of an engagement, its workbook, and assessors
//! invited into an engagement.

use crate::assessments::{due, save, send, Sent};
use crate::both;
use crate::common::{
    accept_partner, invite_and_accept, org, partner_token, Backend, TestApp, World, PASSWORD,
};
use app::model::{OrgKind, Role};
use reqwest::{Client, StatusCode};
use serde_json::Value;

/// A supplier organization of Alpha's, with an admin and a contributor;
/// returns its id and a signed-in contributor.
pub async fn supplier(app: &TestApp, owner: &Client, name: &str, slug: &str) -> (i64, Client) {
    let o = org(
        &app.state,
        name,
        slug,
        OrgKind::ProductSupplier,
        &[Role::Admin, Role::Contributor],
    )
    .await;
    let admin = app.login(o.email(Role::Admin), PASSWORD).await;
    let (st, r) = invite_and_accept(
        app,
        owner,
        "invite_supplier",
        &[
            ("name", name),
            ("kind", "product_supplier"),
            ("admin_email", &format!("admin@{slug}.test")),
        ],
        &admin,
        o.id,
    )
    .await;
    assert!(st.is_success() || st.is_redirection(), "{st} {r}");
    let c = app.login(o.email(Role::Contributor), PASSWORD).await;
    (o.id.0, c)
}

pub async fn send_to(app: &TestApp, s: &Sent, profile: &str, supplier: i64) -> String {
    let (st, a) = app
        .call(
            &s.owner,
            "send_assessment",
            &[
                ("engagement_id", &s.engagement),
                ("supplier_org_id", &supplier.to_string()),
                ("profile_id", profile),
                ("due_on", &due()),
                ("message", ""),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{a}");
    a.to_string()
}

async fn first_answer(app: &TestApp, c: &Client, assessment: &str) -> String {
    let (st, a) = app
        .call(c, "get_assessment", &[("assessment_id", assessment)])
        .await;
    assert_eq!(st, StatusCode::OK, "{a}");
    a["answers"][0]["id"].to_string()
}

async fn compare(app: &TestApp, c: &Client, engagement: &str) -> (StatusCode, Value) {
    app.call(c, "compare_suppliers", &[("engagement_id", engagement)])
        .await
}

async fn suppliers_compare_side_by_side(b: Backend) {
    use calamine::Reader;
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;
    let (omega, omega_user) = supplier(&app, &s.owner, "Omega Controls", "omega").await;
    let omega_assessment = send_to(&app, &s, &s.profile, omega).await;

    // Sigma meets the first requirement at ML2; Omega only partially, at ML1.
    let sigma_first = first_answer(&app, &s.supplier, &s.assessment).await;
    let (st, r) = save(
        &app,
        &s.supplier,
        &sigma_first,
        0,
        &[("compliance", "meets"), ("claimed_level", "2")],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let omega_first = first_answer(&app, &omega_user, &omega_assessment).await;
    let (st, r) = save(
        &app,
        &omega_user,
        &omega_first,
        0,
        &[("compliance", "partially_meets"), ("claimed_level", "1")],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{r}");

    let (st, m) = compare(&app, &s.owner, &s.engagement).await;
    assert_eq!(st, StatusCode::OK, "{m}");
    let suppliers: Vec<&str> = m["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["supplier"].as_str().unwrap())
        .collect();
    assert_eq!(suppliers, ["Sigma Devices", "Omega Controls"]);
    let rows = m["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 47);
    let first = &rows[0];
    assert_eq!(first["cells"][0]["compliance"], "meets");
    assert_eq!(first["cells"][0]["gap"], false);
    assert_eq!(first["cells"][1]["compliance"], "partially_meets");
    assert_eq!(first["cells"][1]["gap"], true);
    assert_eq!(
        (first["gap"].clone(), first["differs"].clone()),
        (true.into(), true.into())
    );
    // Everything else is unanswered by both: a gap, but no difference.
    assert!(rows[1..]
        .iter()
        .all(|r| r["gap"] == true && r["differs"] == false));
    assert_eq!(m["columns"][0]["answered"], 1);
    assert_eq!(m["columns"][1]["unmet"], 47);

    // The page renders the matrix for the asset owner's viewers too.
    let viewer = app.login(w.alpha.email(Role::Viewer), PASSWORD).await;
    let html = viewer
        .get(app.url(&format!("/engagements/{}/compare", s.engagement)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Omega Controls") && html.contains("Partially meets"));

    // The workbook: one column per supplier, each supplier's score.
    let r = s
        .owner
        .get(app.url(&format!("/engagements/{}/export/xlsx", s.engagement)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), vec!["Matrix", "Suppliers"]);
    let matrix = book.worksheet_range("Matrix").unwrap();
    assert_eq!(matrix.height(), 48);
    let header: Vec<String> = matrix
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(&header[6..], ["Sigma Devices", "Omega Controls"]);
    let row1: Vec<String> = matrix
        .rows()
        .nth(1)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(&row1[6..], ["Meets · ML2", "Partially meets · ML1"]);
    let scores = book.worksheet_range("Suppliers").unwrap();
    assert_eq!(scores.height(), 3);

    // Withdrawn assessments leave the comparison.
    let (st, _) = app
        .call(
            &s.owner,
            "change_assessment",
            &[("assessment_id", &omega_assessment), ("change", "withdraw")],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (_, m) = compare(&app, &s.owner, &s.engagement).await;
    assert_eq!(m["columns"].as_array().unwrap().len(), 1);

    // Suppliers never compare: not even their own engagement exists for them.
    for c in [&s.supplier, &omega_user] {
        let (st, _) = compare(&app, c, &s.engagement).await;
        assert_eq!(st, StatusCode::NOT_FOUND);
        let r = c
            .get(app.url(&format!("/engagements/{}/export/xlsx", s.engagement)))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    }
    app.finish().await;
}
both!(suppliers_compare_side_by_side);

async fn an_assessor_reads_and_comments_internally(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;
    let kappa = org(
        &app.state,
        "Kappa Assurance",
        "kappa",
        OrgKind::Assessor,
        &[Role::Admin, Role::Viewer],
    )
    .await;
    let invite = |name: &'static str, email: &'static str| {
        let (app, owner, engagement) = (&app, &s.owner, s.engagement.clone());
        async move {
            app.call(
                owner,
                "invite_assessor",
                &[
                    ("engagement_id", engagement.as_str()),
                    ("name", name),
                    ("admin_email", email),
                ],
            )
            .await
        }
    };
    // Kappa's admin accepts for Kappa; a second invitation cannot make it
    // an assessor twice.
    let kappa_admin = app.login(kappa.email(Role::Admin), PASSWORD).await;
    for want in [StatusCode::OK, StatusCode::CONFLICT] {
        let (st, r) = invite("Kappa Assurance", "admin@kappa.test").await;
        assert_eq!(st, StatusCode::OK, "{r}");
        let token = partner_token(&app, &r, "admin@kappa.test").await;
        let (st, r) = accept_partner(&app, &kappa_admin, &token, &kappa.id.0.to_string()).await;
        if want == StatusCode::OK {
            assert!(st.is_success() || st.is_redirection(), "{st} {r}");
        } else {
            assert_eq!(st, want, "{r}");
            assert!(r.to_string().contains("already an assessor"), "{r}");
        }
    }
    // A supplier of the engagement cannot assess it.
    let sigma_admin = app.login(w.sigma.email(Role::Admin), PASSWORD).await;
    let (st, r) = invite("Sigma Devices", "admin@sigma.test").await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let token = partner_token(&app, &r, "admin@sigma.test").await;
    let (st, r) = accept_partner(&app, &sigma_admin, &token, &w.sigma.id.0.to_string()).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    assert!(
        r.to_string().contains("must not be one of its suppliers"),
        "{r}"
    );
    // A new assessor organization, created by the person invited.
    let (st, r) = invite("Lambda Evaluations", "lead@lambda.test").await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(r["invitation"]["email"], "lead@lambda.test");
    let token = partner_token(&app, &r, "lead@lambda.test").await;
    let (st, r) = app
        .call(
            &app.client(),
            "accept_partner_invitation",
            &[
                ("token", token.as_str()),
                ("org", "new"),
                ("org_name", "Lambda Evaluations"),
                ("display_name", "Lena Lambda"),
                ("password", "saffron-glacier-moth-85"),
            ],
        )
        .await;
    assert!(st.is_success() || st.is_redirection(), "{st} {r}");
    let (_, e) = app
        .call(
            &s.owner,
            "get_engagement",
            &[("engagement_id", &s.engagement)],
        )
        .await;
    assert_eq!(
        e["assessors"],
        serde_json::json!(["Kappa Assurance", "Lambda Evaluations"])
    );

    let assessor = app.login(kappa.email(Role::Admin), PASSWORD).await;
    let (_, list) = app.call(&assessor, "list_engagements", &[]).await;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["assessing_for"], "Alpha Water");
    let (st, e) = app
        .call(
            &assessor,
            "get_engagement",
            &[("engagement_id", &s.engagement)],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{e}");
    assert_eq!(e["side"], "assessor");
    let (st, _) = compare(&app, &assessor, &s.engagement).await;
    assert_eq!(st, StatusCode::OK);
    let (st, a) = app
        .call(
            &assessor,
            "get_assessment",
            &[("assessment_id", &s.assessment)],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{a}");
    assert_eq!(a["side"], "assessor");
    let answer = a["answers"][0]["id"].to_string();

    // Reading only: no answer, verdict, decision or status change.
    let (st, _) = save(&app, &assessor, &answer, 0, &[("compliance", "meets")]).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    for (endpoint, args) in [
        (
            "review_answer",
            vec![("answer_id", answer.as_str()), ("status", "accepted")],
        ),
        (
            "begin_review",
            vec![("assessment_id", s.assessment.as_str())],
        ),
        (
            "decide_assessment",
            vec![
                ("assessment_id", s.assessment.as_str()),
                ("decision", "accept"),
                ("rationale", "Fine"),
                ("conditions", ""),
            ],
        ),
        (
            "change_assessment",
            vec![
                ("assessment_id", s.assessment.as_str()),
                ("change", "withdraw"),
            ],
        ),
        (
            "invite_assessor",
            vec![
                ("engagement_id", s.engagement.as_str()),
                ("name", "X"),
                ("admin_email", "x@x.test"),
            ],
        ),
    ] {
        let (st, r) = app.call(&assessor, endpoint, &args).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{endpoint}: {r}");
    }

    // Internal comments only; the owner reads them, the supplier never does.
    let (st, _) = app
        .call(
            &assessor,
            "add_comment",
            &[
                ("answer_id", &answer),
                ("visibility", "shared"),
                ("body", "Hello supplier"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let (st, r) = app
        .call(
            &assessor,
            "add_comment",
            &[
                ("answer_id", &answer),
                ("visibility", "internal"),
                ("body", "The SDL audit is two years old."),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let viewer = app.login(kappa.email(Role::Viewer), PASSWORD).await;
    let (st, _) = app
        .call(
            &viewer,
            "add_comment",
            &[
                ("answer_id", &answer),
                ("visibility", "internal"),
                ("body", "Viewer note"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (_, thread) = app
        .call(
            &s.owner,
            "list_comments",
            &[("assessment_id", &s.assessment)],
        )
        .await;
    assert_eq!(thread[0]["organization"], "Kappa Assurance");
    assert_eq!(thread[0]["visibility"], "internal");
    let (_, thread) = app
        .call(
            &s.supplier,
            "list_comments",
            &[("assessment_id", &s.assessment)],
        )
        .await;
    assert_eq!(thread, serde_json::json!([]));
    // The supplier's view of the assessment does not name the assessor.
    let (_, sa) = app
        .call(
            &s.supplier,
            "get_assessment",
            &[("assessment_id", &s.assessment)],
        )
        .await;
    assert!(!sa.to_string().contains("Kappa"));

    // An assessor of this engagement is not sent a questionnaire in it.
    let (st, r) = invite_and_accept(
        &app,
        &s.owner,
        "invite_supplier",
        &[
            ("name", "Kappa Assurance"),
            ("kind", "product_supplier"),
            ("admin_email", "admin@kappa.test"),
        ],
        &kappa_admin,
        kappa.id,
    )
    .await;
    assert!(st.is_success() || st.is_redirection(), "{st} {r}");
    let (st, r) = app
        .call(
            &s.owner,
            "send_assessment",
            &[
                ("engagement_id", &s.engagement),
                ("supplier_org_id", &kappa.id.0.to_string()),
                ("profile_id", &s.profile),
                ("due_on", &due()),
                ("message", ""),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    assert!(r.to_string().contains("assesses this engagement"), "{r}");

    // The invitation and the comment are in the audit trail.
    let (_, events) = app.call(&s.owner, "list_audit_events", &[]).await;
    for action in ["partner_invitation.created", "engagement.assessor_joined"] {
        assert!(events.to_string().contains(action), "{action}: {events}");
    }
    app.finish().await;
}
both!(an_assessor_reads_and_comments_internally);

async fn comparison_queries_do_not_grow(b: Backend) {
    use std::sync::atomic::Ordering;
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    // Engagement one: Sigma and one more supplier, 47 requirements each.
    let small = send(&app, &w).await;
    let (one, _) = supplier(&app, &small.owner, "Supplier One", "one").await;
    send_to(&app, &small, &small.profile, one).await;
    // Engagement two: five suppliers, the 47 and a 170-requirement profile.
    let (st, e) = app
        .call(
            &small.owner,
            "create_engagement",
            &[("name", "Big tender"), ("description", "")],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let large = crate::page_queries::large_profile(&app, &small.owner).await;
    let big = Sent {
        owner: small.owner.clone(),
        supplier: small.supplier.clone(),
        engagement: e.to_string(),
        assessment: String::new(),
        profile: large.clone(),
    };
    send_to(&app, &big, &large, w.sigma.id.0).await;
    send_to(&app, &big, &small.profile, one).await;
    for (name, slug) in [
        ("Supplier Two", "two"),
        ("Supplier Three", "three"),
        ("Supplier Four", "four"),
    ] {
        let (id, _) = supplier(&app, &small.owner, name, slug).await;
        send_to(&app, &big, &large, id).await;
    }

    let (state, queries) = crate::page_queries::counting_state(&app).await;
    let actor = app::server::session::actor_for(&state, w.alpha.email(Role::Viewer), w.alpha.id)
        .await
        .unwrap()
        .unwrap();
    let mut counts = Vec::new();
    for id in [&small.engagement, &big.engagement] {
        let id = app::model::EngagementId(id.parse().unwrap());
        // The first call reads the published profiles into memory.
        app::server::services::comparison::comparison(&actor, &state, id)
            .await
            .unwrap();
        queries.store(0, Ordering::SeqCst);
        let m = app::server::services::comparison::comparison(&actor, &state, id)
            .await
            .unwrap();
        counts.push((
            m.columns.len(),
            m.rows.len(),
            queries.load(Ordering::SeqCst),
        ));
    }
    assert_eq!((counts[0].0, counts[0].1), (2, 47));
    assert_eq!((counts[1].0, counts[1].1), (5, 170));
    assert_eq!(counts[0].2, counts[1].2, "{counts:?}");
    assert!(counts[0].2 <= 6, "{counts:?}");
    app.finish().await;
}
both!(comparison_queries_do_not_grow);

/// The form pairs of a send to several suppliers.
fn sends(engagement: &str, profile: &str, to: &[(i64, String)]) -> Vec<(String, String)> {
    let mut args = vec![
        ("engagement_id".to_string(), engagement.to_string()),
        ("profile_id".to_string(), profile.to_string()),
        (
            "message".to_string(),
            "One tender, two suppliers".to_string(),
        ),
    ];
    for (n, (s, d)) in to.iter().enumerate() {
        args.push((format!("sends[{n}][supplier_org_id]"), s.to_string()));
        args.push((format!("sends[{n}][due_on]"), d.clone()));
    }
    args
}

async fn one_profile_goes_to_several_suppliers_in_one_step(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;
    let (rho, rho_contributor) = supplier(&app, &s.owner, "Rho Controls", "rho").await;
    let (tau, _) = supplier(&app, &s.owner, "Tau Systems", "tau").await;
    let (st, e) = app
        .call(
            &s.owner,
            "create_engagement",
            &[("name", "Second tender"), ("description", "")],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{e}");
    let e = e.to_string();
    let call = |args: Vec<(String, String)>| {
        let (app, owner) = (&app, &s.owner);
        async move {
            let a: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            app.call(owner, "send_assessments", &a).await
        }
    };
    let count = |e: String| {
        let (app, owner) = (&app, &s.owner);
        async move {
            let (_, got) = app
                .call(owner, "get_engagement", &[("engagement_id", &e)])
                .await;
            got["assessments"].as_array().unwrap().len()
        }
    };
    let later = (chrono::Utc::now().date_naive() + chrono::Days::new(60)).to_string();
    // A supplier that is not Alpha's, a past date, a supplier twice, or
    // nobody: nothing is sent.
    for (to, field) in [
        (vec![(rho, due()), (w.beta.id.0, due())], "supplier"),
        (
            vec![(rho, due()), (tau, "2020-01-01".to_string())],
            "due_on",
        ),
        (vec![(rho, due()), (rho, later.clone())], "supplier"),
        (vec![(rho, due()), (tau, "tomorrow".to_string())], "due_on"),
        (vec![], "supplier"),
    ] {
        let (st, r) = call(sends(&e, &s.profile, &to)).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{to:?}: {r}");
        assert!(r.to_string().contains(field), "{field}: {r}");
        assert_eq!(count(e.clone()).await, 0, "{to:?} sent something");
    }
    // Three suppliers, each with its own due date: three assessments.
    let (st, ids) = call(sends(
        &e,
        &s.profile,
        &[(rho, due()), (tau, later.clone()), (w.sigma.id.0, due())],
    ))
    .await;
    assert_eq!(st, StatusCode::OK, "{ids}");
    assert_eq!(ids.as_array().unwrap().len(), 3, "{ids}");
    let (_, got) = app
        .call(&s.owner, "get_engagement", &[("engagement_id", &e)])
        .await;
    let mut dues: Vec<(String, String)> = got["assessments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["supplier"].as_str().unwrap().to_string(),
                a["due_on"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    dues.sort();
    let sigma_name = w.sigma.name.clone();
    let mut want = vec![
        ("Rho Controls".to_string(), due()),
        ("Tau Systems".to_string(), later.clone()),
        (sigma_name, due()),
    ];
    want.sort();
    assert_eq!(dues, want);
    // Each supplier hears of its own in the app, and reads only its own.
    let (_, n) = app.call(&rho_contributor, "list_notifications", &[]).await;
    let sent: Vec<_> = n["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "assessment.sent")
        .collect();
    assert_eq!(sent.len(), 1, "{n}");
    let (_, mine) = app.call(&rho_contributor, "list_assessments", &[]).await;
    assert!(
        mine.as_array()
            .unwrap()
            .iter()
            .all(|a| a["supplier"] == "Rho Controls"),
        "{mine}"
    );
    // Sending again to one already sent refuses the whole send, naming it.
    let (st, r) = call(sends(
        &e,
        &s.profile,
        &[(rho, due()), (w.sigma.id.0, due())],
    ))
    .await;
    assert_eq!(st, StatusCode::CONFLICT, "{r}");
    assert!(r.to_string().contains("Rho Controls"), "{r}");
    assert_eq!(count(e.clone()).await, 3);
    app.finish().await;
}
both!(one_profile_goes_to_several_suppliers_in_one_step);
