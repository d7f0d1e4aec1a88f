//! Hostile files: every file of the committed corpus (`server/tests/corpus/`,
//! written by `.ci/gen_hostile_corpus.py`) uploaded to every path that
//! parses uploads. Each gets a clear 4xx within two seconds, and the server
//! keeps answering everyone else.

use crate::assessments::send;
use crate::both;
use crate::common::{Backend, TestApp, World};
use reqwest::{Client, StatusCode};
use std::time::{Duration, Instant};

const CORPUS: &[&str] = &[
    "dense-range.xlsx",
    "huge-dimension.xlsx",
    "zip-bomb.xlsx",
    "many-parts.xlsx",
    "xml-entities.xlsx",
    "wrong-magic.xlsx",
    "polyglot.xlsx",
    "deep.json",
    "nul.csv",
    "nul.json",
];

pub fn corpus(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// An endpoint, who calls it, and its form fields besides the file.
type UploadPath = (&'static str, Client, Vec<(&'static str, String)>);

/// A clear refusal: a 4xx other than 404, with a message that says what is
/// wrong, never an internal error.
fn refused(what: &str, st: StatusCode, body: &serde_json::Value) {
    assert!(
        st.is_client_error() && st != StatusCode::NOT_FOUND,
        "{what}: {st} {body}"
    );
    let text = body.to_string();
    assert!(
        !text.contains("Internal") && text.len() > 20,
        "{what}: {text}"
    );
}

async fn healthy(app: &TestApp) {
    let r = app.client().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

async fn every_upload_path_refuses_hostile_files(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;
    let paths: Vec<UploadPath> = vec![
        (
            "import_catalog",
            s.owner.clone(),
            vec![("name", "Hostile".into())],
        ),
        (
            "import_profile",
            s.owner.clone(),
            vec![("name", "Hostile".into())],
        ),
        (
            "preview_answer_sheet",
            s.supplier.clone(),
            vec![("assessment_id", s.assessment.clone())],
        ),
        (
            "apply_answer_sheet",
            s.supplier.clone(),
            vec![("assessment_id", s.assessment.clone())],
        ),
    ];
    for (endpoint, client, fields) in &paths {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        for name in CORPUS {
            let started = Instant::now();
            let (st, body) = app
                .upload(client, endpoint, &fields, name, corpus(name))
                .await;
            let took = started.elapsed();
            refused(&format!("{endpoint} {name}"), st, &body);
            assert!(took < Duration::from_secs(2), "{endpoint} {name}: {took:?}");
            healthy(&app).await;
        }
        // An overlong file name is refused or cut, never stored as sent.
        let long = format!("{}.csv", "n".repeat(5000));
        let (st, body) = app
            .upload(client, endpoint, &fields, &long, corpus("nul.csv"))
            .await;
        assert!(st.is_client_error(), "{endpoint}: {st} {body}");
    }
    // The bounds' messages, as the user reads them.
    let (st, body) = app
        .upload(
            &s.supplier,
            "preview_answer_sheet",
            &[("assessment_id", &s.assessment)],
            "a.xlsx",
            corpus("dense-range.xlsx"),
        )
        .await;
    assert_eq!(st, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(body.to_string().contains("more than 5000 rows"), "{body}");
    let (st, body) = app
        .upload(
            &s.owner,
            "import_catalog",
            &[("name", "Bomb")],
            "c.xlsx",
            corpus("zip-bomb.xlsx"),
        )
        .await;
    assert_eq!(st, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(
        body.to_string().contains("unpacks to more than 20 MiB")
            || body.to_string().contains("compressed beyond"),
        "{body}"
    );
    // Ten crash files at once, from one tenant, while another signs in.
    let many = (0..10).map(|_| {
        let (app, c, id) = (&app, s.supplier.clone(), s.assessment.clone());
        async move {
            app.upload(
                &c,
                "preview_answer_sheet",
                &[("assessment_id", &id)],
                "a.xlsx",
                corpus("dense-range.xlsx"),
            )
            .await
            .0
        }
    });
    let started = Instant::now();
    let (answers, _) = futures::join!(
        futures::future::join_all(many),
        app.login(
            w.beta.email(app::model::Role::Admin),
            crate::common::PASSWORD
        )
    );
    assert!(answers
        .iter()
        .all(|st| *st == StatusCode::PAYLOAD_TOO_LARGE));
    assert!(started.elapsed() < Duration::from_secs(5));
    healthy(&app).await;

    // Evidence is stored, not parsed, but the other party's programs open
    // it: office files pass the workbook's archive checks, and contents
    // must match their names. The two sheets that are hostile only to a
    // parser (a vast range, a vast dimension) are valid files to keep.
    let (_, a) = app
        .call(
            &s.supplier,
            "get_assessment",
            &[("assessment_id", &s.assessment)],
        )
        .await;
    let answer = a["answers"][0]["id"].to_string();
    for name in CORPUS {
        let started = Instant::now();
        let (st, body) = app
            .upload(
                &s.supplier,
                "upload_evidence",
                &[("answer_id", &answer)],
                name,
                corpus(name),
            )
            .await;
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "evidence {name}"
        );
        if matches!(*name, "dense-range.xlsx" | "huge-dimension.xlsx") {
            assert_eq!(st, StatusCode::OK, "evidence {name}: {body}");
        } else {
            refused(&format!("evidence {name}"), st, &body);
        }
        healthy(&app).await;
    }
    app.finish().await;
}
both!(every_upload_path_refuses_hostile_files);

/// The same corpus against the real `pactline serve` process (demo data):
/// every upload path, then ten crash files at once, while `/healthz`
/// answers; the process's peak resident memory stays under 300 MiB.
async fn the_server_process_stays_small_under_hostile_files(b: Backend) {
    use crate::durability::{Server, Site};
    let site = Site::new(b).await;
    site.run(&["demo", "seed"]);
    let server = Server::start(&site).await;
    let owner = server
        .login_as("olivia.admin@northwind.example", "reservoir-lantern-42")
        .await;
    let supplier = server.login().await;
    let assessment = server.open_assessment(&supplier).await;
    let answer = server.open_answers(&supplier).await[0].0.clone();
    let upload = |c: &Client, endpoint: &str, fields: &[(&str, &str)], name: &str| {
        let mut form = reqwest::multipart::Form::new();
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        form = form.part(
            "file",
            reqwest::multipart::Part::bytes(corpus(name)).file_name(name.to_string()),
        );
        c.post(format!("{}/api/{endpoint}", server.base))
            .multipart(form)
            .send()
    };
    let healthz = || async {
        let r = reqwest::get(format!("{}/healthz", server.base))
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    };
    let baseline = server.peak_rss_mib();
    type Path<'a> = (&'a str, &'a Client, Vec<(&'a str, &'a str)>);
    let paths: Vec<Path> = vec![
        ("import_catalog", &owner, vec![("name", "Hostile")]),
        ("import_profile", &owner, vec![("name", "Hostile")]),
        (
            "preview_answer_sheet",
            &supplier,
            vec![("assessment_id", assessment.as_str())],
        ),
        (
            "apply_answer_sheet",
            &supplier,
            vec![("assessment_id", assessment.as_str())],
        ),
        (
            "upload_evidence",
            &supplier,
            vec![("answer_id", answer.as_str())],
        ),
    ];
    for (endpoint, client, fields) in &paths {
        for name in CORPUS {
            let started = Instant::now();
            let r = upload(client, endpoint, fields, name).await.unwrap();
            let st = r.status();
            let body: serde_json::Value = r.json().await.unwrap_or_default();
            let took = started.elapsed();
            assert!(took < Duration::from_secs(2), "{endpoint} {name}: {took:?}");
            let stored_as_evidence = *endpoint == "upload_evidence"
                && matches!(*name, "dense-range.xlsx" | "huge-dimension.xlsx");
            if stored_as_evidence {
                assert_eq!(st, StatusCode::OK, "{endpoint} {name}: {body}");
            } else {
                refused(&format!("{endpoint} {name}"), st, &body);
            }
            healthz().await;
        }
    }
    // Ten of the worst at once, with health checks in between.
    let bombs = [
        "zip-bomb.xlsx",
        "dense-range.xlsx",
        "huge-dimension.xlsx",
        "xml-entities.xlsx",
        "deep.json",
    ];
    let many = (0..10).map(|i| {
        let name = bombs[i % bombs.len()];
        let (endpoint, client, fields) = if name.ends_with(".json") {
            ("import_catalog", &owner, vec![("name", "Hostile")])
        } else {
            (
                "preview_answer_sheet",
                &supplier,
                vec![("assessment_id", assessment.as_str())],
            )
        };
        let upload = &upload;
        async move {
            let r = upload(client, endpoint, &fields, name).await.unwrap();
            r.status()
        }
    });
    let (statuses, _) = futures::join!(futures::future::join_all(many), async {
        for _ in 0..5 {
            healthz().await;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    assert!(statuses.iter().all(|s| s.is_client_error()), "{statuses:?}");
    healthz().await;
    let peak = server.peak_rss_mib();
    eprintln!("server peak RSS: {baseline} MiB after start, {peak} MiB after the hostile files");
    assert!(peak < 300, "peak resident memory {peak} MiB");
    server.kill();
    site.remove().await;
}
both!(the_server_process_stays_small_under_hostile_files);
