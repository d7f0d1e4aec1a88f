//! Writes that more than one use case makes, in the caller's transaction:
//! an assessment's status change (only from the status it was read in), a
//! proposed commitment (from a review condition, a planned answer or by
//! hand: one place writes them), and the per-group gaps recorded when an
//! assessment is submitted; a new draft profile and items appended to a
//! draft (by hand, from a catalog, from an import or from a zone).

use crate::model::{
    analyse, AnswerId, AppError, AssessmentStatus, CommitmentSource, CommitmentStatus, Compliance,
    GapItem, OrgId, Party, ProfileStatus, RequirementId, TargetKind,
};
use crate::server::{
    access, audit,
    entities::{
        answer, assessment, assessment_gap, catalog, commitment, profile, profile_item, requirement,
    },
    respond::internal,
    Actor, AppState,
};
use chrono::{NaiveDate, Utc};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, QueryFilter, QuerySelect, Set,
};
use serde_json::json;
use std::collections::{HashMap, HashSet};

/// Writes a status change if the row still has the status it was read with.
pub async fn set_assessment_status<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    a: &assessment::Model,
    from: AssessmentStatus,
    to: AssessmentStatus,
) -> Result<(), AppError> {
    let mut update = assessment::Entity::update_many()
        .col_expr(assessment::Column::Status, Expr::value(to))
        .filter(assessment::Column::Id.eq(a.id))
        .filter(assessment::Column::Status.eq(from));
    if to == AssessmentStatus::Submitted {
        update = update.col_expr(
            assessment::Column::SubmittedAt,
            Expr::value(Some(Utc::now())),
        );
    }
    let done = update.exec(conn).await?;
    if done.rows_affected != 1 {
        return Err(AppError::Conflict(
            "The assessment changed meanwhile; reload and try again.".into(),
        ));
    }
    audit::by_actor(
        conn,
        actor,
        "assessment.status_changed",
        "assessment",
        a.id,
        Some(json!({"status": from.as_str()})),
        Some(json!({"status": to.as_str()})),
    )
    .await
}

/// What a new commitment of an assessment says.
pub struct NewCommitment<'a> {
    /// The organization that promises: the assessment's owner or supplier.
    pub party: OrgId,
    pub proposed_by: OrgId,
    pub requirement: Option<RequirementId>,
    pub answer: Option<AnswerId>,
    pub title: &'a str,
    pub due_on: Option<NaiveDate>,
    pub source: CommitmentSource,
}

/// Writes a proposed commitment between the assessment's owner and
/// supplier, audited.
pub async fn propose_commitment<C: ConnectionTrait>(
    conn: &C,
    state: &AppState,
    actor: &Actor,
    a: &assessment::Model,
    n: NewCommitment<'_>,
) -> Result<commitment::Model, AppError> {
    let row = commitment::ActiveModel {
        owner_org_id: Set(a.owner_org_id),
        engagement_id: Set(a.engagement_id),
        assessment_id: Set(Some(a.id)),
        party_org_id: Set(n.party),
        supplier_org_id: Set(a.supplier_org_id),
        proposed_by_org_id: Set(n.proposed_by),
        requirement_id: Set(n.requirement),
        answer_id: Set(n.answer),
        title: Set(n.title.chars().take(500).collect()),
        due_on: Set(n.due_on),
        status: Set(CommitmentStatus::Proposed),
        source: Set(n.source),
        created_by: Set(Some(actor.user_id())),
        created_at: Set(state.clock.now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    audit::by_actor(
        conn,
        actor,
        "commitment.proposed",
        "commitment",
        row.id,
        None,
        Some(json!({
            "assessment": a.id,
            "source": row.source,
            "title": row.title,
            "party": row.party_org_id,
            "due_on": row.due_on.map(|d| d.to_string()),
        })),
    )
    .await?;
    super::webhooks::emit(
        conn,
        state,
        &[row.owner_org_id, row.supplier_org_id],
        super::webhooks::Topic::CommitmentProposed,
        json!({
            "commitment_id": row.id,
            "engagement_id": row.engagement_id,
            "assessment_id": a.id,
            "status": "proposed",
        }),
    )
    .await?;
    Ok(row)
}

/// On submission: every `planned` answer with a date becomes a proposed
/// commitment of the supplier, once (a resubmission adds only new ones).
pub async fn commitments_from_planned_answers(
    txn: &DatabaseTransaction,
    state: &AppState,
    actor: &Actor,
    a: &assessment::Model,
    titles: &HashMap<i64, String>,
) -> Result<usize, AppError> {
    let planned = answer::Entity::find()
        .filter(answer::Column::AssessmentId.eq(a.id))
        .filter(answer::Column::Compliance.eq(Compliance::Planned))
        .all(txn)
        .await?;
    if planned.is_empty() {
        return Ok(0);
    }
    let known: HashSet<AnswerId> = commitment::Entity::find()
        .filter(commitment::Column::AnswerId.is_in(planned.iter().map(|p| p.id)))
        .all(txn)
        .await?
        .into_iter()
        .filter_map(|c| c.answer_id)
        .collect();
    let mut made = 0;
    for p in planned.into_iter().filter(|p| !known.contains(&p.id)) {
        let what = titles.get(&p.id.0).cloned().unwrap_or_default();
        propose_commitment(
            txn,
            state,
            actor,
            a,
            NewCommitment {
                party: a.supplier_org_id,
                proposed_by: a.supplier_org_id,
                requirement: Some(p.requirement_id),
                answer: Some(p.id),
                title: &format!("Meet {what} (planned)"),
                due_on: p.planned_on,
                source: CommitmentSource::PlannedAnswer,
            },
        )
        .await?;
        made += 1;
    }
    Ok(made)
}

/// Replaces an assessment's per-group gaps (at submission).
pub async fn record_gaps<C: ConnectionTrait>(
    conn: &C,
    a: &assessment::Model,
    items: &[GapItem],
) -> Result<(), AppError> {
    assessment_gap::Entity::delete_many()
        .filter(assessment_gap::Column::AssessmentId.eq(a.id))
        .exec(conn)
        .await?;
    let rows: Vec<assessment_gap::ActiveModel> = analyse(items)
        .groups
        .into_iter()
        .map(|g| assessment_gap::ActiveModel {
            assessment_id: sea_orm::Set(a.id),
            owner_org_id: sea_orm::Set(a.owner_org_id),
            supplier_org_id: sea_orm::Set(a.supplier_org_id),
            grp: sea_orm::Set(g.group.chars().take(100).collect()),
            kind: sea_orm::Set(g.kind.as_str().into()),
            required: sea_orm::Set(g.required),
            reached: sea_orm::Set(g.reached),
            items: sea_orm::Set(g.items as i32),
            ..Default::default()
        })
        .collect();
    if !rows.is_empty() {
        assessment_gap::Entity::insert_many(rows).exec(conn).await?;
    }
    Ok(())
}

/// A new profile lineage: version 1, a draft.
pub async fn insert_profile_draft<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    name: String,
    description: &str,
    now: chrono::DateTime<Utc>,
) -> Result<profile::Model, AppError> {
    profile::ActiveModel {
        owner_org_id: Set(actor.org_id()),
        lineage: Set(uuid::Uuid::new_v4().to_string()),
        version: Set(1),
        name: Set(name),
        description: Set(description.to_string()),
        status: Set(ProfileStatus::Draft),
        created_by: Set(Some(actor.user_id())),
        created_at: Set(now),
        published_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await
    .map_err(internal)
}

/// Appends requirements of one catalog to a draft, each with its target
/// level, skipping those already in it. Returns how many were added.
pub async fn append_profile_items<C: ConnectionTrait>(
    conn: &C,
    p: &access::Readable<profile::Model>,
    cat: &catalog::Model,
    chosen: &[(&requirement::Model, i16)],
) -> Result<usize, AppError> {
    let existing: Vec<i64> = access::items_of(p)
        .select_only()
        .column(profile_item::Column::RequirementId)
        .into_tuple()
        .all(conn)
        .await?;
    let next = existing.len() as i32;
    let kind = TargetKind::for_part(cat.part.as_deref());
    let party = Party::parse(&cat.applies_to).unwrap_or(Party::ProductSupplier);
    let new: Vec<profile_item::ActiveModel> = chosen
        .iter()
        .filter(|(r, _)| !existing.contains(&r.id.0))
        .enumerate()
        .map(|(i, (r, level))| profile_item::ActiveModel {
            profile_id: Set(p.id),
            requirement_id: Set(r.id),
            position: Set(next + i as i32),
            section: Set(format!("{} · {}", r.group_code, r.group_title)),
            target_kind: Set(kind),
            target: Set(*level),
            responsible_party: Set(party),
            weight: Set(1),
            evidence_required: Set(false),
            parameters: Set(String::new()),
            ..Default::default()
        })
        .collect();
    let added = new.len();
    for chunk in new.chunks(150) {
        profile_item::Entity::insert_many(chunk.to_vec())
            .exec(conn)
            .await?;
    }
    Ok(added)
}
