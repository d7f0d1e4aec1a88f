//! Evidence kept in the product library: files and links on a version's
//! answers and each certificate's file, checked like any evidence; they
//! come along to a new version and into an assessment filled from the
//! product (pointing at the same stored bytes, counted once against the
//! quota, never as uploads), and an asset owner downloads them only from a
//! set shared with it and not revoked.

use crate::both;
use crate::common::{Backend, Options, TestApp, World, PASSWORD};
use crate::products::{another_supplier, answer_set, field, hx_500, row, version};
use app::model::Role;
use reqwest::{Client, StatusCode};
use serde_json::Value;

fn pdf(tag: &str) -> Vec<u8> {
    format!("%PDF-1.7\n% {tag}\n").into_bytes()
}

/// GET `path` as `c`: the status and the body.
async fn fetch(app: &TestApp, c: &Client, path: &str) -> (StatusCode, Vec<u8>) {
    let r = c.get(app.url(path)).send().await.unwrap();
    let st = r.status();
    (st, r.bytes().await.unwrap().to_vec())
}

async fn send_edr(app: &TestApp, w: &World, owner: &Client) -> String {
    let profile = crate::profiles::create(app, owner, "Controllers SL 2").await;
    let (st, _) = crate::profiles::add_edr(app, owner, &profile, "2").await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = app
        .call(owner, "publish_profile", &[("profile_id", &profile)])
        .await;
    assert_eq!(st, StatusCode::OK);
    let (_, engagement) = app
        .call(
            owner,
            "create_engagement",
            &[("name", "Filter controllers"), ("description", "")],
        )
        .await;
    let (st, assessment) = app
        .call(
            owner,
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
    assessment.to_string()
}

async fn usage(app: &TestApp, admin: &Client) -> Value {
    app.call(admin, "storage_usage", &[]).await.1["used_bytes"].clone()
}

fn answer_of(a: &Value, ref_id: &str) -> Value {
    a["answers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["requirement"]["ref_id"] == ref_id)
        .unwrap_or_else(|| panic!("{ref_id}"))
        .clone()
}

async fn library_evidence_goes_with_answers_copies_and_shares(b: Backend) {
    let app = TestApp::spawn_with(
        b,
        Options {
            uploads_per_hour: Some(4),
            ..Default::default()
        },
    )
    .await;
    let w = World::build(&app).await;
    let sigma = app.login(w.sigma.email(Role::Admin), PASSWORD).await;
    let contributor = app.login(w.sigma.email(Role::Contributor), PASSWORD).await;
    app::server::services::admin::add_member(
        &app.state,
        w.sigma.id,
        "viewer@sigma.test",
        "Sigma Viewer",
        PASSWORD,
        Role::Viewer,
        &app::server::audit::Who::system(&app.state.audit_key, "test"),
    )
    .await
    .unwrap();
    let sigma_viewer = app.login("viewer@sigma.test", PASSWORD).await;
    let alpha = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let beta = app.login(w.beta.email(Role::Admin), PASSWORD).await;
    let (_, rho) = another_supplier(&app, &[Role::Admin]).await;
    let (hx, v42) = hx_500(&app, &sigma).await;
    let (_, set) = answer_set(&app, &sigma, &v42).await;
    let cr11 = row(&set, "CR 1.1")["id"].to_string();
    assert_ne!(cr11, "null", "{set}");
    assert_eq!(row(&set, "CR 1.2")["id"], Value::Null, "not answered yet");
    let (_, lib) = app.call(&sigma, "list_products", &[]).await;
    let certificate = lib["products"][0]["versions"][0]["certificates"][0]["id"].to_string();

    // A file and a link on the answer; what is wrong is named.
    let upload = |c: Client, answer: String, name: &'static str, bytes: Vec<u8>| {
        let app = &app;
        async move {
            app.upload(
                &c,
                "upload_product_evidence",
                &[("product_answer_id", answer.as_str())],
                name,
                bytes,
            )
            .await
        }
    };
    let (st, r) = upload(
        contributor.clone(),
        cr11.clone(),
        "tool.exe",
        b"MZ".to_vec(),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    assert!(r.to_string().contains("not accepted"), "{r}");
    let (st, r) = upload(
        contributor.clone(),
        cr11.clone(),
        "report.pdf",
        b"MZ not a pdf".to_vec(),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    assert!(r.to_string().contains("not a .pdf"), "{r}");
    let (st, file) = upload(
        contributor.clone(),
        cr11.clone(),
        "SIGMA-LIB hardening guide.pdf",
        pdf("SIGMA-LIB guide"),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{file}");
    let link = |c: Client, answer: String, url: &'static str| {
        let app = &app;
        async move {
            app.call(
                &c,
                "add_product_evidence_link",
                &[
                    ("product_answer_id", answer.as_str()),
                    ("title", "Account policy"),
                    ("url", url),
                ],
            )
            .await
        }
    };
    let (st, r) = link(sigma.clone(), cr11.clone(), "file:///etc/passwd").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    assert_eq!(field(&r), "url");
    let (st, r) = link(
        sigma.clone(),
        cr11.clone(),
        "https://docs.sigma.example/accounts",
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    // Nobody else attaches to Sigma's answer: a viewer, the owner, another
    // supplier.
    for c in [&sigma_viewer, &alpha, &rho] {
        let (st, _) = upload(c.clone(), cr11.clone(), "x.pdf", pdf("x")).await;
        assert_eq!(st, StatusCode::NOT_FOUND);
        let (st, _) = link(c.clone(), cr11.clone(), "https://x.example").await;
        assert_eq!(st, StatusCode::NOT_FOUND);
    }
    // The certificate's file, replaced once.
    let cert_file = |c: Client, tag: &'static str| {
        let (app, certificate) = (&app, certificate.clone());
        async move {
            app.upload(
                &c,
                "upload_certificate_file",
                &[("certificate_id", certificate.as_str())],
                "CSA-0117.pdf",
                pdf(tag),
            )
            .await
        }
    };
    let (st, _) = cert_file(rho.clone(), "rho").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, r) = cert_file(sigma.clone(), "first scan").await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let (st, cert_file_id) = cert_file(sigma.clone(), "SIGMA-LIB certificate").await;
    assert_eq!(st, StatusCode::OK, "{cert_file_id}");

    // Sigma's members read it in the library and download it.
    let (_, set) = answer_set(&app, &sigma_viewer, &v42).await;
    let kept = &row(&set, "CR 1.1")["evidence"];
    assert_eq!(kept.as_array().unwrap().len(), 2, "{kept}");
    assert_eq!(kept[0]["title"], "SIGMA-LIB hardening guide.pdf");
    assert_eq!(kept[1]["url"], "https://docs.sigma.example/accounts");
    let (_, lib) = app.call(&sigma_viewer, "list_products", &[]).await;
    let c = &lib["products"][0]["versions"][0]["certificates"][0];
    assert_eq!(c["file"]["id"], cert_file_id, "one file, the newer: {c}");
    let (st, bytes) = fetch(&app, &sigma_viewer, &format!("/library-evidence/{file}")).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(bytes, pdf("SIGMA-LIB guide"));
    let page = app
        .page(&sigma, &format!("/products/{hx}/versions/{v42}"))
        .await;
    assert!(
        page.contains(&format!("/library-evidence/{file}")),
        "{page}"
    );
    // Nobody else downloads it: not the owner (not shared), not Beta, not
    // Rho, not without signing in.
    for c in [&alpha, &beta, &rho] {
        for id in [&file, &cert_file_id] {
            let (st, _) = fetch(&app, c, &format!("/library-evidence/{id}")).await;
            assert_eq!(st, StatusCode::NOT_FOUND);
        }
    }
    let (st, _) = fetch(&app, &app.client(), &format!("/library-evidence/{file}")).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);

    // Shared with Alpha: Alpha reads and downloads both; Beta and Rho still
    // nothing.
    let (st, share) = app
        .call(
            &sigma,
            "share_product_version",
            &[
                ("product_version_id", v42.as_str()),
                ("owner_org_id", &w.alpha.id.0.to_string()),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{share}");
    let share = share.to_string();
    let (_, seen) = app
        .call(&alpha, "get_shared_set", &[("share_id", &share)])
        .await;
    assert_eq!(
        row(&seen["set"], "CR 1.1")["evidence"][0]["id"],
        file,
        "{seen}"
    );
    assert_eq!(seen["certificates"][0]["file"]["id"], cert_file_id);
    for id in [&file, &cert_file_id] {
        let (st, _) = fetch(&app, &alpha, &format!("/library-evidence/{id}")).await;
        assert_eq!(st, StatusCode::OK);
        for c in [&beta, &rho] {
            let (st, _) = fetch(&app, c, &format!("/library-evidence/{id}")).await;
            assert_eq!(st, StatusCode::NOT_FOUND);
        }
    }
    let page = app.page(&alpha, &format!("/shared/{share}")).await;
    assert!(
        page.contains(&format!("/library-evidence/{file}")),
        "{page}"
    );
    // The owner changes nothing in Sigma's library.
    let (st, _) = app
        .call(
            &alpha,
            "remove_library_evidence",
            &[("library_evidence_id", &file.to_string())],
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    // A new version starts with the evidence too.
    let (_, v43) = version(&app, &sigma, &hx, "4.3", "", "").await;
    let (_, set43) = answer_set(&app, &sigma, &v43.to_string()).await;
    let copied = &row(&set43, "CR 1.1")["evidence"];
    assert_eq!(copied.as_array().unwrap().len(), 2, "{copied}");
    assert_ne!(copied[0]["id"], file);
    assert_eq!(copied[0]["title"], "SIGMA-LIB hardening guide.pdf");

    // Filled from 4.2: the answer's file and link, and the certificate with
    // its file, come into the assessment; the owner downloads them there.
    let before = usage(&app, &sigma).await;
    let assessment = send_edr(&app, &w, &alpha).await;
    let (st, report) = app
        .call(
            &contributor,
            "fill_from_product",
            &[
                ("assessment_id", assessment.as_str()),
                ("product_version_id", v42.as_str()),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{report}");
    let certified = report["from_certificates"].as_array().unwrap().len();
    assert_eq!(report["evidence_copied"], 2 + certified, "{report}");
    let a = crate::assessments::get(&app, &alpha, &assessment).await;
    let ev = &answer_of(&a, "CR 1.1")["evidence"];
    assert_eq!(ev[0]["kind"], "file", "{ev}");
    assert_eq!(ev[0]["title"], "SIGMA-LIB hardening guide.pdf");
    assert_eq!(ev[1]["kind"], "link");
    let (st, bytes) = fetch(&app, &alpha, &format!("/evidence/{}", ev[0]["id"])).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(bytes, pdf("SIGMA-LIB guide"));
    let cr21 = answer_of(&a, "CR 2.1");
    let c = &cr21["evidence"][0];
    assert_eq!(c["kind"], "certificate", "{cr21}");
    let (st, bytes) = fetch(&app, &alpha, &format!("/evidence/{}", c["id"])).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(bytes, pdf("SIGMA-LIB certificate"));
    let (st, _) = fetch(&app, &beta, &format!("/evidence/{}", c["id"])).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    // The same bytes count once against Sigma's quota; copies are no
    // uploads: the contributor uploaded one file, and three more make the
    // four one person may attach in an hour here.
    assert_eq!(usage(&app, &sigma).await, before);
    for (name, tag) in [
        ("two.pdf", "two"),
        ("three.pdf", "three"),
        ("four.pdf", "four"),
    ] {
        let (st, r) = upload(contributor.clone(), cr11.clone(), name, pdf(tag)).await;
        assert_eq!(st, StatusCode::OK, "{r}");
    }
    let (st, r) = upload(contributor.clone(), cr11.clone(), "five.pdf", pdf("five")).await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS, "{r}");
    assert!(r.to_string().contains("You attached 4 files"), "{r}");

    // Asked to, the fill replaces an answer already given with the
    // product's; without asking it keeps it.
    let cr11_answer = answer_of(&a, "CR 1.1");
    let (st, r) = crate::assessments::save(
        &app,
        &contributor,
        &cr11_answer["id"].to_string(),
        cr11_answer["version"].as_i64().unwrap(),
        &[("compliance", "does_not_meet"), ("statement", "Not yet")],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let fill = |replace: &'static str| {
        let (app, assessment, v42, contributor) =
            (&app, assessment.clone(), v42.clone(), contributor.clone());
        async move {
            app.call(
                &contributor,
                "fill_from_product",
                &[
                    ("assessment_id", assessment.as_str()),
                    ("product_version_id", v42.as_str()),
                    ("replace", replace),
                ],
            )
            .await
        }
    };
    let (_, kept) = fill("").await;
    assert_eq!(kept["replaced"], 0, "{kept}");
    assert_eq!(kept["from_answers"], serde_json::json!([]), "{kept}");
    let (st, replaced) = fill("yes").await;
    assert_eq!(st, StatusCode::OK, "{replaced}");
    assert_eq!(replaced["replaced"], 1, "{replaced}");
    assert_eq!(replaced["from_answers"], serde_json::json!(["CR 1.1"]));
    // The three files kept with the product's answer since the first fill
    // come along; the guide and the link are there already.
    assert_eq!(replaced["evidence_copied"], 3, "nothing twice: {replaced}");
    let a = crate::assessments::get(&app, &contributor, &assessment).await;
    let now = answer_of(&a, "CR 1.1");
    assert_eq!(now["fields"]["compliance"], "meets");
    assert_eq!(now["fields"]["statement"], "SIGMA-SHARED personal accounts");
    assert_eq!(now["evidence"].as_array().unwrap().len(), 5, "{now}");

    // Removing it from the library leaves the copies (and their bytes)
    // alone; a sweep keeps every file something points at.
    let (st, _) = app
        .call(
            &sigma_viewer,
            "remove_library_evidence",
            &[("library_evidence_id", &file.to_string())],
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND, "a viewer changes nothing");
    let (st, r) = app
        .call(
            &sigma,
            "remove_library_evidence",
            &[("library_evidence_id", &file.to_string())],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let (st, _) = fetch(&app, &sigma, &format!("/library-evidence/{file}")).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    app.clock.advance(chrono::Duration::hours(2));
    app::server::services::evidence_files::sweep_blobs(&app.state)
        .await
        .unwrap();
    let (st, bytes) = fetch(&app, &alpha, &format!("/evidence/{}", ev[0]["id"])).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(bytes, pdf("SIGMA-LIB guide"));
    let (st, _) = fetch(
        &app,
        &sigma,
        &format!("/library-evidence/{}", copied[0]["id"]),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "4.3's copy stays");

    // Revoked: the owner's downloads are gone at once.
    let (st, _) = app
        .call(&sigma, "revoke_product_share", &[("share_id", &share)])
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = fetch(&app, &alpha, &format!("/library-evidence/{cert_file_id}")).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    app.finish().await;
}
both!(library_evidence_goes_with_answers_copies_and_shares);
