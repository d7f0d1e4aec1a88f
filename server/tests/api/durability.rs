//! What survives: the real `pactline serve` process killed with SIGKILL
//! under autosave load, and a backup taken under write load restored into a
//! fresh place. On SQLite and PostgreSQL.

use crate::both;
use crate::common::{unique, Backend};
use app::server::entities::{answer, answer_version, audit_event};
use reqwest::{redirect::Policy, Client, StatusCode};
use sea_orm::{
    ColumnTrait, ConnectionTrait, Database, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter,
};
use serde_json::Value;
use std::{
    collections::BTreeMap,
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

const SUPPLIER: &str = "hugo.contributor@helix.example";
const SUPPLIER_PASSWORD: &str = "helix-velvet-canyon-24";

/// One installation: a data directory and a database, on either backend.
pub struct Site {
    pub dir: PathBuf,
    database_url: String,
    /// PostgreSQL: the admin URL and the throwaway database's name.
    pg: Option<(String, String)>,
}

impl Site {
    pub async fn new(b: Backend) -> Site {
        let dir = std::env::temp_dir().join(format!("pactline-durable-{}", unique()));
        std::fs::create_dir_all(&dir).unwrap();
        match b {
            Backend::Sqlite => Site {
                database_url: format!("sqlite://{}?mode=rwc", dir.join("pactline.db").display()),
                dir,
                pg: None,
            },
            Backend::Postgres => {
                let admin = std::env::var("PACTLINE_TEST_PG").expect("PACTLINE_TEST_PG");
                let name = format!("pactline_durable_{}", unique());
                let conn = Database::connect(&admin).await.unwrap();
                conn.execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .unwrap();
                conn.close().await.ok();
                Site {
                    database_url: admin.replacen("/postgres?", &format!("/{name}?"), 1),
                    dir,
                    pg: Some((admin, name)),
                }
            }
        }
    }

    pub fn command(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_pactline"));
        c.env("DATABASE_URL", &self.database_url)
            .env("PACTLINE_DATA_DIR", &self.dir)
            .env("PACTLINE_LOG", "warn")
            .env_remove("PACTLINE_AUDIT_KEY")
            .env_remove("PACTLINE_AUDIT_KEY_FILE")
            .env_remove("PACTLINE_DEMO")
            .env_remove("SMTP_HOST");
        c
    }

    pub fn run(&self, args: &[&str]) -> String {
        let out = self.command().args(args).output().unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "pactline {args:?}: {text}");
        text
    }

    pub async fn db(&self) -> DatabaseConnection {
        Database::connect(&self.database_url).await.unwrap()
    }

    pub async fn remove(self) {
        if let Some((admin, name)) = &self.pg {
            let conn = Database::connect(admin).await.unwrap();
            conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await
                .ok();
        }
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

/// A running `pactline serve`.
pub struct Server {
    child: Mutex<Child>,
    pub base: String,
}

impl Server {
    pub async fn start(site: &Site) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = site
            .command()
            .arg("serve")
            .env("PACTLINE_ADDR", format!("127.0.0.1:{port}"))
            .env("PACTLINE_REMINDER_INTERVAL_SECS", "0")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        loop {
            if let Ok(r) = reqwest::get(format!("{base}/healthz")).await {
                if r.status() == StatusCode::OK {
                    break;
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "server did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Server {
            child: Mutex::new(child),
            base,
        }
    }

    /// SIGKILL: no shutdown, no flush.
    pub fn kill(&self) {
        let mut child = self.child.lock().unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
    }

    pub async fn login(&self) -> Client {
        self.login_as(SUPPLIER, SUPPLIER_PASSWORD).await
    }

    /// Peak resident memory of the server process so far, in MiB (Linux).
    pub fn peak_rss_mib(&self) -> u64 {
        let pid = self.child.lock().unwrap().id();
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        let kib: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM in /proc/<pid>/status");
        kib / 1024
    }

    pub async fn login_as(&self, email: &str, password: &str) -> Client {
        let c = Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .unwrap();
        let r = c
            .post(format!("{}/auth/login", self.base))
            .form(&[("email", email), ("password", password)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["location"], "/", "login failed");
        c
    }

    pub async fn call(
        &self,
        c: &Client,
        endpoint: &str,
        args: &[(&str, &str)],
    ) -> (StatusCode, Value) {
        let r = match c
            .post(format!("{}/api/{endpoint}", self.base))
            .form(args)
            .send()
            .await
        {
            Ok(r) => r,
            Err(_) => return (StatusCode::SERVICE_UNAVAILABLE, Value::Null),
        };
        let status = r.status();
        match r.text().await {
            Ok(text) => (
                status,
                serde_json::from_str(&text).unwrap_or(Value::String(text)),
            ),
            // The answer was cut off: not acknowledged.
            Err(_) => (StatusCode::SERVICE_UNAVAILABLE, Value::Null),
        }
    }

    /// The supplier's open demo assessment.
    pub async fn open_assessment(&self, c: &Client) -> String {
        let (st, list) = self.call(c, "list_assessments", &[]).await;
        assert_eq!(st, StatusCode::OK, "{list}");
        let open = list
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["status"] == "in_progress" || a["status"] == "sent")
            .unwrap_or_else(|| panic!("no open assessment: {list}"));
        open["id"].to_string()
    }

    /// The supplier's open demo assessment's answers (id, version).
    pub async fn open_answers(&self, c: &Client) -> Vec<(String, i64)> {
        let id = self.open_assessment(c).await;
        let (st, a) = self
            .call(c, "get_assessment", &[("assessment_id", &id)])
            .await;
        assert_eq!(st, StatusCode::OK, "{a}");
        a["answers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| (x["id"].to_string(), x["version"].as_i64().unwrap()))
            .collect()
    }
}

/// Every save the server answered 200 "Saved" for: per answer, version →
/// statement.
type Acked = Arc<Mutex<BTreeMap<i64, BTreeMap<i64, String>>>>;

/// 16 clients, each saving its own answer over and over, until `stop`.
async fn autosave_load(
    server: Arc<Server>,
    c: Client,
    answers: Vec<(String, i64)>,
    acked: Acked,
    stop: Arc<std::sync::atomic::AtomicBool>,
) -> usize {
    let mut tasks = Vec::new();
    for (id, version) in answers.into_iter().take(16) {
        let server = server.clone();
        let acked = acked.clone();
        let stop = stop.clone();
        // One session (16 sign-ins at once would be throttled, rightly).
        let c = c.clone();
        tasks.push(tokio::spawn(async move {
            let mut version = version;
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let statement = format!("Saved by client {id}, round {n}");
                let v = version.to_string();
                let (st, body) = server
                    .call(
                        &c,
                        "save_answer",
                        &[
                            ("answer_id", &id),
                            ("version", &v),
                            ("answer[compliance]", "meets"),
                            ("answer[countermeasure]", ""),
                            ("answer[planned_on]", ""),
                            ("answer[na_reason]", ""),
                            ("answer[other_party]", ""),
                            ("answer[claimed_level]", ""),
                            ("answer[statement]", &statement),
                            ("answer[responsibility_accepted]", ""),
                        ],
                    )
                    .await;
                if st != StatusCode::OK {
                    // The server is gone (or going): stop this client.
                    break;
                }
                let saved = body["Saved"]["version"]
                    .as_i64()
                    .unwrap_or_else(|| panic!("unexpected answer: {body}"));
                acked
                    .lock()
                    .unwrap()
                    .entry(id.parse().unwrap())
                    .or_default()
                    .insert(saved, statement);
                version = saved;
                n += 1;
            }
            n
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await.unwrap();
    }
    total
}

/// Each answer's version and number of "answer.saved" events before a load.
async fn starting_points(
    db: &DatabaseConnection,
    answers: &[(String, i64)],
) -> BTreeMap<i64, (i64, u64)> {
    let mut before = BTreeMap::new();
    for (id, version) in answers {
        let id: i64 = id.parse().unwrap();
        before.insert(id, (*version, saved_events(db, id).await));
    }
    before
}

fn acked_count(acked: &Acked) -> usize {
    acked.lock().unwrap().values().map(|v| v.len()).sum()
}

/// Waits until `n` saves were acknowledged (at most a minute).
async fn wait_for_acks(acked: &Acked, n: usize) {
    let started = Instant::now();
    while acked_count(acked) < n {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "saves are not flowing"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// How many "answer.saved" events an answer has.
async fn saved_events(db: &DatabaseConnection, answer_id: i64) -> u64 {
    audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("answer.saved"))
        .filter(audit_event::Column::ObjectId.ends_with(format!("/{answer_id}")))
        .count(db)
        .await
        .unwrap()
}

/// Every acknowledged save is in `db`, whole: its kept version holds its
/// text, the answer is at that version or later, every version it went
/// through is kept exactly once, and each save since `before` has exactly
/// one audit event. Returns the number of acknowledged saves checked.
async fn assert_acknowledged_saves_kept(
    db: &DatabaseConnection,
    acked: &Acked,
    before: &BTreeMap<i64, (i64, u64)>,
) -> usize {
    let acked = acked.lock().unwrap().clone();
    let mut count = 0;
    for (answer_id, versions) in &acked {
        let row = answer::Entity::find_by_id(app::model::AnswerId(*answer_id))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        let version = i64::from(row.version);
        let last = *versions.keys().max().unwrap();
        assert!(
            version >= last,
            "answer {answer_id} is at version {version}, but version {last} was acknowledged"
        );
        for (v, statement) in versions {
            let kept = answer_version::Entity::find()
                .filter(answer_version::Column::AnswerId.eq(*answer_id))
                .filter(answer_version::Column::Version.eq(*v as i32))
                .one(db)
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("answer {answer_id} version {v} was lost"));
            assert!(kept.data.contains(statement.as_str()), "{}", kept.data);
            count += 1;
        }
        if version == last {
            assert_eq!(
                row.statement, versions[&last],
                "answer {answer_id} does not hold its last acknowledged text"
            );
        }
        let kept = answer_version::Entity::find()
            .filter(answer_version::Column::AnswerId.eq(*answer_id))
            .count(db)
            .await
            .unwrap();
        assert_eq!(kept as i64, version, "answer {answer_id}: kept versions");
        let (start_version, start_events) = before[answer_id];
        assert_eq!(
            saved_events(db, *answer_id).await - start_events,
            (version - start_version) as u64,
            "answer {answer_id}: one audit event per save"
        );
    }
    count
}

async fn a_killed_server_keeps_every_acknowledged_save(b: Backend) {
    let site = Site::new(b).await;
    site.run(&["demo", "seed"]);
    let server = Arc::new(Server::start(&site).await);
    let c = server.login().await;
    let answers: Vec<(String, i64)> = server.open_answers(&c).await.into_iter().take(16).collect();
    assert_eq!(answers.len(), 16);
    let db = site.db().await;
    let before = starting_points(&db, &answers).await;

    let acked: Acked = Default::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let load = tokio::spawn(autosave_load(
        server.clone(),
        c.clone(),
        answers,
        acked.clone(),
        stop.clone(),
    ));
    // Kill it mid-flight, once saves are flowing.
    wait_for_acks(&acked, 300).await;
    server.kill();
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    load.await.unwrap();

    let checked = assert_acknowledged_saves_kept(&db, &acked, &before).await;
    assert!(checked >= 300, "{checked}");
    db.close().await.ok();
    let verified = site.run(&["audit", "verify"]);
    assert!(verified.contains("audit trail intact"), "{verified}");

    // It starts again and serves the same answers.
    let again = Server::start(&site).await;
    let c = again.login().await;
    let answers = again.open_answers(&c).await;
    let acked = acked.lock().unwrap().clone();
    for (id, version) in answers {
        if let Some(v) = acked.get(&id.parse::<i64>().unwrap()) {
            assert!(version >= *v.keys().max().unwrap());
        }
    }
    again.kill();
    site.remove().await;
}
both!(a_killed_server_keeps_every_acknowledged_save);

/// A backup taken while 16 clients autosave, restored into a fresh database
/// and data directory: every save acknowledged before the backup began and
/// every evidence file is there, and the chain verifies against the head.
async fn a_backup_under_load_restores_every_acknowledged_row_and_file(b: Backend) {
    let site = Site::new(b).await;
    site.run(&["demo", "seed"]);
    let server = Arc::new(Server::start(&site).await);
    let c = server.login().await;
    let answers: Vec<(String, i64)> = server.open_answers(&c).await.into_iter().take(20).collect();
    // Evidence on answers outside the autosave load.
    let mut files = Vec::new();
    for (i, (answer_id, _)) in answers[16..].iter().enumerate() {
        let bytes = format!("%PDF-1.7\n% evidence {i} of {}\n", unique()).into_bytes();
        let form = reqwest::multipart::Form::new()
            .text("answer_id", answer_id.clone())
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes.clone()).file_name("report.pdf"),
            );
        let r = c
            .post(format!("{}/api/upload_evidence", server.base))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let id: i64 = r.text().await.unwrap().trim().parse().unwrap();
        files.push((id, bytes));
    }
    let answers: Vec<(String, i64)> = answers.into_iter().take(16).collect();
    let db = site.db().await;
    let before = starting_points(&db, &answers).await;
    db.close().await.ok();

    let acked: Acked = Default::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let load = tokio::spawn(autosave_load(
        server.clone(),
        c.clone(),
        answers,
        acked.clone(),
        stop.clone(),
    ));
    wait_for_acks(&acked, 100).await;
    // What was acknowledged before the backup began must be in it.
    let must_have: Acked = Arc::new(Mutex::new(acked.lock().unwrap().clone()));
    let backup_dir = site.dir.join("backup");
    let out = {
        let mut cmd = site.command();
        cmd.args(["backup", "--to", backup_dir.to_str().unwrap()]);
        tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap()
    };
    let during = acked_count(&acked);
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    load.await.unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    // Ours and the demo's: its certificate, and the product library's
    // hardening guide and certificate file.
    assert!(text.contains("6 evidence files"), "{text}");
    let must = acked_count(&must_have);
    assert!(
        during > must,
        "the load went on during the backup: {must} then {during}"
    );
    // A second backup into the same directory is refused.
    let out = site
        .command()
        .args(["backup", "--to", backup_dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not empty"));
    server.kill();

    // A fresh place, with the audit key the operator kept apart.
    let fresh = Site::new(b).await;
    std::fs::copy(site.dir.join("audit.key"), fresh.dir.join("audit.key")).unwrap();
    let restored = fresh.run(&["restore", "--from", backup_dir.to_str().unwrap()]);
    assert!(restored.contains("the chain verifies"), "{restored}");
    // Restoring over it again is refused: it is no longer empty.
    let out = fresh
        .command()
        .args(["restore", "--from", backup_dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());

    let db = fresh.db().await;
    let checked = assert_acknowledged_saves_kept(&db, &must_have, &before).await;
    assert!(checked >= 100, "{checked}");
    db.close().await.ok();
    let verified = fresh.run(&[
        "audit",
        "verify",
        "--head",
        backup_dir.join("audit-head.json").to_str().unwrap(),
    ]);
    assert!(verified.contains("audit trail intact"), "{verified}");

    // The restored installation serves the evidence, byte for byte.
    let server = Server::start(&fresh).await;
    let c = server.login().await;
    for (id, bytes) in &files {
        let r = c
            .get(format!("{}/evidence/{id}", server.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.bytes().await.unwrap().as_ref(), bytes.as_slice());
    }
    server.kill();
    fresh.remove().await;
    site.remove().await;
}
both!(a_backup_under_load_restores_every_acknowledged_row_and_file);
