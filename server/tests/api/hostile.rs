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
