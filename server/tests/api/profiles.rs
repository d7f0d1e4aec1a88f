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
        app.state.audit_key.clone(),
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

async fn download(app: &TestApp, c: &Client, path: &str) -> Vec<u8> {
    let r = c.get(app.url(path)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.bytes().await.unwrap().to_vec()
}

/// Exports import back as new drafts: CSV and .xlsx give the same rows,
/// OSCAL the same imports and modifications.
async fn profiles_import_back_from_their_exports(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let c = app.login(w.alpha.email(Role::Contributor), PASSWORD).await;
    let id = create(&app, &c, "Embedded controller, SL-T 2").await;
    add_edr(&app, &c, &id, "2").await;
    let sdl = shipped_id(&app, "iec-62443-4-1").await.to_string();
    app.call(
        &c,
        "add_profile_items",
        &[
            ("profile_id", &id),
            ("catalog_id", &sdl),
            ("component_type", ""),
            ("level", "3"),
        ],
    )
    .await;
    let (_, p) = app.call(&c, "get_profile", &[("profile_id", &id)]).await;
    let first = p["items"][0]["id"].to_string();
    let (st, _) = edit_item(&app, &c, &first, "3", "7").await;
    assert_eq!(st, StatusCode::OK);
    let original_csv = download(&app, &c, &format!("/profiles/{id}/export/csv")).await;

    for (ext, bytes) in [
        ("csv", original_csv.clone()),
        (
            "xlsx",
            download(&app, &c, &format!("/profiles/{id}/export/xlsx")).await,
        ),
    ] {
        let (st, new_id) = app
            .upload(
                &c,
                "import_profile",
                &[("name", "Embedded controller, SL-T 2")],
                &format!("profile.{ext}"),
                bytes,
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{ext}: {new_id}");
        assert_ne!(new_id.to_string(), id);
        let (_, copy) = app
            .call(&c, "get_profile", &[("profile_id", &new_id.to_string())])
            .await;
        assert_eq!(copy["status"], "draft");
        assert_eq!(copy["version"], 1);
        let again = download(&app, &c, &format!("/profiles/{new_id}/export/csv")).await;
        assert_eq!(
            String::from_utf8(again).unwrap(),
            String::from_utf8(original_csv.clone()).unwrap(),
            "{ext} import gives the same rows"
        );
    }

    let oscal = download(&app, &c, &format!("/profiles/{id}/export/oscal")).await;
    let (st, new_id) = app
        .upload(
            &c,
            "import_profile",
            &[("name", "")],
            "p.json",
            oscal.clone(),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{new_id}");
    let again = download(&app, &c, &format!("/profiles/{new_id}/export/oscal")).await;
    let (a, b2): (Value, Value) = (
        serde_json::from_slice(&oscal).unwrap(),
        serde_json::from_slice(&again).unwrap(),
    );
    for key in ["imports", "modify"] {
        assert_eq!(a["profile"][key], b2["profile"][key], "{key}");
    }
    assert_eq!(
        b2["profile"]["metadata"]["title"], "Embedded controller, SL-T 2",
        "an OSCAL import without a name keeps the title"
    );
    app.finish().await;
}
both!(profiles_import_back_from_their_exports);

/// A bad profile file reports every problem by row and column and creates
/// nothing; another tenant's catalogs are as unknown as missing ones.
async fn profile_imports_are_checked_whole(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let c = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let beta = crate::catalogs::custom_catalog(&app, w.beta.id.0, "Beta standard").await;
    let (_, before) = app.call(&c, "list_profiles", &[]).await;
    let csv = "\
catalog,catalog_version,ref_id,target,target_kind,weight,evidence_required,responsible_party,parameters
iec-62443-4-2,1,CR 1.1,2,sl,5,yes,product_supplier,
iec-62443-4-2,,CR 1.1,2,,,,,
iec-62443-4-2,,CR 99.9,2,,,,,
Nowhere,,X-1,2,,,,,
Beta standard,,B-1,2,,,,,
iec-62443-4-2,,CR 1.2,5,ml,101,maybe,supplier,=HYPERLINK(\"x\")
iec-62443-4-2,7,CR 1.3,2,,,,,
";
    let (st, err) = app
        .upload(
            &c,
            "import_profile",
            &[("name", "Bad")],
            "bad.csv",
            csv.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    let fields: Vec<String> = err["Validation"]["fields"]
        .as_array()
        .unwrap_or_else(|| panic!("{err}"))
        .iter()
        .map(|f| {
            format!(
                "{}: {}",
                f["field"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect();
    let has = |needle: &str| {
        assert!(
            fields.iter().any(|f| f.starts_with(needle)),
            "missing {needle} in {fields:#?}"
        )
    };
    has("row 7, target:");
    has("row 7, weight:");
    has("row 7, evidence_required:");
    has("row 7, responsible_party:");
    has("row 7, parameters: Cells may not start with");
    // Syntax first: resolution problems are reported once the rows parse.
    assert!(fields.iter().all(|f| f.starts_with("row 7")), "{fields:#?}");

    let csv = csv.replace(
        "iec-62443-4-2,,CR 1.2,5,ml,101,maybe,supplier,=HYPERLINK(\"x\")",
        "iec-62443-4-2,,CR 1.2,2,ml,1,no,,",
    );
    let (st, err) = app
        .upload(
            &c,
            "import_profile",
            &[("name", "Bad")],
            "bad.csv",
            csv.into_bytes(),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    let text = err.to_string();
    for needle in [
        "row 3, ref_id: “CR 1.1” appears more than once",
        "row 4, ref_id: “CR 99.9” is not in IEC 62443-4-2:2019",
        "row 5, catalog: No catalog with this name or key is available to you",
        "row 6, catalog: No catalog with this name or key is available to you",
        "row 7, target_kind: IEC 62443-4-2:2019 Technical security requirements for IACS components rates items by security level",
        "row 8, catalog: No catalog with this name or key and version 7",
    ] {
        let (field, message) = needle.split_once(": ").unwrap();
        assert!(
            err["Validation"]["fields"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["field"] == field && f["message"].as_str().unwrap().starts_with(message)),
            "missing {needle} in {text}"
        );
    }

    // An OSCAL profile pointing at another tenant's catalog id.
    let doc = serde_json::json!({"profile": {
        "uuid": "8b7d1b1e-6a4f-4f55-9a59-0d4f1c7e1a11",
        "metadata": {"title": "Sneaky", "last-modified": "2026-01-01T00:00:00Z", "version": "1", "oscal-version": "1.1.2"},
        "imports": [{"href": format!("https://x.example/catalogs/{beta}/export/oscal"),
                     "include-controls": [{"with-ids": ["b-1"]}]}],
        "modify": {"alters": [{"control-id": "b-1", "adds": [{"position": "ending",
            "props": [{"name": "target", "ns": "https://pactline.dev/ns/oscal", "value": "ML2"}]}]}]}
    }});
    let (st, err) = app
        .upload(
            &c,
            "import_profile",
            &[("name", "")],
            "p.json",
            doc.to_string().into_bytes(),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert!(err.to_string().contains("is not available to you"), "{err}");
    for (file, bytes, msg) in [
        (
            "p.json",
            b"{\"catalog\":{}}".to_vec(),
            "not an OSCAL profile",
        ),
        ("p.txt", b"x".to_vec(), "Upload a .csv, .xlsx"),
        (
            "p.csv",
            b"ref_id,title\nA,B\n".to_vec(),
            "needs a “catalog” column",
        ),
        ("p.xlsx", b"not a zip".to_vec(), "not an .xlsx file"),
    ] {
        let (st, err) = app
            .upload(&c, "import_profile", &[("name", "X")], file, bytes)
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{file}: {err}");
        assert!(err.to_string().contains(msg), "{file}: {err}");
    }

    let (_, after) = app.call(&c, "list_profiles", &[]).await;
    assert_eq!(before, after, "nothing was created");
    app.finish().await;
}
both!(profile_imports_are_checked_whole);

/// Requirements picked one by one in the catalog browser join a draft at
/// one target, in catalog order; published versions refuse them.
async fn picked_requirements_join_a_draft(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let c = app.login(w.alpha.email(Role::Contributor), PASSWORD).await;
    let id = create(&app, &c, "Picked").await;
    let cat = shipped_id(&app, "iec-62443-4-2").await.to_string();
    let pick = |refs: Vec<&'static str>, level: &'static str| {
        let (c, app, id, cat) = (c.clone(), &app, id.clone(), cat.clone());
        async move {
            let mut form = vec![
                ("profile_id".to_string(), id),
                ("catalog_id".to_string(), cat),
                ("level".to_string(), level.to_string()),
            ];
            for (i, r) in refs.iter().enumerate() {
                form.push((format!("ref_ids[{i}]"), r.to_string()));
            }
            let pairs: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            app.call(&c, "add_profile_requirements", &pairs).await
        }
    };
    let (st, err) = pick(vec!["CR 2.1", "CR 42.0"], "2").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err.to_string().contains("CR 42.0"), "{err}");
    let (st, err) = pick(vec!["CR 2.1"], "9").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    let (st, n) = pick(vec!["CR 2.1", "CR 1.1"], "3").await;
    assert_eq!((st, n), (StatusCode::OK, Value::from(2)));
    let (_, n) = pick(vec!["CR 1.1", "CR 1.2"], "2").await;
    assert_eq!(n, 1, "already there stays as it is");
    let (_, p) = app.call(&c, "get_profile", &[("profile_id", &id)]).await;
    let got: Vec<(String, i64, String)> = p["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["requirement"]["ref_id"].as_str().unwrap().to_string(),
                i["target"].as_i64().unwrap(),
                i["target_kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("CR 1.1".into(), 3, "sl".into()),
            ("CR 2.1".into(), 3, "sl".into()),
            ("CR 1.2".into(), 2, "sl".into())
        ]
    );
    assert_eq!(item(&p, "CR 1.2")["responsible_party"], "product_supplier");
    let (st, _) = app
        .call(&c, "publish_profile", &[("profile_id", &id)])
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = pick(vec!["CR 1.3"], "2").await;
    assert_eq!(st, StatusCode::CONFLICT);
    app.finish().await;
}
both!(picked_requirements_join_a_draft);

/// The ids and fields of a profile's items, by reference id.
async fn items_by_ref(app: &TestApp, c: &Client, profile: &str) -> Vec<(String, Value)> {
    let (st, p) = app.call(c, "get_profile", &[("profile_id", profile)]).await;
    assert_eq!(st, StatusCode::OK, "{p}");
    p["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["requirement"]["ref_id"].as_str().unwrap().to_string(),
                i.clone(),
            )
        })
        .collect()
}

async fn bulk_edit_sets_the_chosen_fields_on_every_selected_item_or_none(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let c = app.login(w.alpha.email(Role::Contributor), PASSWORD).await;
    let id = create(&app, &c, "Bulk edited").await;
    let (st, _) = add_edr(&app, &c, &id, "2").await;
    assert_eq!(st, StatusCode::OK);
    let before = items_by_ref(&app, &c, &id).await;
    assert!(before.len() > 10, "{}", before.len());
    let chosen: Vec<String> = before[..3]
        .iter()
        .map(|(_, i)| i["id"].to_string())
        .collect();
    let bulk = |ids: Vec<String>,
                target: &'static str,
                party: &'static str,
                weight: &'static str,
                evidence: &'static str| {
        let (app, c, id) = (&app, &c, &id);
        async move {
            let mut args: Vec<(String, String)> = ids
                .iter()
                .enumerate()
                .map(|(n, i)| (format!("item_ids[{n}]"), i.clone()))
                .collect();
            for (k, v) in [
                ("profile_id", id.as_str()),
                ("target", target),
                ("responsible_party", party),
                ("weight", weight),
                ("evidence_required", evidence),
            ] {
                args.push((k.into(), v.into()));
            }
            let args: Vec<(&str, &str)> =
                args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            app.call(c, "bulk_update_profile_items", &args).await
        }
    };
    // Target, party and evidence change; the weight stays as each has it.
    let (st, n) = bulk(chosen.clone(), "3", "service_provider", "", "yes").await;
    assert_eq!((st, n.as_i64()), (StatusCode::OK, Some(3)), "{n}");
    let after = items_by_ref(&app, &c, &id).await;
    for (n, ((r, a), (_, b))) in after.iter().zip(before.iter()).enumerate() {
        if n < 3 {
            assert_eq!(a["target"], 3, "{r}");
            assert_eq!(a["responsible_party"], "service_provider", "{r}");
            assert_eq!(a["evidence_required"], true, "{r}");
            assert_eq!(a["weight"], b["weight"], "{r}");
            assert_eq!(a["section"], b["section"], "{r}");
        } else {
            assert_eq!(a, b, "{r} was not selected");
        }
    }
    // Nothing to change, a bad value, or nothing selected: refused, saying what to fix.
    for (ids, t, p, wt, e, field) in [
        (chosen.clone(), "", "", "", "", "changes"),
        (chosen.clone(), "", "", "250", "", "weight"),
        (chosen.clone(), "7", "", "", "", "target"),
        (vec![], "2", "", "", "", "item_ids"),
    ] {
        let (st, r) = bulk(ids, t, p, wt, e).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
        assert!(r.to_string().contains(field), "{field}: {r}");
    }
    // One item removed meanwhile (or another profile's): nothing changes.
    let gone = before[4].1["id"].to_string();
    let (st, _) = app
        .call(&c, "remove_profile_item", &[("item_id", &gone)])
        .await;
    assert_eq!(st, StatusCode::OK);
    let other = create(&app, &c, "Another").await;
    let (st, _) = add_edr(&app, &c, &other, "1").await;
    assert_eq!(st, StatusCode::OK);
    let foreign = items_by_ref(&app, &c, &other).await[0].1["id"].to_string();
    for stray in [gone, foreign] {
        let ids = vec![before[3].1["id"].to_string(), stray];
        let (st, r) = bulk(ids, "1", "", "0", "no").await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
        assert!(r.to_string().contains("Nothing was changed"), "{r}");
        let now = items_by_ref(&app, &c, &id).await;
        let kept = now.iter().find(|(r, _)| *r == before[3].0).unwrap();
        assert_eq!(kept.1, before[3].1, "half applied");
    }
    // One audit event with every item before and after.
    let admin = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let (_, events) = app.call(&admin, "list_audit_events", &[]).await;
    let bulk_events: Vec<_> = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "profile.items_bulk_updated")
        .collect();
    assert_eq!(bulk_events.len(), 1, "{events}");
    // A published version refuses.
    let (st, _) = app
        .call(&c, "publish_profile", &[("profile_id", &id)])
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, r) = bulk(chosen, "1", "", "", "").await;
    assert_eq!(st, StatusCode::CONFLICT, "{r}");
    app.finish().await;
}
both!(bulk_edit_sets_the_chosen_fields_on_every_selected_item_or_none);
