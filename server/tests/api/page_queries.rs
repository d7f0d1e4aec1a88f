//! What a page costs the database: each resource fetched once, and a
//! fixed number of queries whatever the number of requirements.

use crate::assessments::{due, get, save, send};
use crate::both;
use crate::catalogs::shipped_id;
use crate::common::{Backend, TestApp, World};
use app::model::Role;
use reqwest::{Client, StatusCode};

/// A server-rendered page fetches each of its data once: the page's
/// resources, as serialized for the browser, are all different (the
/// layout once built every page twice, each copy fetching everything).
async fn a_page_fetches_its_data_once(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;
    for (who, path) in [
        (&s.supplier, format!("/assessments/{}", s.assessment)),
        (&s.supplier, "/assessments".to_string()),
        (&s.supplier, "/".to_string()),
        (&s.owner, format!("/engagements/{}", s.engagement)),
        (&s.owner, "/".to_string()),
    ] {
        let html = app.page(who, &path).await;
        let resources: Vec<&str> = html
            .split("__RESOLVED_RESOURCES[")
            .skip(1)
            .map(|r| r.split_once("] = ").map_or("", |(_, data)| data))
            .map(|data| data.split("\";").next().unwrap_or(""))
            .collect();
        assert!(
            resources.len() >= 2,
            "{path}: {} resources",
            resources.len()
        );
        let distinct: std::collections::HashSet<&&str> = resources.iter().collect();
        assert_eq!(
            distinct.len(),
            resources.len(),
            "{path}: a resource was fetched twice"
        );
    }
    app.finish().await;
}
both!(a_page_fetches_its_data_once);

/// The queries behind an assessment page do not grow with its requirements.
/// A published profile of the whole 62443-2-4 and 4-1 catalogs (170 items).
pub async fn large_profile(app: &TestApp, owner: &Client) -> String {
    let large = crate::profiles::create(app, owner, "Large").await;
    for key in ["iec-62443-2-4", "iec-62443-4-1"] {
        let cat = shipped_id(app, key).await.to_string();
        let (st, _) = app
            .call(
                owner,
                "add_profile_items",
                &[
                    ("profile_id", &large),
                    ("catalog_id", &cat),
                    ("component_type", ""),
                    ("level", "2"),
                ],
            )
            .await;
        assert_eq!(st, StatusCode::OK);
    }
    app.call(owner, "publish_profile", &[("profile_id", &large)])
        .await;
    large
}

/// An application state on the test's database whose SQL statements are
/// counted, with the counter.
pub async fn counting_state(
    app: &TestApp,
) -> (
    app::server::AppState,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
) {
    use std::sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    };
    let mut db = app::server::db::connect(&app.state.config.database_url)
        .await
        .unwrap();
    let queries = Arc::new(AtomicUsize::new(0));
    let counter = queries.clone();
    db.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    let state = app::server::AppState::new(
        db,
        (*app.state.config).clone(),
        app::server::mail::Mailer::Log,
        app.state.audit_key.clone(),
    );
    (state, queries)
}

async fn assessment_queries_do_not_grow_with_requirements(b: Backend) {
    use std::sync::atomic::Ordering;
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    // 47 requirements (4-1) …
    let small = send(&app, &w).await;
    // … and 123 + 47 = 170 (2-4 and 4-1) in a second engagement.
    let large = large_profile(&app, &small.owner).await;
    let (st, big) = app
        .call(
            &small.owner,
            "send_assessment",
            &[
                ("engagement_id", &small.engagement),
                ("supplier_org_id", &w.sigma.id.0.to_string()),
                ("profile_id", &large),
                ("due_on", &due()),
                ("message", ""),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{big}");
    // Some answers and evidence, so every query has rows.
    let a = get(&app, &small.supplier, &big.to_string()).await;
    for x in a["answers"].as_array().unwrap().iter().take(20) {
        save(
            &app,
            &small.supplier,
            &x["id"].to_string(),
            0,
            &[("compliance", "meets")],
        )
        .await;
        app.call(
            &small.supplier,
            "add_evidence_link",
            &[
                ("answer_id", &x["id"].to_string()),
                ("title", "x"),
                ("url", "https://x.example"),
            ],
        )
        .await;
    }

    let (state, queries) = counting_state(&app).await;
    let mut counts = Vec::new();
    for (who, org) in [
        (w.sigma.email(Role::Contributor), w.sigma.id),
        (w.alpha.email(Role::Viewer), w.alpha.id),
    ] {
        let actor = app::server::session::actor_for(&state, who, org)
            .await
            .unwrap()
            .unwrap();
        for id in [&small.assessment, &big.to_string()] {
            // The first read of a published profile keeps it in memory.
            app::server::services::assessments::get(
                &actor,
                &state,
                app::model::AssessmentId(id.parse().unwrap()),
            )
            .await
            .unwrap();
            queries.store(0, Ordering::SeqCst);
            let dto = app::server::services::assessments::get(
                &actor,
                &state,
                app::model::AssessmentId(id.parse().unwrap()),
            )
            .await
            .unwrap();
            counts.push((dto.answers.len(), queries.load(Ordering::SeqCst)));
        }
    }
    assert_eq!(counts[0].0, 47);
    assert_eq!(counts[1].0, 170);
    assert_eq!(counts[0].1, counts[1].1, "supplier: {counts:?}");
    assert_eq!(counts[2].1, counts[3].1, "owner: {counts:?}");
    assert!(counts[0].1 <= 16, "{counts:?}");
    app.finish().await;
}
both!(assessment_queries_do_not_grow_with_requirements);
