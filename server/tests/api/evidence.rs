//! Evidence storage stays bounded: each organization has a quota (admins
//! see the figure), each user an hourly upload rate, and stored files that
//! nothing points at any more are removed, never one still in use.

use crate::assessments::{get, progress_agrees, save, send, Sent};
use crate::both;
use crate::common::{Backend, Options, TestApp, World, PASSWORD};
use app::model::Role;
use app::server::entities::blob;
use reqwest::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::Value;

/// A small PDF whose bytes differ by `tag`, `size` bytes long.
fn pdf(tag: &str, size: usize) -> Vec<u8> {
    let mut b = format!("%PDF-1.7\n% {tag}\n").into_bytes();
    b.resize(size.max(b.len()), b'x');
    b
}

async fn answer_ids(app: &TestApp, s: &Sent) -> Vec<String> {
    get(app, &s.supplier, &s.assessment).await["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].to_string())
        .collect()
}

async fn attach(app: &TestApp, s: &Sent, answer: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    app.upload(
        &s.supplier,
        "upload_evidence",
        &[("answer_id", answer)],
        "report.pdf",
        bytes,
    )
    .await
}

async fn remove(app: &TestApp, s: &Sent, id: &Value) {
    let (st, r) = app
        .call(
            &s.supplier,
            "remove_evidence",
            &[("evidence_id", &id.to_string())],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
}

/// Files kept by the store.
fn stored_files(app: &TestApp) -> usize {
    app.state.blobs.list().unwrap().len()
}

async fn sweep(app: &TestApp) -> usize {
    app::server::services::evidence_files::sweep_blobs(&app.state)
        .await
        .unwrap()
}

async fn an_organization_keeps_evidence_within_its_quota(b: Backend) {
    let app = TestApp::spawn_with(
        b,
        Options {
            evidence_quota_bytes: Some(100 * 1024),
            ..Default::default()
        },
    )
    .await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;
    let answers = answer_ids(&app, &s).await;
    let (st, first) = attach(&app, &s, &answers[0], pdf("one", 40 * 1024)).await;
    assert_eq!(st, StatusCode::OK, "{first}");
    let (st, second) = attach(&app, &s, &answers[1], pdf("two", 40 * 1024)).await;
    assert_eq!(st, StatusCode::OK, "{second}");
    let (st, full) = attach(&app, &s, &answers[2], pdf("three", 40 * 1024)).await;
    assert_eq!(st, StatusCode::PAYLOAD_TOO_LARGE, "{full}");
    let message = full.to_string();
    assert!(
        message.contains(
            "Your organization's evidence storage is full: 80 KiB of 100 KiB used, \
             and this file needs 40 KiB."
        ),
        "{message}"
    );
    assert!(message.contains("Remove evidence"), "{message}");
    // The admin sees the figure; others may not ask.
    let admin = app.login(w.sigma.email(Role::Admin), PASSWORD).await;
    let (st, usage) = app.call(&admin, "storage_usage", &[]).await;
    assert_eq!(st, StatusCode::OK, "{usage}");
    assert_eq!(usage["used_bytes"], 80 * 1024);
    assert_eq!(usage["quota_bytes"], 100 * 1024);
    let (st, _) = app.call(&s.supplier, "storage_usage", &[]).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let page = app.page(&admin, "/members").await.replace("<!>", "");
    assert!(
        page.contains("Evidence storage: 80 KiB of 100 KiB (80.0 %)"),
        "{page}"
    );
    // The owner's own figure counts only what its members attached.
    let owner_admin = app.login(w.alpha.email(Role::Admin), PASSWORD).await;
    let (_, theirs) = app.call(&owner_admin, "storage_usage", &[]).await;
    assert_eq!(theirs["used_bytes"], 0);
    // Room again once something goes.
    remove(&app, &s, &first).await;
    let (st, r) = attach(&app, &s, &answers[2], pdf("three", 40 * 1024)).await;
    assert_eq!(st, StatusCode::OK, "{r}");

    // Uploads at once cannot overshoot the quota together.
    let calls = answers[3..13].iter().enumerate().map(|(n, a)| {
        let s = &s;
        let app = &app;
        async move {
            attach(app, s, a, pdf(&format!("burst {n}"), 10 * 1024))
                .await
                .0
        }
    });
    let outcomes = futures::future::join_all(calls).await;
    let accepted = outcomes.iter().filter(|st| **st == StatusCode::OK).count();
    assert_eq!(accepted, 2, "{outcomes:?}");
    assert!(outcomes
        .iter()
        .all(|st| *st == StatusCode::OK || *st == StatusCode::PAYLOAD_TOO_LARGE));
    let (_, usage) = app.call(&admin, "storage_usage", &[]).await;
    assert_eq!(usage["used_bytes"], 100 * 1024);
    app.finish().await;
}
both!(an_organization_keeps_evidence_within_its_quota);

/// The lists' progress follows evidence as it is attached and removed
/// (it is kept on the assessment, recounted with every change).
async fn the_lists_count_missing_evidence_as_it_comes_and_goes(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;
    let answers = answer_ids(&app, &s).await;
    let (st, r) = save(
        &app,
        &s.supplier,
        &answers[0],
        0,
        &[("compliance", "meets")],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let p = progress_agrees(&app, &s.supplier, &s).await;
    assert_eq!(
        (p["answered"].clone(), p["evidence_missing"].clone()),
        (1.into(), 1.into())
    );
    let (st, file) = attach(&app, &s, &answers[0], pdf("one", 100)).await;
    assert_eq!(st, StatusCode::OK, "{file}");
    assert_eq!(
        progress_agrees(&app, &s.supplier, &s).await["evidence_missing"],
        0
    );
    remove(&app, &s, &file).await;
    assert_eq!(
        progress_agrees(&app, &s.supplier, &s).await["evidence_missing"],
        1
    );
    // The owner's list agrees too.
    assert_eq!(
        progress_agrees(&app, &s.owner, &s).await["evidence_missing"],
        1
    );
}

both!(the_lists_count_missing_evidence_as_it_comes_and_goes);

async fn uploads_are_limited_per_user_and_hour(b: Backend) {
    let app = TestApp::spawn_with(
        b,
        Options {
            uploads_per_hour: Some(3),
            ..Default::default()
        },
    )
    .await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;
    let answers = answer_ids(&app, &s).await;
    for (n, answer) in answers.iter().take(3).enumerate() {
        let (st, r) = attach(&app, &s, answer, pdf(&format!("f{n}"), 100)).await;
        assert_eq!(st, StatusCode::OK, "{r}");
    }
    let r = s
        .supplier
        .post(app.url("/api/upload_evidence"))
        .multipart(
            reqwest::multipart::Form::new()
                .text("answer_id", answers[3].clone())
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(pdf("f3", 100)).file_name("r.pdf"),
                ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((3500..=3600).contains(&wait), "Retry-After {wait}");
    let text = r.text().await.unwrap();
    assert!(
        text.contains("You attached 3 files in the last hour"),
        "{text}"
    );
    // Another member of the same organization is not held up.
    let colleague = app.login(w.sigma.email(Role::Admin), PASSWORD).await;
    let (st, r) = app
        .upload(
            &colleague,
            "upload_evidence",
            &[("answer_id", &answers[3])],
            "r.pdf",
            pdf("colleague", 100),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    // An hour later the first user may attach again.
    app.clock.advance(chrono::Duration::minutes(61));
    let (st, r) = attach(&app, &s, &answers[4], pdf("later", 100)).await;
    assert_eq!(st, StatusCode::OK, "{r}");
    app.finish().await;
}
both!(uploads_are_limited_per_user_and_hour);

async fn files_nothing_points_at_are_removed_and_only_those(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;
    let answers = answer_ids(&app, &s).await;
    // The same bytes on two answers are stored once.
    let shared = pdf("shared", 2000);
    let (_, a) = attach(&app, &s, &answers[0], shared.clone()).await;
    let (_, b2) = attach(&app, &s, &answers[1], shared.clone()).await;
    let (_, own) = attach(&app, &s, &answers[2], pdf("own", 2000)).await;
    assert_eq!(stored_files(&app), 2);
    remove(&app, &s, &a).await;
    remove(&app, &s, &own).await;
    // Not within the hour after the last upload: one may be under way.
    assert_eq!(sweep(&app).await, 0);
    app.clock.advance(chrono::Duration::minutes(90));
    // The unused file goes; the one still attached stays and downloads.
    assert_eq!(sweep(&app).await, 1);
    assert_eq!(stored_files(&app), 1);
    let r = s
        .supplier
        .get(app.url(&format!("/evidence/{b2}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().to_vec(), shared);
    // Removed last, then uploaded again and removed: the upload renewed
    // it, so it stays for an hour after that upload.
    remove(&app, &s, &b2).await;
    let (st, again) = attach(&app, &s, &answers[3], shared.clone()).await;
    assert_eq!(st, StatusCode::OK, "{again}");
    remove(&app, &s, &again).await;
    app.clock.advance(chrono::Duration::minutes(30));
    assert_eq!(sweep(&app).await, 0);
    assert_eq!(stored_files(&app), 1);
    app.clock.advance(chrono::Duration::minutes(31));
    assert_eq!(sweep(&app).await, 1);
    assert_eq!(stored_files(&app), 0);
    assert_eq!(blob::Entity::find().count(&app.state.db).await.unwrap(), 0);
    // A file without a row (an upload that rolled back) goes once it is old;
    // a fresh one is left for the upload that may be writing it.
    let stray = app.state.blobs.put(b"left behind").unwrap();
    assert_eq!(sweep(&app).await, 0);
    let path = app
        .state
        .config
        .data_dir
        .join("evidence")
        .join(&stray[..2])
        .join(&stray[2..4])
        .join(&stray);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(7200))
        .unwrap();
    assert_eq!(sweep(&app).await, 1);
    assert_eq!(stored_files(&app), 0);
    app.finish().await;
}
both!(files_nothing_points_at_are_removed_and_only_those);

async fn an_upload_cut_off_midway_attaches_nothing(b: Backend) {
    let app = TestApp::spawn(b).await;
    let w = World::build(&app).await;
    let s = send(&app, &w).await;
    let answers = answer_ids(&app, &s).await;
    // The body stops inside the file: no closing boundary ever comes.
    let body = format!(
        "--cutoffboundary\r\nContent-Disposition: form-data; name=\"answer_id\"\r\n\r\n{}\r\n\
         --cutoffboundary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n%PDF-1.7\n% the first half of a report",
        answers[0]
    );
    let r = s
        .supplier
        .post(app.url("/api/upload_evidence"))
        .header(
            "content-type",
            "multipart/form-data; boundary=cutoffboundary",
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.text().await.unwrap();
    assert!(text.contains("cut off before it ended"), "{text}");
    let a = get(&app, &s.supplier, &s.assessment).await;
    // No evidence: the list is left out of what travels when empty.
    assert_eq!(a["answers"][0].get("evidence"), None, "{}", a["answers"][0]);
    assert_eq!(stored_files(&app), 0);
    app.finish().await;
}
both!(an_upload_cut_off_midway_attaches_nothing);
