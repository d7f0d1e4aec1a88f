//! A supplier's product library: products, versions and certificates, what
//! is refused and why, certificate states and reminders, and that no other
//! organization sees any of it.

use crate::both;
use crate::common::{Backend, TestApp, World, PASSWORD};
use app::model::Role;
use reqwest::{Client, StatusCode};
use serde_json::Value;

pub(crate) fn field(r: &Value) -> &str {
    r["Validation"]["fields"][0]["field"].as_str().unwrap_or("")
}

pub(crate) async fn product(
    app: &TestApp,
    c: &Client,
    fields: &[(&str, &str)],
) -> (StatusCode, Value) {
    app.call_nested(c, "create_product", &[], "product", fields)
        .await
}

pub(crate) async fn version(
    app: &TestApp,
    c: &Client,
    product: &str,
    v: &str,
    released: &str,
    eos: &str,
) -> (StatusCode, Value) {
    app.call(
        c,
        "add_product_version",
        &[
            ("product_id", product),
            ("version", v),
            ("released_on", released),
            ("end_of_support", eos),
        ],
    )
    .await
}

pub(crate) async fn certificate(
    app: &TestApp,
    c: &Client,
    version: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, Value) {
    app.call_nested(
        c,
        "add_certificate",
        &[("product_version_id", version)],
        "certificate",
        fields,
    )
    .await
}

/// Rho Controls, a second product supplier with these roles, and its
/// signed-in admin.
pub(crate) async fn another_supplier(
    app: &TestApp,
    roles: &[Role],
) -> (crate::common::Org, Client) {
    let org = crate::common::org(
        &app.state,
        "Rho Controls",
        "rho",
        app::model::OrgKind::ProductSupplier,
        roles,
    )
    .await;
    let admin = app.login(org.email(Role::Admin), PASSWORD).await;
    (org, admin)
}

async fn the_product_library_records_products_versions_and_certificates(b: Backend) {
    use app::server::services::reminders;
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let sigma = app.login(w.sigma.email(Role::Admin), PASSWORD).await;
    let today = app.state.clock.today();
    let day = |n: i64| (today + chrono::Duration::days(n)).to_string();

    // Products: what it is, a component's type, a name once.
    for (fields, bad) in [
        (vec![("name", "HX-500"), ("kind", "gadget")], "kind"),
        (
            vec![("name", "HX-500"), ("kind", "component")],
            "component_type",
        ),
        (vec![("name", " "), ("kind", "system")], "name"),
    ] {
        let (st, r) = product(&app, &sigma, &fields).await;
        assert_eq!(
            (st, field(&r)),
            (StatusCode::UNPROCESSABLE_ENTITY, bad),
            "{r}"
        );
    }
    let (st, hx) = product(
        &app,
        &sigma,
        &[
            ("name", "HX-500"),
            ("kind", "component"),
            ("component_type", "EDR"),
            ("description", "SIGMA-CONFIDENTIAL controller"),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{hx}");
    let hx = hx.to_string();
    let (st, r) = product(&app, &sigma, &[("name", "HX-500"), ("kind", "system")]).await;
    assert_eq!(
        (st, field(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "name"),
        "{r}"
    );
    let (st, scada) = product(&app, &sigma, &[("name", "Plant SCADA"), ("kind", "system")]).await;
    assert_eq!(st, StatusCode::OK, "{scada}");

    // Versions: support ends after the release; a version once.
    let (st, r) = version(&app, &sigma, &hx, "4.2", &day(-10), &day(-20)).await;
    assert_eq!(
        (st, field(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "end_of_support"),
        "{r}"
    );
    let (st, r) = version(&app, &sigma, &hx, "4.2", "last year", "").await;
    assert_eq!(
        (st, field(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "released_on"),
        "{r}"
    );
    let (st, v41) = version(&app, &sigma, &hx, "4.1", &day(-900), &day(-1)).await;
    assert_eq!(st, StatusCode::OK, "{v41}");
    let (st, v42) = version(&app, &sigma, &hx, "4.2", &day(-300), "").await;
    assert_eq!(st, StatusCode::OK, "{v42}");
    let v42 = v42.to_string();
    let (st, r) = version(&app, &sigma, &hx, "4.2", "", "").await;
    assert_eq!(
        (st, field(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "version"),
        "{r}"
    );

    // Certificates: a CSA on the component's version; an SSA does not fit
    // a component; a 4-1 certificate belongs to the organization.
    let csa = [
        ("scheme", "isasecure_csa"),
        ("levels", "2,2,1,2,2,2,2"),
        ("number", "CSA-0117"),
        ("issuer", "Certa Labs"),
        ("issued_on", "2025-01-10"),
    ];
    let expires = day(10);
    let mut good: Vec<(&str, &str)> = csa.to_vec();
    good.push(("expires_on", &expires));
    let mut ssa = good.clone();
    ssa[0] = ("scheme", "isasecure_ssa");
    let (st, r) = certificate(&app, &sigma, &v42, &ssa).await;
    assert_eq!(
        (st, field(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "part"),
        "{r}"
    );
    let (st, r) = certificate(&app, &sigma, "", &good).await;
    assert_eq!(
        (st, field(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "part"),
        "{r}"
    );
    let mut bad_level = good.clone();
    bad_level[1] = ("levels", "2,2,5,2,2,2,2");
    let (st, r) = certificate(&app, &sigma, &v42, &bad_level).await;
    assert_eq!(
        (st, field(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "levels"),
        "{r}"
    );
    let (st, r) = certificate(&app, &sigma, &v42, &good).await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let (st, r) = certificate(
        &app,
        &sigma,
        "",
        &[
            ("scheme", "isasecure_sdla"),
            ("levels", "ML3"),
            ("number", "SDLA-7"),
            ("issuer", "Certa Labs"),
            ("issued_on", "2025-03-01"),
            ("expires_on", &day(600)),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{r}");

    let (st, lib) = app.call(&sigma, "list_products", &[]).await;
    assert_eq!(st, StatusCode::OK, "{lib}");
    let products = lib["products"].as_array().unwrap();
    assert_eq!(products.len(), 2);
    let hx_dto = products.iter().find(|p| p["name"] == "HX-500").unwrap();
    assert_eq!(hx_dto["component_type"], "EDR");
    assert_eq!(hx_dto["versions"][0]["version"], "4.2", "newest first");
    assert_eq!(hx_dto["versions"][1]["past_end_of_support"], true);
    let cert = &hx_dto["versions"][0]["certificates"][0];
    assert_eq!(cert["part"], "4-2");
    assert_eq!(cert["state"], "expiring");
    assert_eq!(
        cert["levels"]["sl"],
        serde_json::json!([2, 2, 1, 2, 2, 2, 2])
    );
    assert_eq!(lib["certificates"][0]["levels"]["ml"], 3);
    assert_eq!(lib["certificates"][0]["state"], "valid");
    let page = app.page(&sigma, &format!("/products/{hx}")).await;
    assert!(
        page.contains("CSA-0117") && page.contains("expiring"),
        "{page}"
    );

    // Nobody else sees or touches it: an asset owner, another supplier.
    let alpha = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let (rho_org, rho) = another_supplier(&app, &[Role::Admin, Role::Viewer]).await;
    // Rho's viewer reads Rho's library; only admins and contributors add.
    let (st, rtu) = product(
        &app,
        &rho,
        &[
            ("name", "RTU-7"),
            ("kind", "component"),
            ("component_type", "EDR"),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{rtu}");
    let viewer = app.login(rho_org.email(Role::Viewer), PASSWORD).await;
    let (st, _) = app
        .call(&viewer, "get_product", &[("product_id", &rtu.to_string())])
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = version(&app, &viewer, &rtu.to_string(), "2.3", "", "").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = app.call(&alpha, "list_products", &[]).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, theirs) = app.call(&rho, "list_products", &[]).await;
    assert_eq!(st, StatusCode::OK);
    let names: Vec<&str> = theirs["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["RTU-7"]);
    for c in [&alpha, &rho] {
        let (st, _) = app.call(c, "get_product", &[("product_id", &hx)]).await;
        assert_eq!(st, StatusCode::NOT_FOUND);
        let (st, _) = version(&app, c, &hx, "9", "", "").await;
        assert_eq!(st, StatusCode::NOT_FOUND);
        let (st, _) = certificate(&app, c, &v42, &good).await;
        assert_eq!(st, StatusCode::NOT_FOUND);
        let r = c
            .get(app.url(&format!("/products/{hx}")))
            .send()
            .await
            .unwrap();
        let body = r.text().await.unwrap();
        assert!(!body.contains("SIGMA-CONFIDENTIAL"));
    }

    // The expiring certificate reminds Sigma's admins and contributors once
    // per threshold, by mail too.
    reminders::run_once(&app.state, "a").await.unwrap();
    reminders::run_once(&app.state, "a").await.unwrap();
    let sent = crate::commitments::count_kind(&app, "certificate.reminder").await;
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(sent.iter().all(|(_, n)| *n == 1), "{sent:?}");
    let mails = app.mails_to(w.sigma.email(Role::Admin)).await;
    let m = mails
        .iter()
        .find(|m| {
            m.subject
                .contains("Certificate CSA-0117 expires in 10 days")
        })
        .unwrap_or_else(|| panic!("{mails:?}"));
    assert!(m.body.contains(&format!("/products/{hx}")), "{m:?}");
    app.finish().await;
}
both!(the_product_library_records_products_versions_and_certificates);

pub(crate) async fn save_answer(
    app: &TestApp,
    c: &Client,
    version: &str,
    ref_id: &str,
    expected: i32,
    fields: &[(&str, &str)],
) -> (StatusCode, Value) {
    let expected = expected.to_string();
    app.call_nested(
        c,
        "save_product_answer",
        &[
            ("product_version_id", version),
            ("ref_id", ref_id),
            ("version", &expected),
        ],
        "answer",
        fields,
    )
    .await
}

pub(crate) async fn answer_set(app: &TestApp, c: &Client, version: &str) -> (StatusCode, Value) {
    app.call(c, "get_product_answers", &[("product_version_id", version)])
        .await
}

pub(crate) fn row<'a>(set: &'a Value, ref_id: &str) -> &'a Value {
    set["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ref_id"] == ref_id)
        .unwrap_or_else(|| panic!("{ref_id} not in the set"))
}

async fn a_product_version_keeps_answers_and_the_next_starts_from_them(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let sigma = app.login(w.sigma.email(Role::Admin), PASSWORD).await;
    let contributor = app.login(w.sigma.email(Role::Contributor), PASSWORD).await;
    let (_, hx) = product(
        &app,
        &sigma,
        &[
            ("name", "HX-500"),
            ("kind", "component"),
            ("component_type", "EDR"),
        ],
    )
    .await;
    let hx = hx.to_string();
    let (_, v1) = version(&app, &sigma, &hx, "1.0", "", "").await;
    let v1 = v1.to_string();

    // The set: the 4-2 requirements that apply to an embedded device.
    let (st, set) = answer_set(&app, &sigma, &v1).await;
    assert_eq!(st, StatusCode::OK, "{set}");
    let refs: Vec<&str> = set["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ref_id"].as_str().unwrap())
        .collect();
    assert!(
        refs.contains(&"CR 1.1") && refs.contains(&"EDR 2.4"),
        "{refs:?}"
    );
    assert!(!refs
        .iter()
        .any(|r| r.starts_with("SAR ") || r.starts_with("HDR ") || r.starts_with("NDR ")));
    assert!(!refs.contains(&"CR 1.6"), "CR 1.6 does not apply to an EDR");
    assert_eq!(set["answered"], 0);
    assert!(set["previous_version"].is_null());

    // The rules of an assessment answer; requirements outside the set.
    let met = [
        ("compliance", "meets"),
        ("claimed_level", "2"),
        ("statement", "Named accounts only"),
    ];
    for (ref_id, fields, bad) in [
        (
            "CR 1.1",
            vec![("compliance", "meets_with_compensating_countermeasure")],
            "countermeasure",
        ),
        (
            "CR 1.1",
            vec![("compliance", "meets"), ("claimed_level", "7")],
            "claimed_level",
        ),
        ("SAR 2.4", met.to_vec(), "ref_id"),
        ("XX 9", met.to_vec(), "ref_id"),
    ] {
        let (st, r) = save_answer(&app, &sigma, &v1, ref_id, 0, &fields).await;
        assert_eq!(
            (st, field(&r)),
            (StatusCode::UNPROCESSABLE_ENTITY, bad),
            "{ref_id}: {r}"
        );
    }
    let (st, n) = save_answer(&app, &sigma, &v1, "CR 1.1", 0, &met).await;
    assert_eq!((st, n.as_i64()), (StatusCode::OK, Some(1)), "{n}");
    // Two editors from the same version: the second is refused, nothing lost.
    let (st, n) = save_answer(
        &app,
        &contributor,
        &v1,
        "CR 1.1",
        1,
        &[("compliance", "partially_meets")],
    )
    .await;
    assert_eq!((st, n.as_i64()), (StatusCode::OK, Some(2)), "{n}");
    let (st, r) = save_answer(&app, &sigma, &v1, "CR 1.1", 1, &met).await;
    assert_eq!(st, StatusCode::CONFLICT, "{r}");
    let (st, r) = save_answer(&app, &sigma, &v1, "CR 2.1", 3, &met).await;
    assert_eq!(st, StatusCode::CONFLICT, "{r}");
    let (st, n) = save_answer(&app, &sigma, &v1, "CR 1.1", 2, &met).await;
    assert_eq!((st, n.as_i64()), (StatusCode::OK, Some(3)), "{n}");
    let (st, n) = save_answer(
        &app,
        &sigma,
        &v1,
        "CR 2.1",
        0,
        &[("compliance", "planned"), ("planned_on", "2027-06-30")],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{n}");
    let (st, history) = app
        .call(
            &sigma,
            "product_answer_history",
            &[("product_version_id", &v1), ("ref_id", "CR 1.1")],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{history}");
    let versions: Vec<i64> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [3, 2, 1]);
    assert_eq!(history[1]["fields"]["compliance"], "partially_meets");
    assert_eq!(history[1]["changed_by"], "Sigma Devices Contributor");

    // Version 1.1 starts as a copy; what changes afterwards is marked.
    let (_, v2) = version(&app, &sigma, &hx, "1.1", "", "").await;
    let v2 = v2.to_string();
    let (_, set) = answer_set(&app, &sigma, &v2).await;
    assert_eq!(set["previous_version"], "1.0");
    assert_eq!(set["answered"], 2);
    assert_eq!(
        row(&set, "CR 1.1")["fields"]["statement"],
        "Named accounts only"
    );
    assert_eq!(row(&set, "CR 1.1")["changed"], false);
    assert_eq!(row(&set, "CR 1.1")["version"], 1);
    let (st, _) = save_answer(&app, &sigma, &v2, "CR 2.1", 1, &met).await;
    assert_eq!(st, StatusCode::OK);
    let (_, set) = answer_set(&app, &sigma, &v2).await;
    let changed = row(&set, "CR 2.1");
    assert_eq!(changed["changed"], true);
    assert_eq!(changed["previous"]["compliance"], "planned");
    // The earlier version keeps its own answers.
    let (_, old) = answer_set(&app, &sigma, &v1).await;
    assert_eq!(row(&old, "CR 2.1")["fields"]["compliance"], "planned");
    let page = app
        .page(&sigma, &format!("/products/{hx}/versions/{v2}"))
        .await;
    assert!(page.contains("changed (was: Planned"), "{page}");

    // No one else reads or writes them.
    let alpha = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let (_, rho) = another_supplier(&app, &[Role::Admin]).await;
    for c in [&alpha, &rho] {
        let (st, _) = answer_set(&app, c, &v2).await;
        assert_eq!(st, StatusCode::NOT_FOUND);
        let (st, _) = save_answer(&app, c, &v2, "CR 1.1", 1, &met).await;
        assert_eq!(st, StatusCode::NOT_FOUND);
        let (st, _) = app
            .call(
                c,
                "product_answer_history",
                &[("product_version_id", &v1), ("ref_id", "CR 1.1")],
            )
            .await;
        assert_eq!(st, StatusCode::NOT_FOUND);
    }
    app.finish().await;
}
both!(a_product_version_keeps_answers_and_the_next_starts_from_them);

async fn an_assessment_fills_from_a_product_version(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    // Alpha asks Sigma for the 4-2 EDR requirements at SL 2.
    let owner = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let profile = crate::profiles::create(&app, &owner, "Controllers SL 2").await;
    let (st, _) = crate::profiles::add_edr(&app, &owner, &profile, "2").await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = app
        .call(&owner, "publish_profile", &[("profile_id", &profile)])
        .await;
    assert_eq!(st, StatusCode::OK);
    let (_, engagement) = app
        .call(
            &owner,
            "create_engagement",
            &[("name", "Filter controllers"), ("description", "")],
        )
        .await;
    let (st, assessment) = app
        .call(
            &owner,
            "send_assessment",
            &[
                ("engagement_id", &engagement.to_string()),
                ("supplier_org_id", &w.sigma.id.0.to_string()),
                ("profile_id", &profile),
                ("due_on", &crate::assessments::due()),
                ("message", ""),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{assessment}");
    let assessment = assessment.to_string();

    // Sigma's HX-500 4.2: two answers kept, a CSA certificate (FR3 at SL 1).
    let sigma = app.login(w.sigma.email(Role::Admin), PASSWORD).await;
    let (_, hx) = product(
        &app,
        &sigma,
        &[
            ("name", "HX-500"),
            ("kind", "component"),
            ("component_type", "EDR"),
        ],
    )
    .await;
    let (_, v42) = version(&app, &sigma, &hx.to_string(), "4.2", "", "").await;
    let v42 = v42.to_string();
    let (st, _) = save_answer(
        &app,
        &sigma,
        &v42,
        "CR 1.1",
        0,
        &[
            ("compliance", "meets"),
            ("claimed_level", "2"),
            ("statement", "Personal accounts only"),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = save_answer(
        &app,
        &sigma,
        &v42,
        "CR 1.2",
        0,
        &[
            ("compliance", "partially_meets"),
            ("claimed_level", "1"),
            (
                "statement",
                "Devices authenticate by certificate only in 5.0",
            ),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let expires = (app.state.clock.today() + chrono::Duration::days(300)).to_string();
    let (st, r) = certificate(
        &app,
        &sigma,
        &v42,
        &[
            ("scheme", "isasecure_csa"),
            ("levels", "2,2,1,2,2,2,2"),
            ("number", "CSA-0117"),
            ("issuer", "Certa Labs"),
            ("issued_on", "2025-01-10"),
            ("expires_on", &expires),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{r}");

    // The contributor answered CR 1.3 already: it stays as it is.
    let contributor = app.login(w.sigma.email(Role::Contributor), PASSWORD).await;
    let a = crate::assessments::get(&app, &contributor, &assessment).await;
    let answer_of = |a: &Value, ref_id: &str| -> Value {
        a["answers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["requirement"]["ref_id"] == ref_id)
            .unwrap_or_else(|| panic!("{ref_id}"))
            .clone()
    };
    let cr13 = answer_of(&a, "CR 1.3");
    let (st, r) = crate::assessments::save(
        &app,
        &contributor,
        &cr13["id"].to_string(),
        0,
        &[("compliance", "does_not_meet"), ("statement", "Not yet")],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let total = a["answers"].as_array().unwrap().len();

    // The owner's zone model names what the assessment is about: the
    // supplier reads the product and version, never the owner's own name
    // for the component.
    let plant = crate::zones::system(&app, &owner, "Filter plant").await;
    let (_, zone) = crate::zones::zone(&app, &owner, &plant, "Control", "2,2,2,2,2,2,2").await;
    let (st, r) = app
        .call_nested(
            &owner,
            "add_component",
            &[("zone_id", &zone.to_string())],
            "component",
            &[
                ("name", "ALPHA-INTERNAL filter PLC"),
                ("component_type", "EDR"),
                ("supplier_org_id", &w.sigma.id.0.to_string()),
                ("product", "HX-500"),
                ("version", "4.2"),
                ("assessment_id", &assessment),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let named = crate::assessments::get(&app, &contributor, &assessment).await;
    assert_eq!(named["named"], serde_json::json!(["HX-500 4.2"]));
    assert!(!named.to_string().contains("ALPHA-INTERNAL"));

    // Only the supplier, only with its own product.
    let fill = |c: Client, version: String| {
        let (app, assessment) = (&app, assessment.clone());
        async move {
            app.call(
                &c,
                "fill_from_product",
                &[
                    ("assessment_id", assessment.as_str()),
                    ("product_version_id", version.as_str()),
                ],
            )
            .await
        }
    };
    let (st, _) = fill(owner.clone(), v42.clone()).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (_, rho) = another_supplier(&app, &[Role::Admin]).await;
    let (_, theirs) = product(
        &app,
        &rho,
        &[
            ("name", "RTU-7"),
            ("kind", "component"),
            ("component_type", "EDR"),
        ],
    )
    .await;
    let (_, their_version) = version(&app, &rho, &theirs.to_string(), "2.3", "", "").await;
    let (st, _) = fill(rho.clone(), v42.clone()).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = fill(contributor.clone(), their_version.to_string()).await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    let (st, report) = fill(contributor.clone(), v42.clone()).await;
    assert_eq!(st, StatusCode::OK, "{report}");
    assert_eq!(
        report["from_answers"],
        serde_json::json!(["CR 1.1", "CR 1.2"]),
        "{report}"
    );
    assert_eq!(report["kept"], 1);
    let certified: Vec<&str> = report["from_certificates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert!(certified.contains(&"CR 2.1"), "{report}");
    assert!(
        !certified.iter().any(|r| r.starts_with("CR 3.")),
        "FR3 is certified below the target: {report}"
    );
    let not_covered: Vec<&str> = report["not_covered"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert!(not_covered.contains(&"CR 3.1"), "{report}");
    assert_eq!(
        2 + certified.len() + not_covered.len() + 1,
        total,
        "{report}"
    );
    assert_eq!(report["above_claim"], serde_json::json!([["CR 1.2", 2, 1]]));

    // Ordinary answers from now on: saved once, versioned, the certificate named.
    let a = crate::assessments::get(&app, &contributor, &assessment).await;
    let cr11 = answer_of(&a, "CR 1.1");
    assert_eq!(cr11["fields"]["statement"], "Personal accounts only");
    assert_eq!(cr11["version"], 1);
    let cr21 = answer_of(&a, "CR 2.1");
    assert_eq!(cr21["fields"]["compliance"], "meets");
    assert_eq!(cr21["fields"]["claimed_level"], 2);
    assert!(
        cr21["fields"]["statement"]
            .as_str()
            .unwrap()
            .contains("CSA-0117"),
        "{cr21}"
    );
    assert_eq!(
        answer_of(&a, "CR 1.3")["fields"]["compliance"],
        "does_not_meet"
    );
    // The assessment is bound to the version.
    use sea_orm::EntityTrait;
    let row = app::server::entities::assessment::Entity::find_by_id(app::model::AssessmentId(
        assessment.parse().unwrap(),
    ))
    .one(&app.state.db)
    .await
    .unwrap()
    .unwrap();
    assert_eq!(
        row.product_version_id.map(|v| v.to_string()),
        Some(v42.clone())
    );
    // Again: nothing left to fill.
    let (_, again) = fill(contributor.clone(), v42.clone()).await;
    assert_eq!(again["from_answers"], serde_json::json!([]));
    assert_eq!(again["from_certificates"], serde_json::json!([]));

    // The certificate goes with the answer as evidence, and the owner sees
    // it with the assessment and on the comparison.
    let evidence = &cr21["evidence"][0];
    assert_eq!(evidence["kind"], "certificate", "{cr21}");
    assert_eq!(evidence["issuer"], "Certa Labs");
    assert_eq!(evidence["expires_on"], expires);
    let seen = crate::assessments::get(&app, &owner, &assessment).await;
    assert_eq!(seen["product"], "HX-500 4.2");
    assert_eq!(seen["certificates"][0]["number"], "CSA-0117");
    assert_eq!(seen["certificates"][0]["state"], "valid");
    let (_, m) = app
        .call(
            &owner,
            "compare_suppliers",
            &[("engagement_id", &engagement.to_string())],
        )
        .await;
    assert_eq!(m["columns"][0]["product"], "HX-500 4.2", "{m}");
    assert_eq!(m["columns"][0]["certificates"][0]["number"], "CSA-0117");
    // Rho, a supplier of Alpha's too, never sees Sigma's certificates.
    let (st, _) = app
        .call(&rho, "get_assessment", &[("assessment_id", &assessment)])
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    // Once the owner accepted the assessment, it hears when the certificate
    // it relied on runs out (30/7/1 days before, once each).
    use sea_orm::{ActiveModelTrait, Set};
    let mut am: app::server::entities::assessment::ActiveModel = row.into();
    am.status = Set(app::model::AssessmentStatus::Accepted);
    am.update(&app.state.writer).await.unwrap();
    let expiry: chrono::NaiveDate = expires.parse().unwrap();
    app.clock.set(expiry - chrono::Duration::days(30));
    app::server::services::reminders::run_once(&app.state, "a")
        .await
        .unwrap();
    app::server::services::reminders::run_once(&app.state, "b")
        .await
        .unwrap();
    let told = crate::commitments::count_kind(&app, "certificate.relied_expiring").await;
    // Alpha's admin and reviewer, once each.
    assert_eq!(told.len(), 2, "{told:?}");
    assert!(told.iter().all(|(_, n)| *n == 1), "{told:?}");
    let mails = app.mails_to(w.alpha.email(Role::Reviewer)).await;
    assert!(
        mails.iter().any(
            |m| m.subject.contains("of Sigma Devices expires in 30 days")
                && m.body.contains("relies on the certificate")
                && m.body.contains(&format!("/assessments/{assessment}"))
        ),
        "{mails:?}"
    );
    app.finish().await;
}
both!(an_assessment_fills_from_a_product_version);

/// Sigma's HX-500 4.2 (EDR) with CR 1.1 answered and a CSA SL 2
/// certificate; returns (product, version) ids.
pub(crate) async fn hx_500(app: &TestApp, sigma: &Client) -> (String, String) {
    let (_, hx) = product(
        app,
        sigma,
        &[
            ("name", "HX-500"),
            ("kind", "component"),
            ("component_type", "EDR"),
        ],
    )
    .await;
    let (_, v42) = version(app, sigma, &hx.to_string(), "4.2", "", "").await;
    let v42 = v42.to_string();
    let (st, _) = save_answer(
        app,
        sigma,
        &v42,
        "CR 1.1",
        0,
        &[
            ("compliance", "meets"),
            ("claimed_level", "2"),
            ("statement", "SIGMA-SHARED personal accounts"),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let expires = (app.state.clock.today() + chrono::Duration::days(300)).to_string();
    let (st, r) = certificate(
        app,
        sigma,
        &v42,
        &[
            ("scheme", "isasecure_csa"),
            ("levels", "2"),
            ("number", "CSA-0117"),
            ("issuer", "Certa Labs"),
            ("issued_on", "2025-01-10"),
            ("expires_on", &expires),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    (hx.to_string(), v42)
}

async fn a_product_version_is_shared_on_purpose_and_revoked_at_once(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let sigma = app.login(w.sigma.email(Role::Admin), PASSWORD).await;
    let contributor = app.login(w.sigma.email(Role::Contributor), PASSWORD).await;
    let alpha = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let alpha_viewer = app.login(w.alpha.email(Role::Viewer), PASSWORD).await;
    let beta = app.login(w.beta.email(Role::Admin), PASSWORD).await;
    let (_, rho) = another_supplier(&app, &[Role::Admin]).await;
    let (_, v42) = hx_500(&app, &sigma).await;

    // Sigma may share with the owners that work with it: Alpha, not Beta.
    let (st, s) = app
        .call(&sigma, "product_sharing", &[("product_version_id", &v42)])
        .await;
    assert_eq!(st, StatusCode::OK, "{s}");
    assert_eq!(
        s["customers"],
        serde_json::json!([[w.alpha.id.0, "Alpha Water"]])
    );
    assert_eq!(s["shares"], serde_json::json!([]));
    let share_with = |c: Client, org: i64| {
        let (app, v42) = (&app, v42.clone());
        async move {
            app.call(
                &c,
                "share_product_version",
                &[
                    ("product_version_id", v42.as_str()),
                    ("owner_org_id", &org.to_string()),
                ],
            )
            .await
        }
    };
    let (st, r) = share_with(sigma.clone(), w.beta.id.0).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    assert_eq!(field(&r), "owner");
    // Nobody but Sigma's editors shares Sigma's version.
    for c in [&alpha, &rho] {
        let (st, _) = share_with(c.clone(), w.alpha.id.0).await;
        assert_eq!(st, StatusCode::NOT_FOUND);
        let (st, _) = app
            .call(c, "product_sharing", &[("product_version_id", &v42)])
            .await;
        assert_eq!(st, StatusCode::NOT_FOUND);
    }
    let (st, share) = share_with(contributor.clone(), w.alpha.id.0).await;
    assert_eq!(st, StatusCode::OK, "{share}");
    let share = share.to_string();
    let (st, _) = share_with(sigma.clone(), w.alpha.id.0).await;
    assert_eq!(st, StatusCode::CONFLICT);
    let mails = app.mails_to(w.alpha.email(Role::Admin)).await;
    assert!(
        mails.iter().any(|m| m
            .subject
            .contains("Sigma Devices shared its answers for HX-500 4.2")
            && m.body.contains(&format!("/shared/{share}"))),
        "{mails:?}"
    );

    // Alpha reads it, read-only, with the certificate; everyone else finds nothing.
    let (st, list) = app.call(&alpha_viewer, "list_shared_sets", &[]).await;
    assert_eq!(st, StatusCode::OK, "{list}");
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["product"], "HX-500");
    assert_eq!(list[0]["supplier"], "Sigma Devices");
    let get = |c: Client| {
        let (app, share) = (&app, share.clone());
        async move {
            app.call(&c, "get_shared_set", &[("share_id", share.as_str())])
                .await
        }
    };
    let (st, set) = get(alpha_viewer.clone()).await;
    assert_eq!(st, StatusCode::OK, "{set}");
    assert_eq!(row(&set["set"], "CR 1.1")["fields"]["compliance"], "meets");
    assert_eq!(set["certificates"][0]["number"], "CSA-0117");
    assert_eq!(set["changes"], serde_json::json!([]));
    assert_eq!(set["set"]["may_edit"], false);
    // The viewer may neither send nor ask.
    assert_eq!(set["engagements"], serde_json::json!([]));
    assert_eq!(set["may_ask"], false);
    let (st, list) = app.call(&beta, "list_shared_sets", &[]).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(list, serde_json::json!([]));
    for c in [&beta, &sigma, &rho] {
        let (st, body) = get(c.clone()).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{body}");
        assert!(!body.to_string().contains("SIGMA-SHARED"));
    }
    for c in [&alpha, &rho] {
        let (st, _) = app
            .call(c, "revoke_product_share", &[("share_id", &share)])
            .await;
        assert_eq!(st, StatusCode::NOT_FOUND);
    }

    // Alpha sends a questionnaire about the version: already bound to it.
    let profile = crate::profiles::create(&app, &alpha, "Controllers SL 2").await;
    let (st, _) = crate::profiles::add_edr(&app, &alpha, &profile, "2").await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = app
        .call(&alpha, "publish_profile", &[("profile_id", &profile)])
        .await;
    assert_eq!(st, StatusCode::OK);
    let (_, engagement) = app
        .call(
            &alpha,
            "create_engagement",
            &[("name", "Filter controllers"), ("description", "")],
        )
        .await;
    let engagement = engagement.to_string();
    let send = |c: Client, engagement: String| {
        let (app, share, profile) = (&app, share.clone(), profile.clone());
        async move {
            app.call(
                &c,
                "send_about_shared",
                &[
                    ("share_id", share.as_str()),
                    ("engagement_id", engagement.as_str()),
                    ("profile_id", profile.as_str()),
                    ("due_on", &crate::assessments::due()),
                    ("message", ""),
                ],
            )
            .await
        }
    };
    let (st, r) = send(alpha.clone(), String::new()).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    assert_eq!(field(&r), "engagement_id");
    let (st, _) = send(alpha_viewer.clone(), engagement.clone()).await;
    assert_ne!(st, StatusCode::OK);
    let (st, _) = send(beta.clone(), engagement.clone()).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, assessment) = send(alpha.clone(), engagement.clone()).await;
    assert_eq!(st, StatusCode::OK, "{assessment}");
    let assessment = assessment.to_string();
    for c in [&alpha, &contributor] {
        let a = crate::assessments::get(&app, c, &assessment).await;
        assert_eq!(a["product"], "HX-500 4.2");
        assert_eq!(a["certificates"][0]["number"], "CSA-0117", "{a}");
    }

    // Sigma changes CR 1.1: Alpha is told what changed, before → after.
    let (st, _) = save_answer(
        &app,
        &contributor,
        &v42,
        "CR 1.1",
        1,
        &[
            ("compliance", "partially_meets"),
            ("claimed_level", "1"),
            (
                "statement",
                "Shared accounts remain on the maintenance port",
            ),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let mails = app.mails_to(w.alpha.email(Role::Reviewer)).await;
    assert!(
        mails.iter().any(|m| m
            .body
            .contains("CR 1.1 for HX-500 4.2: Meets (SL 2) → Partially meets (SL 1)")),
        "{mails:?}"
    );
    let (_, set) = get(alpha.clone()).await;
    let change = &set["changes"][0];
    assert_eq!(change["ref_id"], "CR 1.1");
    assert_eq!(change["before"]["compliance"], "meets");
    assert_eq!(change["after"]["compliance"], "partially_meets");
    assert_eq!(change["affected"][0][0].to_string(), assessment);
    assert_eq!(row(&set["set"], "CR 1.1")["fields"]["claimed_level"], 1);
    let (_, list) = app.call(&alpha, "list_shared_sets", &[]).await;
    assert_eq!(list[0]["open_changes"], 1);

    // Alpha asks for an updated answer: a shared comment Sigma reads.
    let change = change["id"].to_string();
    let ask = |c: Client| {
        let (app, share, change) = (&app, share.clone(), change.clone());
        async move {
            app.call(
                &c,
                "ask_shared_update",
                &[("share_id", share.as_str()), ("change_id", change.as_str())],
            )
            .await
        }
    };
    let (st, _) = ask(alpha_viewer.clone()).await;
    assert_ne!(st, StatusCode::OK);
    let (st, _) = ask(beta.clone()).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, n) = ask(alpha.clone()).await;
    assert_eq!(st, StatusCode::OK, "{n}");
    assert_eq!(n, 1);
    let (st, _) = ask(alpha.clone()).await;
    assert_eq!(st, StatusCode::CONFLICT);
    let (_, comments) = app
        .call(
            &contributor,
            "list_comments",
            &[("assessment_id", &assessment)],
        )
        .await;
    assert!(
        comments[0]["body"]
            .as_str()
            .unwrap()
            .contains("changed CR 1.1: Meets (SL 2) → Partially meets (SL 1)"),
        "{comments}"
    );
    let (_, list) = app.call(&alpha, "list_shared_sets", &[]).await;
    assert_eq!(list[0]["open_changes"], 0);

    // Revoked: gone for Alpha at once; shared again, back.
    let (st, _) = app
        .call(&sigma, "revoke_product_share", &[("share_id", &share)])
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = app
        .call(&sigma, "revoke_product_share", &[("share_id", &share)])
        .await;
    assert_eq!(st, StatusCode::CONFLICT);
    let (_, list) = app.call(&alpha, "list_shared_sets", &[]).await;
    assert_eq!(list, serde_json::json!([]));
    let (st, _) = get(alpha.clone()).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = ask(alpha.clone()).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = send(alpha.clone(), engagement.clone()).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let r = alpha
        .get(app.url(&format!("/shared/{share}")))
        .send()
        .await
        .unwrap();
    assert!(!r.text().await.unwrap().contains("SIGMA-SHARED"));
    let (_, s) = app
        .call(&sigma, "product_sharing", &[("product_version_id", &v42)])
        .await;
    assert!(s["shares"][0]["revoked_at"].is_string(), "{s}");
    let (st, again) = share_with(sigma.clone(), w.alpha.id.0).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(again.to_string(), share);
    let (_, list) = app.call(&alpha, "list_shared_sets", &[]).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    app.finish().await;
}
both!(a_product_version_is_shared_on_purpose_and_revoked_at_once);
