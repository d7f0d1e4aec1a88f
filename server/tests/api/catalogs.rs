//! Shipped and custom requirement catalogs.

use crate::both;
use crate::common::{Backend, TestApp, World, PASSWORD};
use app::model::{OrgId, Role};
use app::server::entities::catalog;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

/// The id of a shipped catalog by key.
pub async fn shipped_id(app: &TestApp, key: &str) -> i64 {
    (catalog::Entity::find()
        .filter(catalog::Column::Key.eq(key))
        .filter(catalog::Column::OwnerOrgId.is_null())
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("shipped catalog")
        .id)
        .0
}

/// An organization's own (empty) catalog, written directly.
pub async fn custom_catalog(app: &TestApp, org: i64, name: &str) -> i64 {
    (catalog::ActiveModel {
        owner_org_id: Set(Some(OrgId(org))),
        key: Set(format!("custom-{org}")),
        name: Set(name.to_string()),
        version: Set(1),
        part: Set(None),
        applies_to: Set("product_supplier".into()),
        source: Set("test".into()),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&app.state.db)
    .await
    .unwrap()
    .id)
        .0
}

async fn shipped_catalogs_load_once_and_are_readable_by_everyone(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    // Loading again adds nothing.
    assert_eq!(
        app::server::services::catalogs::load_shipped(&app.state.db, &app.state.audit_key)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        catalog::Entity::find().count(&app.state.db).await.unwrap(),
        6
    );

    for who in [
        w.alpha.email(Role::Viewer),
        w.sigma.email(Role::Contributor),
    ] {
        let c = app.login(who, PASSWORD).await;
        let (st, list) = app.call(&c, "list_catalogs", &[]).await;
        assert_eq!(st, StatusCode::OK);
        let counts: Vec<(String, u64)> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["key"].as_str().unwrap().to_string(),
                    c["requirements"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            counts,
            vec![
                ("iec-62443-2-1".to_string(), 111),
                ("iec-62443-2-4".to_string(), 123),
                ("iec-62443-3-2".to_string(), 39),
                ("iec-62443-3-3".to_string(), 100),
                ("iec-62443-4-1".to_string(), 47),
                ("iec-62443-4-2".to_string(), 141)
            ]
        );
    }
    let c = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let id = shipped_id(&app, "iec-62443-4-2").await.to_string();
    let (st, cat) = app.call(&c, "get_catalog", &[("catalog_id", &id)]).await;
    assert_eq!(st, StatusCode::OK);
    let reqs = cat["requirements"].as_array().unwrap();
    assert_eq!(reqs.len(), 141);
    let cr11 = reqs.iter().find(|r| r["ref_id"] == "CR 1.1 RE(1)").unwrap();
    assert_eq!(cr11["parent"], "CR 1.1");
    assert_eq!(cr11["sl"], serde_json::json!([2, 3, 4]));
    assert!(
        reqs.iter().any(|r| r["verified"] == false),
        "unverified items are marked"
    );

    // The browser page lists them, server-rendered.
    let html = app.page(&c, &format!("/catalogs/{id}")).await;
    assert!(
        html.contains("data-ref=\"EDR 3.14\""),
        "requirements rendered on the server"
    );
    assert!(html.contains("provisional"));

    // An organization's own catalog is visible to it alone.
    let own = custom_catalog(&app, w.alpha.id.0, "Alpha OT standard")
        .await
        .to_string();
    assert_eq!(
        app.call(&c, "get_catalog", &[("catalog_id", &own)]).await.0,
        StatusCode::OK
    );
    let beta = app.login(w.beta.email(Role::Admin), PASSWORD).await;
    assert_eq!(
        app.call(&beta, "get_catalog", &[("catalog_id", &own)])
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let (_, list) = app.call(&beta, "list_catalogs", &[]).await;
    assert!(!list.to_string().contains("Alpha OT standard"));
    app.finish().await;
}
both!(shipped_catalogs_load_once_and_are_readable_by_everyone);

async fn an_asset_owner_imports_its_own_catalog_all_or_nothing(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let c = app.login(w.alpha.email(Role::Contributor), PASSWORD).await;
    let before = catalog::Entity::find().count(&app.state.db).await.unwrap();

    // A bad file: every problem reported, nothing written.
    let bad = "ref_id,title,parent\nNW-1,Jump host only,\nNW-1,Twice,\nNW-2,,NW-9\n";
    let (st, err) = app
        .upload(
            &c,
            "import_catalog",
            &[("name", "Northwind OT standard")],
            "ot.csv",
            bad.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    let fields: Vec<&str> = err["Validation"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        vec!["row 3, ref_id", "row 4, title", "row 4, parent"]
    );
    assert_eq!(
        catalog::Entity::find().count(&app.state.db).await.unwrap(),
        before,
        "nothing applied"
    );

    // A good one, as .xlsx.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in [
        ["ref_id", "title", "group"],
        ["NW-1", "Remote access only through the jump host", "NW"],
        ["NW-2", "Removable media scanned at the kiosk", "NW"],
    ]
    .iter()
    .enumerate()
    {
        for (col, v) in row.iter().enumerate() {
            ws.write_string(r as u32, col as u16, *v).unwrap();
        }
    }
    let (st, summary) = app
        .upload(
            &c,
            "import_catalog",
            &[("name", "Northwind OT standard")],
            "ot.xlsx",
            wb.save_to_buffer().unwrap(),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{summary}");
    assert_eq!(summary["requirements"], 2);
    assert_eq!(summary["shipped"], false);
    let id = summary["id"].to_string();

    // Add one by hand; a duplicate id is refused.
    let add = |ref_id: &'static str| {
        let id = id.clone();
        let c = c.clone();
        let app = &app;
        async move {
            app.call(
                &c,
                "add_catalog_requirement",
                &[
                    ("catalog_id", &id),
                    ("ref_id", ref_id),
                    ("title", "Vendor laptops never join the OT network"),
                    ("description", ""),
                    ("group", "NW"),
                ],
            )
            .await
        }
    };
    assert_eq!(add("NW-3").await.0, StatusCode::OK);
    let (st, err) = add("NW-1").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["Validation"]["fields"][0]["field"], "ref_id");
    let (_, cat) = app.call(&c, "get_catalog", &[("catalog_id", &id)]).await;
    assert_eq!(cat["requirements"].as_array().unwrap().len(), 3);

    // Its items go into a profile with a maturity target.
    let profile = crate::profiles::create(&app, &c, "With corporate rules").await;
    let (st, n) = app
        .call(
            &c,
            "add_profile_items",
            &[
                ("profile_id", &profile),
                ("catalog_id", &id),
                ("component_type", ""),
                ("level", "3"),
            ],
        )
        .await;
    assert_eq!((st, n.as_u64()), (StatusCode::OK, Some(3)));
    let (_, p) = app
        .call(&c, "get_profile", &[("profile_id", &profile)])
        .await;
    assert_eq!(p["items"][0]["target_kind"], "ml");

    // Oversized uploads are refused before they are read.
    // The server answers 413 without reading the body; the client may see
    // that answer or, still writing, a closed connection. Either way the
    // upload was refused, and no catalog was created.
    let before = catalog::Entity::find().count(&app.state.db).await.unwrap();
    let big = vec![b'a'; pactline::UPLOAD_LIMIT + 10];
    let form = reqwest::multipart::Form::new().text("name", "Big").part(
        "file",
        reqwest::multipart::Part::bytes(big).file_name("big.csv"),
    );
    match c
        .post(app.url("/api/import_catalog"))
        .multipart(form)
        .send()
        .await
    {
        Ok(r) => assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE),
        Err(e) => assert!(e.is_request(), "{e}"),
    }
    assert_eq!(
        catalog::Entity::find().count(&app.state.db).await.unwrap(),
        before
    );
    // Readers cannot import.
    let viewer = app.login(w.alpha.email(Role::Viewer), PASSWORD).await;
    let (st, _) = app
        .upload(
            &viewer,
            "import_catalog",
            &[("name", "X")],
            "x.csv",
            b"ref_id,title\nA,B\n".to_vec(),
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    app.finish().await;
}
both!(an_asset_owner_imports_its_own_catalog_all_or_nothing);

async fn catalogs_and_profiles_download_and_exports_import_back(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let c = app.login(w.alpha.email(Role::Contributor), PASSWORD).await;
    let shipped = shipped_id(&app, "iec-62443-4-2").await;
    let get = |path: String| {
        let c = c.clone();
        let url = app.url(&path);
        async move { c.get(url).send().await.unwrap() }
    };
    let r = get(format!("/catalogs/{shipped}/export/csv")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.starts_with("attachment; filename=\"IEC-62443-4-2-2019"),
        "{disposition}"
    );
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let csv1 = r.bytes().await.unwrap().to_vec();
    assert_eq!(
        String::from_utf8_lossy(&csv1).lines().count(),
        142,
        "header and 141 requirements"
    );

    // The export imports back, and exports again to the same table.
    let (st, imported) = app
        .upload(
            &c,
            "import_catalog",
            &[("name", "Copy of 4-2")],
            "copy.csv",
            csv1.clone(),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{imported}");
    assert_eq!(imported["requirements"], 141);
    let csv2 = get(format!("/catalogs/{}/export/csv", imported["id"]))
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    assert_eq!(csv1, csv2);

    let x = get(format!("/catalogs/{shipped}/export/xlsx")).await;
    assert_eq!(x.status(), StatusCode::OK);
    let xlsx = x.bytes().await.unwrap().to_vec();
    assert!(xlsx.starts_with(b"PK"));
    let (st, imported) = app
        .upload(
            &c,
            "import_catalog",
            &[("name", "Copy from xlsx")],
            "copy.xlsx",
            xlsx,
        )
        .await;
    assert_eq!(
        (st, imported["requirements"].as_u64()),
        (StatusCode::OK, Some(141))
    );

    // Profiles.
    let profile = crate::profiles::create(&app, &c, "Export me").await;
    crate::profiles::add_edr(&app, &c, &profile, "2").await;
    let r = get(format!("/profiles/{profile}/export/csv")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let text = r.text().await.unwrap();
    assert!(text
        .starts_with("position,ref_id,title,catalog,catalog_version,section,target_kind,target,responsible_party"));
    assert!(text.contains("CR 1.1 RE(1)"));
    assert_eq!(
        get(format!("/profiles/{profile}/export/xlsx"))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        get(format!("/profiles/{profile}/export/pdf"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // Nobody else's.
    let beta = app.login(w.beta.email(Role::Admin), PASSWORD).await;
    let r = beta
        .get(app.url(&format!("/profiles/{profile}/export/csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = beta
        .get(app.url(&format!("/catalogs/{}/export/xlsx", imported["id"])))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app
        .client()
        .get(app.url(&format!("/catalogs/{shipped}/export/csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    app.finish().await;
}
both!(catalogs_and_profiles_download_and_exports_import_back);

async fn oscal_exports_validate_and_catalogs_round_trip(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let c = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let dir = std::env::temp_dir().join(format!("pactline-oscal-{}", crate::common::unique()));
    std::fs::create_dir_all(&dir).unwrap();
    let fetch = |path: String, name: String| {
        let c = c.clone();
        let url = app.url(&path);
        let file = dir.join(name);
        async move {
            let r = c.get(url).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{path}");
            assert_eq!(r.headers()["content-type"], "application/json");
            let bytes = r.bytes().await.unwrap().to_vec();
            std::fs::write(&file, &bytes).unwrap();
            bytes
        }
    };
    for key in [
        "iec-62443-2-4",
        "iec-62443-3-3",
        "iec-62443-4-1",
        "iec-62443-4-2",
    ] {
        let id = shipped_id(&app, key).await;
        fetch(
            format!("/catalogs/{id}/export/oscal"),
            format!("{key}.json"),
        )
        .await;
    }
    let profile = crate::profiles::create(&app, &c, "OSCAL profile").await;
    crate::profiles::add_edr(&app, &c, &profile, "2").await;
    let first = app
        .call(&c, "get_profile", &[("profile_id", &profile)])
        .await
        .1["items"][0]["id"]
        .to_string();
    crate::profiles::edit_item(&app, &c, &first, "2", "3").await;
    fetch(
        format!("/profiles/{profile}/export/oscal"),
        "profile.json".into(),
    )
    .await;

    // A real third-party OSCAL implementation must accept every document.
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../.ci/oscal_validate.py");
    let files: Vec<_> = [
        "iec-62443-2-4",
        "iec-62443-3-3",
        "iec-62443-4-1",
        "iec-62443-4-2",
        "profile",
    ]
    .iter()
    .map(|n| dir.join(format!("{n}.json")))
    .collect();
    let out = std::process::Command::new("python3")
        .arg(script)
        .args(&files)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "OSCAL validation failed (make test installs compliance-trestle):\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    // Round trip: export → import → export gives the same catalog.
    let original = std::fs::read(dir.join("iec-62443-4-2.json")).unwrap();
    let (st, imported) = app
        .upload(
            &c,
            "import_catalog",
            // No name: the document's title is kept.
            &[("name", "")],
            "42.json",
            original.clone(),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{imported}");
    assert_eq!(imported["requirements"], 141);
    let again = fetch(
        format!("/catalogs/{}/export/oscal", imported["id"]),
        "again.json".into(),
    )
    .await;
    let a: serde_json::Value = serde_json::from_slice(&original).unwrap();
    let b2: serde_json::Value = serde_json::from_slice(&again).unwrap();
    assert_eq!(
        a, b2,
        "export → import → export gives the same document, identity included"
    );
    let shipped = shipped_id(&app, "iec-62443-4-2").await;
    let csv_a = c
        .get(app.url(&format!("/catalogs/{shipped}/export/csv")))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let csv_b = c
        .get(app.url(&format!("/catalogs/{}/export/csv", imported["id"])))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    // OSCAL groups controls by area, so the order may differ; the rows may not.
    let rows = |b: &[u8]| {
        let mut l: Vec<String> = String::from_utf8_lossy(b)
            .lines()
            .map(str::to_string)
            .collect();
        l.sort();
        l
    };
    assert_eq!(rows(&csv_a), rows(&csv_b));
    // Once changed in Pactline, it is a new document.
    let (st, _) = app
        .call(
            &c,
            "add_catalog_requirement",
            &[
                ("catalog_id", imported["id"].to_string().as_str()),
                ("ref_id", "NW-1"),
                ("title", "Corporate rule"),
                ("description", ""),
                ("group", ""),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    // The same reference twice: the unique index answers, with what to fix.
    let (st, err) = app
        .call(
            &c,
            "add_catalog_requirement",
            &[
                ("catalog_id", imported["id"].to_string().as_str()),
                ("ref_id", "NW-1"),
                ("title", "Corporate rule again"),
                ("description", ""),
                ("group", ""),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert!(err.to_string().contains("already in this catalog"), "{err}");
    let changed = fetch(
        format!("/catalogs/{}/export/oscal", imported["id"]),
        "changed.json".into(),
    )
    .await;
    let changed: serde_json::Value = serde_json::from_slice(&changed).unwrap();
    assert_ne!(changed["catalog"]["uuid"], a["catalog"]["uuid"]);

    // Not OSCAL, not JSON: refused with a reason.
    let (st, err) = app
        .upload(
            &c,
            "import_catalog",
            &[("name", "X")],
            "x.json",
            b"{\"profile\":{}}".to_vec(),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err.to_string().contains("not an OSCAL catalog"), "{err}");
    let (st, _) = app
        .upload(
            &c,
            "import_catalog",
            &[("name", "X")],
            "x.json",
            b"{nope".to_vec(),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    std::fs::remove_dir_all(&dir).ok();
    app.finish().await;
}
both!(oscal_exports_validate_and_catalogs_round_trip);

/// A new revision of a shipped catalog is added beside the old one; profiles
/// keep pointing at the revision they were built from.
async fn a_new_catalog_revision_leaves_old_profiles_alone(b: Backend) {
    use app::server::services::catalogs::{load_files, SHIPPED};
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let c = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let v1 = shipped_id(&app, "iec-62443-4-1").await;
    let profile = crate::profiles::create(&app, &c, "Vendor SDL").await;
    let (st, _) = app
        .call(
            &c,
            "add_profile_items",
            &[
                ("profile_id", &profile),
                ("catalog_id", &v1.to_string()),
                ("component_type", ""),
                ("level", "2"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK);

    // Revision 2: same key, one requirement retitled, one added.
    let text = SHIPPED
        .iter()
        .find(|t| t.contains("\"iec-62443-4-1\""))
        .unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(text).unwrap();
    doc["version"] = 2.into();
    let reqs = doc["requirements"].as_array_mut().unwrap();
    let old_title = reqs[0]["title"].as_str().unwrap().to_string();
    reqs[0]["title"] = "Retitled in revision 2".into();
    let mut extra = reqs[0].clone();
    extra["ref_id"] = "SM-99".into();
    reqs.push(extra);
    let v2_text = doc.to_string();
    assert_eq!(
        load_files(&app.state.db, &app.state.audit_key, &[&v2_text])
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        load_files(&app.state.db, &app.state.audit_key, &[&v2_text])
            .await
            .unwrap(),
        0,
        "idempotent"
    );
    assert_eq!(
        load_files(&app.state.db, &app.state.audit_key, SHIPPED)
            .await
            .unwrap(),
        0
    );

    let (_, list) = app.call(&c, "list_catalogs", &[]).await;
    let versions: Vec<(i64, u64)> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["key"] == "iec-62443-4-1")
        .map(|c| {
            (
                c["version"].as_i64().unwrap(),
                c["requirements"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(versions, vec![(2, 48), (1, 47)]);

    // The profile still shows revision 1, with the old title.
    let (_, p) = app
        .call(&c, "get_profile", &[("profile_id", &profile)])
        .await;
    let items = p["items"].as_array().unwrap();
    assert_eq!(items.len(), 47);
    assert!(items
        .iter()
        .all(|i| i["catalog_version"] == 1 && i["catalog_id"] == v1));
    assert_eq!(items[0]["requirement"]["title"], old_title.as_str());

    // Browsing all shipped requirements shows the newest revisions only.
    let (st, all) = app.call(&c, "browse_shipped", &[]).await;
    assert_eq!(st, StatusCode::OK);
    let shown: Vec<(String, i64, usize)> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["summary"]["key"].as_str().unwrap().to_string(),
                c["summary"]["version"].as_i64().unwrap(),
                c["requirements"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        vec![
            ("iec-62443-2-1".to_string(), 1, 111),
            ("iec-62443-2-4".to_string(), 1, 123),
            ("iec-62443-3-2".to_string(), 1, 39),
            ("iec-62443-3-3".to_string(), 1, 100),
            ("iec-62443-4-1".to_string(), 2, 48),
            ("iec-62443-4-2".to_string(), 1, 141)
        ]
    );
    app.finish().await;
}
both!(a_new_catalog_revision_leaves_old_profiles_alone);
