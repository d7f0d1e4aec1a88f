//! The `pactline` command line, run as a real process.

use crate::common::unique;
use std::io::Write;
use std::process::{Command, Stdio};

fn pactline(db: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pactline"));
    // Files (the audit key) beside the test's database, never in the tree.
    let file = db
        .trim_start_matches("sqlite://")
        .split('?')
        .next()
        .unwrap();
    if let Some(dir) = std::path::Path::new(file).parent() {
        c.env("PACTLINE_DATA_DIR", dir);
    }
    c.env("DATABASE_URL", db)
        .env("PACTLINE_LOG", "warn")
        .env_remove("PACTLINE_ADMIN_PASSWORD");
    c
}

#[test]
fn admin_create_reads_the_password_from_stdin_or_the_environment_never_argv() {
    let dir = std::env::temp_dir().join(format!("pactline-cli-{}", unique()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}?mode=rwc", dir.join("cli.db").display());

    let out = pactline(&db).arg("migrate").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // From stdin.
    let mut child = pactline(&db)
        .args([
            "admin",
            "create",
            "--email",
            "ops@plant.test",
            "--org",
            "Plant Operator",
            "--kind",
            "asset_owner",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"granite-osprey-ledger-64\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("created organization Plant Operator"));

    // From the environment; a weak password is refused with the reason.
    let out = pactline(&db)
        .args([
            "admin",
            "create",
            "--email",
            "second@plant.test",
            "--org",
            "Second Site",
            "--kind",
            "asset_owner,service_provider",
        ])
        .env("PACTLINE_ADMIN_PASSWORD", "password1234")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("too common"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = pactline(&db)
        .args([
            "admin",
            "create",
            "--email",
            "second@plant.test",
            "--org",
            "Second Site",
            "--kind",
            "asset_owner,service_provider",
        ])
        .env("PACTLINE_ADMIN_PASSWORD", "mango-trellis-harbor-29")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Same organization twice, or an unknown kind: refused.
    let out = pactline(&db)
        .args([
            "admin",
            "create",
            "--email",
            "third@plant.test",
            "--org",
            "plant operator",
            "--kind",
            "asset_owner",
        ])
        .env("PACTLINE_ADMIN_PASSWORD", "mango-trellis-harbor-29")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let out = pactline(&db)
        .args([
            "admin",
            "create",
            "--email",
            "third@plant.test",
            "--org",
            "Third",
            "--kind",
            "vendor",
        ])
        .env("PACTLINE_ADMIN_PASSWORD", "mango-trellis-harbor-29")
        .output()
        .unwrap();
    assert!(!out.status.success());

    // Six shipped catalogs loaded, two organizations created.
    let out = pactline(&db).args(["audit", "verify"]).output().unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("audit trail intact: 8 events"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// Starts `serve` on an empty SQLite database with `env`, waits until it
/// answers, stops it, and says how many organizations the database holds.
async fn organizations_after_serve(env: &[(&str, &str)]) -> i64 {
    use sea_orm::{ConnectionTrait, Database, Statement};
    let dir = std::env::temp_dir().join(format!("pactline-serve-{}", unique()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}?mode=rwc", dir.join("serve.db").display());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut cmd = pactline(&db);
    cmd.arg("serve")
        .env("PACTLINE_DATA_DIR", &dir)
        .env("PACTLINE_ADDR", format!("127.0.0.1:{port}"))
        .env("PACTLINE_REMINDER_INTERVAL_SECS", "0")
        .env_remove("PACTLINE_DEMO")
        .env_remove("PACTLINE_BASE_URL")
        .stdout(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let client = reqwest::Client::new();
    let mut up = false;
    for _ in 0..200 {
        let r = client
            .get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
            .await;
        if r.is_ok_and(|r| r.status().is_success()) {
            up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(up, "serve did not answer");
    let conn = Database::connect(&db).await.unwrap();
    let row = conn
        .query_one_raw(Statement::from_string(
            conn.get_database_backend(),
            "SELECT COUNT(*) AS n FROM organizations",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

#[tokio::test]
async fn serve_seeds_demo_data_only_when_asked_and_never_over_https() {
    assert_eq!(organizations_after_serve(&[]).await, 0, "not by default");
    assert_eq!(
        organizations_after_serve(&[
            ("PACTLINE_DEMO", "true"),
            ("PACTLINE_BASE_URL", "https://pactline.plant.example"),
        ])
        .await,
        0,
        "never where the demo passwords would be public"
    );
    assert!(organizations_after_serve(&[("PACTLINE_DEMO", "true")]).await > 0);
}
