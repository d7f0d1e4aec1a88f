//! `pactline backup` and `pactline restore`: a consistent copy of one
//! installation taken while it serves, and putting it back in a fresh place.
//!
//! A backup directory holds the signed audit head (taken first), the
//! database (SQLite: an online `VACUUM INTO` snapshot; PostgreSQL:
//! `pg_dump --format=custom`), then the evidence files, copied after the
//! database so that every file the snapshot refers to is there. The audit
//! key is not in it: keep the key apart (see the README).

use super::{
    audit::{self, AuditKey, SignedHead},
    blobs::{BlobStore, FsStore},
    config::Config,
    AppState,
};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

const MANIFEST: &str = "manifest.json";
const HEAD: &str = "audit-head.json";
const SQLITE_FILE: &str = "pactline.db";
const PG_FILE: &str = "pactline.pgdump";
const EVIDENCE: &str = "evidence";
const FORMAT: &str = "pactline-backup/1";

/// What a backup holds, written last: a directory without it is incomplete.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// `sqlite` or `postgresql`.
    pub database: String,
    pub audit_events: i64,
    pub evidence_files: usize,
    pub evidence_bytes: u64,
}

fn is_sqlite(url: &str) -> bool {
    url.starts_with("sqlite:")
}

/// libpq's own variables for a `postgres://` URL, so that pg_dump and
/// pg_restore get the password from their environment, never argv.
fn libpq_env(url: &str) -> Result<Vec<(&'static str, String)>, String> {
    let u = url::Url::parse(url).map_err(|e| format!("DATABASE_URL: {e}"))?;
    let decode =
        |s: &str| percent_decode(s).ok_or_else(|| "DATABASE_URL: bad percent-encoding".to_string());
    let mut env = vec![
        ("PGHOST", u.host_str().unwrap_or("localhost").to_string()),
        ("PGPORT", u.port().unwrap_or(5432).to_string()),
        ("PGDATABASE", decode(u.path().trim_start_matches('/'))?),
    ];
    if !u.username().is_empty() {
        env.push(("PGUSER", decode(u.username())?));
    }
    if let Some(p) = u.password() {
        env.push(("PGPASSWORD", decode(p)?));
    }
    for (k, v) in u.query_pairs() {
        match k.as_ref() {
            "sslmode" => env.push(("PGSSLMODE", v.into_owned())),
            "host" => env.push(("PGHOST", v.into_owned())),
            _ => {}
        }
    }
    Ok(env)
}

fn percent_decode(s: &str) -> Option<String> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|c| c.into_owned())
}

fn run_pg_tool(tool: &str, args: &[&str], url: &str) -> Result<(), String> {
    let out = std::process::Command::new(tool)
        .args(args)
        .envs(libpq_env(url)?)
        .output()
        .map_err(|e| format!("cannot run {tool} (install the PostgreSQL client tools): {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{tool} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

fn io<'a>(what: &'a str, path: &'a Path) -> impl FnOnce(std::io::Error) -> String + 'a {
    move |e| format!("{what} {}: {e}", path.display())
}

/// Copies every evidence file of `from` into `to`, checking each digest on
/// the way. Returns the number of files and their bytes.
fn copy_blobs(from: &dyn BlobStore, to: &dyn BlobStore) -> Result<(usize, u64), String> {
    let mut files = 0;
    let mut bytes = 0;
    for (digest, _) in from.list().map_err(|e| format!("listing evidence: {e}"))? {
        let data = from
            .get(&digest)
            .map_err(|e| format!("reading evidence {digest}: {e}"))?;
        let written = to
            .put(&data)
            .map_err(|e| format!("writing evidence {digest}: {e}"))?;
        if written != digest {
            return Err(format!("evidence {digest} does not match its digest"));
        }
        files += 1;
        bytes += data.len() as u64;
    }
    Ok((files, bytes))
}

/// Takes a backup of the running installation into `dir` (new or empty).
pub async fn backup(state: &AppState, dir: &Path) -> Result<Manifest, String> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map_err(io("cannot read", dir))?
            .next()
            .is_some()
    {
        return Err(format!(
            "{} is not empty; give a new directory for each backup",
            dir.display()
        ));
    }
    std::fs::create_dir_all(dir).map_err(io("cannot create", dir))?;
    // The head first: the snapshot contains it, and a restore proves it.
    let head = audit::export_head(&state.db, &state.audit_key)
        .await
        .map_err(|e| format!("audit head: {e}"))?;
    write_json(&dir.join(HEAD), &head)?;
    let url = &state.config.database_url;
    let database = if is_sqlite(url) {
        // A consistent snapshot, taken in one read transaction while
        // writers go on.
        let target = dir.join(SQLITE_FILE);
        let quoted = target.display().to_string().replace('\'', "''");
        state
            .db
            .execute_unprepared(&format!("VACUUM INTO '{quoted}'"))
            .await
            .map_err(|e| format!("database snapshot: {e}"))?;
        "sqlite"
    } else {
        let target = dir.join(PG_FILE);
        let target = target.to_str().ok_or("the backup path is not UTF-8")?;
        run_pg_tool(
            "pg_dump",
            &["--format=custom", "--no-owner", "--file", target],
            url,
        )?;
        "postgresql"
    };
    let (evidence_files, evidence_bytes) =
        copy_blobs(state.blobs.as_ref(), &FsStore::new(dir.join(EVIDENCE)))?;
    let manifest = Manifest {
        format: FORMAT.into(),
        created_at: chrono::Utc::now(),
        database: database.into(),
        audit_events: head.seq,
        evidence_files,
        evidence_bytes,
    };
    write_json(&dir.join(MANIFEST), &manifest)?;
    Ok(manifest)
}

fn write_json(path: &Path, value: &impl Serialize) -> Result<(), String> {
    let text = serde_json::to_string_pretty(value).expect("serializes") + "\n";
    std::fs::write(path, text).map_err(io("cannot write", path))
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, String> {
    let text = std::fs::read_to_string(path).map_err(io("cannot read", path))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Whether the configured database already holds tables.
async fn has_tables(db: &DatabaseConnection, sqlite: bool) -> Result<bool, String> {
    let sql = if sqlite {
        "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'"
    } else {
        "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = 'public'"
    };
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .map_err(|e| e.to_string())?
        .ok_or("no answer")?;
    let n: i64 = row.try_get("", "n").map_err(|e| e.to_string())?;
    Ok(n > 0)
}

/// Puts the backup in `dir` into the configured database (which must be
/// empty or absent) and data directory. Returns the manifest and the head,
/// for the caller to verify once the installation is opened.
pub async fn restore(config: &Config, dir: &Path) -> Result<(Manifest, SignedHead), String> {
    let manifest: Manifest = read_json(&dir.join(MANIFEST))
        .map_err(|e| format!("{e} (a backup directory without its manifest is incomplete)"))?;
    if manifest.format != FORMAT {
        return Err(format!("unknown backup format {:?}", manifest.format));
    }
    let head: SignedHead = read_json(&dir.join(HEAD))?;
    let url = &config.database_url;
    let sqlite = is_sqlite(url);
    if sqlite != (manifest.database == "sqlite") {
        return Err(format!(
            "this backup is of a {} database; DATABASE_URL names another kind",
            manifest.database
        ));
    }
    if sqlite {
        let path =
            PathBuf::from(super::db::sqlite_path(url).ok_or("DATABASE_URL names no SQLite file")?);
        if path.exists() {
            return Err(format!(
                "{} exists; restore into a fresh location (move it away first)",
                path.display()
            ));
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io("cannot create", parent))?;
        }
        let source = dir.join(SQLITE_FILE);
        std::fs::copy(&source, &path).map_err(io("cannot copy", &source))?;
    } else {
        let db = sea_orm::Database::connect(url)
            .await
            .map_err(|e| format!("cannot open the database: {e}"))?;
        let full = has_tables(&db, false).await?;
        db.close().await.ok();
        if full {
            return Err(
                "the database named by DATABASE_URL already has tables; restore into an empty database"
                    .into(),
            );
        }
        let source = dir.join(PG_FILE);
        let source = source.to_str().ok_or("the backup path is not UTF-8")?;
        // The database's name is no secret; the password stays in libpq's
        // environment.
        let name = libpq_env(url)?
            .into_iter()
            .find(|(k, _)| *k == "PGDATABASE")
            .map(|(_, v)| v)
            .unwrap_or_default();
        run_pg_tool(
            "pg_restore",
            &["--no-owner", "--exit-on-error", "--dbname", &name, source],
            url,
        )?;
    }
    let (files, _) = copy_blobs(
        &FsStore::new(dir.join(EVIDENCE)),
        &FsStore::new(super::blobs::default_root(&config.data_dir)),
    )?;
    if files != manifest.evidence_files {
        return Err(format!(
            "the backup lists {} evidence files but holds {files}",
            manifest.evidence_files
        ));
    }
    Ok((manifest, head))
}

/// Verifies a restored installation against the head its backup carried.
pub async fn check_restored(
    db: &DatabaseConnection,
    key: &AuditKey,
    head: &SignedHead,
) -> Result<u64, String> {
    match audit::verify_head(db, key, head).await {
        Ok(Ok(n)) => Ok(n),
        Ok(Err(problem)) => Err(problem.to_string()),
        Err(e) => Err(e.to_string()),
    }
}
