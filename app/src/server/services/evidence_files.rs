//! Evidence on answers: files (checked, stored by content), links and
//! certificate records. Files are served only to the two organizations of
//! the assessment, with headers that keep browsers from running them.
//! Storage stays bounded: an organization keeps at most its quota, a user
//! attaches at most so many files an hour, and a stored file nothing points
//! at any more is removed an hour after its last upload ([`sweep_blobs`]).

use crate::model::{human_size, AnswerId, AppError, EvidenceId, EvidenceLink};
use crate::server::{
    access, audit,
    blobs::{sha256_hex, BlobStore},
    db,
    entities::{answer, assessment, blob, evidence},
    read_models,
    respond::internal,
    untrusted, Actor, AppState,
};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{
    sea_query::{Expr, OnConflict},
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TryInsertResult,
};
use serde_json::json;

/// Largest evidence file, and most evidence items on one answer.
pub const MAX_EVIDENCE_BYTES: usize = 10 * 1024 * 1024;
pub const MAX_EVIDENCE_PER_ANSWER: u64 = 20;

/// The file types accepted as evidence: extension, the content type the
/// file's bytes must show, and how it is served.
const TYPES: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("zip", "application/zip"),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("txt", "text/plain"),
    ("csv", "text/plain"),
    ("md", "text/plain"),
    ("log", "text/plain"),
];

/// The content type of an evidence file, if its name and bytes agree on an
/// accepted type; otherwise a message saying what to fix.
pub fn sniff(filename: &str, bytes: &[u8]) -> Result<&'static str, String> {
    if bytes.is_empty() {
        return Err("The file is empty.".into());
    }
    let ext = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let Some((_, expected)) = TYPES.iter().find(|(e, _)| *e == ext) else {
        return Err(format!(
            "Files of this type are not accepted. Use one of: {}.",
            TYPES.iter().map(|(e, _)| *e).collect::<Vec<_>>().join(", ")
        ));
    };
    let detected = infer::get(bytes).map(|t| t.mime_type());
    let agrees = match *expected {
        "text/plain" => {
            detected.is_none() && std::str::from_utf8(bytes).is_ok() && !bytes.contains(&0)
        }
        // Office files are zip archives; `infer` looks inside.
        "application/zip" => detected == Some("application/zip"),
        other => detected == Some(other),
    };
    if agrees {
        Ok(expected)
    } else {
        Err(format!(
            "The file's content is not a .{ext} file. Upload the original file."
        ))
    }
}

/// A display name for a file: its last path part, without control
/// characters, at most 200 characters.
pub fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let s: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect();
    if s.trim().is_empty() {
        "evidence".into()
    } else {
        s.trim().to_string()
    }
}

async fn room_for_more<C: sea_orm::ConnectionTrait>(
    conn: &C,
    x: &access::Readable<answer::Model>,
) -> Result<(), AppError> {
    let n = access::evidence_of_answer(x).count(conn).await?;
    if n >= MAX_EVIDENCE_PER_ANSWER {
        return Err(AppError::invalid(
            "file",
            format!("An answer holds at most {MAX_EVIDENCE_PER_ANSWER} pieces of evidence."),
        ));
    }
    Ok(())
}

fn blank(
    kind: &str,
    title: String,
    a: &assessment::Model,
    x: &answer::Model,
    actor: &Actor,
    now: chrono::DateTime<Utc>,
) -> evidence::ActiveModel {
    evidence::ActiveModel {
        assessment_id: Set(a.id),
        answer_id: Set(x.id),
        kind: Set(kind.into()),
        title: Set(title),
        sha256: Set(None),
        content_type: Set(None),
        size_bytes: Set(None),
        url: Set(None),
        scheme: Set(None),
        level: Set(None),
        scope: Set(None),
        issuer: Set(None),
        expires_on: Set(None),
        created_by: Set(Some(actor.user_id())),
        created_at: Set(now),
        ..Default::default()
    }
}

async fn record(
    txn: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    e: &evidence::Model,
) -> Result<(), AppError> {
    read_models::recount_progress(txn, &[e.assessment_id]).await?;
    audit::by_actor(
        txn,
        actor,
        "evidence.added",
        "evidence",
        format!("{}/{}", e.assessment_id, e.id),
        None,
        Some(json!({"answer": e.answer_id, "kind": e.kind, "title": e.title, "sha256": e.sha256})),
    )
    .await
}

/// An uploaded file that passed the checks: its cleaned name, content
/// type, digest and bytes.
pub(crate) struct CheckedFile {
    pub name: String,
    pub content_type: &'static str,
    pub digest: String,
    pub bytes: std::sync::Arc<Vec<u8>>,
}

impl CheckedFile {
    pub fn size(&self) -> i64 {
        self.bytes.len() as i64
    }
}

/// Checks an uploaded file before anything is written: its size, that its
/// bytes are what its name says (an accepted type), that an Office file is
/// a sound archive; then hashes it. Says what to fix otherwise.
pub(crate) async fn check_file(filename: &str, bytes: Vec<u8>) -> Result<CheckedFile, AppError> {
    if bytes.len() > MAX_EVIDENCE_BYTES {
        return Err(AppError::invalid(
            "file",
            format!(
                "The file is larger than {} MiB.",
                MAX_EVIDENCE_BYTES / 1024 / 1024
            ),
        ));
    }
    let content_type = sniff(filename, &bytes).map_err(|m| AppError::invalid("file", m))?;
    // Office files are opened by the other party's programs: they pass the
    // same archive checks as an uploaded workbook (no zip bomb, no XML
    // entities). Plain .zip archives are only ever downloaded.
    let bytes = if content_type.starts_with("application/vnd.openxmlformats") {
        untrusted::parse(move || untrusted::check_zip(&bytes).map(|()| bytes)).await?
    } else {
        bytes
    };
    // Hashing up to 10 MiB is no work for the async workers.
    let (digest, bytes) = tokio::task::spawn_blocking(move || (sha256_hex(&bytes), bytes))
        .await
        .map_err(internal)?;
    Ok(CheckedFile {
        name: clean_filename(filename),
        content_type,
        digest,
        bytes: std::sync::Arc::new(bytes),
    })
}

/// Stores a checked file for the actor's organization as part of `txn`:
/// the organization's uploads queue here, so its quota and its members'
/// upload rates are counted exactly, however many arrive at once.
pub(crate) async fn store_file(
    txn: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    state: &AppState,
    f: &CheckedFile,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    access::lock_organization(txn, actor).await?;
    within_upload_rate(txn, actor, state, now).await?;
    within_quota(txn, actor, state, &f.digest, f.size()).await?;
    // Used now: a sweep for unused blobs leaves it alone (see `sweep_blobs`).
    blob::Entity::insert(blob::ActiveModel {
        sha256: Set(f.digest.clone()),
        size_bytes: Set(f.size()),
        last_used_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(blob::Column::Sha256)
            .update_column(blob::Column::LastUsedAt)
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    let bytes = f.bytes.clone();
    let stored = on_store(state, move |store| store.put(&bytes)).await?;
    debug_assert_eq!(stored, f.digest);
    Ok(())
}

/// Marks stored files as used now, in `txn`: evidence copied from one
/// place to another (fill from product, a new version, a renewal) keeps
/// the bytes from a sweep running at the same time, which waits for the
/// row and then sees it used.
pub(crate) async fn touch_blobs(
    txn: &sea_orm::DatabaseTransaction,
    digests: impl IntoIterator<Item = String>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let digests: Vec<String> = digests.into_iter().collect();
    if digests.is_empty() {
        return Ok(());
    }
    blob::Entity::update_many()
        .col_expr(blob::Column::LastUsedAt, Expr::value(now))
        .filter(blob::Column::Sha256.is_in(digests))
        .exec(txn)
        .await?;
    Ok(())
}

/// Attaches a file to an answer.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, answer_id = ?answer_id))]
pub async fn add_file(
    actor: &Actor,
    state: &AppState,
    answer_id: AnswerId,
    filename: &str,
    bytes: Vec<u8>,
) -> Result<EvidenceId, AppError> {
    let f = check_file(filename, bytes).await?;
    let now = state.clock.now();
    let txn = db::write_txn(&state.writer).await?;
    let (a, x) = access::answer_editable_locked(&txn, actor, answer_id).await?;
    room_for_more(&txn, &x).await?;
    store_file(&txn, actor, state, &f, now).await?;
    let mut row = blank("file", f.name.clone(), &a, &x, actor, now);
    row.sha256 = Set(Some(f.digest.clone()));
    row.content_type = Set(Some(f.content_type.into()));
    row.size_bytes = Set(Some(f.size()));
    let e = row.insert(&txn).await?;
    record(&txn, actor, &e).await?;
    txn.commit().await?;
    Ok(e.id)
}

/// How far back uploads are counted for the rate limit.
const UPLOAD_WINDOW: Duration = Duration::hours(1);

async fn within_upload_rate(
    txn: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    state: &AppState,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    use crate::server::entities::library_evidence;
    let limit = state.config.uploads_per_hour;
    if limit == 0 {
        return Err(AppError::RateLimited {
            message: "Attaching files is turned off on this server.".into(),
            retry_after_secs: 3600,
        });
    }
    // The person's newest uploads of the hour, to answers and to a product
    // library alike.
    let mut recent: Vec<DateTime<Utc>> = access::files_attached_by(actor)
        .select_only()
        .column(evidence::Column::CreatedAt)
        .filter(evidence::Column::CreatedAt.gt(now - UPLOAD_WINDOW))
        .order_by_desc(evidence::Column::CreatedAt)
        .limit(limit)
        .into_tuple()
        .all(txn)
        .await?;
    recent.extend(
        access::library_files_attached_by(actor)
            .select_only()
            .column(library_evidence::Column::CreatedAt)
            .filter(library_evidence::Column::CreatedAt.gt(now - UPLOAD_WINDOW))
            .order_by_desc(library_evidence::Column::CreatedAt)
            .limit(limit)
            .into_tuple::<DateTime<Utc>>()
            .all(txn)
            .await?,
    );
    recent.sort_unstable_by(|a, b| b.cmp(a));
    // The limit-th newest upload of the hour: the next one may go when it
    // leaves the window.
    match recent.get(limit as usize - 1) {
        Some(at) => {
            let wait = (*at + UPLOAD_WINDOW - now).num_seconds().max(1) as u64;
            Err(AppError::RateLimited {
                message: format!(
                    "You attached {limit} files in the last hour, the most one person may. \
                     Try again in {} minutes.",
                    wait.div_ceil(60)
                ),
                retry_after_secs: wait,
            })
        }
        None => Ok(()),
    }
}

/// The bytes of evidence the actor's organization keeps: each stored file
/// once, however many answers point at it.
pub(super) async fn stored_bytes<C: sea_orm::ConnectionTrait>(
    conn: &C,
    actor: &Actor,
) -> Result<u64, AppError> {
    let total: Option<i64> = blob::Entity::find()
        .select_only()
        .column_as(
            Expr::cust("CAST(COALESCE(SUM(\"size_bytes\"), 0) AS BIGINT)"),
            "total",
        )
        .filter(blob::Column::Sha256.in_subquery(access::digests_stored_by(actor)))
        .into_tuple()
        .one(conn)
        .await?;
    Ok(total.unwrap_or(0).max(0) as u64)
}

async fn within_quota(
    txn: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    state: &AppState,
    digest: &str,
    size: i64,
) -> Result<(), AppError> {
    let quota = state.config.evidence_quota_bytes;
    let used = stored_bytes(txn, actor).await?;
    // A file the organization keeps already takes no more room.
    let held = blob::Entity::find()
        .filter(blob::Column::Sha256.eq(digest))
        .filter(blob::Column::Sha256.in_subquery(access::digests_stored_by(actor)))
        .count(txn)
        .await?
        > 0;
    if !held && used.saturating_add(size as u64) > quota {
        return Err(AppError::TooLarge(format!(
            "Your organization's evidence storage is full: {} of {} used, and this file \
             needs {}. Remove evidence that is no longer needed, or ask the operator for more room.",
            human_size(used),
            human_size(quota),
            human_size(size as u64)
        )));
    }
    Ok(())
}

/// How long a blob nothing points at is kept after its last upload: an
/// upload of the same bytes that is under way is never cut short.
const BLOB_GRACE: Duration = Duration::hours(1);

/// Removes stored evidence files that no evidence points at any more and
/// that no upload used in the last hour, and files that never got a row
/// (an upload that rolled back). Returns how many files went. Run by the
/// server's housekeeping; each removal holds the blob's row, so it never
/// races an upload of the same bytes.
pub async fn sweep_blobs(state: &AppState) -> Result<usize, AppError> {
    let cutoff = state.clock.now() - BLOB_GRACE;
    use crate::server::entities::library_evidence;
    // Unused: no evidence on an answer and none in a product library
    // points at it.
    let unused = || {
        Condition::all()
            .add(blob::Column::LastUsedAt.lt(cutoff))
            .add(
                blob::Column::Sha256.not_in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(evidence::Column::Sha256)
                        .from(evidence::Entity)
                        .and_where(evidence::Column::Sha256.is_not_null())
                        .to_owned(),
                ),
            )
            .add(
                blob::Column::Sha256.not_in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(library_evidence::Column::Sha256)
                        .from(library_evidence::Entity)
                        .and_where(library_evidence::Column::Sha256.is_not_null())
                        .to_owned(),
                ),
            )
    };
    let candidates: Vec<String> = blob::Entity::find()
        .select_only()
        .column(blob::Column::Sha256)
        .filter(unused())
        .limit(500)
        .into_tuple()
        .all(&state.db)
        .await?;
    let mut removed = 0;
    for digest in candidates {
        let txn = db::write_txn(&state.writer).await?;
        let gone = blob::Entity::delete_many()
            .filter(blob::Column::Sha256.eq(&digest))
            .filter(unused())
            .exec(&txn)
            .await?
            .rows_affected;
        if gone == 1 {
            delete_file(state, &digest).await?;
            removed += 1;
        }
        txn.commit().await?;
    }
    // Files without a row, untouched for the grace period.
    let files = on_store(state, |store| store.list()).await?;
    let old = std::time::SystemTime::now()
        - std::time::Duration::from_secs(BLOB_GRACE.num_seconds() as u64);
    for (digest, _) in files.into_iter().filter(|(_, modified)| *modified < old) {
        let txn = db::write_txn(&state.writer).await?;
        // Holding a row for the digest makes an upload of the same bytes
        // wait until the file is gone (and then store it again).
        let held = blob::Entity::insert(blob::ActiveModel {
            sha256: Set(digest.clone()),
            size_bytes: Set(0),
            last_used_at: Set(cutoff),
        })
        .on_conflict_do_nothing()
        .exec_without_returning(&txn)
        .await?;
        if matches!(held, TryInsertResult::Inserted(1)) {
            delete_file(state, &digest).await?;
            blob::Entity::delete_by_id(digest).exec(&txn).await?;
            removed += 1;
        }
        txn.commit().await?;
    }
    if removed > 0 {
        tracing::info!(removed, "removed evidence files nothing points at");
    }
    Ok(removed)
}

async fn delete_file(state: &AppState, digest: &str) -> Result<(), AppError> {
    let digest = digest.to_string();
    on_store(state, move |store| store.delete(&digest)).await
}

/// Runs `f` on the evidence store from a blocking thread: file system (or
/// object store) calls never hold an async worker.
pub(crate) async fn on_store<T, F>(state: &AppState, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&dyn BlobStore) -> std::io::Result<T> + Send + 'static,
{
    let store = state.blobs.clone();
    tokio::task::spawn_blocking(move || f(store.as_ref()))
        .await
        .map_err(internal)?
        .map_err(internal)
}

/// Attaches a link (http or https) to an answer.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, answer_id = ?answer_id))]
pub async fn add_link(
    actor: &Actor,
    state: &AppState,
    answer_id: AnswerId,
    link: EvidenceLink,
) -> Result<EvidenceId, AppError> {
    let EvidenceLink { title, url } = link;
    let txn = db::write_txn(&state.writer).await?;
    let (a, x) = access::answer_editable_locked(&txn, actor, answer_id).await?;
    room_for_more(&txn, &x).await?;
    let mut row = blank("link", title, &a, &x, actor, state.clock.now());
    row.url = Set(Some(url));
    let e = row.insert(&txn).await?;
    record(&txn, actor, &e).await?;
    txn.commit().await?;
    Ok(e.id)
}

/// A certificate record as a form sends it.
pub struct CertificateInput<'a> {
    pub scheme: &'a str,
    pub level: &'a str,
    pub scope: &'a str,
    pub issuer: &'a str,
    pub expires_on: &'a str,
}

/// Attaches a certificate record (e.g. ISASecure CSA, SL 2) to an answer.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, answer_id = ?answer_id))]
pub async fn add_certificate(
    actor: &Actor,
    state: &AppState,
    answer_id: AnswerId,
    c: CertificateInput<'_>,
) -> Result<EvidenceId, AppError> {
    let scheme = crate::model::parse_name("scheme", c.scheme, 100)?;
    let issuer = crate::model::parse_name("issuer", c.issuer, 200)?;
    let level = c.level.trim();
    let scope = c.scope.trim();
    if level.chars().count() > 50 {
        return Err(AppError::invalid("level", "Use at most 50 characters."));
    }
    if scope.chars().count() > 500 {
        return Err(AppError::invalid("scope", "Use at most 500 characters."));
    }
    let expires = NaiveDate::parse_from_str(c.expires_on.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::invalid("expires_on", "Give the expiry date, like 2028-06-30."))?;
    let txn = db::write_txn(&state.writer).await?;
    let (a, x) = access::answer_editable_locked(&txn, actor, answer_id).await?;
    room_for_more(&txn, &x).await?;
    let title = if level.is_empty() {
        scheme.clone()
    } else {
        format!("{scheme} {level}")
    };
    let mut row = blank("certificate", title, &a, &x, actor, state.clock.now());
    row.scheme = Set(Some(scheme));
    row.level = Set(Some(level.to_string()).filter(|l| !l.is_empty()));
    row.scope = Set(Some(scope.to_string()).filter(|s| !s.is_empty()));
    row.issuer = Set(Some(issuer));
    row.expires_on = Set(Some(expires));
    let e = row.insert(&txn).await?;
    record(&txn, actor, &e).await?;
    txn.commit().await?;
    Ok(e.id)
}

/// Removes evidence from an answer that can still change.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn remove_evidence(
    actor: &Actor,
    state: &AppState,
    id: EvidenceId,
) -> Result<(), AppError> {
    let txn = db::write_txn(&state.writer).await?;
    let e = access::evidence_readable(&txn, actor, id).await?;
    access::answer_editable_locked(&txn, actor, e.answer_id).await?;
    evidence::Entity::delete_by_id(e.id).exec(&txn).await?;
    read_models::recount_progress(&txn, &[e.assessment_id]).await?;
    audit::by_actor(
        &txn,
        actor,
        "evidence.removed",
        "evidence",
        format!("{}/{}", e.assessment_id, e.id),
        Some(json!({"answer": e.answer_id, "kind": e.kind, "title": e.title})),
        None,
    )
    .await?;
    Ok(txn.commit().await?)
}

/// An evidence file for download, if the actor's organization is a party
/// to its assessment.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn download(
    actor: &Actor,
    state: &AppState,
    id: EvidenceId,
) -> Result<(String, String, Vec<u8>), AppError> {
    let e = access::evidence_readable(&state.db, actor, id)
        .await?
        .into_inner();
    // A file, or a certificate record that carries the certificate's file.
    stored_file(state, e.title, e.content_type, e.sha256).await
}

/// A stored file as a download: its name, content type and bytes (read by
/// digest, checked on read); nothing stored is not found.
pub(crate) async fn stored_file(
    state: &AppState,
    title: String,
    content_type: Option<String>,
    sha256: Option<String>,
) -> Result<(String, String, Vec<u8>), AppError> {
    let digest = sha256.ok_or(AppError::NotFound)?;
    let bytes = on_store(state, move |store| store.get(&digest)).await?;
    Ok((
        title,
        content_type.unwrap_or_else(|| "application/octet-stream".into()),
        bytes,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_content_must_match_its_extension() {
        assert_eq!(sniff("report.pdf", b"%PDF-1.7\n..."), Ok("application/pdf"));
        assert_eq!(
            sniff("notes.txt", "Zertifikat für SL 2".as_bytes()),
            Ok("text/plain")
        );
        assert_eq!(
            sniff("shot.PNG", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Ok("image/png")
        );
        assert!(sniff("report.pdf", b"MZ\x90\0 not a pdf")
            .unwrap_err()
            .contains("not a .pdf"));
        assert!(sniff("notes.txt", b"%PDF-1.7").is_err(), "a PDF named .txt");
        assert!(sniff("tool.exe", b"MZ")
            .unwrap_err()
            .contains("not accepted"));
        assert!(sniff("page.html", b"<script>").is_err());
        assert!(sniff("empty.pdf", b"").is_err());
        assert!(sniff("bin.txt", b"abc\0def").is_err());
    }

    #[test]
    fn file_names_lose_paths_and_control_characters() {
        assert_eq!(clean_filename("C:\\Users\\x\\cert.pdf"), "cert.pdf");
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("a\"b\r\n.pdf"), "ab.pdf");
        assert_eq!(clean_filename(""), "evidence");
    }
}
