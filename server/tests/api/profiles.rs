//! Building, publishing and versioning security profiles.

use crate::both;
use crate::catalogs::shipped_id;
use crate::common::{Backend, TestApp, World, PASSWORD};
use app::model::{ComponentType, ProfileId, Role};
use reqwest::{Client, StatusCode};
use serde_json::Value;

/// Creates a profile as `c` and returns its id.
pub async fn create(app: &TestApp, c: &Client, name: &str) -> String {
    let (st, id) = app
        .call(c, "create_profile", &[("name", name), ("description", "")])
        .await;
    assert_eq!(st, StatusCode::OK, "{id}");
    id.to_string()
}

pub async fn add_edr(app: &TestApp, c: &Client, profile: &str, level: &str) -> (StatusCode, Value) {
    let cat = shipped_id(app, "iec-62443-4-2").await.to_string();
    app.call(
        c,
        "add_profile_items",
        &[
            ("profile_id", profile),
            ("catalog_id", &cat),
            ("component_type", "EDR"),
            ("level", level),
        ],
    )
    .await
}

fn item<'a>(p: &'a Value, ref_id: &str) -> &'a Value {
    p["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["requirement"]["ref_id"] == ref_id)
        .unwrap_or_else(|| panic!("{ref_id} not in profile"))
}

pub async fn edit_item(
    app: &TestApp,
    c: &Client,
    item_id: &str,
    target: &str,
    weight: &str,
) -> (StatusCode, Value) {
    app.call(
        c,
        "update_profile_item",
        &[
            ("item_id", item_id),
            ("section", "Access control"),
            ("target", target),
            ("responsible_party", "asset_owner"),
            ("weight", weight),
            ("evidence_required", "on"),
            ("parameters", "Unique accounts for every operator"),
        ],
    )
    .await
}

async fn an_asset_owner_builds_publishes_and_versions_a_profile(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let c = app.login(w.alpha.email(Role::Contributor), PASSWORD).await;
    let id = create(&app, &c, "Embedded controller, SL-T 2").await;

    let (st, added) = add_edr(&app, &c, &id, "2").await;
    assert_eq!(st, StatusCode::OK, "{added}");
    // Exactly what the SL-T rule selects for EDR at SL 2.
    let (_, cat) = app
        .call(
            &c,
            "get_catalog",
            &[(
                "catalog_id",
                &shipped_id(&app, "iec-62443-4-2").await.to_string(),
            )],
        )
        .await;
    let reqs: Vec<app::model::RequirementDto> =
        serde_json::from_value(cat["requirements"].clone()).unwrap();
    let expected = app::model::select_for_sl(&reqs, Some(ComponentType::EDR), 2).len();
    assert_eq!(added.as_u64().unwrap() as usize, expected);
    assert_eq!(
        add_edr(&app, &c, &id, "2").await.1,
        0,
        "adding again duplicates nothing"
    );
    let (st, _) = add_edr(&app, &c, &id, "7").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);

    let (_, p) = app.call(&c, "get_profile", &[("profile_id", &id)]).await;
    assert_eq!(p["items"].as_array().unwrap().len(), expected);
    let cr = item(&p, "CR 1.1 RE(1)");
    assert_eq!(cr["target_kind"], "sl");
    assert_eq!(cr["target"], 2);
    assert_eq!(cr["responsible_party"], "product_supplier");
    let item_id = cr["id"].to_string();

    // Edit one item; bad values are refused with the field named.
    let edit =
        |target: &'static str, weight: &'static str| edit_item(&app, &c, &item_id, target, weight);
    let (st, err) = edit("5", "3").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["Validation"]["fields"][0]["field"], "target");
    let (st, err) = edit("3", "101").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["Validation"]["fields"][0]["field"], "weight");
    assert_eq!(edit("3", "5").await.0, StatusCode::OK);
    let (_, p) = app.call(&c, "get_profile", &[("profile_id", &id)]).await;
    let cr = item(&p, "CR 1.1 RE(1)");
    assert_eq!(
        (
            cr["target"].as_i64(),
            cr["weight"].as_i64(),
            cr["evidence_required"].as_bool()
        ),
        (Some(3), Some(5), Some(true))
    );
    assert_eq!(cr["parameters"], "Unique accounts for every operator");

    // Reorder and remove.
    let first = p["items"][0]["id"].to_string();
    let second_ref = p["items"][1]["requirement"]["ref_id"].clone();
    assert_eq!(
        app.call(
            &c,
            "move_profile_item",
            &[("item_id", &first), ("direction", "down")]
        )
        .await
        .0,
        StatusCode::OK
    );
    let (_, p) = app.call(&c, "get_profile", &[("profile_id", &id)]).await;
    assert_eq!(p["items"][0]["requirement"]["ref_id"], second_ref);
    let last = p["items"].as_array().unwrap().last().unwrap()["id"].to_string();
    assert_eq!(
        app.call(&c, "remove_profile_item", &[("item_id", &last)])
            .await
            .0,
        StatusCode::OK
    );

    // Publish: version 1 is frozen.
    assert_eq!(
        app.call(&c, "publish_profile", &[("profile_id", &id)])
            .await
            .0,
        StatusCode::OK
    );
    let (st, err) = edit("2", "1").await;
    assert_eq!(st, StatusCode::CONFLICT, "{err}");
    assert!(err.to_string().contains("Start a new version"));
    assert_eq!(add_edr(&app, &c, &id, "3").await.0, StatusCode::CONFLICT);
    assert_eq!(
        app.call(&c, "publish_profile", &[("profile_id", &id)])
            .await
            .0,
        StatusCode::CONFLICT
    );

    // Version 2 starts as a copy; editing it leaves version 1 as it was.
    let (st, v2) = app
        .call(&c, "new_profile_version", &[("profile_id", &id)])
        .await;
    assert_eq!(st, StatusCode::OK);
    let v2 = v2.to_string();
    assert_eq!(
        app.call(&c, "new_profile_version", &[("profile_id", &id)])
            .await
            .0,
        StatusCode::CONFLICT,
        "one draft at a time"
    );
    let (st, _) = add_edr(&app, &c, &v2, "3").await;
    assert_eq!(st, StatusCode::OK);
    let (_, p1) = app.call(&c, "get_profile", &[("profile_id", &id)]).await;
    let (_, p2) = app.call(&c, "get_profile", &[("profile_id", &v2)]).await;
    assert_eq!(p1["status"], "published");
    assert_eq!(p1["items"].as_array().unwrap().len(), expected - 1);
    assert!(p2["items"].as_array().unwrap().len() > expected - 1);
    assert_eq!(p2["version"], 2);
    assert_eq!(p2["versions"].as_array().unwrap().len(), 2);
    // What changed from version 1 to version 2.
    let v2_item = p2["items"][0]["id"].to_string();
    assert_eq!(
        edit_item(&app, &c, &v2_item, "4", "9").await.0,
        StatusCode::OK
    );
    let (st, diff) = app
        .call(
            &c,
            "compare_profiles",
            &[("profile_id", &v2), ("other_id", &id)],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{diff}");
    assert_eq!(
        (diff["from_version"].as_i64(), diff["to_version"].as_i64()),
        (Some(1), Some(2))
    );
    let added = diff["added"].as_array().unwrap().len();
    assert_eq!(
        added,
        p2["items"].as_array().unwrap().len() - p1["items"].as_array().unwrap().len()
    );
    assert!(diff["removed"].as_array().unwrap().is_empty());
    assert_eq!(diff["changed"].as_array().unwrap().len(), 1);
    assert_eq!(diff["changed"][0][1]["target"], 4);
    let other = create(&app, &c, "Unrelated").await;
    assert_eq!(
        app.call(
            &c,
            "compare_profiles",
            &[("profile_id", &v2), ("other_id", &other)]
        )
        .await
        .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // Empty drafts cannot be published; readers cannot edit.
    let empty = create(&app, &c, "Empty").await;
    assert_eq!(
        app.call(&c, "publish_profile", &[("profile_id", &empty)])
            .await
            .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let reviewer = app.login(w.alpha.email(Role::Reviewer), PASSWORD).await;
    assert_eq!(
        app.call(&reviewer, "get_profile", &[("profile_id", &v2)])
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        add_edr(&app, &reviewer, &v2, "4").await.0,
        StatusCode::NOT_FOUND
    );
    app.finish().await;
}
both!(an_asset_owner_builds_publishes_and_versions_a_profile);

/// Rendering a profile costs the same number of queries for 5 items or 100.
async fn profile_queries_do_not_grow_with_items(b: Backend) {
    use std::sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    };
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let c = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let small = create(&app, &c, "Small").await;
    let large = create(&app, &c, "Large").await;
    // 4-1 has 47 items, 2-4 has 123: a small and a large profile.
    for (id, key) in [
        (&small, "iec-62443-4-1"),
        (&large, "iec-62443-2-4"),
        (&large, "iec-62443-4-1"),
    ] {
        let cat = shipped_id(&app, key).await.to_string();
        let (st, _) = app
            .call(
                &c,
                "add_profile_items",
                &[
                    ("profile_id", id),
                    ("catalog_id", &cat),
                    ("component_type", ""),
                    ("level", "2"),
                ],
            )
            .await;
        assert_eq!(st, StatusCode::OK);
    }
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
    );
    let actor = app::server::session::actor_for(&state, w.alpha.email(Role::Admin), w.alpha.id)
        .await
        .unwrap()
        .unwrap();
    let mut counts = Vec::new();
    for id in [&small, &large] {
        queries.store(0, Ordering::SeqCst);
        let p =
            app::server::services::profiles::get(&actor, &state, ProfileId(id.parse().unwrap()))
                .await
                .unwrap();
        counts.push((p.items.len(), queries.load(Ordering::SeqCst)));
    }
    assert_eq!(counts[0].0, 47);
    assert_eq!(counts[1].0, 170);
    assert_eq!(counts[0].1, counts[1].1, "queries per profile: {counts:?}");
    assert!(counts[0].1 <= 6, "{counts:?}");
    app.finish().await;
}
both!(profile_queries_do_not_grow_with_items);
