//! Commitments: dated promises between an engagement's asset owner and one
//! supplier, from review conditions, planned answers, or written by hand.
//! Both sides read them; an assessor of the engagement reads them too. Only
//! the two sides change them, each doing its own moves
//! (`CommitmentStatus::next`).

use super::{assessments, notifications, org_names};
use crate::model::{
    is_overdue, AppError, AssessmentId, CommitmentAction, CommitmentDto, CommitmentId,
    CommitmentRole, CommitmentStatus, Compliance, EngagementId, OrgKind, Permission, Role,
};
use crate::server::{
    audit, db,
    entities::{answer, assessment, commitment, engagement, requirement},
    respond::internal,
    session::RequestInfo,
    Actor, AppState,
};
use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait,
    QueryFilter, QueryOrder, Select, Set,
};
use serde_json::json;
use std::collections::{HashMap, HashSet};

/// Commitments the two sides may change: the caller's organization is the
/// asset owner or the supplier of it.
pub fn writable(actor: &Actor) -> Select<commitment::Entity> {
    let org = actor.org_id().0;
    commitment::Entity::find().filter(
        Condition::any()
            .add(commitment::Column::OwnerOrgId.eq(org))
            .add(commitment::Column::SupplierOrgId.eq(org)),
    )
}

/// Commitments the caller may read: [`writable`], and for an assessor those
/// of the engagements it was invited into.
pub fn readable(actor: &Actor) -> Select<commitment::Entity> {
    let org = actor.org_id().0;
    let mut any = Condition::any()
        .add(commitment::Column::OwnerOrgId.eq(org))
        .add(commitment::Column::SupplierOrgId.eq(org));
    if actor.kinds().contains(&OrgKind::Assessor) {
        any = any.add(
            commitment::Column::EngagementId.in_subquery(super::engagements::assessed_by(org)),
        );
    }
    commitment::Entity::find().filter(any)
}

/// How the caller's organization stands to a commitment.
fn role_of(actor: &Actor, c: &commitment::Model) -> CommitmentRole {
    let org = actor.org_id().0;
    CommitmentRole {
        promises: c.party_org_id == org,
        proposed: c.proposed_by_org_id == org,
        owner: c.owner_org_id == org,
    }
}

/// Whether the caller's role lets it act for its side of the commitment.
fn may_act(actor: &Actor, c: &commitment::Model) -> bool {
    let org = actor.org_id().0;
    if c.owner_org_id == org {
        actor.may(Permission::ReviewAssessments) || actor.may(Permission::ManageEngagements)
    } else if c.supplier_org_id == org {
        actor.may(Permission::AnswerAssessments)
    } else {
        false
    }
}

fn status(c: &commitment::Model) -> CommitmentStatus {
    CommitmentStatus::parse(&c.status).unwrap_or(CommitmentStatus::Proposed)
}

/// Turns rows into DTOs with a fixed number of queries.
pub(crate) async fn dtos<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    today: NaiveDate,
    rows: Vec<commitment::Model>,
) -> Result<Vec<CommitmentDto>, AppError> {
    let orgs = org_names(
        conn,
        rows.iter()
            .flat_map(|c| [c.owner_org_id, c.party_org_id, c.supplier_org_id])
            .collect::<HashSet<_>>(),
    )
    .await?;
    let engagements: HashMap<i64, String> = engagement::Entity::find()
        .filter(
            engagement::Column::Id
                .is_in(rows.iter().map(|c| c.engagement_id).collect::<HashSet<_>>()),
        )
        .all(conn)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect();
    let reqs: HashMap<i64, String> = requirement::Entity::find()
        .filter(
            requirement::Column::Id.is_in(
                rows.iter()
                    .filter_map(|c| c.requirement_id)
                    .collect::<HashSet<_>>(),
            ),
        )
        .all(conn)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|r| (r.id, r.ref_id))
        .collect();
    let name = |id: i64| orgs.get(&id).cloned().unwrap_or_default();
    Ok(rows
        .into_iter()
        .map(|c| {
            let st = status(&c);
            let actions = if may_act(actor, &c) {
                let role = role_of(actor, &c);
                [
                    CommitmentAction::Agree,
                    CommitmentAction::Start,
                    CommitmentAction::Fulfil,
                    CommitmentAction::Verify,
                    CommitmentAction::Reject,
                    CommitmentAction::Waive,
                ]
                .into_iter()
                .filter(|a| st.next(*a, role).is_ok())
                .collect()
            } else {
                Vec::new()
            };
            CommitmentDto {
                id: CommitmentId(c.id),
                engagement_id: EngagementId(c.engagement_id),
                engagement: engagements
                    .get(&c.engagement_id)
                    .cloned()
                    .unwrap_or_default(),
                owner: name(c.owner_org_id),
                party: name(c.party_org_id),
                supplier: name(c.supplier_org_id),
                requirement: c.requirement_id.and_then(|r| reqs.get(&r).cloned()),
                title: c.title,
                due_on: c.due_on,
                status: st,
                overdue: is_overdue(st, c.due_on, today),
                source: c.source,
                closure_note: c.closure_note.unwrap_or_default(),
                closure_link: c.closure_link.unwrap_or_default(),
                waive_reason: c.waive_reason.unwrap_or_default(),
                actions,
                updated: super::ts(c.updated_at.unwrap_or(c.created_at)),
            }
        })
        .collect())
}

/// The commitments the caller may read, soonest due first; of one
/// engagement when given.
pub async fn list(
    actor: &Actor,
    state: &AppState,
    engagement: Option<EngagementId>,
) -> Result<Vec<CommitmentDto>, AppError> {
    let mut q = readable(actor);
    if let Some(e) = engagement {
        // An engagement the caller has no part in is not found, not empty.
        super::matrix::open(&state.db, actor, e.0).await?;
        q = q.filter(commitment::Column::EngagementId.eq(e.0));
    }
    let rows = q
        .order_by_asc(commitment::Column::DueOn)
        .order_by_asc(commitment::Column::Id)
        .all(&state.db)
        .await
        .map_err(internal)?;
    dtos(&state.db, actor, state.clock.today(), rows).await
}

/// Reads an optional YYYY-MM-DD date.
fn parse_due(raw: &str) -> Result<Option<NaiveDate>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| AppError::invalid("due_on", "Give the date as YYYY-MM-DD."))
}

/// What a new commitment of an assessment says.
pub(crate) struct NewCommitment<'a> {
    /// The organization that promises: the assessment's owner or supplier.
    pub party: i64,
    pub proposed_by: i64,
    pub requirement: Option<i64>,
    pub answer: Option<i64>,
    pub title: &'a str,
    pub due_on: Option<NaiveDate>,
    /// "review_condition", "planned_answer" or "manual".
    pub source: &'static str,
}

/// Writes a proposed commitment between the assessment's owner and
/// supplier, audited.
pub(crate) async fn propose<C: ConnectionTrait>(
    conn: &C,
    state: &AppState,
    actor: &Actor,
    a: &assessment::Model,
    n: NewCommitment<'_>,
    info: &RequestInfo,
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
        status: Set(CommitmentStatus::Proposed.as_str().into()),
        source: Set(n.source.into()),
        created_by: Set(Some(actor.user_id().0)),
        created_at: Set(state.clock.now()),
        ..Default::default()
    }
    .insert(conn)
    .await
    .map_err(internal)?;
    audit::by_actor(
        conn,
        actor,
        &info.request_id,
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
    Ok(row)
}

/// A commitment written by hand, between the assessment's asset owner and
/// supplier: `promisor` is "supplier" or "owner" (a supplier only promises
/// for itself). `requirement` is an optional ref id from the questionnaire.
#[allow(clippy::too_many_arguments)]
pub async fn create(
    actor: &Actor,
    state: &AppState,
    assessment_id: AssessmentId,
    promisor: &str,
    requirement_ref: &str,
    title: &str,
    due_on: &str,
    info: &RequestInfo,
) -> Result<CommitmentId, AppError> {
    let title = title.trim();
    if title.is_empty() {
        return Err(AppError::invalid("title", "Say what is promised."));
    }
    if title.chars().count() > 500 {
        return Err(AppError::invalid("title", "Use at most 500 characters."));
    }
    let due = parse_due(due_on)?;
    let a = assessments::visible(actor)
        .filter(assessment::Column::Id.eq(assessment_id.0))
        .one(&state.db)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    if a.status == crate::model::AssessmentStatus::Withdrawn.as_str() {
        return Err(AppError::Conflict(
            "This assessment was withdrawn: nothing more is promised in it.".into(),
        ));
    }
    let org = actor.org_id().0;
    let owner_side = a.owner_org_id == org;
    if owner_side {
        if !(actor.may(Permission::ReviewAssessments) || actor.may(Permission::ManageEngagements)) {
            return Err(AppError::NotFound);
        }
    } else {
        actor.require(Permission::AnswerAssessments)?;
    }
    let party = match (promisor.trim(), owner_side) {
        ("supplier", _) => a.supplier_org_id,
        ("owner", true) => a.owner_org_id,
        ("owner", false) => {
            return Err(AppError::invalid(
                "promisor",
                "You make promises for your own organization only.",
            ))
        }
        _ => return Err(AppError::invalid("promisor", "Choose supplier or owner.")),
    };
    let requirement_id = match requirement_ref.trim() {
        "" => None,
        r => {
            let rows = assessments::profile_rows(state, a.profile_id).await?;
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
    let txn = db::write_txn(&state.writer).await.map_err(internal)?;
    let row = propose(
        &txn,
        state,
        actor,
        &a,
        NewCommitment {
            party,
            proposed_by: org,
            requirement: requirement_id,
            answer: None,
            title,
            due_on: due,
            source: "manual",
        },
        info,
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
    txn.commit().await.map_err(internal)?;
    Ok(CommitmentId(row.id))
}

/// Tells the side of the commitment the actor is not on.
async fn tell_other_side(
    txn: &DatabaseTransaction,
    state: &AppState,
    actor: &Actor,
    c: &commitment::Model,
    title: &str,
) -> Result<(), AppError> {
    let (org, roles): (i64, &[Role]) = if actor.org_id().0 == c.owner_org_id {
        (c.supplier_org_id, &[Role::Admin, Role::Contributor])
    } else {
        (c.owner_org_id, &[Role::Admin, Role::Reviewer])
    };
    let to = notifications::recipients(txn, org, roles).await?;
    let body = match c.due_on {
        Some(d) => format!("“{}” is due on {d}.", c.title),
        None => format!("“{}” has no due date.", c.title),
    };
    notifications::notify(
        txn,
        state,
        org,
        &to,
        notifications::Message {
            kind: "commitment",
            title,
            body: &body,
            link: "/commitments",
        },
    )
    .await
}

fn is_web_link(s: &str) -> bool {
    url::Url::parse(s)
        .map(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        .unwrap_or(false)
}

/// Moves a commitment. Fulfilling needs closure evidence (a link to it,
/// and a note if wanted); sending back and waiving need a reason.
pub async fn act(
    actor: &Actor,
    state: &AppState,
    id: CommitmentId,
    action: &str,
    note: &str,
    link: &str,
    info: &RequestInfo,
) -> Result<CommitmentDto, AppError> {
    let action = CommitmentAction::parse(action.trim())?;
    let (note, link) = (note.trim(), link.trim());
    let txn = db::write_txn(&state.writer).await.map_err(internal)?;
    let c = writable(actor)
        .filter(commitment::Column::Id.eq(id.0))
        .one(&txn)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    if !may_act(actor, &c) {
        return Err(AppError::NotFound);
    }
    let from = status(&c);
    let to = from.next(action, role_of(actor, &c))?;
    if note.chars().count() > 5000 {
        return Err(AppError::invalid("note", "Use at most 5,000 characters."));
    }
    match action {
        CommitmentAction::Fulfil if link.is_empty() => {
            return Err(AppError::invalid(
                "link",
                "Closing needs evidence: give the link to it (https://…).",
            ))
        }
        CommitmentAction::Fulfil if !is_web_link(link) || link.len() > 2000 => {
            return Err(AppError::invalid(
                "link",
                "Give a web address starting with https:// or http:// (at most 2,000 characters).",
            ))
        }
        CommitmentAction::Waive | CommitmentAction::Reject if note.is_empty() => {
            return Err(AppError::invalid("note", "Give the reason."))
        }
        _ => {}
    }
    let mut am: commitment::ActiveModel = c.clone().into();
    am.status = Set(to.as_str().into());
    am.updated_by = Set(Some(actor.user_id().0));
    am.updated_at = Set(Some(state.clock.now()));
    match action {
        CommitmentAction::Fulfil => {
            am.closure_link = Set(Some(link.to_string()));
            am.closure_note = Set(Some(note.to_string()));
        }
        CommitmentAction::Waive => am.waive_reason = Set(Some(note.to_string())),
        _ => {}
    }
    let c = am.update(&txn).await.map_err(internal)?;
    audit::by_actor(
        &txn,
        actor,
        &info.request_id,
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
    let dto = dtos(&txn, actor, state.clock.today(), vec![c])
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    txn.commit().await.map_err(internal)?;
    Ok(dto)
}

/// On submission: every `planned` answer with a date becomes a proposed
/// commitment of the supplier, once (a resubmission adds only new ones).
pub(crate) async fn from_planned_answers(
    txn: &DatabaseTransaction,
    state: &AppState,
    actor: &Actor,
    a: &assessment::Model,
    titles: &HashMap<i64, String>,
    info: &RequestInfo,
) -> Result<usize, AppError> {
    let planned = answer::Entity::find()
        .filter(answer::Column::AssessmentId.eq(a.id))
        .filter(answer::Column::Compliance.eq(Compliance::Planned.as_str()))
        .all(txn)
        .await
        .map_err(internal)?;
    if planned.is_empty() {
        return Ok(0);
    }
    let known: HashSet<i64> = commitment::Entity::find()
        .filter(commitment::Column::AnswerId.is_in(planned.iter().map(|p| p.id)))
        .all(txn)
        .await
        .map_err(internal)?
        .into_iter()
        .filter_map(|c| c.answer_id)
        .collect();
    let mut made = 0;
    for p in planned.into_iter().filter(|p| !known.contains(&p.id)) {
        let what = titles.get(&p.id).cloned().unwrap_or_default();
        propose(
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
                source: "planned_answer",
            },
            info,
        )
        .await?;
        made += 1;
    }
    Ok(made)
}
