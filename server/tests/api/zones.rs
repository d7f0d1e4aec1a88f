//! Systems, zones and conduits (IEC 62443-3-2): what is refused and why, a
//! profile made from a zone's SL-T vector, and what a zone reaches per FR
//! from its components' accepted assessments.

use crate::assessments::{answer_all_and_submit, due, Sent};
use crate::both;
use crate::common::{Backend, TestApp, World, PASSWORD};
use app::model::Role;
use app::model::{select_for_vector, ComponentType, RequirementDto, SlVector};
use reqwest::{Client, StatusCode};
use serde_json::Value;

pub async fn model(app: &TestApp, c: &Client) -> Value {
    let (st, m) = app.call(c, "zones_and_conduits", &[]).await;
    assert_eq!(st, StatusCode::OK, "{m}");
    m
}

pub async fn system(app: &TestApp, c: &Client, name: &str) -> String {
    let (st, id) = app
        .call(c, "create_system", &[("name", name), ("description", "")])
        .await;
    assert_eq!(st, StatusCode::OK, "{id}");
    id.to_string()
}

pub async fn zone(
    app: &TestApp,
    c: &Client,
    system: &str,
    name: &str,
    sl_t: &str,
) -> (StatusCode, Value) {
    app.call(
        c,
        "create_zone",
        &[
            ("system_id", system),
            ("name", name),
            ("description", ""),
            ("sl_t", sl_t),
        ],
    )
    .await
}

fn field(r: &Value) -> &str {
    r["Validation"]["fields"][0]["field"].as_str().unwrap_or("")
}

async fn component(
    app: &TestApp,
    c: &Client,
    zone: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, Value) {
    app.call_nested(
        c,
        "add_component",
        &[("zone_id", zone)],
        "component",
        fields,
    )
    .await
}

async fn the_zone_model_refuses_what_does_not_fit(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let admin = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let plant = system(&app, &admin, "Water plant").await;
    let (st, r) = app
        .call(
            &admin,
            "create_system",
            &[("name", "Water plant"), ("description", "")],
        )
        .await;
    assert_eq!(
        (st, field(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "name"),
        "{r}"
    );

    let (st, control) = zone(&app, &admin, &plant, "Control", "(2, 2, 3, 1, 2, 1, 2)").await;
    assert_eq!(st, StatusCode::OK, "{control}");
    let (st, dmz) = zone(&app, &admin, &plant, "DMZ", "2,2,2,2,2,2,2").await;
    assert_eq!(st, StatusCode::OK);
    for bad in ["2,2,5,1,2,1,2", "0,1,1,1,1,1,1", "2,2,2", "high"] {
        let (st, r) = zone(&app, &admin, &plant, "Bad", bad).await;
        assert_eq!(
            (st, field(&r)),
            (StatusCode::UNPROCESSABLE_ENTITY, "sl_t"),
            "{bad}: {r}"
        );
    }
    let (st, r) = zone(&app, &admin, &plant, "Control", "1,1,1,1,1,1,1").await;
    assert_eq!(
        (st, field(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "name"),
        "{r}"
    );

    // A conduit joins two zones of one system.
    let other = system(&app, &admin, "Pump stations").await;
    let (_, station) = zone(&app, &admin, &other, "Station 4", "1,1,1,1,1,1,1").await;
    let conduit = |from: String, to: String, name: &'static str| {
        let (app, admin, plant) = (&app, admin.clone(), plant.clone());
        async move {
            app.call(
                &admin,
                "create_conduit",
                &[
                    ("system_id", plant.as_str()),
                    ("name", name),
                    ("description", ""),
                    ("from_zone_id", from.as_str()),
                    ("to_zone_id", to.as_str()),
                    ("sl_t", "2,2,2,2,2,2,2"),
                ],
            )
            .await
        }
    };
    let (st, r) = conduit(control.to_string(), station.to_string(), "Wrong").await;
    assert_eq!(
        (st, field(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "to_zone_id"),
        "{r}"
    );
    assert!(r.to_string().contains("Water plant"), "{r}");
    let (st, r) = conduit(control.to_string(), control.to_string(), "Loop").await;
    assert_eq!(
        (st, field(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "to_zone_id"),
        "{r}"
    );
    let (st, r) = conduit(dmz.to_string(), control.to_string(), "Remote access").await;
    assert_eq!(st, StatusCode::OK, "{r}");

    // Components: the type, the dates, the supplier and the assessment are
    // checked; another organization is never a supplier here.
    let zone_id = control.to_string();
    for (fields, want) in [
        (
            vec![("name", "RTU"), ("component_type", "PLC")],
            "component_type",
        ),
        (vec![("name", ""), ("component_type", "EDR")], "name"),
        (
            vec![
                ("name", "RTU"),
                ("component_type", "EDR"),
                ("end_of_support", "31.12.2020"),
            ],
            "end_of_support",
        ),
        (
            vec![
                ("name", "RTU"),
                ("component_type", "EDR"),
                ("in_service_since", "2020-01-01"),
                ("end_of_support", "2019-01-01"),
            ],
            "end_of_support",
        ),
        (
            vec![
                ("name", "RTU"),
                ("component_type", "EDR"),
                ("supplier_org_id", &w.beta.id.0.to_string()),
            ],
            "supplier_org_id",
        ),
        (
            vec![
                ("name", "RTU"),
                ("component_type", "EDR"),
                ("assessment_id", "999999"),
            ],
            "assessment_id",
        ),
    ] {
        let (st, r) = component(&app, &admin, &zone_id, &fields).await;
        assert_eq!(
            (st, field(&r)),
            (StatusCode::UNPROCESSABLE_ENTITY, want),
            "{fields:?}: {r}"
        );
    }
    let (st, r) = component(
        &app,
        &admin,
        &zone_id,
        &[
            ("name", "Legacy RTU"),
            ("component_type", "NDR"),
            ("supplier_org_id", &w.sigma.id.0.to_string()),
            ("end_of_support", "2020-06-30"),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let (st, _) = app
        .call(
            &admin,
            "set_component_legacy",
            &[("component_id", &r.to_string()), ("legacy", "yes")],
        )
        .await;
    assert_eq!(st, StatusCode::OK);

    let m = model(&app, &admin).await;
    let plant_dto = m["systems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Water plant")
        .unwrap();
    let control = plant_dto["zones"]
        .as_array()
        .unwrap()
        .iter()
        .find(|z| z["name"] == "Control")
        .unwrap();
    assert_eq!(control["sl_t"], serde_json::json!([2, 2, 3, 1, 2, 1, 2]));
    let rtu = &control["components"][0];
    assert_eq!(
        (
            rtu["legacy"].as_bool(),
            rtu["past_end_of_support"].as_bool()
        ),
        (Some(true), Some(true))
    );
    assert_eq!(rtu["supplier"], "Sigma Devices");
    // No accepted assessment: the zone reaches nothing yet, every FR is open.
    assert_eq!(control["reach"], serde_json::json!([0, 0, 0, 0, 0, 0, 0]));
    assert!(control["states"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s == "open"));
    assert_eq!(plant_dto["conduits"][0]["from_name"], "DMZ");

    // Readers read, viewers do not change, suppliers see nothing.
    let viewer = app.login(w.alpha.email(Role::Viewer), PASSWORD).await;
    assert_eq!(model(&app, &viewer).await["may_edit"], false);
    let (st, _) = zone(&app, &viewer, &plant, "Viewer zone", "1,1,1,1,1,1,1").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let sigma = app.login(w.sigma.email(Role::Admin), PASSWORD).await;
    let (st, _) = app.call(&sigma, "zones_and_conduits", &[]).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    // Beta's model is empty, and Beta cannot add to Alpha's zone.
    let beta = app.login(w.beta.email(Role::Admin), PASSWORD).await;
    assert!(model(&app, &beta).await["systems"]
        .as_array()
        .unwrap()
        .is_empty());
    let (st, _) = component(
        &app,
        &beta,
        &zone_id,
        &[("name", "X"), ("component_type", "EDR")],
    )
    .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    app.finish().await;
}
both!(the_zone_model_refuses_what_does_not_fit);

/// A shipped catalog's requirements, from its data file.
fn shipped(key: &str) -> Vec<RequirementDto> {
    #[derive(serde::Deserialize)]
    struct File {
        requirements: Vec<RequirementDto>,
    }
    let path = format!(
        "{}/../app/data/catalogs/{key}.v1.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let f: File = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    f.requirements
}

async fn a_profile_from_a_zone_and_what_the_zone_reaches(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let owner = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let plant = system(&app, &owner, "Water plant").await;
    let (_, control) = zone(&app, &owner, &plant, "Control", "2,2,3,1,2,1,2").await;
    let control = control.to_string();

    let (st, r) = app
        .call(
            &owner,
            "profile_from_zone",
            &[("zone_id", &control), ("component_type", "plc")],
        )
        .await;
    assert_eq!(
        (st, field(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "component_type")
    );
    let (st, profile) = app
        .call(
            &owner,
            "profile_from_zone",
            &[
                ("zone_id", &control),
                ("component_type", "EDR"),
                ("name", ""),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{profile}");
    let profile = profile.to_string();
    let (_, p) = app
        .call(&owner, "get_profile", &[("profile_id", &profile)])
        .await;
    assert!(
        p["name"].as_str().unwrap().contains("Control"),
        "{}",
        p["name"]
    );
    let items = p["items"].as_array().unwrap();
    let catalog = shipped("iec-62443-4-2");
    let want = select_for_vector(
        &catalog,
        Some(ComponentType::EDR),
        SlVector([2, 2, 3, 1, 2, 1, 2]),
    );
    assert_eq!(items.len(), want.len());
    let target_of = |id: &str| {
        items
            .iter()
            .find(|i| i["requirement"]["ref_id"] == id)
            .map(|i| i["target"].as_i64().unwrap())
    };
    assert_eq!(target_of("CR 3.4 RE(2)"), Some(3), "FR3 at SL 3");
    assert_eq!(target_of("CR 4.1"), Some(1), "FR4 at SL 1");
    assert_eq!(
        target_of("CR 4.2"),
        None,
        "FR4 is at SL 1: CR 4.2 starts at SL 2"
    );
    assert_eq!(target_of("CR 1.1"), Some(2));

    // The integrator's system: 3-3 likewise.
    let (st, sys_profile) = app
        .call(
            &owner,
            "profile_from_zone",
            &[
                ("zone_id", &control),
                ("component_type", "system"),
                ("name", ""),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{sys_profile}");
    let (_, sp) = app
        .call(
            &owner,
            "get_profile",
            &[("profile_id", &sys_profile.to_string())],
        )
        .await;
    assert!(
        sp["name"]
            .as_str()
            .unwrap()
            .starts_with("System requirements of zone Control"),
        "{}",
        sp["name"]
    );
    let sys_catalog = shipped("iec-62443-3-3");
    let want_sys = select_for_vector(&sys_catalog, None, SlVector([2, 2, 3, 1, 2, 1, 2]));
    assert_eq!(sp["items"].as_array().unwrap().len(), want_sys.len());

    // Sent to Sigma, answered "meets" at SL-C 2 everywhere, accepted.
    let (st, _) = app
        .call(&owner, "publish_profile", &[("profile_id", &profile)])
        .await;
    assert_eq!(st, StatusCode::OK);
    let (_, engagement) = app
        .call(
            &owner,
            "create_engagement",
            &[("name", "Control zone RTUs"), ("description", "")],
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
                ("due_on", &due()),
                ("message", ""),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{assessment}");
    let s = Sent {
        owner: owner.clone(),
        supplier: app.login(w.sigma.email(Role::Contributor), PASSWORD).await,
        engagement: engagement.to_string(),
        assessment: assessment.to_string(),
        profile: profile.clone(),
    };
    // The first requirement is met with Sigma's own compensating
    // countermeasure (CCSC), at the same level.
    answer_all_and_submit(&app, &s, |i| {
        if i == 0 {
            vec![
                ("compliance", "meets_with_compensating_countermeasure"),
                ("countermeasure", "SIGMA-CCSC vendor-managed jump host"),
                ("claimed_level", "2"),
                ("responsibility_accepted", "yes"),
            ]
        } else {
            vec![
                ("compliance", "meets"),
                ("claimed_level", "2"),
                ("responsibility_accepted", "yes"),
            ]
        }
    })
    .await;
    let (st, r) = app
        .call(&owner, "begin_review", &[("assessment_id", &s.assessment)])
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let (st, r) = app
        .call(
            &owner,
            "decide_assessment",
            &[
                ("assessment_id", &s.assessment),
                ("decision", "accept"),
                ("rationale", "Fits the control zone"),
                ("conditions", ""),
                ("despite_open", "yes"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let (st, r) = component(
        &app,
        &owner,
        &control,
        &[
            ("name", "Helix HX-500"),
            ("component_type", "EDR"),
            ("assessment_id", &s.assessment),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{r}");

    // SL-C 2 in every FR: FR3 (target 3) is open, the rest met.
    let m = model(&app, &owner).await;
    let z = &m["systems"][0]["zones"][0];
    assert_eq!(z["reach"], serde_json::json!([2, 2, 2, 2, 2, 2, 2]));
    assert_eq!(
        z["states"],
        serde_json::json!(["met", "met", "open", "met", "met", "met", "met"])
    );
    let c = &z["components"][0];
    assert_eq!(
        c["supplier"], "Sigma Devices",
        "the assessment names the supplier"
    );
    assert_eq!(c["below_target"], true);
    // Raising FR4's target to 3 opens FR4 too.
    let (st, _) = app
        .call(
            &owner,
            "set_zone_target",
            &[("zone_id", &control), ("sl_t", "2,2,3,3,2,1,2")],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let m = model(&app, &owner).await;
    assert_eq!(m["systems"][0]["zones"][0]["states"][3], "open");
    // Sigma's CCSC shows with the component.
    let ccsc = &m["systems"][0]["zones"][0]["components"][0]["supplier_countermeasures"];
    assert_eq!(ccsc.as_array().map(Vec::len), Some(1), "{ccsc}");
    assert_eq!(
        ccsc[0]["countermeasure"],
        "SIGMA-CCSC vendor-managed jump host"
    );
    assert!(
        ccsc[0]["requirement"].as_str().unwrap().starts_with("CR "),
        "{ccsc}"
    );
    let page = app.page(&owner, &format!("/zones/{control}")).await;
    assert!(page.contains("SIGMA-CCSC vendor-managed jump host"));

    the_zone_model_as_an_oscal_plan(&app, &w, &owner, &plant, &s).await;
    app.finish().await;
}
both!(a_profile_from_a_zone_and_what_the_zone_reaches);

/// The zone model of `plant` (one zone, Control, with Sigma's component
/// whose accepted assessment reaches SL 2 in every FR; SL-T 2,2,3,3,2,1,2)
/// as an OSCAL system security plan, validated by compliance-trestle.
async fn the_zone_model_as_an_oscal_plan(
    app: &TestApp,
    w: &World,
    owner: &Client,
    plant: &str,
    s: &Sent,
) {
    // FR3 is compensated by the owner's own countermeasure on the
    // (legacy) component; FR4 stays open.
    let component_id =
        model(app, owner).await["systems"][0]["zones"][0]["components"][0]["id"].to_string();
    let (st, _) = app
        .call(
            owner,
            "set_component_legacy",
            &[("component_id", &component_id), ("legacy", "yes")],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let review = (app.state.clock.today() + chrono::Days::new(30)).to_string();
    let (st, r) = countermeasure(
        app,
        owner,
        &component_id,
        &[
            ("frs", "FR3"),
            ("requirements", "CR 3.1 RE(1)"),
            (
                "description",
                "Firmware images checked against the vendor's hash",
            ),
            ("location", "component"),
            ("review_on", review.as_str()),
            ("residual_gap", "Running memory is not checked"),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{r}");

    let r = owner
        .get(app.url(&format!("/systems/{plant}/export/oscal")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let doc: Value = r.json().await.unwrap();
    crate::rest_flows::oscal_valid(&[("ssp", &doc)]);
    let ssp = &doc["system-security-plan"];
    assert_eq!(ssp["system-characteristics"]["system-name"], "Water plant");
    let components = ssp["system-implementation"]["components"]
        .as_array()
        .unwrap();
    let of_kind = |k: &str| {
        components
            .iter()
            .filter(|c| c["type"] == k)
            .map(|c| c["title"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(of_kind("this-system"), ["Water plant"]);
    assert_eq!(of_kind("network"), ["Control"]);
    assert_eq!(of_kind("hardware"), ["Helix HX-500"]);
    let zone_uuid = components.iter().find(|c| c["type"] == "network").unwrap()["uuid"].clone();
    let reqs = ssp["control-implementation"]["implemented-requirements"]
        .as_array()
        .unwrap();
    let by = |control: &str| -> Vec<Value> {
        reqs.iter()
            .find(|r| r["control-id"] == control)
            .unwrap_or_else(|| panic!("{control} not implemented: {reqs:?}"))["by-components"]
            .as_array()
            .unwrap()
            .clone()
    };
    let status = |control: &str| -> String {
        by(control)
            .iter()
            .find(|b| b["component-uuid"] == zone_uuid)
            .map(|b| {
                b["implementation-status"]["state"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .unwrap()
    };
    // The selection follows the SL-T vector per FR (3-3 at 2,2,3,3,2,1,2).
    let shipped_3_3 = shipped("iec-62443-3-3");
    let selected = select_for_vector(&shipped_3_3, None, SlVector([2, 2, 3, 3, 2, 1, 2]));
    assert_eq!(reqs.len(), selected.len());
    // Reached SL 2 everywhere: what is needed from SL 1 or 2 is
    // implemented; FR3's SL 3 requirements stand on the countermeasure;
    // FR4's SL 3 requirements are an open gap.
    assert_eq!(status("sr-1.1"), "implemented");
    assert_eq!(status("sr-1.1-re-1"), "implemented");
    let fr_at_3 = |fr: &str| {
        selected
            .iter()
            .find(|r| r.group == fr && r.min_sl() == Some(3))
            .map(|r| app::server::oscal::token(&r.ref_id))
            .unwrap_or_else(|| panic!("no {fr} requirement from SL 3"))
    };
    let fr3 = fr_at_3("FR3");
    assert_eq!(status(&fr3), "alternative");
    let measure = by(&fr3)
        .into_iter()
        .find(|b| b["component-uuid"] != zone_uuid)
        .expect("the countermeasure stands in");
    assert_eq!(
        measure["description"],
        "Firmware images checked against the vendor's hash"
    );
    assert_eq!(measure["implementation-status"]["state"], "alternative");
    assert_eq!(status(&fr_at_3("FR4")), "partial");
    // Sigma's name is there as the component's supplier; nothing of the
    // answers themselves is.
    let text = doc.to_string();
    assert!(text.contains("Sigma Devices"));
    assert!(!text.contains("SIGMA-CCSC"));
    assert!(text.contains(&format!("/assessments/{}/export/oscal", s.assessment)));

    // A system without zones has no plan yet; another owner's system, the
    // supplier and the wrong format get nothing.
    let empty = system(app, owner, "Empty plant").await;
    let r = owner
        .get(app.url(&format!("/systems/{empty}/export/oscal")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("no zones yet"));
    let beta = app.login(w.beta.email(Role::Admin), PASSWORD).await;
    let sigma = app.login(w.sigma.email(Role::Admin), PASSWORD).await;
    for (c, path) in [
        (&beta, format!("/systems/{plant}/export/oscal")),
        (&sigma, format!("/systems/{plant}/export/oscal")),
        (owner, format!("/systems/{plant}/export/csv")),
    ] {
        let r = c.get(app.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }
}

async fn countermeasure(
    app: &TestApp,
    c: &Client,
    component: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, Value) {
    app.call_nested(
        c,
        "add_countermeasure",
        &[("component_id", component)],
        "countermeasure",
        fields,
    )
    .await
}

fn states(m: &Value) -> Vec<String> {
    m["systems"][0]["zones"][0]["states"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

async fn legacy_components_get_countermeasures_and_risks_expire(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    // Sigma answers a questionnaire of Alpha's: it can carry a commitment.
    let s = crate::assessments::send(&app, &w).await;
    let owner = s.owner.clone();
    let plant = system(&app, &owner, "Water plant").await;
    let (_, z) = zone(&app, &owner, &plant, "Control", "2,2,3,1,2,1,2").await;
    let z = z.to_string();
    let (_, rtu) = component(
        &app,
        &owner,
        &z,
        &[("name", "RTU"), ("component_type", "EDR")],
    )
    .await;
    let rtu = rtu.to_string();
    let today = app.state.clock.today();
    let review = (today + chrono::Days::new(60)).to_string();
    let sigma = w.sigma.id.0.to_string();
    let good = [
        ("frs", "FR3, FR1"),
        ("requirements", "CR 3.4, CR 1.1"),
        (
            "description",
            "Jump host with recorded sessions in front of the RTU",
        ),
        ("location", "zone_boundary"),
        ("responsible_org_id", sigma.as_str()),
        ("review_on", review.as_str()),
        ("residual_gap", "No integrity checks of the firmware"),
    ];

    // Only for legacy components.
    let (st, r) = countermeasure(&app, &owner, &rtu, &good).await;
    assert_eq!(st, StatusCode::CONFLICT, "{r}");
    let (st, _) = app
        .call(
            &owner,
            "set_component_legacy",
            &[("component_id", &rtu), ("legacy", "yes")],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let past = (today - chrono::Days::new(1)).to_string();
    let beta = w.beta.id.0.to_string();
    for (k, v, field) in [
        ("frs", "FR9", "frs"),
        ("description", "", "description"),
        ("location", "roof", "location"),
        ("review_on", past.as_str(), "review_on"),
        ("responsible_org_id", beta.as_str(), "responsible_org_id"),
    ] {
        let mut f: Vec<(&str, &str)> = good.iter().filter(|(x, _)| *x != k).copied().collect();
        f.push((k, v));
        let (st, r) = countermeasure(&app, &owner, &rtu, &f).await;
        assert_eq!(
            (st, r["Validation"]["fields"][0]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field)),
            "{k}={v}: {r}"
        );
    }
    let (st, r) = countermeasure(&app, &owner, &rtu, &good).await;
    assert_eq!(st, StatusCode::OK, "{r}");
    // The owner carries one too (no assessment to hang a commitment on).
    let (st, r) = countermeasure(
        &app,
        &owner,
        &rtu,
        &[
            ("frs", "FR5"),
            ("description", "Unplug the service port"),
            ("location", "component"),
            ("review_on", review.as_str()),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{r}");

    let m = model(&app, &owner).await;
    assert_eq!(
        states(&m),
        [
            "compensated",
            "open",
            "compensated",
            "open",
            "compensated",
            "open",
            "open"
        ]
    );
    let measures = &m["systems"][0]["zones"][0]["components"][0]["countermeasures"];
    assert_eq!(measures[0]["responsible"], "Sigma Devices");
    assert_eq!(measures[0]["commitment"], "proposed");
    assert_eq!(measures[1]["responsible"], "Alpha Water");
    assert!(measures[1]["commitment"].is_null());

    // Sigma sees what it carries as a commitment due on the review date,
    // and agrees; it still sees nothing of Alpha's zone model.
    let sigma_admin = app.login(w.sigma.email(Role::Admin), PASSWORD).await;
    let (_, list) = app.call(&sigma_admin, "list_commitments", &[]).await;
    let c = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["source"] == "compensating_countermeasure")
        .unwrap_or_else(|| panic!("{list}"));
    assert!(
        c["title"].as_str().unwrap().contains("RTU (FR 1, FR 3)"),
        "{c}"
    );
    assert_eq!(c["due_on"], review);
    let (st, r) = app
        .call(
            &sigma_admin,
            "commitment_action",
            &[
                ("commitment_id", &c["id"].to_string()),
                ("action", "agree"),
                ("note", ""),
                ("link", ""),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(
        model(&app, &owner).await["systems"][0]["zones"][0]["components"][0]["countermeasures"][0]
            ["commitment"],
        "agreed"
    );
    let (st, _) = app.call(&sigma_admin, "zones_and_conduits", &[]).await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    // Risk acceptance: admins only, one FR, a reason, until a date.
    let until = (today + chrono::Days::new(30)).to_string();
    let reviewer = app.login(w.alpha.email(Role::Reviewer), PASSWORD).await;
    let accept = |c: Client, fr: &'static str, reason: &'static str, until: String| {
        let (app, z) = (&app, z.clone());
        async move {
            app.call(
                &c,
                "accept_zone_risk",
                &[
                    ("zone_id", z.as_str()),
                    ("fr", fr),
                    ("reason", reason),
                    ("accepted_until", until.as_str()),
                ],
            )
            .await
        }
    };
    let (st, _) = accept(reviewer, "FR2", "Isolated network", until.clone()).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    for (fr, reason, when, field) in [
        ("FR2, FR4", "x", until.clone(), "frs"),
        ("FR2", "", until.clone(), "reason"),
        ("FR2", "x", past.clone(), "accepted_until"),
        (
            "FR2",
            "x",
            (today + chrono::Days::new(2000)).to_string(),
            "accepted_until",
        ),
    ] {
        let (st, r) = accept(owner.clone(), fr, reason, when).await;
        assert_eq!(
            (st, r["Validation"]["fields"][0]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field)),
            "{r}"
        );
    }
    let (st, r) = accept(
        owner.clone(),
        "FR2",
        "Isolated network, no remote access",
        until,
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(states(&model(&app, &owner).await)[1], "accepted");
    // A month later the acceptance has expired; two months later the
    // countermeasures' review is overdue.
    app.clock.advance(chrono::Duration::days(31));
    let m = model(&app, &owner).await;
    assert_eq!(states(&m)[1], "open");
    assert_eq!(
        m["systems"][0]["zones"][0]["acceptances"][0]["expired"],
        true
    );
    app.clock.advance(chrono::Duration::days(30));
    let m = model(&app, &owner).await;
    assert_eq!(
        m["systems"][0]["zones"][0]["components"][0]["countermeasures"][0]["review_overdue"],
        true
    );

    // The registers read back as the zone view shows them.
    let csv = crate::commitments::download(&app, &owner, "/zones/0/export/csv").await;
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    let head: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(head[..5], ["system", "kind", "name", "joins", "sl_t"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    let control = &rows[0];
    assert_eq!(
        (&control[0], &control[1], &control[2]),
        ("Water plant", "zone", "Control")
    );
    assert_eq!(&control[4], "(2, 2, 3, 1, 2, 1, 2)");
    let fr = |i: usize| control[7 + i].to_string();
    assert_eq!(
        (0..7).map(fr).collect::<Vec<_>>(),
        states(&m),
        "the register's states are the zone view's"
    );
    use calamine::Reader;
    let xlsx = crate::commitments::download(&app, &owner, "/countermeasures/0/export/xlsx").await;
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let sheet = wb.worksheet_range_at(0).unwrap().unwrap();
    let lines: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(
        lines.len(),
        3,
        "a header and two countermeasures: {lines:?}"
    );
    let col = |name: &str| lines[0].iter().position(|h| h == name).unwrap();
    let sigmas = lines
        .iter()
        .find(|l| l[col("carried_by")] == "Sigma Devices")
        .expect("Sigma's countermeasure");
    assert_eq!(sigmas[col("frs")], "FR1, FR3");
    assert_eq!(sigmas[col("commitment")], "agreed");
    assert_eq!(sigmas[col("review_overdue")], "yes");
    assert_eq!(sigmas[col("location")], "zone_boundary");
    app.finish().await;
}
both!(legacy_components_get_countermeasures_and_risks_expire);

async fn countermeasures_on_conduits_are_reviewed_and_reminded(b: Backend) {
    use app::server::services::reminders;
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = crate::assessments::send(&app, &w).await;
    let owner = s.owner.clone();
    let plant = system(&app, &owner, "Water plant").await;
    let (_, control) = zone(&app, &owner, &plant, "Control", "2,2,3,1,2,1,2").await;
    let (_, dmz) = zone(&app, &owner, &plant, "DMZ", "2,2,2,2,2,2,2").await;
    let (_, office) = zone(&app, &owner, &plant, "Office", "1,1,1,1,1,1,1").await;
    let (control, dmz, office) = (control.to_string(), dmz.to_string(), office.to_string());
    let conduit = |name: &'static str, from: String, to: String| {
        let (app, owner, plant) = (&app, owner.clone(), plant.clone());
        async move {
            let (st, id) = app
                .call(
                    &owner,
                    "create_conduit",
                    &[
                        ("system_id", plant.as_str()),
                        ("name", name),
                        ("description", ""),
                        ("from_zone_id", from.as_str()),
                        ("to_zone_id", to.as_str()),
                        ("sl_t", "3,3,3,2,2,2,2"),
                    ],
                )
                .await;
            assert_eq!(st, StatusCode::OK, "{id}");
            id.to_string()
        }
    };
    let remote = conduit("Remote access", dmz.clone(), control.clone()).await;
    let mail = conduit("Office mail", dmz.clone(), office.clone()).await;
    let mut rtu = String::new();
    for (z, name) in [
        (&control, "RTU"),
        (&dmz, "Gateway"),
        (&office, "Mail server"),
    ] {
        let (st, id) = component(
            &app,
            &owner,
            z,
            &[("name", name), ("component_type", "EDR")],
        )
        .await;
        assert_eq!(st, StatusCode::OK, "{id}");
        if name == "RTU" {
            rtu = id.to_string();
        }
    }
    let (st, _) = app
        .call(
            &owner,
            "set_component_legacy",
            &[("component_id", &rtu), ("legacy", "yes")],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let today = app.state.clock.today();
    let review = (today + chrono::Days::new(10)).to_string();
    let on = |conduit: &str| {
        vec![
            ("frs", "FR3".to_string()),
            (
                "description",
                "Signed firmware only, checked at the jump host".to_string(),
            ),
            ("location", "conduit".to_string()),
            ("conduit_id", conduit.to_string()),
            ("review_on", review.clone()),
        ]
    };
    // On a conduit: one is named, and it joins the component's zone.
    for conduit in ["", "x", mail.as_str()] {
        let f = on(conduit);
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (st, r) = countermeasure(&app, &owner, &rtu, &f).await;
        assert_eq!(
            (st, field(&r)),
            (StatusCode::UNPROCESSABLE_ENTITY, "conduit_id"),
            "{conduit}: {r}"
        );
    }
    let f = on(&remote);
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (st, id) = countermeasure(&app, &owner, &rtu, &f).await;
    assert_eq!(st, StatusCode::OK, "{id}");
    let id = id.to_string();
    let m = model(&app, &owner).await;
    let sys = &m["systems"][0];
    let measure = &sys["zones"]
        .as_array()
        .unwrap()
        .iter()
        .find(|z| z["name"] == "Control")
        .unwrap()["components"][0]["countermeasures"][0];
    assert_eq!(measure["conduit"][1], "Remote access", "{measure}");
    // The conduit it is implemented on counts FR3 as compensated; the other
    // conduit does not.
    let conduit_states = |name: &str| {
        sys["conduits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()["states"][2]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: {}", sys["conduits"]))
            .to_string()
    };
    assert_eq!(conduit_states("Remote access"), "compensated");
    assert_eq!(conduit_states("Office mail"), "open");

    // The reminders count down to the review: the first run sends the
    // 30-day reminder to Alpha's admins, reviewers and contributors (and
    // mails them); a second run nothing; the 7-day one four days later.
    let admin_mail = w.alpha.email(Role::Admin).to_string();
    let before = app.mails_to(&admin_mail).await.len();
    reminders::run_once(&app.state, "a").await.unwrap();
    let sent = crate::commitments::count_kind(&app, "countermeasure.reminder").await;
    assert_eq!(sent.len(), 3, "{sent:?}");
    assert!(sent.iter().all(|(_, n)| *n == 1), "{sent:?}");
    let mails = app.mails_to(&admin_mail).await;
    assert_eq!(mails.len(), before + 1, "{mails:?}");
    let last = mails.last().unwrap();
    assert!(
        last.subject
            .contains("Countermeasure review due in 10 days: RTU"),
        "{last:?}"
    );
    assert!(last.body.contains(&format!("/zones/{control}")), "{last:?}");
    reminders::run_once(&app.state, "a").await.unwrap();
    assert_eq!(
        crate::commitments::count_kind(&app, "countermeasure.reminder").await[0].1,
        1
    );
    app.clock.advance(chrono::Duration::days(4));
    reminders::run_once(&app.state, "a").await.unwrap();
    assert_eq!(
        crate::commitments::count_kind(&app, "countermeasure.reminder").await[0].1,
        2
    );

    // A review: what it found and a next date after today.
    let today = app.state.clock.today();
    let next = (today + chrono::Days::new(180)).to_string();
    let viewer = app.login(w.alpha.email(Role::Viewer), PASSWORD).await;
    let sigma = app.login(w.sigma.email(Role::Admin), PASSWORD).await;
    let review_it = |c: Client, finding: &'static str, next: String| {
        let (app, id) = (&app, id.clone());
        async move {
            app.call(
                &c,
                "review_countermeasure",
                &[
                    ("countermeasure_id", id.as_str()),
                    ("finding", finding),
                    ("next_review_on", next.as_str()),
                ],
            )
            .await
        }
    };
    for (finding, when, field_name) in [
        ("", next.clone(), "finding"),
        ("Fine", today.to_string(), "next_review_on"),
        (
            "Fine",
            (today + chrono::Days::new(2000)).to_string(),
            "next_review_on",
        ),
        ("Fine", "soon".to_string(), "next_review_on"),
    ] {
        let (st, r) = review_it(owner.clone(), finding, when).await;
        assert_eq!(
            (st, field(&r)),
            (StatusCode::UNPROCESSABLE_ENTITY, field_name),
            "{r}"
        );
    }
    let (st, _) = review_it(viewer, "Fine", next.clone()).await;
    assert_eq!(
        st,
        StatusCode::NOT_FOUND,
        "what a role may not do does not exist"
    );
    let (st, _) = review_it(sigma, "Fine", next.clone()).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, r) = review_it(
        owner.clone(),
        "Hashes checked on every session",
        next.clone(),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let m = model(&app, &owner).await;
    let measure = &m["systems"][0]["zones"][0]["components"][0]["countermeasures"][0];
    assert_eq!(measure["review_on"], next.as_str());
    assert_eq!(
        measure["reviews"][0]["finding"],
        "Hashes checked on every session"
    );
    assert_eq!(measure["reviews"][0]["reviewed_on"], today.to_string());
    assert_eq!(measure["reviews"][0]["reviewed_by"], "Alpha Water Admin");
    // The old date passes without a word; the new one, once missed, is
    // told once.
    app.clock.advance(chrono::Duration::days(7));
    reminders::run_once(&app.state, "a").await.unwrap();
    assert!(
        crate::commitments::count_kind(&app, "countermeasure.overdue")
            .await
            .is_empty()
    );
    app.clock.advance(chrono::Duration::days(180));
    reminders::run_once(&app.state, "a").await.unwrap();
    reminders::run_once(&app.state, "a").await.unwrap();
    let overdue = crate::commitments::count_kind(&app, "countermeasure.overdue").await;
    assert_eq!(overdue.len(), 3, "{overdue:?}");
    assert!(overdue.iter().all(|(_, n)| *n == 1), "{overdue:?}");

    // One Sigma carries follows its commitment: no review here, and no
    // countermeasure reminder of its own.
    let today = app.state.clock.today();
    let (st, carried) = countermeasure(
        &app,
        &owner,
        &rtu,
        &[
            ("frs", "FR1"),
            ("description", "Sigma's jump host"),
            ("location", "zone_boundary"),
            ("responsible_org_id", &w.sigma.id.0.to_string()),
            ("review_on", &(today + chrono::Days::new(5)).to_string()),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{carried}");
    let (st, r) = app
        .call(
            &owner,
            "review_countermeasure",
            &[
                ("countermeasure_id", &carried.to_string()),
                ("finding", "x"),
                (
                    "next_review_on",
                    &(today + chrono::Days::new(50)).to_string(),
                ),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "{r}");
    let before = crate::commitments::count_kind(&app, "countermeasure.reminder").await;
    reminders::run_once(&app.state, "a").await.unwrap();
    assert_eq!(
        crate::commitments::count_kind(&app, "countermeasure.reminder").await,
        before
    );

    // The register names the conduit and the last review.
    let csv = String::from_utf8(
        crate::commitments::download(&app, &owner, "/countermeasures/0/export/csv").await,
    )
    .unwrap();
    let head = csv.lines().next().unwrap();
    assert!(
        head.contains("conduit") && head.contains("last_review_finding"),
        "{head}"
    );
    assert!(
        csv.lines()
            .any(|l| l.contains("Remote access") && l.contains("Hashes checked on every session")),
        "{csv}"
    );
    app.finish().await;
}
both!(countermeasures_on_conduits_are_reviewed_and_reminded);
