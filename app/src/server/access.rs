//! Who may see and change what: the one place that turns an actor and an id
//! into tenant data. An id from another organization is simply not found
//! (`NotFound`, never "forbidden"), and the organization always comes from
//! the actor, never from the client.
//!
//! - Single-owner rows (members, invitations, outbox, audit events, supplier
//!   links, profiles) implement [`TenantScoped`]: [`scoped`] and
//!   [`find_owned`] start every query from the actor's organization.
//! - Two-party rows — an assessment and what hangs off it, and commitments —
//!   belong to an asset owner and one supplier; an engagement's assessor may
//!   read them. One predicate per question: [`assessments_of_party`] (the
//!   two parties, the only start for changes), [`assessments_readable`]
//!   (those, plus an assessor's engagements), [`side_of`], and the lookups
//!   built on them ([`assessment_readable`], [`assessment_of_party`],
//!   [`answer_editable`], [`engagement`], [`engagement_with_supplier`]).
//!   Commitments likewise: [`commitments_of_party`], [`commitments_readable`].

use super::{
    answers,
    entities::{
        answer, assessment, audit_event, catalog, commitment, engagement, engagement_assessor,
        invitation, membership, outbox, profile, supplier_link,
    },
    respond::internal,
    Actor,
};
use crate::model::{
    assessment_abilities, AnswerId, AppError, AssessmentAbilities, AssessmentStatus,
    CommitmentRole, OrgKind, Permission, Side,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PrimaryKeyTrait, QueryFilter,
    QuerySelect, Select,
};

/// An entity whose rows belong to exactly one organization.
pub trait TenantScoped: EntityTrait {
    fn org_column() -> Self::Column;
}

impl TenantScoped for membership::Entity {
    fn org_column() -> Self::Column {
        membership::Column::OrganizationId
    }
}
impl TenantScoped for invitation::Entity {
    fn org_column() -> Self::Column {
        invitation::Column::OrganizationId
    }
}
impl TenantScoped for outbox::Entity {
    fn org_column() -> Self::Column {
        outbox::Column::OrganizationId
    }
}
impl TenantScoped for audit_event::Entity {
    fn org_column() -> Self::Column {
        audit_event::Column::OrganizationId
    }
}
/// An asset owner's links to its suppliers belong to the asset owner.
impl TenantScoped for supplier_link::Entity {
    fn org_column() -> Self::Column {
        supplier_link::Column::OwnerOrgId
    }
}

/// An engagement belongs to its asset owner (an assessor reads it through
/// [`engagement`]).
impl TenantScoped for engagement::Entity {
    fn org_column() -> Self::Column {
        engagement::Column::OwnerOrgId
    }
}

impl TenantScoped for profile::Entity {
    fn org_column() -> Self::Column {
        profile::Column::OwnerOrgId
    }
}

/// All rows of `E` that the actor's organization owns.
pub fn scoped<E: TenantScoped>(actor: &Actor) -> Select<E> {
    E::find().filter(E::org_column().eq(actor.org_id().0))
}

/// One row by id, if the actor's organization owns it; otherwise `NotFound`.
pub async fn find_owned<E, C>(
    conn: &C,
    actor: &Actor,
    id: <E::PrimaryKey as PrimaryKeyTrait>::ValueType,
) -> Result<E::Model, AppError>
where
    E: TenantScoped,
    C: ConnectionTrait,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: Clone + Into<sea_orm::Value>,
{
    use sea_orm::{Iterable, PrimaryKeyToColumn};
    let pk = E::PrimaryKey::iter()
        .next()
        .expect("entity has a primary key")
        .into_column();
    scoped::<E>(actor)
        .filter(pk.eq(id))
        .one(conn)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)
}

/// The engagements the assessor organization `org` was invited into, as a
/// subquery for `IN (…)`.
pub fn engagements_assessed_by(org: i64) -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(engagement_assessor::Column::EngagementId)
        .from(engagement_assessor::Entity)
        .and_where(engagement_assessor::Column::AssessorOrgId.eq(org))
        .to_owned()
}

/// Whether the actor's organization was invited into the engagement as
/// assessor.
pub async fn is_assessor<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    engagement_id: i64,
) -> Result<bool, AppError> {
    if !actor.kinds().contains(&OrgKind::Assessor) {
        return Ok(false);
    }
    Ok(engagement_assessor::Entity::find()
        .filter(engagement_assessor::Column::EngagementId.eq(engagement_id))
        .filter(engagement_assessor::Column::AssessorOrgId.eq(actor.org_id().0))
        .one(conn)
        .await
        .map_err(internal)?
        .is_some())
}

/// An engagement the actor may open as its owner (an asset owner) or as an
/// assessor invited into it, with that side. Anything else is `NotFound`.
pub async fn engagement<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: i64,
) -> Result<(engagement::Model, Side), AppError> {
    let e = engagement::Entity::find_by_id(id)
        .one(conn)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    if e.owner_org_id == actor.org_id().0 && actor.kinds().contains(&OrgKind::AssetOwner) {
        return Ok((e, Side::Owner));
    }
    if is_assessor(conn, actor, e.id).await? {
        return Ok((e, Side::Assessor));
    }
    Err(AppError::NotFound)
}

/// [`engagement`], or for a supplier with a live (not withdrawn) assessment
/// in it, the engagement on the supplier's side.
pub async fn engagement_with_supplier<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: i64,
) -> Result<(engagement::Model, Side), AppError> {
    match engagement(conn, actor, id).await {
        Err(AppError::NotFound) => {
            let mine = assessment::Entity::find()
                .filter(assessment::Column::EngagementId.eq(id))
                .filter(assessment::Column::SupplierOrgId.eq(actor.org_id().0))
                .filter(assessment::Column::Status.ne(AssessmentStatus::Withdrawn.as_str()))
                .one(conn)
                .await
                .map_err(internal)?;
            if mine.is_none() {
                return Err(AppError::NotFound);
            }
            let e = engagement::Entity::find_by_id(id)
                .one(conn)
                .await
                .map_err(internal)?
                .ok_or(AppError::NotFound)?;
            Ok((e, Side::Supplier))
        }
        other => other,
    }
}

/// Catalogs the actor may read: the shipped ones (no owner) and its
/// organization's own.
pub fn catalogs_readable(actor: &Actor) -> Select<catalog::Entity> {
    catalog::Entity::find().filter(
        Condition::any()
            .add(catalog::Column::OwnerOrgId.is_null())
            .add(catalog::Column::OwnerOrgId.eq(actor.org_id().0)),
    )
}

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

/// Assessments the actor may read: those of [`assessments_of_party`], and
/// for an assessor organization every assessment of the engagements it was
/// invited into. Only reading goes through this, so an assessor never
/// changes anything but its own comments.
pub fn assessments_readable(actor: &Actor) -> Select<assessment::Entity> {
    let org = actor.org_id().0;
    let mut any = Condition::any()
        .add(assessment::Column::OwnerOrgId.eq(org))
        .add(assessment::Column::SupplierOrgId.eq(org));
    if actor.kinds().contains(&OrgKind::Assessor) {
        any = any.add(assessment::Column::EngagementId.in_subquery(engagements_assessed_by(org)));
    }
    assessment::Entity::find().filter(any)
}

/// The actor's side of an assessment it may read.
pub fn side_of(actor: &Actor, a: &assessment::Model) -> Side {
    if a.owner_org_id == actor.org_id().0 {
        Side::Owner
    } else if a.supplier_org_id == actor.org_id().0 {
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
    id: i64,
) -> Result<assessment::Model, AppError> {
    assessments_readable(actor)
        .filter(assessment::Column::Id.eq(id))
        .one(conn)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)
}

/// An assessment the actor's organization is a party to (see
/// [`assessments_of_party`]).
pub async fn assessment_of_party<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: i64,
) -> Result<assessment::Model, AppError> {
    assessments_of_party(actor)
        .filter(assessment::Column::Id.eq(id))
        .one(conn)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)
}

/// An assessment's status as stored.
pub fn assessment_status(a: &assessment::Model) -> AssessmentStatus {
    AssessmentStatus::parse(&a.status).unwrap_or(AssessmentStatus::Sent)
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
    if side_of(actor, &a) != Side::Supplier {
        return Err(AppError::NotFound);
    }
    if !assessment_status(&a).supplier_may_edit() {
        return Err(locked(assessment_status(&a)));
    }
    Ok((a, x))
}

/// [`answer_editable`] inside a write transaction, with the assessment
/// locked until it ends (see `answers::lock_assessment`): for changes that
/// a submit must see whole or not at all, such as evidence.
pub async fn answer_editable_locked<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    answer_id: AnswerId,
) -> Result<(assessment::Model, answer::Model), AppError> {
    let (_, x) = answer_editable(txn, actor, answer_id).await?;
    let a = answers::lock_assessment(txn, x.assessment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !assessment_status(&a).supplier_may_edit() {
        return Err(locked(assessment_status(&a)));
    }
    Ok((a, x))
}

/// Commitments the two sides may change: the caller's organization is the
/// asset owner or the supplier of it.
pub fn commitments_of_party(actor: &Actor) -> Select<commitment::Entity> {
    commitments_of_org(actor.org_id().0)
}

/// The commitments organization `org` is a party to, for a credential that
/// stands for the organization rather than a member (the calendar feed's
/// token, checked by its caller).
pub fn commitments_of_org(org: i64) -> Select<commitment::Entity> {
    commitment::Entity::find().filter(
        Condition::any()
            .add(commitment::Column::OwnerOrgId.eq(org))
            .add(commitment::Column::SupplierOrgId.eq(org)),
    )
}

/// Commitments the caller may read: [`commitments_of_party`], and for an
/// assessor those of the engagements it was invited into.
pub fn commitments_readable(actor: &Actor) -> Select<commitment::Entity> {
    let org = actor.org_id().0;
    let mut any = Condition::any()
        .add(commitment::Column::OwnerOrgId.eq(org))
        .add(commitment::Column::SupplierOrgId.eq(org));
    if actor.kinds().contains(&OrgKind::Assessor) {
        any = any.add(commitment::Column::EngagementId.in_subquery(engagements_assessed_by(org)));
    }
    commitment::Entity::find().filter(any)
}

/// How the caller's organization stands to a commitment.
pub fn commitment_role(actor: &Actor, c: &commitment::Model) -> CommitmentRole {
    let org = actor.org_id().0;
    CommitmentRole {
        promises: c.party_org_id == org,
        proposed: c.proposed_by_org_id == org,
        owner: c.owner_org_id == org,
    }
}

/// Whether the caller's role lets it act for its side of the commitment.
pub fn may_act_on_commitment(actor: &Actor, c: &commitment::Model) -> bool {
    let org = actor.org_id().0;
    if c.owner_org_id == org {
        actor.may(Permission::ReviewAssessments) || actor.may(Permission::ManageEngagements)
    } else if c.supplier_org_id == org {
        actor.may(Permission::AnswerAssessments)
    } else {
        false
    }
}
