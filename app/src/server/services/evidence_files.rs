//! Evidence on answers: files (checked, stored by content), links and
//! certificate records. Files are served only to the two organizations of
//! the assessment, with headers that keep browsers from running them.

use crate::model::{AnswerId, AppError, EvidenceId, EvidenceLink};
use crate::server::{
    access, audit, db,
    entities::{answer, assessment, evidence},
    respond::internal,
    Actor, AppState,
};
use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, Set};
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

/// Attaches a file to an answer.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, answer_id = ?answer_id))]
pub async fn add_file(
    actor: &Actor,
    state: &AppState,
    answer_id: AnswerId,
    filename: &str,
    bytes: Vec<u8>,
) -> Result<EvidenceId, AppError> {
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
    let txn = db::write_txn(&state.writer).await?;
    let (a, x) = access::answer_editable_locked(&txn, actor, answer_id).await?;
    room_for_more(&txn, &x).await?;
    let size = bytes.len() as i64;
    let store = state.blobs.clone();
    let digest = tokio::task::spawn_blocking(move || store.put(&bytes))
        .await
        .map_err(internal)?
        .map_err(internal)?;
    let mut row = blank(
        "file",
        clean_filename(filename),
        &a,
        &x,
        actor,
        state.clock.now(),
    );
    row.sha256 = Set(Some(digest));
    row.content_type = Set(Some(content_type.into()));
    row.size_bytes = Set(Some(size));
    let e = row.insert(&txn).await?;
    record(&txn, actor, &e).await?;
    txn.commit().await?;
    Ok(e.id)
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
    if e.kind != "file" {
        return Err(AppError::NotFound);
    }
    let digest = e.sha256.clone().ok_or(AppError::NotFound)?;
    let store = state.blobs.clone();
    let bytes = tokio::task::spawn_blocking(move || store.get(&digest))
        .await
        .map_err(internal)?
        .map_err(internal)?;
    Ok((
        e.title,
        e.content_type
            .unwrap_or_else(|| "application/octet-stream".into()),
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
