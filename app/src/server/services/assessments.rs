//! Assessments from either side: the supplier answers, attaches evidence
//! and submits; the asset owner follows progress, reopens or withdraws.
//! Every query starts from the caller's organization on its own side of the
//! assessment, so a supplier never loads another supplier's assessment.

use super::{catalogs, engagements::member_emails, ts};
use crate::model::{
    check_answer, incomplete, AnswerDto, AnswerFields, AnswerId, AnswerInput, AnswerVersionDto,
    AppError, AssessmentDto, AssessmentId, AssessmentStatus, AssessmentSummary, Compliance,
    EvidenceDto, EvidenceId, OrgKind, Party, Permission, ProfileId, Progress, Role, SaveOutcome,
    Side, TargetKind, Transition,
};
use crate::server::{
    answers::{self, AnswerWrite, Outcome, Source},
    audit, db,
    entities::{
        answer, answer_version, assessment, engagement, evidence, membership, profile,
        profile_item, requirement, user,
    },
    mail::Mail,
    respond::internal,
    session::RequestInfo,
    Actor, AppState,
};
use chrono::Utc;
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Select, Set,
};
use serde_json::json;
use std::collections::HashMap;

/// Assessments the actor's organization is a party to: as asset owner, or
/// as the supplier it was sent to.
pub fn visible(actor: &Actor) -> Select<assessment::Entity> {
    let org = actor.org_id().0;
    assessment::Entity::find().filter(
        Condition::any()
            .add(assessment::Column::OwnerOrgId.eq(org))
            .add(assessment::Column::SupplierOrgId.eq(org)),
    )
}

/// Assessments the actor may read: those of [`visible`], and for an
/// assessor organization every assessment of the engagements it was invited
/// into. Only reading goes through this; every change starts from
/// [`visible`], so an assessor never changes anything but its own comments.
pub fn readable(actor: &Actor) -> Select<assessment::Entity> {
    let org = actor.org_id().0;
    let mut any = Condition::any()
        .add(assessment::Column::OwnerOrgId.eq(org))
        .add(assessment::Column::SupplierOrgId.eq(org));
    if actor.kinds().contains(&OrgKind::Assessor) {
        any = any.add(
            assessment::Column::EngagementId.in_subquery(super::engagements::assessed_by(org)),
        );
    }
    assessment::Entity::find().filter(any)
}

/// The actor's side of an assessment it may read.
pub(crate) fn side(actor: &Actor, a: &assessment::Model) -> Side {
    if a.owner_org_id == actor.org_id().0 {
        Side::Owner
    } else if a.supplier_org_id == actor.org_id().0 {
        Side::Supplier
    } else {
        Side::Assessor
    }
}

/// An assessment the actor may read (see [`readable`]).
pub(crate) async fn find_readable<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: i64,
) -> Result<assessment::Model, AppError> {
    readable(actor)
        .filter(assessment::Column::Id.eq(id))
        .one(conn)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)
}

async fn find<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: i64,
) -> Result<assessment::Model, AppError> {
    visible(actor)
        .filter(assessment::Column::Id.eq(id))
        .one(conn)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)
}

fn status(a: &assessment::Model) -> AssessmentStatus {
    AssessmentStatus::parse(&a.status).unwrap_or(AssessmentStatus::Sent)
}

/// Summaries with progress for a list of assessments: a fixed number of
/// grouped queries, whatever their number.
pub(crate) async fn summaries<C: ConnectionTrait>(
    conn: &C,
    rows: Vec<assessment::Model>,
) -> Result<Vec<AssessmentSummary>, AppError> {
    let ids: Vec<i64> = rows.iter().map(|a| a.id).collect();
    let totals: Vec<(i64, i64, i64)> = answer::Entity::find()
        .select_only()
        .column(answer::Column::AssessmentId)
        .column_as(Expr::col(answer::Column::Id).count(), "total")
        .column_as(Expr::col(answer::Column::Compliance).count(), "answered")
        .filter(answer::Column::AssessmentId.is_in(ids.clone()))
        .group_by(answer::Column::AssessmentId)
        .into_tuple()
        .all(conn)
        .await
        .map_err(internal)?;
    let missing = evidence_missing(conn, &ids).await?;
    let engagements: HashMap<i64, String> = engagement::Entity::find()
        .filter(engagement::Column::Id.is_in(rows.iter().map(|a| a.engagement_id)))
        .all(conn)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect();
    let orgs: HashMap<i64, String> = super::org_names(
        conn,
        rows.iter()
            .flat_map(|a| [a.owner_org_id, a.supplier_org_id]),
    )
    .await?;
    let profiles: HashMap<i64, (String, i32)> = profile::Entity::find()
        .filter(profile::Column::Id.is_in(rows.iter().map(|a| a.profile_id)))
        .all(conn)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|p| (p.id, (p.name, p.version)))
        .collect();
    Ok(rows
        .into_iter()
        .map(|a| {
            let (total, answered) = totals
                .iter()
                .find(|(id, ..)| *id == a.id)
                .map(|(_, t, n)| (*t as u64, *n as u64))
                .unwrap_or((0, 0));
            let (pname, pversion) = profiles.get(&a.profile_id).cloned().unwrap_or_default();
            AssessmentSummary {
                id: AssessmentId(a.id),
                engagement_id: crate::model::EngagementId(a.engagement_id),
                engagement: engagements
                    .get(&a.engagement_id)
                    .cloned()
                    .unwrap_or_default(),
                owner: orgs.get(&a.owner_org_id).cloned().unwrap_or_default(),
                supplier: orgs.get(&a.supplier_org_id).cloned().unwrap_or_default(),
                profile: pname,
                profile_version: pversion,
                status: status(&a),
                due_on: a.due_on.to_string(),
                progress: Progress {
                    total,
                    answered,
                    evidence_missing: missing.get(&a.id).copied().unwrap_or(0),
                },
            }
        })
        .collect())
}

/// Per assessment: answers whose item requires evidence, whose claim needs
/// it, and which have none yet. One query.
async fn evidence_missing<C: ConnectionTrait>(
    conn: &C,
    ids: &[i64],
) -> Result<HashMap<i64, u64>, AppError> {
    let needing: Vec<(i64, i64, Option<String>)> = answer::Entity::find()
        .select_only()
        .column(answer::Column::AssessmentId)
        .column(answer::Column::Id)
        .column(answer::Column::Compliance)
        .join_as(
            sea_orm::JoinType::InnerJoin,
            answer::Entity::belongs_to(profile_item::Entity)
                .from(answer::Column::ProfileItemId)
                .to(profile_item::Column::Id)
                .into(),
            profile_item::Entity,
        )
        .filter(answer::Column::AssessmentId.is_in(ids.iter().copied()))
        .filter(profile_item::Column::EvidenceRequired.eq(true))
        .filter(
            answer::Column::Id.not_in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(evidence::Column::AnswerId)
                    .from(evidence::Entity)
                    .and_where(evidence::Column::AssessmentId.is_in(ids.iter().copied()))
                    .to_owned(),
            ),
        )
        .into_tuple()
        .all(conn)
        .await
        .map_err(internal)?;
    let mut out = HashMap::new();
    for (assessment, _, compliance) in needing {
        let needs = compliance
            .as_deref()
            .and_then(Compliance::parse)
            .is_none_or(|c| c.needs_evidence());
        if needs {
            *out.entry(assessment).or_insert(0) += 1;
        }
    }
    Ok(out)
}

/// The assessments the organization was sent (supplier), sent (owner) or
/// assesses (assessor).
pub async fn list(actor: &Actor, state: &AppState) -> Result<Vec<AssessmentSummary>, AppError> {
    let rows = readable(actor)
        .order_by_asc(assessment::Column::DueOn)
        .order_by_asc(assessment::Column::Id)
        .all(&state.db)
        .await
        .map_err(internal)?;
    summaries(&state.db, rows).await
}

fn fields_of(a: &answer::Model) -> AnswerFields {
    AnswerFields {
        compliance: a.compliance.as_deref().and_then(Compliance::parse),
        countermeasure: a.countermeasure.clone(),
        planned_on: a.planned_on,
        na_reason: a.na_reason.clone(),
        other_party: a.other_party.clone(),
        claimed_level: a.claimed_level,
        statement: a.statement.clone(),
        responsibility_accepted: a.responsibility_accepted,
    }
}

fn evidence_dto(e: evidence::Model) -> EvidenceDto {
    EvidenceDto {
        id: EvidenceId(e.id),
        kind: e.kind,
        title: e.title,
        content_type: e.content_type,
        size_bytes: e.size_bytes,
        url: e.url,
        scheme: e.scheme,
        level: e.level,
        scope: e.scope,
        issuer: e.issuer,
        expires_on: e.expires_on.map(|d| d.to_string()),
    }
}

/// A published profile version's items with their requirements. Both never
/// change once published (catalog rows are only ever added), so they are
/// kept in memory after the first read; every replica may keep its own copy.
pub struct ProfileRows {
    pub name: String,
    pub version: i32,
    /// (item, requirement), by item id.
    pub items: HashMap<i64, (profile_item::Model, crate::model::RequirementDto)>,
}

/// Keyed by database (its URL) and profile id: one process may serve, or
/// test against, several databases whose ids overlap.
type ProfileCache = HashMap<(String, i64), std::sync::Arc<ProfileRows>>;

static PROFILE_ROWS: std::sync::LazyLock<std::sync::RwLock<ProfileCache>> =
    std::sync::LazyLock::new(Default::default);

/// The rows of a published profile version, from memory when possible.
pub async fn profile_rows(
    state: &AppState,
    profile_id: i64,
) -> Result<std::sync::Arc<ProfileRows>, AppError> {
    let conn = &state.db;
    let key = (state.config.database_url.clone(), profile_id);
    if let Some(rows) = PROFILE_ROWS.read().ok().and_then(|m| m.get(&key).cloned()) {
        return Ok(rows);
    }
    let p = profile::Entity::find_by_id(profile_id)
        .one(conn)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let items = profile_item::Entity::find()
        .filter(profile_item::Column::ProfileId.eq(p.id))
        .all(conn)
        .await
        .map_err(internal)?;
    let mut reqs: HashMap<i64, requirement::Model> = requirement::Entity::find()
        .filter(requirement::Column::Id.is_in(items.iter().map(|i| i.requirement_id)))
        .all(conn)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let rows = std::sync::Arc::new(ProfileRows {
        name: p.name.clone(),
        version: p.version,
        items: items
            .into_iter()
            .filter_map(|i| {
                let r = catalogs::requirement_dto(reqs.remove(&i.requirement_id)?);
                Some((i.id, (i, r)))
            })
            .collect(),
    });
    // Only published versions are immutable; assessments only use those.
    if crate::model::ProfileStatus::parse(&p.status) == crate::model::ProfileStatus::Published {
        if let Ok(mut m) = PROFILE_ROWS.write() {
            if m.len() >= 512 {
                m.clear();
            }
            m.insert(key, rows.clone());
        }
    }
    Ok(rows)
}

/// One assessment with every answer and its evidence. A fixed number of
/// queries, whatever the number of requirements; progress is counted from
/// what is loaded.
pub async fn get(
    actor: &Actor,
    state: &AppState,
    id: AssessmentId,
) -> Result<AssessmentDto, AppError> {
    let db = &state.db;
    let a = find_readable(db, actor, id.0).await?;
    let side = side(actor, &a);
    let answers = answer::Entity::find()
        .filter(answer::Column::AssessmentId.eq(a.id))
        .all(db)
        .await
        .map_err(internal)?;
    let rows = profile_rows(state, a.profile_id).await?;
    let mut evidence: HashMap<i64, Vec<EvidenceDto>> = HashMap::new();
    for e in evidence::Entity::find()
        .filter(evidence::Column::AssessmentId.eq(a.id))
        .order_by_asc(evidence::Column::Id)
        .all(db)
        .await
        .map_err(internal)?
    {
        evidence
            .entry(e.answer_id)
            .or_default()
            .push(evidence_dto(e));
    }
    let verdicts = super::reviews::verdicts(db, a.id).await?;
    // The supplier's members: assignees and the colleagues to choose from.
    let members = membership::Entity::find()
        .filter(membership::Column::OrganizationId.eq(a.supplier_org_id))
        .filter(membership::Column::IsActive.eq(true))
        .all(db)
        .await
        .map_err(internal)?;
    let names: HashMap<i64, String> =
        super::user_names(db, members.iter().map(|m| m.user_id)).await?;
    let mut out: Vec<(i32, AnswerDto)> = answers
        .into_iter()
        .filter_map(|x| {
            let (item, r) = rows.items.get(&x.profile_item_id)?;
            Some((
                item.position,
                AnswerDto {
                    id: AnswerId(x.id),
                    requirement: r.clone(),
                    section: item.section.clone(),
                    target_kind: TargetKind::parse(&item.target_kind),
                    target: item.target,
                    responsible_party: Party::parse(&item.responsible_party)
                        .unwrap_or(Party::Other),
                    weight: item.weight,
                    evidence_required: item.evidence_required,
                    parameters: item.parameters.clone(),
                    fields: fields_of(&x),
                    assignee: x.assignee_id.and_then(|u| names.get(&u).cloned()),
                    assignee_id: x.assignee_id,
                    version: x.version,
                    review: verdicts.get(&x.id).copied(),
                    evidence: evidence.remove(&x.id).unwrap_or_default(),
                },
            ))
        })
        .collect();
    out.sort_by_key(|(p, _)| *p);
    let answers: Vec<AnswerDto> = out.into_iter().map(|(_, a)| a).collect();
    let progress = Progress {
        total: answers.len() as u64,
        answered: answers
            .iter()
            .filter(|x| x.fields.compliance.is_some())
            .count() as u64,
        evidence_missing: answers
            .iter()
            .filter(|x| {
                x.evidence_required
                    && x.evidence.is_empty()
                    && x.fields.compliance.is_none_or(|c| c.needs_evidence())
            })
            .count() as u64,
    };
    let engagement = engagement::Entity::find_by_id(a.engagement_id)
        .one(db)
        .await
        .map_err(internal)?
        .map(|e| e.name)
        .unwrap_or_default();
    let orgs: HashMap<i64, String> =
        super::org_names(db, [a.owner_org_id, a.supplier_org_id]).await?;
    let mut colleagues: Vec<(i64, String)> = if side == Side::Supplier {
        names.into_iter().collect()
    } else {
        Vec::new()
    };
    colleagues.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(AssessmentDto {
        summary: AssessmentSummary {
            id: AssessmentId(a.id),
            engagement_id: crate::model::EngagementId(a.engagement_id),
            engagement,
            owner: orgs.get(&a.owner_org_id).cloned().unwrap_or_default(),
            supplier: orgs.get(&a.supplier_org_id).cloned().unwrap_or_default(),
            profile: rows.name.clone(),
            profile_version: rows.version,
            status: status(&a),
            due_on: a.due_on.to_string(),
            progress,
        },
        profile_id: ProfileId(a.profile_id),
        message: a.message,
        side,
        answers,
        colleagues,
        decision: a.decision_rationale.clone(),
    })
}

/// Loads an answer the actor's organization may edit as the supplier, with
/// its assessment, inside `conn`.
pub(crate) async fn editable_answer<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    answer_id: AnswerId,
) -> Result<(assessment::Model, answer::Model), AppError> {
    actor.require(Permission::AnswerAssessments)?;
    // The answer with its assessment in one query (every autosave runs it):
    // both must be the caller's organization's, as the supplier.
    let org = actor.org_id().0;
    let (x, a) = answer::Entity::find_by_id(answer_id.0)
        .filter(answer::Column::SupplierOrgId.eq(org))
        .join(
            sea_orm::JoinType::InnerJoin,
            answer::Entity::belongs_to(assessment::Entity)
                .from(answer::Column::AssessmentId)
                .to(assessment::Column::Id)
                .into(),
        )
        .filter(assessment::Column::SupplierOrgId.eq(org))
        .select_also(assessment::Entity)
        .one(conn)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let a = a.ok_or(AppError::NotFound)?;
    if side(actor, &a) != Side::Supplier {
        return Err(AppError::NotFound);
    }
    if !status(&a).supplier_may_edit() {
        return Err(locked(status(&a)));
    }
    Ok((a, x))
}

/// An answer write found its assessment no longer editable.
pub(crate) fn changed_meanwhile() -> AppError {
    AppError::Conflict(
        "Nothing was changed: the assessment was submitted or closed meanwhile. Reload the page to see it."
            .into(),
    )
}

/// [`editable_answer`] inside a write transaction, with the assessment
/// locked until it ends (see `answers::lock_assessment`): for changes that
/// a submit must see whole or not at all, such as evidence.
pub(crate) async fn editable_answer_locked<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    answer_id: AnswerId,
) -> Result<(assessment::Model, answer::Model), AppError> {
    let (_, x) = editable_answer(txn, actor, answer_id).await?;
    let a = answers::lock_assessment(txn, x.assessment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !status(&a).supplier_may_edit() {
        return Err(locked(status(&a)));
    }
    Ok((a, x))
}

/// Why the supplier's answers cannot change in `status`.
pub(crate) fn locked(status: AssessmentStatus) -> AppError {
    AppError::Conflict(format!(
        "This assessment is {}; answers can no longer change unless the asset owner reopens it.",
        status.label().to_lowercase()
    ))
}

/// Writes a status change if the row still has the status it was read with.
pub(crate) async fn set_status<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    a: &assessment::Model,
    from: AssessmentStatus,
    to: AssessmentStatus,
    info: &RequestInfo,
) -> Result<(), AppError> {
    let mut update = assessment::Entity::update_many()
        .col_expr(assessment::Column::Status, Expr::value(to.as_str()))
        .filter(assessment::Column::Id.eq(a.id))
        .filter(assessment::Column::Status.eq(from.as_str()));
    if to == AssessmentStatus::Submitted {
        update = update.col_expr(
            assessment::Column::SubmittedAt,
            Expr::value(Some(Utc::now())),
        );
    }
    let done = update.exec(conn).await.map_err(internal)?;
    if done.rows_affected != 1 {
        return Err(AppError::Conflict(
            "The assessment changed meanwhile; reload and try again.".into(),
        ));
    }
    audit::by_actor(
        conn,
        actor,
        &info.request_id,
        "assessment.status_changed",
        "assessment",
        a.id,
        Some(json!({"status": from.as_str()})),
        Some(json!({"status": to.as_str()})),
    )
    .await
}

/// Saves an answer if nobody saved it since `expected_version`; otherwise
/// nothing is written and both versions come back. Every saved version is
/// kept.
pub async fn save_answer(
    actor: &Actor,
    state: &AppState,
    answer_id: AnswerId,
    expected_version: i32,
    input: AnswerInput,
    info: &RequestInfo,
) -> Result<SaveOutcome, AppError> {
    let fields = check_answer(&input)?;
    // Checked before the write transaction, on the read pool; the update
    // below repeats the version and status conditions, so nothing can slip
    // in between.
    let (a, current) = editable_answer(&state.db, actor, answer_id).await?;
    let assessment_id = a.id;
    // Written by the save queue, in one transaction with the saves that
    // arrive meanwhile (see `autosave`).
    let written = state
        .saves
        .write(
            &state.writer,
            super::autosave::Save {
                actor: actor.clone(),
                assessment: a,
                answer_id: current.id,
                expected: expected_version,
                fields,
                info: info.clone(),
            },
        )
        .await?;
    if written {
        return Ok(SaveOutcome::Saved {
            version: expected_version + 1,
        });
    }
    let now_status = find(&state.db, actor, assessment_id)
        .await
        .map(|a| status(&a))?;
    if !now_status.supplier_may_edit() {
        return Err(locked(now_status));
    }
    // Someone saved first: nothing was written; show both.
    let theirs = answer::Entity::find_by_id(current.id)
        .one(&state.db)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let saved_by = match theirs.updated_by {
        Some(u) => user::Entity::find_by_id(u)
            .one(&state.db)
            .await
            .map_err(internal)?
            .map(|u| u.display_name)
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok(SaveOutcome::Conflict {
        theirs: Box::new(fields_of(&theirs)),
        theirs_version: theirs.version,
        saved_by,
        yours: Box::new(input),
    })
}

/// Every saved version of an answer, newest first.
pub async fn history(
    actor: &Actor,
    state: &AppState,
    answer_id: AnswerId,
) -> Result<Vec<AnswerVersionDto>, AppError> {
    let x = answer::Entity::find_by_id(answer_id.0)
        .one(&state.db)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    // Visible only through an assessment the organization may read.
    find_readable(&state.db, actor, x.assessment_id).await?;
    let versions = answer_version::Entity::find()
        .filter(answer_version::Column::AnswerId.eq(x.id))
        .order_by_desc(answer_version::Column::Version)
        .all(&state.db)
        .await
        .map_err(internal)?;
    let names: HashMap<i64, String> =
        super::user_names(&state.db, versions.iter().filter_map(|v| v.saved_by)).await?;
    Ok(versions
        .into_iter()
        .map(|v| AnswerVersionDto {
            version: v.version,
            fields: serde_json::from_str(&v.data).unwrap_or_default(),
            saved_by: v
                .saved_by
                .and_then(|u| names.get(&u).cloned())
                .unwrap_or_default(),
            saved_at: ts(v.saved_at),
        })
        .collect())
}

/// Assigns an answer to a colleague of the supplier (or nobody).
pub async fn assign(
    actor: &Actor,
    state: &AppState,
    answer_id: AnswerId,
    assignee: Option<i64>,
    info: &RequestInfo,
) -> Result<(), AppError> {
    let txn = db::write_txn(&state.writer).await.map_err(internal)?;
    let (a, x) = editable_answer(&txn, actor, answer_id).await?;
    if let Some(u) = assignee {
        membership::Entity::find()
            .filter(membership::Column::OrganizationId.eq(a.supplier_org_id))
            .filter(membership::Column::UserId.eq(u))
            .filter(membership::Column::IsActive.eq(true))
            .one(&txn)
            .await
            .map_err(internal)?
            .ok_or_else(|| AppError::invalid("assignee", "Choose a colleague."))?;
    }
    let before = x.assignee_id;
    let mut am: answer::ActiveModel = x.into();
    am.assignee_id = Set(assignee);
    let x = am.update(&txn).await.map_err(internal)?;
    audit::by_actor(
        &txn,
        actor,
        &info.request_id,
        "answer.assigned",
        "answer",
        format!("{}/{}", a.id, x.id),
        Some(json!({"assignee": before})),
        Some(json!({"assignee": assignee})),
    )
    .await?;
    txn.commit().await.map_err(internal)
}

/// Fills the empty answers of an assessment from the supplier's latest
/// earlier answers to the same requirements. Returns how many were filled.
pub async fn prefill(
    actor: &Actor,
    state: &AppState,
    id: AssessmentId,
    info: &RequestInfo,
) -> Result<usize, AppError> {
    actor.require(Permission::AnswerAssessments)?;
    let txn = db::write_txn(&state.writer).await.map_err(internal)?;
    let a = find(&txn, actor, id.0).await?;
    if side(actor, &a) != Side::Supplier {
        return Err(AppError::NotFound);
    }
    if !status(&a).supplier_may_edit() {
        return Err(locked(status(&a)));
    }
    let mine = answer::Entity::find()
        .filter(answer::Column::AssessmentId.eq(a.id))
        .all(&txn)
        .await
        .map_err(internal)?;
    let empty: Vec<&answer::Model> = mine.iter().filter(|x| fields_of(x).is_empty()).collect();
    // The supplier's own earlier answers only, newest first.
    let earlier = answer::Entity::find()
        .filter(answer::Column::SupplierOrgId.eq(a.supplier_org_id))
        .filter(answer::Column::AssessmentId.ne(a.id))
        .filter(answer::Column::RequirementId.is_in(empty.iter().map(|x| x.requirement_id)))
        .filter(answer::Column::Compliance.is_not_null())
        .order_by_desc(answer::Column::UpdatedAt)
        .all(&txn)
        .await
        .map_err(internal)?;
    let mut latest: HashMap<i64, &answer::Model> = HashMap::new();
    for e in &earlier {
        latest.entry(e.requirement_id).or_insert(e);
    }
    let fills: Vec<(i64, i32, AnswerFields)> = empty
        .iter()
        .filter_map(|x| {
            latest
                .get(&x.requirement_id)
                .map(|src| (x.id, x.version, fields_of(src)))
        })
        .collect();
    let writes: Vec<AnswerWrite> = fills
        .iter()
        .map(|(id, version, f)| AnswerWrite {
            actor,
            assessment: &a,
            answer_id: *id,
            expected: *version,
            fields: f,
            request_id: &info.request_id,
        })
        .collect();
    // An answer a colleague saved since it was read here stays as they
    // saved it: the pre-fill is the one that yields.
    let outcomes = answers::write(&txn, Source::Prefill, &writes).await?;
    if outcomes.contains(&Outcome::Locked) {
        return Err(changed_meanwhile());
    }
    let filled = outcomes.iter().filter(|o| **o == Outcome::Saved).count();
    let skipped = outcomes.len() - filled;
    audit::by_actor(
        &txn,
        actor,
        &info.request_id,
        "assessment.prefilled",
        "assessment",
        a.id,
        None,
        Some(json!({"filled": filled, "changed_meanwhile": skipped})),
    )
    .await?;
    txn.commit().await.map_err(internal)?;
    Ok(filled)
}

/// Submits the supplier's answers: every requirement answered and evidence
/// attached where the profile asks for it; then the assessment is locked
/// and the asset owner's admins and reviewers are told.
pub async fn submit(
    actor: &Actor,
    state: &AppState,
    id: AssessmentId,
    info: &RequestInfo,
) -> Result<(), AppError> {
    actor.require(Permission::AnswerAssessments)?;
    let dto = get(actor, state, id).await?;
    if dto.side != Side::Supplier {
        return Err(AppError::NotFound);
    }
    let (unanswered, no_evidence) = incomplete(&dto.answers);
    if !unanswered.is_empty() || !no_evidence.is_empty() {
        let list = |v: &[String]| {
            let mut s = v.iter().take(8).cloned().collect::<Vec<_>>().join(", ");
            if v.len() > 8 {
                s.push_str(&format!(" and {} more", v.len() - 8));
            }
            s
        };
        let mut fields = Vec::new();
        if !unanswered.is_empty() {
            fields.push(crate::model::FieldError {
                field: "answers".into(),
                message: format!("{} not answered: {}.", unanswered.len(), list(&unanswered)),
            });
        }
        if !no_evidence.is_empty() {
            fields.push(crate::model::FieldError {
                field: "evidence".into(),
                message: format!(
                    "{} need evidence: {}.",
                    no_evidence.len(),
                    list(&no_evidence)
                ),
            });
        }
        return Err(AppError::Validation {
            message: "Not ready to submit yet.".into(),
            fields,
        });
    }
    let txn = db::write_txn(&state.writer).await.map_err(internal)?;
    find(&txn, actor, id.0).await?;
    // From here until the commit no answer or evidence of this assessment
    // changes (every such write locks it too); what was checked above must
    // still be what is there.
    let a = answers::lock_assessment(&txn, id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    if fingerprint(&txn, a.id).await? != fingerprint_of(&dto) {
        return Err(AppError::Conflict(
            "Answers or evidence changed while you submitted. Check them and submit again.".into(),
        ));
    }
    let from = status(&a);
    let to = from.next(Transition::Submit, Side::Supplier)?;
    set_status(&txn, actor, &a, from, to, info).await?;
    let titles = dto
        .answers
        .iter()
        .map(|x| {
            (
                x.id.0,
                format!("{} {}", x.requirement.ref_id, x.requirement.title),
            )
        })
        .collect();
    super::commitments::from_planned_answers(&txn, state, actor, &a, &titles, info).await?;
    super::dashboard::record_gaps(&txn, &a, &crate::model::gap_items(&dto)).await?;
    let link = format!("{}/assessments/{}", state.config.base_url, a.id);
    let supplier = dto.summary.supplier.clone();
    for to in member_emails(&txn, a.owner_org_id, &[Role::Admin, Role::Reviewer]).await? {
        let body = format!(
            "{supplier} submitted its answers to “{}” (version {}) in {}: {} requirements.\n\nReview them: {link}\n",
            dto.summary.profile, dto.summary.profile_version, dto.summary.engagement, dto.answers.len()
        );
        state
            .mailer
            .send(
                &txn,
                Some(crate::model::OrgId(a.owner_org_id)),
                "assessment.submitted",
                Mail {
                    to,
                    subject: format!("{supplier} submitted its security questionnaire"),
                    body: body.clone(),
                },
                &body,
            )
            .await
            .map_err(internal)?;
    }
    txn.commit().await.map_err(internal)
}

/// What a submit checked, to compare with what is there: the sum of the
/// answers' versions (every write raises one), and the count and highest id
/// of the evidence (a removal lowers the count; an addition, whatever else
/// was removed, brings a new highest id).
type Fingerprint = (i64, i64, i64);

fn fingerprint_of(dto: &AssessmentDto) -> Fingerprint {
    let versions = dto.answers.iter().map(|x| x.version as i64).sum();
    let evidence = dto.answers.iter().flat_map(|x| &x.evidence);
    (
        versions,
        evidence.clone().count() as i64,
        evidence.map(|e| e.id.0).max().unwrap_or(0),
    )
}

async fn fingerprint<C: ConnectionTrait>(conn: &C, id: i64) -> Result<Fingerprint, AppError> {
    // Cast: PostgreSQL sums integers as bigint, SQLite as integer.
    let versions: Option<i64> = answer::Entity::find()
        .select_only()
        .column_as(Expr::cust("CAST(SUM(version) AS BIGINT)"), "v")
        .filter(answer::Column::AssessmentId.eq(id))
        .into_tuple()
        .one(conn)
        .await
        .map_err(internal)?
        .flatten();
    let (count, ids): (i64, Option<i64>) = evidence::Entity::find()
        .select_only()
        .column_as(evidence::Column::Id.count(), "n")
        .column_as(evidence::Column::Id.max(), "s")
        .filter(evidence::Column::AssessmentId.eq(id))
        .into_tuple()
        .one(conn)
        .await
        .map_err(internal)?
        .unwrap_or((0, None));
    Ok((versions.unwrap_or(0), count, ids.unwrap_or(0)))
}

/// The asset owner's moves on an assessment (reopen, withdraw; the review
/// decisions come with the review work).
pub async fn transition(
    actor: &Actor,
    state: &AppState,
    id: AssessmentId,
    t: Transition,
    info: &RequestInfo,
) -> Result<AssessmentStatus, AppError> {
    actor.require(Permission::ManageEngagements)?;
    let txn = db::write_txn(&state.writer).await.map_err(internal)?;
    let a = find(&txn, actor, id.0).await?;
    let from = status(&a);
    let to = from.next(t, side(actor, &a))?;
    set_status(&txn, actor, &a, from, to, info).await?;
    txn.commit().await.map_err(internal)?;
    Ok(to)
}

pub use super::evidence_files::*;
