//! The one answer writer. Every change to a supplier's answers — an
//! autosave (its group commit included), a pre-fill, an applied offline
//! sheet — goes through [`write`], which does, in the caller's transaction:
//!
//! - lock the answers' assessments, still editable by the supplier, before
//!   anything is written (`FOR UPDATE` on PostgreSQL; SQLite has one writer
//!   at a time), so a submit either sees the write committed or the write
//!   finds the assessment submitted — never answers changing under a
//!   submitted assessment;
//! - write each answer only if it is still at the version the caller read
//!   (optimistic concurrency: anything else is a conflict, never an
//!   overwrite);
//! - keep every written version for the answer's history;
//! - move a sent assessment to in progress on its first written answer;
//! - record an `answer.saved` audit event per written answer.
//!
//! Callers decide what a conflict or a locked assessment means for them: a
//! save shows both versions, a sheet applies nothing, a pre-fill leaves the
//! colleague's answer standing.

use crate::model::{
    AnswerFields, AnswerId, AppError, AssessmentId, AssessmentStatus, Side, Transition,
};
use crate::server::{
    audit,
    entities::{answer, answer_version, assessment},
    respond::internal,
    Actor,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::Expr, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::json;
use std::collections::HashSet;

/// Where a written answer came from, as its audit event says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Autosave,
    Prefill,
    Sheet,
    /// Copied from a product version's answers or certificates.
    Product,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Autosave => "autosave",
            Source::Prefill => "prefill",
            Source::Sheet => "sheet",
            Source::Product => "product",
        }
    }
}

/// One answer to write as version `expected + 1`.
pub struct AnswerWrite<'a> {
    pub actor: &'a Actor,
    /// The answer's assessment as the caller read it (for the first-answer
    /// status move).
    pub assessment: &'a assessment::Model,
    pub answer_id: AnswerId,
    pub expected: i32,
    pub fields: &'a AnswerFields,
    /// When the write was asked for (`AppState::clock`).
    pub at: DateTime<Utc>,
}

/// What became of one write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Saved,
    /// The answer is no longer at the expected version: nothing written.
    Conflict,
    /// The assessment no longer takes the supplier's changes.
    Locked,
}

/// Writes `writes` in `txn`; the outcome of each, in order. Nothing is
/// written for a write that is not `Saved`; the others are (the caller
/// rolls back if it wants all or nothing).
pub async fn write<C: ConnectionTrait>(
    txn: &C,
    source: Source,
    writes: &[AnswerWrite<'_>],
) -> Result<Vec<Outcome>, AppError> {
    let mut ids: Vec<AssessmentId> = writes.iter().map(|w| w.assessment.id).collect();
    ids.sort_unstable();
    ids.dedup();
    let editable = lock_editable(txn, &ids).await?;
    let mut outcomes = Vec::with_capacity(writes.len());
    let mut versions = Vec::new();
    let mut events = Vec::new();
    // Assessments (and the status they were read in) whose first-answer
    // move was already made or found unneeded: trying again could not
    // change anything.
    let mut started = HashSet::new();
    for w in writes {
        if !editable.contains(&w.assessment.id) {
            outcomes.push(Outcome::Locked);
            continue;
        }
        let done = conditional_update(w.answer_id.0, w.expected, w.fields, w.actor, w.at)
            .filter(answer::Column::AssessmentId.eq(w.assessment.id))
            .exec(txn)
            .await?;
        if done.rows_affected != 1 {
            outcomes.push(Outcome::Conflict);
            continue;
        }
        outcomes.push(Outcome::Saved);
        let version = w.expected + 1;
        versions.push(kept_version(
            w.answer_id.0,
            version,
            w.fields,
            w.actor,
            w.at,
        ));
        if started.insert((w.assessment.id, w.assessment.status.as_str())) {
            mark_started(txn, w.actor, w.assessment).await?;
        }
        events.push(audit::actor_event(
            w.actor,
            "answer.saved",
            "answer",
            format!("{}/{}", w.assessment.id, w.answer_id),
            Some(json!({"version": w.expected})),
            Some(json!({
                "version": version,
                "compliance": w.fields.compliance.map(|c| c.as_str()),
                "source": source.as_str(),
            })),
        ));
    }
    if !versions.is_empty() {
        let saved: Vec<AssessmentId> = writes
            .iter()
            .zip(&outcomes)
            .filter(|(_, o)| **o == Outcome::Saved)
            .map(|(w, _)| w.assessment.id)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        super::read_models::recount_progress(txn, &saved).await?;
        answer_version::Entity::insert_many(versions)
            .exec_without_returning(txn)
            .await?;
        audit::record_all(txn, events).await?;
    }
    Ok(outcomes)
}

/// Of the assessments `ids`, those still editable by the supplier, locked
/// until the transaction ends.
async fn lock_editable<C: ConnectionTrait>(
    txn: &C,
    ids: &[AssessmentId],
) -> Result<HashSet<AssessmentId>, AppError> {
    let rows: Vec<AssessmentId> = assessment::Entity::find()
        .select_only()
        .column(assessment::Column::Id)
        .filter(assessment::Column::Id.is_in(ids.iter().copied()))
        .filter(assessment::Column::Status.is_in(AssessmentStatus::ANSWERING))
        // One order for every locker, so two of them never wait on each other.
        .order_by_asc(assessment::Column::Id)
        .lock_exclusive()
        .into_tuple()
        .all(txn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Locks one assessment's row for the rest of the transaction (PostgreSQL;
/// on SQLite the write transaction already excludes every other writer),
/// so that no answer of it changes meanwhile. `None` when it is gone.
pub async fn lock_assessment<C: ConnectionTrait>(
    txn: &C,
    id: i64,
) -> Result<Option<assessment::Model>, AppError> {
    assessment::Entity::find_by_id(AssessmentId(id))
        .lock_exclusive()
        .one(txn)
        .await
        .map_err(internal)
}

/// The UPDATE that writes an answer's fields as version `expected + 1`,
/// only if the row is still at version `expected`.
fn conditional_update(
    answer_id: i64,
    expected: i32,
    f: &AnswerFields,
    actor: &Actor,
    now: DateTime<Utc>,
) -> sea_orm::UpdateMany<answer::Entity> {
    answer::Entity::update_many()
        .col_expr(
            answer::Column::Compliance,
            Expr::value(f.compliance.map(|c| c.as_str().to_string())),
        )
        .col_expr(
            answer::Column::Countermeasure,
            Expr::value(f.countermeasure.clone()),
        )
        .col_expr(answer::Column::PlannedOn, Expr::value(f.planned_on))
        .col_expr(answer::Column::NaReason, Expr::value(f.na_reason.clone()))
        .col_expr(
            answer::Column::OtherParty,
            Expr::value(f.other_party.clone()),
        )
        .col_expr(answer::Column::ClaimedLevel, Expr::value(f.claimed_level))
        .col_expr(answer::Column::Statement, Expr::value(f.statement.clone()))
        .col_expr(
            answer::Column::ResponsibilityAccepted,
            Expr::value(f.responsibility_accepted),
        )
        .col_expr(answer::Column::Version, Expr::value(expected + 1))
        .col_expr(
            answer::Column::UpdatedBy,
            Expr::value(Some(actor.user_id().0)),
        )
        .col_expr(answer::Column::UpdatedAt, Expr::value(Some(now)))
        .filter(answer::Column::Id.eq(answer_id))
        .filter(answer::Column::Version.eq(expected))
}

/// The kept copy of an answer's fields as its `version`, for its history.
fn kept_version(
    answer_id: i64,
    version: i32,
    f: &AnswerFields,
    actor: &Actor,
    now: DateTime<Utc>,
) -> answer_version::ActiveModel {
    answer_version::ActiveModel {
        answer_id: Set(AnswerId(answer_id)),
        version: Set(version),
        data: Set(serde_json::to_string(f).unwrap_or_default()),
        saved_by: Set(Some(actor.user_id())),
        saved_at: Set(now),
        ..Default::default()
    }
}

/// Moves a sent assessment to in progress on its first written answer.
async fn mark_started<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    a: &assessment::Model,
) -> Result<(), AppError> {
    let from = a.status;
    let to = from.next(Transition::Start, Side::Supplier)?;
    if to == from {
        return Ok(());
    }
    // Two first answers at once: one of them moves it, both are fine.
    let done = assessment::Entity::update_many()
        .col_expr(assessment::Column::Status, Expr::value(to))
        .filter(assessment::Column::Id.eq(a.id))
        .filter(assessment::Column::Status.eq(from))
        .exec(conn)
        .await?;
    if done.rows_affected == 1 {
        audit::by_actor(
            conn,
            actor,
            "assessment.status_changed",
            "assessment",
            a.id,
            Some(json!({"status": from.as_str()})),
            Some(json!({"status": to.as_str()})),
        )
        .await?;
    }
    Ok(())
}

/// An answer's fields as stored.
pub fn fields_of(a: &answer::Model) -> AnswerFields {
    AnswerFields {
        compliance: a.compliance,
        countermeasure: a.countermeasure.clone(),
        planned_on: a.planned_on,
        na_reason: a.na_reason.clone(),
        other_party: a.other_party.clone(),
        claimed_level: a.claimed_level,
        statement: a.statement.clone(),
        responsibility_accepted: a.responsibility_accepted,
    }
}
