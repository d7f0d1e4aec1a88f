//! Evidence kept in the product library: files and links on a product
//! version's answers, and each certificate's file. The same checks, quota,
//! upload rate and content-addressed storage as evidence on an assessment
//! answer; a copy (to a new version, or into an assessment by "fill from
//! product") points at the same stored bytes. The supplier's members read
//! it in the library; an asset owner reads it only in a set shared with it
//! and not revoked.

use crate::model::{AppError, EvidenceLink, Permission};
use crate::server::{
    access, audit, db,
    entities::{certificate, library_evidence, product_answer},
    Actor, AppState,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use serde_json::json;
use std::collections::HashMap;

use super::evidence_files::{self, MAX_EVIDENCE_PER_ANSWER};

fn require_edit(actor: &Actor) -> Result<(), AppError> {
    actor.require(Permission::ViewProducts)?;
    actor.require(Permission::EditProducts)
}

/// A product answer of the actor's library, held until the transaction
/// ends (its evidence is counted against the limit exactly).
async fn answer_for_evidence(
    txn: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    id: i64,
) -> Result<product_answer::Model, AppError> {
    let a = access::find_owned_for_update::<product_answer::Entity, _>(txn, actor, id)
        .await?
        .into_inner();
    let n = access::scoped::<library_evidence::Entity>(actor)
        .filter(library_evidence::Column::ProductAnswerId.eq(a.id))
        .count(txn)
        .await?;
    if n >= MAX_EVIDENCE_PER_ANSWER {
        return Err(AppError::invalid(
            "file",
            format!("An answer holds at most {MAX_EVIDENCE_PER_ANSWER} pieces of evidence."),
        ));
    }
    Ok(a)
}

fn row(
    actor: &Actor,
    kind: &str,
    title: String,
    now: DateTime<Utc>,
) -> library_evidence::ActiveModel {
    library_evidence::ActiveModel {
        organization_id: Set(actor.org_id()),
        product_answer_id: Set(None),
        certificate_id: Set(None),
        kind: Set(kind.into()),
        title: Set(title),
        sha256: Set(None),
        content_type: Set(None),
        size_bytes: Set(None),
        url: Set(None),
        copied: Set(false),
        created_by: Set(Some(actor.user_id())),
        created_at: Set(now),
        ..Default::default()
    }
}

async fn record<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    e: &library_evidence::Model,
    replaced: Option<&library_evidence::Model>,
) -> Result<(), AppError> {
    audit::by_actor(
        txn,
        actor,
        "library_evidence.added",
        "library_evidence",
        e.id,
        replaced.map(|r| json!({"title": r.title, "sha256": r.sha256})),
        Some(json!({
            "product_answer": e.product_answer_id,
            "certificate": e.certificate_id,
            "kind": e.kind,
            "title": e.title,
            "sha256": e.sha256,
            "url": e.url,
        })),
    )
    .await
}

/// Attaches a file to one of the library's product answers.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, product_answer_id))]
pub async fn add_answer_file(
    actor: &Actor,
    state: &AppState,
    product_answer_id: i64,
    filename: &str,
    bytes: Vec<u8>,
) -> Result<i64, AppError> {
    require_edit(actor)?;
    let f = evidence_files::check_file(filename, bytes).await?;
    let now = state.clock.now();
    let txn = db::write_txn(&state.writer).await?;
    let a = answer_for_evidence(&txn, actor, product_answer_id).await?;
    evidence_files::store_file(&txn, actor, state, &f, now).await?;
    let mut r = row(actor, "file", f.name.clone(), now);
    r.product_answer_id = Set(Some(a.id));
    r.sha256 = Set(Some(f.digest.clone()));
    r.content_type = Set(Some(f.content_type.into()));
    r.size_bytes = Set(Some(f.size()));
    let e = r.insert(&txn).await?;
    record(&txn, actor, &e, None).await?;
    txn.commit().await?;
    Ok(e.id)
}

/// Attaches a link (http or https) to one of the library's product answers.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, product_answer_id))]
pub async fn add_answer_link(
    actor: &Actor,
    state: &AppState,
    product_answer_id: i64,
    link: EvidenceLink,
) -> Result<i64, AppError> {
    require_edit(actor)?;
    let now = state.clock.now();
    let txn = db::write_txn(&state.writer).await?;
    let a = answer_for_evidence(&txn, actor, product_answer_id).await?;
    let mut r = row(actor, "link", link.title, now);
    r.product_answer_id = Set(Some(a.id));
    r.url = Set(Some(link.url));
    let e = r.insert(&txn).await?;
    record(&txn, actor, &e, None).await?;
    txn.commit().await?;
    Ok(e.id)
}

/// Keeps a certificate's file (its scan, or the issuer's PDF); a file kept
/// before is replaced.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, certificate_id))]
pub async fn set_certificate_file(
    actor: &Actor,
    state: &AppState,
    certificate_id: i64,
    filename: &str,
    bytes: Vec<u8>,
) -> Result<i64, AppError> {
    require_edit(actor)?;
    let f = evidence_files::check_file(filename, bytes).await?;
    let now = state.clock.now();
    let txn = db::write_txn(&state.writer).await?;
    let c = access::find_owned_for_update::<certificate::Entity, _>(&txn, actor, certificate_id)
        .await?
        .into_inner();
    evidence_files::store_file(&txn, actor, state, &f, now).await?;
    let before = access::scoped::<library_evidence::Entity>(actor)
        .filter(library_evidence::Column::CertificateId.eq(c.id))
        .one(&txn)
        .await?;
    if let Some(b) = &before {
        library_evidence::Entity::delete_by_id(b.id)
            .exec(&txn)
            .await?;
    }
    let mut r = row(actor, "file", f.name.clone(), now);
    r.certificate_id = Set(Some(c.id));
    r.sha256 = Set(Some(f.digest.clone()));
    r.content_type = Set(Some(f.content_type.into()));
    r.size_bytes = Set(Some(f.size()));
    let e = r.insert(&txn).await?;
    record(&txn, actor, &e, before.as_ref()).await?;
    txn.commit().await?;
    Ok(e.id)
}

/// Removes a file or link from the library.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id))]
pub async fn remove(actor: &Actor, state: &AppState, id: i64) -> Result<(), AppError> {
    require_edit(actor)?;
    let txn = db::write_txn(&state.writer).await?;
    let e = access::find_owned::<library_evidence::Entity, _>(&txn, actor, id)
        .await?
        .into_inner();
    library_evidence::Entity::delete_by_id(e.id)
        .exec(&txn)
        .await?;
    audit::by_actor(
        &txn,
        actor,
        "library_evidence.removed",
        "library_evidence",
        e.id,
        Some(json!({
            "product_answer": e.product_answer_id,
            "certificate": e.certificate_id,
            "kind": e.kind,
            "title": e.title,
        })),
        None,
    )
    .await?;
    Ok(txn.commit().await?)
}

/// A library file for download: the supplier's own, or one of a set shared
/// with the actor's organization (see `access::library_evidence_readable`).
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id))]
pub async fn download(
    actor: &Actor,
    state: &AppState,
    id: i64,
) -> Result<(String, String, Vec<u8>), AppError> {
    let e = access::library_evidence_readable(&state.db, actor, id)
        .await?
        .into_inner();
    evidence_files::stored_file(state, e.title, e.content_type, e.sha256).await
}

/// Copies the evidence of the library's product answers `from` (old answer
/// id → new answer id) onto the new answers, as copies pointing at the same
/// stored files: a new version starts with the previous one's evidence.
pub(crate) async fn copy_between_answers(
    txn: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    from: &HashMap<i64, i64>,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    if from.is_empty() {
        return Ok(0);
    }
    let items = access::scoped::<library_evidence::Entity>(actor)
        .filter(library_evidence::Column::ProductAnswerId.is_in(from.keys().copied()))
        .all(txn)
        .await?;
    evidence_files::touch_blobs(txn, items.iter().filter_map(|e| e.sha256.clone()), now).await?;
    let rows: Vec<library_evidence::ActiveModel> = items
        .iter()
        .filter_map(|e| {
            let to = *from.get(&e.product_answer_id?)?;
            Some(library_evidence::ActiveModel {
                organization_id: Set(actor.org_id()),
                product_answer_id: Set(Some(to)),
                certificate_id: Set(None),
                kind: Set(e.kind.clone()),
                title: Set(e.title.clone()),
                sha256: Set(e.sha256.clone()),
                content_type: Set(e.content_type.clone()),
                size_bytes: Set(e.size_bytes),
                url: Set(e.url.clone()),
                copied: Set(true),
                created_by: Set(Some(actor.user_id())),
                created_at: Set(now),
                ..Default::default()
            })
        })
        .collect();
    let n = rows.len();
    for chunk in rows.chunks(100) {
        library_evidence::Entity::insert_many(chunk.to_vec())
            .exec(txn)
            .await?;
    }
    Ok(n)
}
