//! Procurement review of a submitted assessment: a verdict per answer,
//! comment threads, the gap analysis, and the decision. Internal comments
//! are filtered out in the query itself for anyone on the supplier side, so
//! no server function or export can hand one to a supplier.

use super::{assessments, ts};
use crate::model::{
    analyse, AnswerId, AppError, AssessmentId, AssessmentStatus, CommentDto, CommitmentSource,
    DecisionInput, GapAnalysis, NewComment, OrgId, Permission, ReviewStatus, Side, Transition,
    UserId, Visibility,
};
use crate::server::notify;
use crate::server::webhooks::{self, Topic};
use crate::server::{
    access, audit, db,
    entities::{assessment, comment, review},
    read_models, writes, Actor, AppState,
};
use sea_orm::{
    sea_query::OnConflict, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait,
    QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use std::collections::HashMap;

/// The assessment if the actor may read it, with the actor's side.
async fn load<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: i64,
) -> Result<(access::Readable<assessment::Model>, Side), AppError> {
    let a = access::assessment_readable(conn, actor, AssessmentId(id)).await?;
    let side = access::side_of(actor, &a);
    Ok((a, side))
}

async fn owner_reviewing<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: i64,
) -> Result<access::Readable<assessment::Model>, AppError> {
    let (a, _) = load(conn, actor, id).await?;
    may_review(actor, &a)?;
    Ok(a)
}

/// Only the asset owner's reviewers review; to anyone else the assessment is
/// not there to review.
fn may_review(actor: &Actor, a: &assessment::Model) -> Result<(), AppError> {
    if access::abilities(actor, a).review {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

fn status_of(a: &assessment::Model) -> AssessmentStatus {
    access::assessment_status(a)
}

/// Moves an assessment as the asset owner's reviewer.
async fn move_to(
    txn: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    a: &assessment::Model,
    t: Transition,
) -> Result<AssessmentStatus, AppError> {
    let from = status_of(a);
    let to = from.next(t, Side::Owner)?;
    writes::set_assessment_status(txn, actor, a, from, to).await?;
    Ok(to)
}

/// Starts the review of a submitted assessment.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn begin(
    actor: &Actor,
    state: &AppState,
    id: AssessmentId,
) -> Result<AssessmentStatus, AppError> {
    let txn = db::write_txn(&state.writer).await?;
    let a = owner_reviewing(&txn, actor, id.0).await?;
    let to = move_to(&txn, actor, &a, Transition::BeginReview).await?;
    txn.commit().await?;
    Ok(to)
}

/// Records the reviewer's verdict on one answer (the assessment must be
/// under review).
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, answer_id = ?answer_id))]
pub async fn review_answer(
    actor: &Actor,
    state: &AppState,
    answer_id: AnswerId,
    verdict: ReviewStatus,
) -> Result<(), AppError> {
    actor.require(Permission::ReviewAssessments)?;
    let txn = db::write_txn(&state.writer).await?;
    let (a, x) = access::answer_readable(&txn, actor, answer_id).await?;
    may_review(actor, &a)?;
    if status_of(&a) != AssessmentStatus::UnderReview {
        return Err(AppError::Conflict(
            "Start the review first; answers are reviewed while the assessment is under review."
                .into(),
        ));
    }
    let before = access::reviews_of(&a)
        .filter(review::Column::AnswerId.eq(x.id))
        .one(&txn)
        .await?;
    review::Entity::insert(review::ActiveModel {
        assessment_id: Set(a.id),
        answer_id: Set(x.id),
        owner_org_id: Set(a.owner_org_id),
        status: Set(verdict),
        reviewer_id: Set(Some(actor.user_id())),
        updated_at: Set(state.clock.now()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::column(review::Column::AnswerId)
            .update_columns([
                review::Column::Status,
                review::Column::ReviewerId,
                review::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec(&txn)
    .await?;
    let changed = before.as_ref().map(|b| b.status) != Some(verdict);
    audit::by_actor(
        &txn,
        actor,
        "answer.reviewed",
        "answer",
        format!("{}/{}", a.id, x.id),
        before.map(|b| json!({"review": b.status})),
        Some(json!({"review": verdict.as_str()})),
    )
    .await?;
    if changed {
        // The owner's own review: its endpoints only.
        webhooks::emit(
            &txn,
            state,
            &[a.owner_org_id],
            Topic::AnswerReviewChanged,
            json!({"assessment_id": a.id, "answer_id": x.id, "review": verdict.as_str()}),
        )
        .await?;
    }
    // Verdicts that ask the supplier to act; acceptances are told with the
    // decision.
    let event = match verdict {
        ReviewStatus::Rejected => Some(notify::Event::AnswerRejected),
        ReviewStatus::ClarificationRequested => Some(notify::Event::ClarificationRequested),
        ReviewStatus::Accepted => None,
    };
    if let (true, Some(event)) = (changed, event) {
        let requirement = access::requirement_of(&txn, &x).await?;
        notify_supplier(
            &txn,
            state,
            &a,
            event,
            verdict.label(),
            &format!(
                "{}: {} — see the reviewer's shared comments.",
                requirement,
                verdict.label()
            ),
        )
        .await?;
    }
    Ok(txn.commit().await?)
}

/// The comments of an assessment the actor may read: everything for the
/// asset owner and its assessors, shared comments only for the supplier.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn comments(
    actor: &Actor,
    state: &AppState,
    id: AssessmentId,
) -> Result<Vec<CommentDto>, AppError> {
    let (a, _) = load(&state.db, actor, id.0).await?;
    let rows = access::comments_of(actor, &a)
        .order_by_asc(comment::Column::Id)
        .all(&state.db)
        .await?;
    let users: HashMap<UserId, String> =
        super::user_names(&state.db, rows.iter().map(|c| c.author_id)).await?;
    let orgs: HashMap<OrgId, String> =
        super::org_names(&state.db, rows.iter().map(|c| c.author_org_id)).await?;
    Ok(rows
        .into_iter()
        .map(|c| CommentDto {
            id: c.id,
            answer_id: c.answer_id,
            author: users.get(&c.author_id).cloned().unwrap_or_default(),
            organization: orgs.get(&c.author_org_id).cloned().unwrap_or_default(),
            visibility: c.visibility,
            body: c.body,
            at: ts(c.created_at),
            created_at: c.created_at,
        })
        .collect())
}

/// Adds a comment to an answer's thread. Suppliers write shared comments
/// only, assessors internal ones only; the asset owner's reviewers choose.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, answer_id = ?answer_id))]
pub async fn add_comment(
    actor: &Actor,
    state: &AppState,
    answer_id: AnswerId,
    comment: NewComment,
) -> Result<CommentDto, AppError> {
    let txn = db::write_txn(&state.writer).await?;
    let c = comment_in(&txn, actor, state, answer_id, comment).await?;
    txn.commit().await?;
    Ok(c)
}

/// [`add_comment`] inside the caller's transaction.
pub(crate) async fn comment_in(
    txn: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    state: &AppState,
    answer_id: AnswerId,
    comment: NewComment,
) -> Result<CommentDto, AppError> {
    let NewComment { visibility, body } = comment;
    let (a, x) = access::answer_readable(txn, actor, answer_id).await?;
    let side = access::side_of(actor, &a);
    if !access::abilities(actor, &a).comment {
        return Err(AppError::NotFound);
    }
    match side {
        Side::Owner => {}
        Side::Supplier => {
            if visibility != Visibility::Shared {
                return Err(AppError::invalid(
                    "visibility",
                    "Your comments are shared with the asset owner.",
                ));
            }
        }
        Side::Assessor => {
            if visibility != Visibility::Internal {
                return Err(AppError::invalid(
                    "visibility",
                    "As assessor you write internal comments: the asset owner reads them, the supplier never does.",
                ));
            }
        }
    }
    let c = comment::ActiveModel {
        assessment_id: Set(a.id),
        answer_id: Set(x.id),
        author_id: Set(actor.user_id()),
        author_org_id: Set(actor.org_id()),
        visibility: Set(visibility),
        body: Set(body.to_string()),
        created_at: Set(state.clock.now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    audit::by_actor(
        txn,
        actor,
        "comment.added",
        "comment",
        format!("{}/{}", a.id, c.id),
        None,
        Some(json!({"answer": x.id, "visibility": visibility.as_str()})),
    )
    .await?;
    if visibility == Visibility::Shared {
        webhooks::emit(
            txn,
            state,
            &[a.owner_org_id, a.supplier_org_id],
            Topic::CommentShared,
            json!({"assessment_id": a.id, "answer_id": x.id, "comment_id": c.id}),
        )
        .await?;
        let event = match side {
            Side::Supplier => notify::Event::SupplierComment,
            _ => notify::Event::OwnerComment,
        };
        let requirement = access::requirement_of(txn, &x).await?;
        let excerpt: String = body.chars().take(200).collect();
        notify::assessment_event(
            txn,
            state,
            event,
            &a,
            &format!("New comment on {requirement}"),
            // The other side learns which organization wrote, never who.
            &format!(
                "{}: {excerpt}",
                super::org_names(txn, [actor.org_id()])
                    .await?
                    .remove(&actor.org_id())
                    .unwrap_or_default()
            ),
            None,
        )
        .await?;
    }
    let author = super::user_names(txn, [actor.user_id()])
        .await?
        .remove(&actor.user_id())
        .unwrap_or_default();
    let organization = super::org_names(txn, [actor.org_id()])
        .await?
        .remove(&actor.org_id())
        .unwrap_or_default();
    Ok(CommentDto {
        id: c.id,
        answer_id: c.answer_id,
        author,
        organization,
        visibility: c.visibility,
        body: c.body,
        at: ts(c.created_at),
        created_at: c.created_at,
    })
}

/// Sends the assessment back to the supplier for the answers marked
/// rejected or needing clarification.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn request_changes(
    actor: &Actor,
    state: &AppState,
    id: AssessmentId,
) -> Result<AssessmentStatus, AppError> {
    let txn = db::write_txn(&state.writer).await?;
    let a = owner_reviewing(&txn, actor, id.0).await?;
    let open = read_models::verdicts(&txn, a.id.0)
        .await?
        .values()
        .filter(|v| **v != ReviewStatus::Accepted)
        .count();
    if open == 0 {
        return Err(AppError::invalid(
            "review",
            "Mark at least one answer rejected or needing clarification first.",
        ));
    }
    let to = move_to(&txn, actor, &a, Transition::RequestChanges).await?;
    notify_supplier(
        &txn,
        state,
        &a,
        notify::Event::ChangesRequested,
        "Changes requested",
        &format!("{open} answers need your attention: see the reviewer's shared comments."),
    )
    .await?;
    txn.commit().await?;
    Ok(to)
}

async fn notify_supplier(
    txn: &sea_orm::DatabaseTransaction,
    state: &AppState,
    a: &assessment::Model,
    event: notify::Event,
    subject: &str,
    text: &str,
) -> Result<(), AppError> {
    notify::assessment_event(
        txn,
        state,
        event,
        a,
        &format!("Security questionnaire: {subject}"),
        text,
        None,
    )
    .await
}

/// What is still open in a review, in words, when anything is: answers
/// without a verdict and answers awaiting clarification, with the first few
/// requirements named.
async fn open_answers<C: sea_orm::ConnectionTrait>(
    txn: &C,
    a: &crate::server::access::Readable<assessment::Model>,
) -> Result<Option<String>, AppError> {
    let verdicts = read_models::verdicts(txn, a.id.0).await?;
    let answers = access::answers_of(a)
        .order_by_asc(crate::server::entities::answer::Column::Id)
        .all(txn)
        .await?;
    let (mut unreviewed, mut unclear) = (Vec::new(), Vec::new());
    for x in &answers {
        match verdicts.get(&x.id) {
            None => unreviewed.push(x.requirement_id),
            Some(ReviewStatus::ClarificationRequested) => unclear.push(x.requirement_id),
            Some(_) => {}
        }
    }
    if unreviewed.is_empty() && unclear.is_empty() {
        return Ok(None);
    }
    let refs = access::requirement_refs(txn, unclear.iter().chain(&unreviewed).copied()).await?;
    let named: Vec<&str> = unclear
        .iter()
        .chain(&unreviewed)
        .filter_map(|r| refs.get(r).map(String::as_str))
        .take(8)
        .collect();
    let more = (unclear.len() + unreviewed.len()).saturating_sub(named.len());
    Ok(Some(format!(
        "{} answer(s) not reviewed yet and {} awaiting clarification: {}{}. Tick “Decide anyway” to record the decision regardless.",
        unreviewed.len(),
        unclear.len(),
        named.join(", "),
        if more > 0 { format!(" and {more} more") } else { String::new() }
    )))
}

/// Records the decision on an assessment under review, with its rationale;
/// each condition of an acceptance with conditions becomes a proposed
/// commitment of the supplier.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn decide(
    actor: &Actor,
    state: &AppState,
    id: AssessmentId,
    decision: DecisionInput,
) -> Result<AssessmentStatus, AppError> {
    let DecisionInput {
        transition: t,
        rationale,
        conditions,
        despite_open,
    } = decision;
    let txn = db::write_txn(&state.writer).await?;
    let a = owner_reviewing(&txn, actor, id.0).await?;
    // The state must allow a decision before anything else is said.
    status_of(&a).next(t, Side::Owner)?;
    if !despite_open {
        if let Some(open) = open_answers(&txn, &a).await? {
            return Err(AppError::invalid("despite_open", open));
        }
    }
    let to = move_to(&txn, actor, &a, t).await?;
    let now = state.clock.now();
    let mut am: assessment::ActiveModel = a.clone().into_inner().into();
    am.decision_rationale = Set(Some(rationale.to_string()));
    am.decided_by = Set(Some(actor.user_id()));
    am.decided_at = Set(Some(now));
    am.status = Set(to);
    am.update(&txn).await?;
    for c in &conditions {
        writes::propose_commitment(
            &txn,
            state,
            actor,
            &a,
            writes::NewCommitment {
                party: a.supplier_org_id,
                proposed_by: a.owner_org_id,
                requirement: None,
                answer: None,
                title: &c.title,
                due_on: c.due_on,
                source: CommitmentSource::ReviewCondition,
            },
        )
        .await?;
    }
    audit::by_actor(
        &txn,
        actor,
        "assessment.decided",
        "assessment",
        a.id,
        None,
        Some(json!({"decision": to.as_str(), "rationale": rationale, "conditions": conditions.len()})),
    )
    .await?;
    if !conditions.is_empty() {
        notify_supplier(
            &txn,
            state,
            &a,
            notify::Event::ConditionCommitment,
            "Conditions to commit to",
            &format!(
                "{} condition(s) of the decision became commitments proposed to you: agree to them or answer on the commitments page.",
                conditions.len()
            ),
        )
        .await?;
    }
    notify_supplier(
        &txn,
        state,
        &a,
        notify::Event::Decided,
        to.label(),
        &format!("The asset owner decided: {}.\n\n{rationale}", to.label()),
    )
    .await?;
    webhooks::assessment_event(&txn, state, &a, Topic::AssessmentDecided, to.as_str()).await?;
    txn.commit().await?;
    Ok(to)
}

/// The gap analysis of an assessment, for the asset owner and its
/// assessors (a supplier sees its answers, not the owner's scoring).
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn gap(
    actor: &Actor,
    state: &AppState,
    id: AssessmentId,
) -> Result<GapAnalysis, AppError> {
    let dto = assessments::get(actor, state, id).await?;
    if dto.side == Side::Supplier {
        return Err(AppError::NotFound);
    }
    Ok(analyse(&crate::model::gap_items(&dto)))
}
