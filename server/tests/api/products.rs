//! A supplier's product library: products, versions and certificates, what
//! is refused and why, certificate states and reminders, and that no other
//! organization sees any of it.

use crate::both;
use crate::common::{Backend, TestApp, World, PASSWORD};
use app::model::Role;
use reqwest::{Client, StatusCode};
use serde_json::Value;

fn field(r: &Value) -> &str {
    r["Validation"]["fields"][0]["field"].as_str().unwrap_or("")
}

async fn product(app: &TestApp, c: &Client, fields: &[(&str, &str)]) -> (StatusCode, Value) {
    let form: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| (format!("product[{k}]"), v.to_string()))
        .collect();
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.call(c, "create_product", &form).await
}

async fn version(
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

async fn certificate(
    app: &TestApp,
    c: &Client,
    version: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, Value) {
    let mut form = vec![("product_version_id".to_string(), version.to_string())];
    for (k, v) in fields {
        form.push((format!("certificate[{k}]"), v.to_string()));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.call(c, "add_certificate", &form).await
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
    let rho_org = crate::common::org(
        &app.state,
        "Rho Controls",
        "rho",
        app::model::OrgKind::ProductSupplier,
        &[Role::Admin, Role::Viewer],
    )
    .await;
    let rho = app.login(rho_org.email(Role::Admin), PASSWORD).await;
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
