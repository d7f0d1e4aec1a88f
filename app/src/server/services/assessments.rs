//! Assessments from either side: the supplier answers, attaches evidence
//! and submits; the asset owner follows progress, reopens or withdraws.
//! Every query starts from the caller's organization on its own side of the
//! assessment, so a supplier never loads another supplier's assessment.

use super::ts;
use crate::model::{
    check_answer, incomplete, AnswerDto, AnswerFields, AnswerId, AnswerInput, AnswerVersionDto,
    AppError, AssessmentDto, AssessmentId, AssessmentStatus, AssessmentSummary, EngagementId,
    EvidenceDto, OrgId, Permission, Progress, SaveOutcome, Side, Transition, UserId,
};
use crate::server::notify;
use crate::server::{
    access,
    answers::{self, fields_of, AnswerWrite, Outcome, Source},
    audit, db,
    entities::{answer, answer_version, assessment, evidence, membership, user},
    read_models, writes, Actor, AppState,
};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use std::collections::HashMap;

/// The assessments the organization was sent (supplier), sent (owner) or
/// assesses (assessor).
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn list(actor: &Actor, state: &AppState) -> Result<Vec<AssessmentSummary>, AppError> {
    let q = access::assessments_readable(actor)
        .order_by_asc(assessment::Column::DueOn)
        .order_by_asc(assessment::Column::Id);
    Ok(read_models::summarized(&state.db, q)
        .await?
        .into_iter()
        .map(|(_, s)| s)
        .collect())
}

/// What the API's assessment list may be narrowed to.
#[derive(Clone, Debug, Default)]
pub struct AssessmentFilter {
    pub status: Option<AssessmentStatus>,
    pub supplier: Option<OrgId>,
    pub engagement: Option<EngagementId>,
    /// Due on or before this day.
    pub due_before: Option<chrono::NaiveDate>,
    /// Due on or after this day.
    pub due_after: Option<chrono::NaiveDate>,
}

/// One page of the assessments the actor may read, by id, after the id
/// `after`; and whether more follow. The rows come with their summaries.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0))]
pub async fn page(
    actor: &Actor,
    state: &AppState,
    filter: &AssessmentFilter,
    after: Option<i64>,
    limit: u64,
) -> Result<(Vec<(assessment::Model, AssessmentSummary)>, bool), AppError> {
    let mut q = access::assessments_readable(actor);
    if let Some(s) = filter.status {
        q = q.filter(assessment::Column::Status.eq(s));
    }
    if let Some(o) = filter.supplier {
        q = q.filter(assessment::Column::SupplierOrgId.eq(o.0));
    }
    if let Some(e) = filter.engagement {
        q = q.filter(assessment::Column::EngagementId.eq(e.0));
    }
    if let Some(d) = filter.due_before {
        q = q.filter(assessment::Column::DueOn.lte(d));
    }
    if let Some(d) = filter.due_after {
        q = q.filter(assessment::Column::DueOn.gte(d));
    }
    if let Some(a) = after {
        q = q.filter(assessment::Column::Id.gt(a));
    }
    let q = q.order_by_asc(assessment::Column::Id).limit(limit + 1);
    let mut rows = read_models::summarized(&state.db, q).await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    Ok((rows, more))
}

/// One assessment the actor may read, with its summary.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn one(
    actor: &Actor,
    state: &AppState,
    id: AssessmentId,
) -> Result<(assessment::Model, AssessmentSummary), AppError> {
    let a = access::assessment_readable(&state.db, actor, id)
        .await?
        .into_inner();
    let summary = read_models::assessment_summaries(&state.db, vec![a.clone()])
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    Ok((a, summary))
}

fn evidence_dto(e: evidence::Model) -> EvidenceDto {
    EvidenceDto {
        id: e.id,
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

/// The answers of a readable assessment in the profile's order, with their
/// evidence and verdicts (`names`: the assignees' names, where wanted).
async fn answer_dtos(
    state: &AppState,
    a: &access::Readable<assessment::Model>,
    rows: &read_models::ProfileRows,
    names: &HashMap<UserId, String>,
) -> Result<Vec<AnswerDto>, AppError> {
    let db = &state.db;
    let answers = access::answers_of(a).all(db).await?;
    let mut evidence: HashMap<i64, Vec<EvidenceDto>> = HashMap::new();
    for e in access::evidence_of(a)
        .order_by_asc(evidence::Column::Id)
        .all(db)
        .await?
    {
        evidence
            .entry(e.answer_id.0)
            .or_default()
            .push(evidence_dto(e));
    }
    let verdicts = read_models::verdicts(db, a.id.0).await?;
    let mut out: Vec<(i32, AnswerDto)> = answers
        .into_iter()
        .filter_map(|x| {
            let (item, r) = rows.items.get(&x.profile_item_id)?;
            Some((
                item.position,
                AnswerDto {
                    id: x.id,
                    requirement: r.clone(),
                    section: item.section.clone(),
                    target_kind: item.target_kind,
                    target: item.target,
                    responsible_party: item.responsible_party,
                    weight: item.weight,
                    evidence_required: item.evidence_required,
                    parameters: item.parameters.clone(),
                    fields: fields_of(&x),
                    assignee: x.assignee_id.and_then(|u| names.get(&u).cloned()),
                    assignee_id: x.assignee_id.map(|x| x.0),
                    version: x.version,
                    review: verdicts.get(&x.id).copied(),
                    evidence: evidence.remove(&x.id.0).unwrap_or_default(),
                    since_last: None,
                },
            ))
        })
        .collect();
    out.sort_by_key(|(p, _)| *p);
    Ok(out.into_iter().map(|(_, a)| a).collect())
}

/// An assessment's answers with their evidence and verdicts, in the
/// profile's order: what the API lists (four queries, nothing else of the
/// assessment).
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn answers(
    actor: &Actor,
    state: &AppState,
    id: AssessmentId,
) -> Result<Vec<AnswerDto>, AppError> {
    let a = access::assessment_readable(&state.db, actor, id).await?;
    let rows = read_models::profile_rows(state, a.profile_id).await?;
    answer_dtos(state, &a, &rows, &HashMap::new()).await
}

/// One assessment with every answer and its evidence. A fixed number of
/// queries, whatever the number of requirements; progress is counted from
/// what is loaded.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn get(
    actor: &Actor,
    state: &AppState,
    id: AssessmentId,
) -> Result<AssessmentDto, AppError> {
    let db = &state.db;
    let a = access::assessment_readable(db, actor, id).await?;
    let side = access::side_of(actor, &a);
    let rows = read_models::profile_rows(state, a.profile_id).await?;
    // The supplier's members: assignees and the colleagues to choose from.
    let members = access::supplier_members(&a).all(db).await?;
    let names: HashMap<UserId, String> =
        super::user_names(db, members.iter().map(|m| m.user_id)).await?;
    let mut answers = answer_dtos(state, &a, &rows, &names).await?;
    let renewal = super::renewals::of_assessment(db, actor, &a, side, &mut answers).await?;
    let progress = Progress {
        total: answers.len() as u64,
        answered: answers
            .iter()
            .filter(|x| x.fields.compliance.is_some())
            .count() as u64,
        evidence_missing: answers
            .iter()
            .filter(|x| {
                // Only what the answers given so far require: an empty
                // questionnaire misses nothing yet.
                x.evidence_required
                    && x.evidence.is_empty()
                    && x.fields.compliance.is_some_and(|c| c.needs_evidence())
            })
            .count() as u64,
    };
    let engagement = access::engagement_of(db, &a).await?.into_inner().name;
    let orgs: HashMap<OrgId, String> =
        super::org_names(db, [a.owner_org_id, a.supplier_org_id]).await?;
    let mut colleagues: Vec<(UserId, String)> = if side == Side::Supplier {
        names.into_iter().collect()
    } else {
        Vec::new()
    };
    colleagues.sort_by(|a, b| a.1.cmp(&b.1));
    let named = super::product_answers::named_by_owner(db, &a).await?;
    let (product, product_versions, certificates) =
        super::product_answers::for_assessment(db, actor, &a, side, state.clock.today()).await?;
    Ok(AssessmentDto {
        summary: AssessmentSummary {
            id: a.id,
            engagement_id: a.engagement_id,
            engagement,
            owner: orgs.get(&a.owner_org_id).cloned().unwrap_or_default(),
            supplier: orgs.get(&a.supplier_org_id).cloned().unwrap_or_default(),
            profile: rows.name.clone(),
            profile_version: rows.version,
            status: access::assessment_status(&a),
            due_on: a.due_on.to_string(),
            progress,
        },
        profile_id: a.profile_id,
        abilities: access::abilities(actor, &a),
        message: a.message.clone(),
        side,
        answers,
        colleagues,
        decision: a.decision_rationale.clone(),
        product,
        product_versions,
        certificates,
        renewal,
        named,
    })
}

/// Saves an answer if nobody saved it since `expected_version`; otherwise
/// nothing is written and both versions come back. Every saved version is
/// kept.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, answer_id = ?answer_id))]
pub async fn save_answer(
    actor: &Actor,
    state: &AppState,
    answer_id: AnswerId,
    expected_version: i32,
    input: AnswerInput,
) -> Result<SaveOutcome, AppError> {
    let fields = check_answer(&input)?;
    // Checked before the write transaction, on the read pool; the update
    // below repeats the version and status conditions, so nothing can slip
    // in between.
    let (a, current) = access::answer_editable(&state.db, actor, answer_id).await?;
    let assessment_id = a.id;
    // Written by the save queue, in one transaction with the saves that
    // arrive meanwhile (see `autosave`).
    let written = state
        .saves
        .write(
            &state.writer,
            super::autosave::Save {
                actor: actor.clone(),
                assessment: a.clone().into_inner(),
                answer_id: current.id.0,
                expected: expected_version,
                fields,
                at: state.clock.now(),
            },
        )
        .await?;
    if written {
        return Ok(SaveOutcome::Saved {
            version: expected_version + 1,
        });
    }
    let now_status = access::assessment_of_party(&state.db, actor, assessment_id)
        .await
        .map(|a| access::assessment_status(&a))?;
    if !now_status.supplier_may_edit() {
        return Err(access::locked(now_status));
    }
    // Someone saved first: nothing was written; show both.
    let theirs = access::answer_in(&state.db, &a, current.id).await?;
    let saved_by = match theirs.updated_by {
        Some(u) => user::Entity::find_by_id(u)
            .one(&state.db)
            .await?
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
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, answer_id = ?answer_id))]
pub async fn history(
    actor: &Actor,
    state: &AppState,
    answer_id: AnswerId,
) -> Result<Vec<AnswerVersionDto>, AppError> {
    let (_, x) = access::answer_readable(&state.db, actor, answer_id).await?;
    let versions = access::versions_of(&x)
        .order_by_desc(answer_version::Column::Version)
        .all(&state.db)
        .await?;
    let names: HashMap<UserId, String> =
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
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, answer_id = ?answer_id))]
pub async fn assign(
    actor: &Actor,
    state: &AppState,
    answer_id: AnswerId,
    assignee: Option<i64>,
) -> Result<(), AppError> {
    let txn = db::write_txn(&state.writer).await?;
    let (a, x) = access::answer_editable(&txn, actor, answer_id).await?;
    if let Some(u) = assignee {
        access::supplier_members(&a)
            .filter(membership::Column::UserId.eq(u))
            .one(&txn)
            .await?
            .ok_or_else(|| AppError::invalid("assignee", "Choose a colleague."))?;
    }
    let before = x.assignee_id;
    let mut am: answer::ActiveModel = x.into_inner().into();
    am.assignee_id = Set(assignee.map(UserId));
    let x = am.update(&txn).await?;
    audit::by_actor(
        &txn,
        actor,
        "answer.assigned",
        "answer",
        format!("{}/{}", a.id, x.id),
        Some(json!({"assignee": before})),
        Some(json!({"assignee": assignee})),
    )
    .await?;
    Ok(txn.commit().await?)
}

/// Fills the empty answers of an assessment from the supplier's latest
/// earlier answers to the same requirements. Returns how many were filled.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn prefill(actor: &Actor, state: &AppState, id: AssessmentId) -> Result<usize, AppError> {
    actor.require(Permission::AnswerAssessments)?;
    let txn = db::write_txn(&state.writer).await?;
    let a = access::assessment_of_party(&txn, actor, id).await?;
    if access::side_of(actor, &a) != Side::Supplier {
        return Err(AppError::NotFound);
    }
    if !access::assessment_status(&a).supplier_may_edit() {
        return Err(access::locked(access::assessment_status(&a)));
    }
    let mine = access::answers_of(&a).all(&txn).await?;
    let empty: Vec<&answer::Model> = mine.iter().filter(|x| fields_of(x).is_empty()).collect();
    // The supplier's own earlier answers only, newest first.
    let earlier = access::answers_given_by(actor)
        .filter(answer::Column::AssessmentId.ne(a.id))
        .filter(answer::Column::RequirementId.is_in(empty.iter().map(|x| x.requirement_id)))
        .filter(answer::Column::Compliance.is_not_null())
        .order_by_desc(answer::Column::UpdatedAt)
        .all(&txn)
        .await?;
    let mut latest: HashMap<i64, &answer::Model> = HashMap::new();
    for e in &earlier {
        latest.entry(e.requirement_id.0).or_insert(e);
    }
    let fills: Vec<(AnswerId, i32, AnswerFields)> = empty
        .iter()
        .filter_map(|x| {
            latest
                .get(&x.requirement_id.0)
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
            at: state.clock.now(),
        })
        .collect();
    // An answer a colleague saved since it was read here stays as they
    // saved it: the pre-fill is the one that yields.
    let outcomes = answers::write(&txn, Source::Prefill, &writes).await?;
    if outcomes.contains(&Outcome::Locked) {
        return Err(access::changed_meanwhile());
    }
    let filled = outcomes.iter().filter(|o| **o == Outcome::Saved).count();
    let skipped = outcomes.len() - filled;
    audit::by_actor(
        &txn,
        actor,
        "assessment.prefilled",
        "assessment",
        a.id,
        None,
        Some(json!({"filled": filled, "changed_meanwhile": skipped})),
    )
    .await?;
    txn.commit().await?;
    Ok(filled)
}

/// Submits the supplier's answers: every requirement answered and evidence
/// attached where the profile asks for it; then the assessment is locked
/// and the asset owner's admins and reviewers are told.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn submit(actor: &Actor, state: &AppState, id: AssessmentId) -> Result<(), AppError> {
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
                    "{} {} evidence: {}.",
                    no_evidence.len(),
                    if no_evidence.len() == 1 {
                        "needs"
                    } else {
                        "need"
                    },
                    list(&no_evidence)
                ),
            });
        }
        return Err(AppError::Validation {
            message: "Not ready to submit yet.".into(),
            fields,
        });
    }
    let txn = db::write_txn(&state.writer).await?;
    let party = access::assessment_of_party(&txn, actor, id).await?;
    // From here until the commit no answer or evidence of this assessment
    // changes (every such write locks it too); what was checked above must
    // still be what is there.
    let a = answers::lock_assessment(&txn, id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    if fingerprint(&txn, &party).await? != fingerprint_of(&dto) {
        return Err(AppError::Conflict(
            "Answers or evidence changed while you submitted. Check them and submit again.".into(),
        ));
    }
    let from = access::assessment_status(&a);
    let to = from.next(Transition::Submit, Side::Supplier)?;
    writes::set_assessment_status(&txn, actor, &a, from, to).await?;
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
    let planned = writes::commitments_from_planned_answers(&txn, state, actor, &a, &titles).await?;
    writes::record_gaps(&txn, &a, &crate::model::gap_items(&dto)).await?;
    let supplier = dto.summary.supplier.clone();
    let again = from == AssessmentStatus::ChangesRequested;
    notify::assessment_event(
        &txn,
        state,
        if again {
            notify::Event::Resubmitted
        } else {
            notify::Event::Submitted
        },
        &a,
        &format!(
            "{supplier} {} its security questionnaire",
            if again { "resubmitted" } else { "submitted" }
        ),
        &format!(
            "{supplier} submitted its answers to “{}” (version {}) in {}: {} requirements. Review them.",
            dto.summary.profile,
            dto.summary.profile_version,
            dto.summary.engagement,
            dto.answers.len()
        ),
        None,
    )
    .await?;
    if planned > 0 {
        notify::assessment_event(
            &txn,
            state,
            notify::Event::PlannedCommitments,
            &a,
            &format!("{supplier} proposed {planned} commitment(s)"),
            &format!(
                "{supplier} plans to meet {planned} requirement(s) of “{}” later: each became a proposed commitment with its date. Agree to them or answer.",
                dto.summary.profile
            ),
            Some("/commitments"),
        )
        .await?;
    }
    crate::server::webhooks::assessment_event(
        &txn,
        state,
        &a,
        crate::server::webhooks::Topic::AssessmentSubmitted,
        "submitted",
    )
    .await?;
    Ok(txn.commit().await?)
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

async fn fingerprint<C: ConnectionTrait>(
    conn: &C,
    a: &access::Readable<assessment::Model>,
) -> Result<Fingerprint, AppError> {
    // Cast: PostgreSQL sums integers as bigint, SQLite as integer.
    let versions: Option<i64> = access::answers_of(a)
        .select_only()
        .column_as(Expr::cust("CAST(SUM(version) AS BIGINT)"), "v")
        .into_tuple()
        .one(conn)
        .await?
        .flatten();
    let (count, ids): (i64, Option<i64>) = access::evidence_of(a)
        .select_only()
        .column_as(evidence::Column::Id.count(), "n")
        .column_as(evidence::Column::Id.max(), "s")
        .into_tuple()
        .one(conn)
        .await?
        .unwrap_or((0, None));
    Ok((versions.unwrap_or(0), count, ids.unwrap_or(0)))
}

/// The asset owner's moves on an assessment (reopen, withdraw; the review
/// decisions come with the review work).
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn transition(
    actor: &Actor,
    state: &AppState,
    id: AssessmentId,
    t: Transition,
) -> Result<AssessmentStatus, AppError> {
    actor.require(Permission::ManageEngagements)?;
    let txn = db::write_txn(&state.writer).await?;
    let a = access::assessment_of_party(&txn, actor, id).await?;
    let from = access::assessment_status(&a);
    let to = from.next(t, access::side_of(actor, &a))?;
    writes::set_assessment_status(&txn, actor, &a, from, to).await?;
    txn.commit().await?;
    Ok(to)
}

pub use super::evidence_files::*;
