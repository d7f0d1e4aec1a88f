//! Two-party rows: an assessment belongs to its asset owner and one
//! supplier, and an engagement's assessor may read it. Everything that
//! hangs off it (answers, evidence, reviews, comments, versions) is reached
//! through a capability on the assessment or the answer.

use super::*;

/// Assessments the actor's organization is a party to: as asset owner, or
/// as the supplier it was sent to. Every change starts here.
pub fn assessments_of_party(actor: &Actor) -> Select<assessment::Entity> {
    let org = actor.org_id().0;
    assessment::Entity::find().filter(
        Condition::any()
            .add(assessment::Column::OwnerOrgId.eq(org))
            .add(assessment::Column::SupplierOrgId.eq(org)),
    )
}

/// The assessments the actor's organization sent, as asset owner (its
/// portfolio): one side of [`assessments_of_party`].
pub fn assessments_as_owner(actor: &Actor) -> Select<assessment::Entity> {
    assessment::Entity::find().filter(assessment::Column::OwnerOrgId.eq(actor.org_id().0))
}

/// The assessments the actor's organization was sent, as supplier.
pub fn assessments_as_supplier(actor: &Actor) -> Select<assessment::Entity> {
    assessment::Entity::find().filter(assessment::Column::SupplierOrgId.eq(actor.org_id().0))
}

/// The answers to the asset owner's assessments that are not withdrawn,
/// whatever the supplier (the owner's own aggregates, e.g. its program's
/// supplier coverage).
pub fn answers_as_owner(actor: &Actor) -> Select<answer::Entity> {
    answer::Entity::find().filter(
        answer::Column::AssessmentId.in_subquery(
            sea_orm::sea_query::Query::select()
                .column(assessment::Column::Id)
                .from(assessment::Entity)
                .and_where(assessment::Column::OwnerOrgId.eq(actor.org_id().0))
                .and_where(assessment::Column::Status.ne(AssessmentStatus::Withdrawn))
                .to_owned(),
        ),
    )
}

/// The level gaps recorded for the asset owner's assessments in `statuses`.
pub fn gaps_as_owner(
    actor: &Actor,
    statuses: &[AssessmentStatus],
) -> Select<assessment_gap::Entity> {
    assessment_gap::Entity::find().filter(
        assessment_gap::Column::AssessmentId.in_subquery(
            sea_orm::sea_query::Query::select()
                .column(assessment::Column::Id)
                .from(assessment::Entity)
                .and_where(assessment::Column::OwnerOrgId.eq(actor.org_id().0))
                .and_where(assessment::Column::Status.is_in(statuses.iter().copied()))
                .to_owned(),
        ),
    )
}

/// Assessments the actor may read: those of [`assessments_of_party`], and
/// for an assessor organization every assessment of the engagements it was
/// invited into. Only reading goes through this, so an assessor never
/// changes anything but its own comments.
pub fn assessments_readable(actor: &Actor) -> Select<assessment::Entity> {
    assessment::Entity::find().filter(readable_condition(actor))
}

fn readable_condition(actor: &Actor) -> Condition {
    let org = actor.org_id().0;
    let mut any = Condition::any()
        .add(assessment::Column::OwnerOrgId.eq(org))
        .add(assessment::Column::SupplierOrgId.eq(org));
    if actor.kinds().contains(&OrgKind::Assessor) {
        any = any
            .add(assessment::Column::EngagementId.in_subquery(engagements_assessed_by(OrgId(org))));
    }
    any
}

/// The actor's side of an assessment it may read.
pub fn side_of(actor: &Actor, a: &assessment::Model) -> Side {
    if a.owner_org_id == actor.org_id() {
        Side::Owner
    } else if a.supplier_org_id == actor.org_id() {
        Side::Supplier
    } else {
        Side::Assessor
    }
}

/// What the actor may do with an assessment it may read: the one rule,
/// `model::assessment_abilities`, applied to the actor and the row.
pub fn abilities(actor: &Actor, a: &assessment::Model) -> AssessmentAbilities {
    assessment_abilities(
        side_of(actor, a),
        actor.role(),
        actor.kinds(),
        assessment_status(a),
    )
}

/// An assessment the actor may read (see [`assessments_readable`]).
pub async fn assessment_readable<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: AssessmentId,
) -> Result<Readable<assessment::Model>, AppError> {
    assessments_readable(actor)
        .filter(assessment::Column::Id.eq(id))
        .one(conn)
        .await
        .found_readable()
}

/// An assessment the actor's organization is a party to (see
/// [`assessments_of_party`]).
pub async fn assessment_of_party<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: AssessmentId,
) -> Result<Editable<assessment::Model>, AppError> {
    assessments_of_party(actor)
        .filter(assessment::Column::Id.eq(id))
        .one(conn)
        .await
        .found_editable()
}

/// An assessment's status as stored.
pub fn assessment_status(a: &assessment::Model) -> AssessmentStatus {
    a.status
}

/// Why the supplier's answers cannot change in `status`.
pub fn locked(status: AssessmentStatus) -> AppError {
    AppError::Conflict(format!(
        "This assessment is {}; answers can no longer change unless the asset owner reopens it.",
        status.label().to_lowercase()
    ))
}

/// An answer write found its assessment no longer editable.
pub fn changed_meanwhile() -> AppError {
    AppError::Conflict(
        "Nothing was changed: the assessment was submitted or closed meanwhile. Reload the page to see it."
            .into(),
    )
}

/// An answer the actor's organization may edit as the supplier, with its
/// assessment, read inside `conn`.
pub async fn answer_editable<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    answer_id: AnswerId,
) -> Result<(Editable<assessment::Model>, Editable<answer::Model>), AppError> {
    actor.require(Permission::AnswerAssessments)?;
    // The answer with its assessment in one query (every autosave runs it):
    // both must be the caller's organization's, as the supplier.
    let org = actor.org_id().0;
    let (x, a) = answer_with_assessment(
        conn,
        answer_id,
        Condition::all()
            .add(answer::Column::SupplierOrgId.eq(org))
            .add(assessment::Column::SupplierOrgId.eq(org)),
    )
    .await?;
    if side_of(actor, &a) != Side::Supplier {
        return Err(AppError::NotFound);
    }
    if !assessment_status(&a).supplier_may_edit() {
        return Err(locked(assessment_status(&a)));
    }
    Ok((editable(a), editable(x)))
}

/// [`answer_editable`] inside a write transaction, with the assessment
/// locked until it ends (see `answers::lock_assessment`): for changes that
/// a submit must see whole or not at all, such as evidence.
pub async fn answer_editable_locked<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    answer_id: AnswerId,
) -> Result<(Editable<assessment::Model>, Editable<answer::Model>), AppError> {
    let (_, x) = answer_editable(txn, actor, answer_id).await?;
    let a = answers::lock_assessment(txn, x.assessment_id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    if !assessment_status(&a).supplier_may_edit() {
        return Err(locked(assessment_status(&a)));
    }
    Ok((editable(a), x))
}

/// An answer the actor may read, with its assessment (see
/// [`assessments_readable`]).
pub async fn answer_readable<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    answer_id: AnswerId,
) -> Result<(Readable<assessment::Model>, Readable<answer::Model>), AppError> {
    let (x, a) = answer_with_assessment(conn, answer_id, readable_condition(actor)).await?;
    Ok((readable(a), readable(x)))
}

/// An answer with its assessment, in one query, where `condition` (on
/// either table) holds; otherwise not found.
async fn answer_with_assessment<C: ConnectionTrait>(
    conn: &C,
    answer_id: AnswerId,
    condition: Condition,
) -> Result<(answer::Model, assessment::Model), AppError> {
    let (x, a) = answer::Entity::find_by_id(answer_id)
        .join(
            sea_orm::JoinType::InnerJoin,
            answer::Entity::belongs_to(assessment::Entity)
                .from(answer::Column::AssessmentId)
                .to(assessment::Column::Id)
                .into(),
        )
        .filter(condition)
        .select_also(assessment::Entity)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((x, a.ok_or(AppError::NotFound)?))
}

/// An answer of an assessment the actor's organization is a party to, with
/// the assessment (the owner reviewing it, the supplier answering it).
pub async fn answer_of_party<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    answer_id: AnswerId,
) -> Result<(Editable<assessment::Model>, Editable<answer::Model>), AppError> {
    let (a, x) = answer_readable(conn, actor, answer_id).await?;
    if side_of(actor, &a) == Side::Assessor {
        return Err(AppError::NotFound);
    }
    Ok((editable(a.into_inner()), editable(x.into_inner())))
}

// What hangs off a readable assessment. Each takes the capability, so the
// parent was checked.

/// The answers of an assessment.
pub fn answers_of(a: &Readable<assessment::Model>) -> Select<answer::Entity> {
    answer::Entity::find().filter(answer::Column::AssessmentId.eq(a.id))
}

/// The answers of several assessments.
pub fn answers_of_all(list: &[Readable<assessment::Model>]) -> Select<answer::Entity> {
    answer::Entity::find().filter(answer::Column::AssessmentId.is_in(list.iter().map(|a| a.id)))
}

/// An answer of the assessment, by id.
pub async fn answer_in<C: ConnectionTrait>(
    conn: &C,
    a: &Readable<assessment::Model>,
    id: AnswerId,
) -> Result<Readable<answer::Model>, AppError> {
    answers_of(a)
        .filter(answer::Column::Id.eq(id))
        .one(conn)
        .await
        .found_readable()
}

/// The evidence attached to an assessment's answers.
pub fn evidence_of(a: &Readable<assessment::Model>) -> Select<evidence::Entity> {
    evidence::Entity::find().filter(evidence::Column::AssessmentId.eq(a.id))
}

/// The evidence attached to one answer.
pub fn evidence_of_answer(x: &Readable<answer::Model>) -> Select<evidence::Entity> {
    evidence::Entity::find().filter(evidence::Column::AnswerId.eq(x.id))
}

/// The digests of the files the actor's organization keeps (a subquery):
/// evidence it attached as a supplier and its product library's. Each
/// stored file counts once against its storage quota, however many answers
/// point at it.
pub fn digests_stored_by(actor: &Actor) -> sea_orm::sea_query::SelectStatement {
    use crate::server::entities::library_evidence;
    use sea_orm::sea_query::{Query, UnionType};
    let mut q = Query::select()
        .column(evidence::Column::Sha256)
        .from(evidence::Entity)
        .and_where(evidence::Column::Sha256.is_not_null())
        .and_where(
            evidence::Column::AssessmentId.in_subquery(
                Query::select()
                    .column(assessment::Column::Id)
                    .from(assessment::Entity)
                    .and_where(assessment::Column::SupplierOrgId.eq(actor.org_id().0))
                    .to_owned(),
            ),
        )
        .to_owned();
    q.union(
        UnionType::Distinct,
        Query::select()
            .column(library_evidence::Column::Sha256)
            .from(library_evidence::Entity)
            .and_where(library_evidence::Column::OrganizationId.eq(actor.org_id().0))
            .and_where(library_evidence::Column::Sha256.is_not_null())
            .to_owned(),
    );
    q
}

/// The evidence files the actor uploaded to an answer (not copies), in any
/// assessment (for the upload rate limit).
pub fn files_attached_by(actor: &Actor) -> Select<evidence::Entity> {
    evidence::Entity::find()
        .filter(evidence::Column::CreatedBy.eq(actor.user_id()))
        .filter(evidence::Column::Kind.eq("file"))
        .filter(evidence::Column::Copied.eq(false))
}

/// The files the actor uploaded to a product library (not copies), in any
/// of its organizations, as [`files_attached_by`].
pub fn library_files_attached_by(
    actor: &Actor,
) -> Select<crate::server::entities::library_evidence::Entity> {
    use crate::server::entities::library_evidence;
    library_evidence::Entity::find()
        .filter(library_evidence::Column::CreatedBy.eq(actor.user_id()))
        .filter(library_evidence::Column::Kind.eq("file"))
        .filter(library_evidence::Column::Copied.eq(false))
}

/// An evidence item of an assessment the actor may read.
pub async fn evidence_readable<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: EvidenceId,
) -> Result<Readable<evidence::Model>, AppError> {
    evidence::Entity::find_by_id(id)
        .filter(
            evidence::Column::AssessmentId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(assessment::Column::Id)
                    .from(assessment::Entity)
                    .cond_where(readable_condition(actor))
                    .to_owned(),
            ),
        )
        .one(conn)
        .await
        .found_readable()
}

/// The asset owner's verdicts on an assessment's answers.
pub fn reviews_of(a: &Readable<assessment::Model>) -> Select<review::Entity> {
    review::Entity::find().filter(review::Column::AssessmentId.eq(a.id))
}

/// The verdicts on several assessments' answers.
pub fn reviews_of_all(list: &[Readable<assessment::Model>]) -> Select<review::Entity> {
    review::Entity::find().filter(review::Column::AssessmentId.is_in(list.iter().map(|a| a.id)))
}

/// The comments on an assessment the actor may see: a supplier sees the
/// shared ones only, never the owner's and assessors' internal notes.
pub fn comments_of(actor: &Actor, a: &Readable<assessment::Model>) -> Select<comment::Entity> {
    let q = comment::Entity::find().filter(comment::Column::AssessmentId.eq(a.id));
    if side_of(actor, a) == Side::Supplier {
        q.filter(comment::Column::Visibility.eq(Visibility::Shared))
    } else {
        q
    }
}

/// Every saved version of an answer.
pub fn versions_of(x: &Readable<answer::Model>) -> Select<answer_version::Entity> {
    answer_version::Entity::find().filter(answer_version::Column::AnswerId.eq(x.id))
}

/// The supplier's active members: who answers may be assigned to, and whose
/// names the other side sees on assigned answers.
pub fn supplier_members(a: &Readable<assessment::Model>) -> Select<membership::Entity> {
    membership::Entity::find()
        .filter(membership::Column::OrganizationId.eq(a.supplier_org_id))
        .filter(membership::Column::IsActive.eq(true))
}

/// The engagement an assessment belongs to, which whoever reads the
/// assessment may read too (its name, its matrix row).
pub async fn engagement_of<C: ConnectionTrait>(
    conn: &C,
    a: &Readable<assessment::Model>,
) -> Result<Readable<engagement::Model>, AppError> {
    engagement::Entity::find_by_id(a.engagement_id)
        .one(conn)
        .await
        .found_readable()
}

/// The answers the actor's organization gave as a supplier, in any of its
/// assessments (pre-fill copies from them).
pub fn answers_given_by(actor: &Actor) -> Select<answer::Entity> {
    answer::Entity::find().filter(answer::Column::SupplierOrgId.eq(actor.org_id().0))
}

/// The requirement a readable answer answers, as "ref title" (for telling
/// people which one an event is about).
pub async fn requirement_of<C: ConnectionTrait>(
    conn: &C,
    x: &Readable<answer::Model>,
) -> Result<String, AppError> {
    Ok(requirement::Entity::find_by_id(x.requirement_id)
        .one(conn)
        .await?
        .map(|r| format!("{} {}", r.ref_id, r.title))
        .unwrap_or_default())
}

/// The reference ids ("CR 1.1") of requirements, by id.
pub async fn requirement_refs<C: ConnectionTrait>(
    conn: &C,
    ids: impl IntoIterator<Item = crate::model::RequirementId>,
) -> Result<std::collections::HashMap<crate::model::RequirementId, String>, AppError> {
    Ok(requirement::Entity::find()
        .filter(requirement::Column::Id.is_in(ids.into_iter().map(|i| i.0)))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.id, r.ref_id))
        .collect())
}

/// The renewal of an assessment (the next round of its recurring
/// re-assessment), once opened.
pub fn renewal_of(a: &Readable<assessment::Model>) -> Select<assessment::Entity> {
    assessment::Entity::find().filter(assessment::Column::RenewalOf.eq(a.id))
}
