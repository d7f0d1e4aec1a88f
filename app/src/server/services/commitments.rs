//! Commitments: dated promises between an engagement's asset owner and one
//! supplier, from review conditions, planned answers, or written by hand.
//! Both sides read them; an assessor of the engagement reads them too. Only
//! the two sides change them, each doing its own moves
//! (`CommitmentStatus::next`).

use crate::model::{
    AppError, AssessmentId, CommitmentAction, CommitmentDto, CommitmentId, CommitmentMove,
    CommitmentSource, CommitmentStatus, EngagementId, NewCommitmentInput, OrgId, Parsed, Promisor,
    Role,
};
use crate::server::{
    access, audit, db,
    entities::{assessment, commitment},
    notify, read_models, writes, Actor, AppState,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, QueryFilter, QueryOrder, Set};
use serde_json::json;

/// The commitments the caller may read, soonest due first; of one
/// engagement when given.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn list(
    actor: &Actor,
    state: &AppState,
    engagement: Option<EngagementId>,
) -> Result<Vec<CommitmentDto>, AppError> {
    let mut q = access::commitments_readable(actor);
    if let Some(e) = engagement {
        // An engagement the caller has no part in is not found, not empty.
        access::engagement_with_supplier(&state.db, actor, e).await?;
        q = q.filter(commitment::Column::EngagementId.eq(e.0));
    }
    let rows = q
        .order_by_asc(commitment::Column::DueOn)
        .order_by_asc(commitment::Column::Id)
        .all(&state.db)
        .await?;
    read_models::commitment_dtos(&state.db, actor, state.clock.today(), rows).await
}

/// A commitment written by hand, between the assessment's asset owner and
/// supplier (a supplier only promises for itself); its requirement, when
/// given, must be one of the questionnaire's.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, assessment_id = ?assessment_id))]
pub async fn create(
    actor: &Actor,
    state: &AppState,
    assessment_id: AssessmentId,
    input: NewCommitmentInput,
) -> Result<CommitmentId, AppError> {
    let a = access::assessments_of_party(actor)
        .filter(assessment::Column::Id.eq(assessment_id.0))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    if a.status == crate::model::AssessmentStatus::Withdrawn {
        return Err(AppError::Conflict(
            "This assessment was withdrawn: nothing more is promised in it.".into(),
        ));
    }
    let org = actor.org_id().0;
    let owner_side = a.owner_org_id == OrgId(org);
    if !access::abilities(actor, &a).commit {
        return Err(AppError::NotFound);
    }
    let party = match (input.promisor, owner_side) {
        (Promisor::Supplier, _) => a.supplier_org_id,
        (Promisor::Owner, true) => a.owner_org_id,
        (Promisor::Owner, false) => {
            return Err(AppError::invalid(
                "promisor",
                "You make promises for your own organization only.",
            ))
        }
    };
    let requirement_id = match input.requirement_ref.as_deref() {
        None => None,
        Some(r) => {
            let rows = read_models::profile_rows(state, a.profile_id).await?;
            let found = rows
                .items
                .values()
                .find(|(_, q)| q.ref_id.eq_ignore_ascii_case(r))
                .map(|(i, _)| i.requirement_id);
            Some(found.ok_or_else(|| {
                AppError::invalid(
                    "requirement",
                    format!("“{r}” is not a requirement of this questionnaire."),
                )
            })?)
        }
    };
    let txn = db::write_txn(&state.writer).await?;
    let row = writes::propose_commitment(
        &txn,
        state,
        actor,
        &a,
        writes::NewCommitment {
            party,
            proposed_by: OrgId(org),
            requirement: requirement_id,
            answer: None,
            title: &input.title,
            due_on: input.due_on,
            source: CommitmentSource::Manual,
        },
    )
    .await?;
    tell_other_side(
        &txn,
        state,
        actor,
        &row,
        &format!("New commitment proposed: {}", row.title),
    )
    .await?;
    txn.commit().await?;
    Ok(row.id)
}

/// Tells the side of the commitment the actor is not on.
async fn tell_other_side(
    txn: &DatabaseTransaction,
    state: &AppState,
    actor: &Actor,
    c: &commitment::Model,
    title: &str,
) -> Result<(), AppError> {
    let (org, roles): (OrgId, &[Role]) = if actor.org_id() == c.owner_org_id {
        (c.supplier_org_id, &[Role::Admin, Role::Contributor])
    } else {
        (c.owner_org_id, &[Role::Admin, Role::Reviewer])
    };
    let to = notify::recipients(txn, org.0, roles).await?;
    // A closed commitment is no longer due.
    let body = match (c.status, c.due_on) {
        (CommitmentStatus::Verified, _) => format!("“{}” is verified and closed.", c.title),
        (CommitmentStatus::Waived, _) => format!("“{}” was waived and is closed.", c.title),
        (_, Some(d)) => format!("“{}” is due on {d}.", c.title),
        (_, None) => format!("“{}” has no due date.", c.title),
    };
    notify::notify(
        txn,
        state,
        org.0,
        &to,
        notify::Message {
            kind: "commitment",
            title,
            body: &body,
            link: "/commitments",
        },
    )
    .await
}

/// Moves a commitment. Fulfilling needs closure evidence (a link to it,
/// and a note if wanted); sending back and waiving need a reason.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn act(
    actor: &Actor,
    state: &AppState,
    id: CommitmentId,
    action: CommitmentAction,
    details: Parsed<CommitmentMove>,
) -> Result<CommitmentDto, AppError> {
    let txn = db::write_txn(&state.writer).await?;
    let c = access::commitments_of_party(actor)
        .filter(commitment::Column::Id.eq(id.0))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if !access::may_act_on_commitment(actor, &c) {
        return Err(AppError::NotFound);
    }
    let from = read_models::commitment_status(&c);
    let to = from.next(action, access::commitment_role(actor, &c))?;
    let CommitmentMove { note, link, .. } = details.checked()?;
    let mut am: commitment::ActiveModel = c.clone().into();
    am.status = Set(to);
    am.updated_by = Set(Some(actor.user_id()));
    am.updated_at = Set(Some(state.clock.now()));
    match action {
        CommitmentAction::Fulfil => {
            am.closure_link = Set(Some(link.clone()));
            am.closure_note = Set(Some(note.clone()));
        }
        CommitmentAction::Waive => am.waive_reason = Set(Some(note.clone())),
        _ => {}
    }
    let c = am.update(&txn).await?;
    audit::by_actor(
        &txn,
        actor,
        &format!("commitment.{}", action.as_str()),
        "commitment",
        c.id,
        Some(json!({"status": from.as_str()})),
        Some(json!({"status": to.as_str(), "note": note, "link": link})),
    )
    .await?;
    let what = match action {
        CommitmentAction::Agree => "agreed to",
        CommitmentAction::Start => "started work on",
        CommitmentAction::Fulfil => "fulfilled (please verify)",
        CommitmentAction::Verify => "verified",
        CommitmentAction::Reject => "sent back",
        CommitmentAction::Waive => "waived",
    };
    tell_other_side(
        &txn,
        state,
        actor,
        &c,
        &format!("Commitment {what}: {}", c.title),
    )
    .await?;
    crate::server::webhooks::emit(
        &txn,
        state,
        &[c.owner_org_id, c.supplier_org_id],
        crate::server::webhooks::Topic::CommitmentMoved,
        json!({
            "commitment_id": c.id,
            "engagement_id": c.engagement_id,
            "action": action.as_str(),
            "status": to.as_str(),
        }),
    )
    .await?;
    let dto = read_models::commitment_dtos(&txn, actor, state.clock.today(), vec![c])
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    txn.commit().await?;
    Ok(dto)
}
