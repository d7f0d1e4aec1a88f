//! The demo data a newcomer's `make run` shows.

use crate::both;
use crate::common::{Backend, TestApp};
use app::server::demo::{seed, DEMO_LOGINS};
use reqwest::StatusCode;

async fn demo_data_seeds_once_and_every_demo_login_works(b: Backend) {
    let app = TestApp::spawn(b).await;
    assert!(seed(&app.state).await.unwrap());
    assert!(
        !seed(&app.state).await.unwrap(),
        "seeding twice adds nothing"
    );
    for login in DEMO_LOGINS {
        let c = app.login(login.email, login.password).await;
        let (_, me) = app.call(&c, "me", &[]).await;
        assert_eq!(me["org_name"], login.org);
        assert_eq!(me["role"], login.role.as_str());
    }
    let owner = app
        .login(DEMO_LOGINS[0].email, DEMO_LOGINS[0].password)
        .await;
    let (st, profiles) = app.call(&owner, "list_profiles", &[]).await;
    assert_eq!(st, StatusCode::OK);
    let list = profiles.as_array().unwrap();
    assert!(
        list.iter()
            .any(|p| p["name"] == "Embedded controller, SL-T 2" && p["status"] == "published"),
        "{profiles}"
    );
    assert!(
        list.iter()
            .any(|p| p["name"] == "Integrator baseline" && p["status"] == "draft"),
        "{profiles}"
    );
    let (_, suppliers) = app.call(&owner, "list_suppliers", &[]).await;
    assert_eq!(suppliers.as_array().unwrap().len(), 3);
    // An engagement with answers at work.
    let (_, engagements) = app.call(&owner, "list_engagements", &[]).await;
    let scada = engagements
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "SCADA upgrade 2027")
        .unwrap()
        .clone();
    assert_eq!(scada["assessments"], 3);
    let helix = DEMO_LOGINS
        .iter()
        .find(|l| l.org == "Helix Controls")
        .unwrap();
    let c = app.login(helix.email, helix.password).await;
    let (_, inbox) = app.call(&c, "list_assessments", &[]).await;
    let inbox = inbox.as_array().unwrap();
    assert_eq!(inbox.len(), 2);
    assert!(inbox
        .iter()
        .any(|a| a["status"] == "in_progress" && a["progress"]["answered"] == 4));
    // The quick check was filled from HX-500 4.2 and is bound to it.
    let quick = inbox
        .iter()
        .find(|a| a["profile"] == "Remote access quick check")
        .unwrap();
    let (_, q) = app
        .call(
            &c,
            "get_assessment",
            &[("assessment_id", &quick["id"].to_string())],
        )
        .await;
    assert_eq!(q["product"], "HX-500 4.2");
    assert!(
        q["summary"]["progress"]["answered"].as_u64().unwrap() >= 4,
        "{q}"
    );
    assert_eq!(q["certificates"][0]["number"], "CSA-HX500-42-0117");
    // What was filled from the certificate carries its file as evidence.
    let certified = q["answers"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|x| x["evidence"].as_array().into_iter().flatten())
        .find(|e| e["kind"] == "certificate")
        .unwrap_or_else(|| panic!("a certificate as evidence: {q}"));
    assert!(certified["size_bytes"].as_i64().unwrap() > 0, "{certified}");
    // Helix's library: HX-500 4.1 and 4.2, 4.2 certified (ISASecure CSA SL 2,
    // expiring soon), and Helix's SDLA certificate.
    let (_, lib) = app.call(&c, "list_products", &[]).await;
    let hx = &lib["products"][0];
    assert_eq!(hx["name"], "HX-500");
    assert_eq!(hx["versions"][0]["version"], "4.2");
    assert_eq!(
        hx["versions"][0]["certificates"][0]["scheme"],
        "isasecure_csa"
    );
    assert_eq!(hx["versions"][0]["certificates"][0]["state"], "expiring");
    assert_eq!(
        hx["versions"][0]["certificates"][0]["file"]["title"],
        "CSA-HX500-42-0117.pdf"
    );
    // 4.2 started with 4.1's hardening guide and account policy.
    let (_, set) = app
        .call(
            &c,
            "get_product_answers",
            &[("product_version_id", &hx["versions"][0]["id"].to_string())],
        )
        .await;
    let cr11 = crate::products::row(&set, "CR 1.1");
    assert_eq!(
        cr11["evidence"][0]["title"],
        "HX-500 hardening guide HG-41.pdf"
    );
    assert_eq!(cr11["evidence"][1]["kind"], "link");
    assert_eq!(hx["versions"][1]["version"], "4.1");
    assert_eq!(lib["certificates"][0]["scheme"], "isasecure_sdla");
    // Helix shared HX-500 4.2's answers with Northwind, and changed one since.
    let (_, shared) = app.call(&owner, "list_shared_sets", &[]).await;
    assert_eq!(shared[0]["product"], "HX-500", "{shared}");
    assert_eq!(shared[0]["version"], "4.2");
    assert_eq!(shared[0]["open_changes"], 1);
    // Ostrava's accepted assessment is due for renewal soon.
    let (_, p) = app.call(&owner, "get_portfolio", &[]).await;
    assert_eq!(p["renewals"][0]["supplier"], "Ostrava Automation", "{p}");
    assert_eq!(p["renewals"][0]["soon"], true);
    // The comparison shows the two offers parting; the assessor reads along.
    let id = scada["id"].to_string();
    let (_, m) = app
        .call(&owner, "compare_suppliers", &[("engagement_id", &id)])
        .await;
    assert_eq!(m["columns"].as_array().unwrap().len(), 3);
    assert!(m["rows"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["differs"] == true));
    let certa = DEMO_LOGINS
        .iter()
        .find(|l| l.org == "Certa Assessment Services")
        .unwrap();
    let c = app.login(certa.email, certa.password).await;
    let (_, list) = app.call(&c, "list_engagements", &[]).await;
    assert_eq!(list[0]["assessing_for"], "Northwind Water Utility");

    // Commitments at work: one overdue, one verified, one the owner made;
    // a disagreement in the matrix; reminders and an escalation waiting.
    let (_, list) = app.call(&owner, "list_commitments", &[]).await;
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 6, "{list:?}");
    // Delta carries the legacy RTU's compensating countermeasure.
    assert!(list
        .iter()
        .any(|c| c["source"] == "compensating_countermeasure"
            && c["party"] == "Delta Integration Services"));
    assert!(list.iter().any(|c| c["overdue"] == true));
    assert!(list.iter().any(|c| c["status"] == "verified"));
    assert!(list.iter().any(|c| c["source"] == "planned_answer"));
    assert!(list
        .iter()
        .any(|c| c["source"] == "review_condition" && c["status"] == "in_progress"));
    let remote = engagements
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "Remote maintenance access 2026")
        .unwrap()["id"]
        .to_string();
    let (_, m) = app
        .call(&owner, "get_matrix", &[("engagement_id", &remote)])
        .await;
    assert!(m["rows"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["state"] == "disagreement"));
    let (_, p) = app.call(&owner, "get_portfolio", &[]).await;
    assert_eq!(p["overdue_commitments"], 1);
    assert_eq!(p["heatmap"][0]["supplier"], "Ostrava Automation");
    let reviewer = app
        .login(DEMO_LOGINS[1].email, DEMO_LOGINS[1].password)
        .await;
    let (_, n) = app.call(&reviewer, "list_notifications", &[]).await;
    assert!(n.to_string().contains("Overdue commitment"), "{n}");
    // Rahul reads questionnaire and review news in a daily summary.
    let (_, prefs) = app.call(&reviewer, "get_mail_preferences", &[]).await;
    assert_eq!(
        prefs["topics"][0],
        serde_json::json!(["questionnaires", "daily"]),
        "{prefs}"
    );
    assert_eq!(
        prefs["topics"][1],
        serde_json::json!(["reviews", "daily"]),
        "{prefs}"
    );
    // The embedded-controller profile went to both suppliers in one step,
    // Ostrava with a week longer.
    let (_, e) = app
        .call(
            &owner,
            "get_engagement",
            &[("engagement_id", &scada["id"].to_string())],
        )
        .await;
    let due = |who: &str| {
        e["assessments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["supplier"] == who && a["profile"] == "Embedded controller, SL-T 2")
            .map(|a| a["due_on"].as_str().unwrap().to_string())
            .unwrap()
    };
    let (h, o) = (due("Helix Controls"), due("Ostrava Automation"));
    let days = chrono::NaiveDate::parse_from_str(&o, "%Y-%m-%d").unwrap()
        - chrono::NaiveDate::parse_from_str(&h, "%Y-%m-%d").unwrap();
    assert_eq!(days.num_days(), 7, "{h} {o}");
    let ostrava = DEMO_LOGINS
        .iter()
        .find(|l| l.org == "Ostrava Automation")
        .unwrap();
    let c = app.login(ostrava.email, ostrava.password).await;
    let (_, n) = app.call(&c, "list_notifications", &[]).await;
    assert!(n.to_string().contains("Commitment due"), "{n}");
    // Northwind's demo API token reads its assessments, and may only read.
    let (st, page) = crate::rest::get(
        &app,
        app::server::demo::DEMO_API_TOKEN,
        "/api/v1/assessments",
    )
    .await;
    assert_eq!(st, reqwest::StatusCode::OK, "{page}");
    assert!(page["items"].as_array().unwrap().len() >= 2, "{page}");
    let (st, _) = crate::rest::post(
        &app,
        app::server::demo::DEMO_API_TOKEN,
        "/api/v1/commitments/1/moves",
        serde_json::json!({"action": "agree"}),
    )
    .await;
    assert_eq!(st, reqwest::StatusCode::FORBIDDEN);
    assert!(app::server::demo::logins_table().contains(app::server::demo::DEMO_API_TOKEN));
    // Northwind's GRC webhook heard of the demo's own events.
    let olivia = app
        .login(DEMO_LOGINS[0].email, DEMO_LOGINS[0].password)
        .await;
    let (_, hooks) = app.call(&olivia, "list_webhooks", &[]).await;
    assert_eq!(hooks.as_array().unwrap().len(), 1, "{hooks}");
    let (_, log) = app
        .call(
            &olivia,
            "webhook_deliveries",
            &[("webhook_id", &hooks[0]["id"].to_string())],
        )
        .await;
    let types: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["event_type"].as_str().unwrap())
        .collect();
    for t in [
        "assessment.sent",
        "assessment.submitted",
        "commitment.proposed",
    ] {
        assert!(types.contains(&t), "{t}: {types:?}");
    }
    app.finish().await;
}
both!(demo_data_seeds_once_and_every_demo_login_works);
