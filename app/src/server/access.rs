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
//! - What the lookups return is a capability: [`Readable`] (the actor may
//!   read the row) or [`Editable`] (its organization is a party to it or
//!   owns it). Only this module makes one; the queries for what hangs off a
//!   row (answers, evidence, reviews, comments, versions, items) take one,
//!   so code that never asked cannot reach the children either.
//! - A test (`services_query_tenant_rows_only_through_access`) fails when a
//!   service queries a tenant table itself, unless the line is marked
//!   `// access: allow — <why>` (system jobs, token lookups, sign-in).

use super::{
    answers,
    entities::{
        answer, answer_version, assessment, assessment_gap, audit_event, catalog, comment,
        commitment, engagement, engagement_assessor, evidence, invitation, membership,
        notification, outbox, profile, profile_item, requirement, responsibility, review,
        supplier_link,
    },
    Actor,
};
use crate::model::{
    assessment_abilities, AnswerId, AppError, AssessmentAbilities, AssessmentId, AssessmentStatus,
    CatalogId, CommitmentRole, EngagementId, EvidenceId, OrgId, OrgKind, Permission, ProfileItemId,
    Side, Visibility,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PrimaryKeyTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};

/// A row the actor may read, as a function of this module found. Nothing
/// outside this module can make one (the field is private).
#[derive(Debug, Clone)]
pub struct Readable<T>(T);

/// A row the actor's organization may change: it owns the row or is a party
/// to it (what exactly it may do is `abilities`). Also [`Readable`].
#[derive(Debug, Clone)]
pub struct Editable<T>(Readable<T>);

impl<T> Readable<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Editable<T> {
    pub fn into_inner(self) -> T {
        self.0 .0
    }
}

impl<T> std::ops::Deref for Readable<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> std::ops::Deref for Editable<T> {
    type Target = Readable<T>;
    fn deref(&self) -> &Readable<T> {
        &self.0
    }
}

/// A lookup's one row as a capability; no row is `NotFound`.
trait Found<T> {
    fn found_readable(self) -> Result<Readable<T>, AppError>;
    fn found_editable(self) -> Result<Editable<T>, AppError>;
}

impl<T> Found<T> for Result<Option<T>, sea_orm::DbErr> {
    fn found_readable(self) -> Result<Readable<T>, AppError> {
        self?.map(readable).ok_or(AppError::NotFound)
    }
    fn found_editable(self) -> Result<Editable<T>, AppError> {
        self?.map(editable).ok_or(AppError::NotFound)
    }
}

fn readable<T>(t: T) -> Readable<T> {
    Readable(t)
}

fn editable<T>(t: T) -> Editable<T> {
    Editable(Readable(t))
}

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

/// The signed-in user's own active memberships, in every organization (the
/// organization switcher).
pub fn memberships_of_user(actor: &Actor) -> Select<membership::Entity> {
    membership::Entity::find()
        .filter(membership::Column::UserId.eq(actor.user_id().0))
        .filter(membership::Column::IsActive.eq(true))
}

/// The signed-in user's notifications in the current organization.
pub fn notifications_mine(actor: &Actor) -> Select<notification::Entity> {
    notification::Entity::find()
        .filter(notification::Column::UserId.eq(actor.user_id().0))
        .filter(notification::Column::OrgId.eq(actor.org_id().0))
}

/// The asset owners' links to the actor's organization as their supplier
/// (counted, never listed: who else an owner works with is not its business).
pub fn links_to_supplier(actor: &Actor) -> Select<supplier_link::Entity> {
    supplier_link::Entity::find().filter(supplier_link::Column::SupplierOrgId.eq(actor.org_id().0))
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
) -> Result<Editable<E::Model>, AppError>
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
        .found_editable()
}

/// The engagements the assessor organization `org` was invited into, as a
/// subquery for `IN (…)`.
pub fn engagements_assessed_by(org: OrgId) -> sea_orm::sea_query::SelectStatement {
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
    engagement_id: EngagementId,
) -> Result<bool, AppError> {
    if !actor.kinds().contains(&OrgKind::Assessor) {
        return Ok(false);
    }
    Ok(engagement_assessor::Entity::find()
        .filter(engagement_assessor::Column::EngagementId.eq(engagement_id))
        .filter(engagement_assessor::Column::AssessorOrgId.eq(actor.org_id().0))
        .one(conn)
        .await?
        .is_some())
}

/// An engagement the actor may open as its owner (an asset owner) or as an
/// assessor invited into it, with that side. Anything else is `NotFound`.
pub async fn engagement<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: EngagementId,
) -> Result<(Readable<engagement::Model>, Side), AppError> {
    let e = engagement::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    if e.owner_org_id == actor.org_id() && actor.kinds().contains(&OrgKind::AssetOwner) {
        return Ok((readable(e), Side::Owner));
    }
    if is_assessor(conn, actor, e.id).await? {
        return Ok((readable(e), Side::Assessor));
    }
    Err(AppError::NotFound)
}

/// [`engagement`], or for a supplier with a live (not withdrawn) assessment
/// in it, the engagement on the supplier's side.
pub async fn engagement_with_supplier<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: EngagementId,
) -> Result<(Readable<engagement::Model>, Side), AppError> {
    match engagement(conn, actor, id).await {
        Err(AppError::NotFound) => {
            let mine = assessment::Entity::find()
                .filter(assessment::Column::EngagementId.eq(id))
                .filter(assessment::Column::SupplierOrgId.eq(actor.org_id().0))
                .filter(assessment::Column::Status.ne(AssessmentStatus::Withdrawn))
                .one(conn)
                .await?;
            if mine.is_none() {
                return Err(AppError::NotFound);
            }
            let e = engagement::Entity::find_by_id(id)
                .one(conn)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok((readable(e), Side::Supplier))
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

/// The assessments the actor's organization sent, as asset owner (its
/// portfolio): one side of [`assessments_of_party`].
pub fn assessments_as_owner(actor: &Actor) -> Select<assessment::Entity> {
    assessment::Entity::find().filter(assessment::Column::OwnerOrgId.eq(actor.org_id().0))
}

/// The assessments the actor's organization was sent, as supplier.
pub fn assessments_as_supplier(actor: &Actor) -> Select<assessment::Entity> {
    assessment::Entity::find().filter(assessment::Column::SupplierOrgId.eq(actor.org_id().0))
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
    let (x, a) = answer::Entity::find_by_id(answer_id)
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
        .await?
        .ok_or(AppError::NotFound)?;
    let a = a.ok_or(AppError::NotFound)?;
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
    let (x, a) = answer::Entity::find_by_id(answer_id)
        .join(
            sea_orm::JoinType::InnerJoin,
            answer::Entity::belongs_to(assessment::Entity)
                .from(answer::Column::AssessmentId)
                .to(assessment::Column::Id)
                .into(),
        )
        .filter(readable_condition(actor))
        .select_also(assessment::Entity)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let a = a.ok_or(AppError::NotFound)?;
    Ok((readable(a), readable(x)))
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

// What hangs off a readable engagement.

/// The assessments of an engagement the actor sees on its side: all of them
/// for the owner and its assessors, the supplier's own for a supplier.
pub fn assessments_in(
    actor: &Actor,
    e: &Readable<engagement::Model>,
    side: Side,
) -> Select<assessment::Entity> {
    let q = assessment::Entity::find()
        .filter(assessment::Column::OwnerOrgId.eq(e.owner_org_id))
        .filter(assessment::Column::EngagementId.eq(e.id));
    match side {
        Side::Supplier => q.filter(assessment::Column::SupplierOrgId.eq(actor.org_id().0)),
        Side::Owner | Side::Assessor => q,
    }
}

/// [`assessments_in`] without the withdrawn ones, by id: the columns of the
/// comparison and the responsibility matrix.
pub async fn live_assessments_in<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    e: &Readable<engagement::Model>,
    side: Side,
) -> Result<Vec<Readable<assessment::Model>>, AppError> {
    Ok(assessments_in(actor, e, side)
        .filter(assessment::Column::Status.ne(AssessmentStatus::Withdrawn))
        .order_by_asc(assessment::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(readable)
        .collect())
}

/// The assessor organizations invited into an engagement.
pub fn assessors_of(e: &Readable<engagement::Model>) -> Select<engagement_assessor::Entity> {
    engagement_assessor::Entity::find().filter(engagement_assessor::Column::EngagementId.eq(e.id))
}

/// The stored cells of an engagement's responsibility matrix.
pub fn responsibilities_of(e: &Readable<engagement::Model>) -> Select<responsibility::Entity> {
    responsibility::Entity::find().filter(responsibility::Column::EngagementId.eq(e.id))
}

/// Engagements the actor may open: its own (an asset owner) and those it
/// was invited into as assessor.
pub fn engagements_readable(actor: &Actor) -> Select<engagement::Entity> {
    let org = actor.org_id().0;
    let mut any = Condition::any();
    if actor.kinds().contains(&OrgKind::AssetOwner) {
        any = any.add(engagement::Column::OwnerOrgId.eq(org));
    }
    if actor.kinds().contains(&OrgKind::Assessor) {
        any = any.add(engagement::Column::Id.in_subquery(engagements_assessed_by(OrgId(org))));
    }
    // Neither kind: nothing (an empty `any` would match every row).
    any = any.add(sea_orm::sea_query::Expr::cust("1 = 0"));
    engagement::Entity::find().filter(any)
}

// What hangs off catalogs and profiles.

/// The requirements of the catalogs the actor may read.
pub fn requirements_readable(actor: &Actor) -> Select<requirement::Entity> {
    let org = actor.org_id().0;
    requirement::Entity::find().filter(
        requirement::Column::CatalogId.in_subquery(
            sea_orm::sea_query::Query::select()
                .column(catalog::Column::Id)
                .from(catalog::Entity)
                .cond_where(
                    Condition::any()
                        .add(catalog::Column::OwnerOrgId.is_null())
                        .add(catalog::Column::OwnerOrgId.eq(org)),
                )
                .to_owned(),
        ),
    )
}

/// A catalog the actor may read, by id.
pub async fn catalog_readable<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: CatalogId,
) -> Result<Readable<catalog::Model>, AppError> {
    catalogs_readable(actor)
        .filter(catalog::Column::Id.eq(id))
        .one(conn)
        .await
        .found_readable()
}

/// A catalog the actor's organization owns (shipped ones are nobody's to
/// change), by id.
pub async fn catalog_owned<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: CatalogId,
) -> Result<Editable<catalog::Model>, AppError> {
    catalog::Entity::find_by_id(id)
        .filter(catalog::Column::OwnerOrgId.eq(actor.org_id().0))
        .one(conn)
        .await
        .found_editable()
}

/// The requirements of a catalog.
pub fn requirements_of(c: &Readable<catalog::Model>) -> Select<requirement::Entity> {
    requirement::Entity::find().filter(requirement::Column::CatalogId.eq(c.id))
}

/// The items of the actor's organization's profiles (counted for lists).
pub fn items_of_own_profiles(actor: &Actor) -> Select<profile_item::Entity> {
    profile_item::Entity::find().filter(
        profile_item::Column::ProfileId.in_subquery(
            sea_orm::sea_query::Query::select()
                .column(profile::Column::Id)
                .from(profile::Entity)
                .and_where(profile::Column::OwnerOrgId.eq(actor.org_id().0))
                .to_owned(),
        ),
    )
}

/// A profile item with its profile, if the actor's organization owns the
/// profile.
pub async fn profile_item_owned<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: ProfileItemId,
) -> Result<(Editable<profile::Model>, Editable<profile_item::Model>), AppError> {
    let item = profile_item::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let p = find_owned::<profile::Entity, _>(conn, actor, item.profile_id).await?;
    Ok((p, editable(item)))
}

/// The items of a profile.
pub fn items_of(p: &Readable<profile::Model>) -> Select<profile_item::Entity> {
    profile_item::Entity::find().filter(profile_item::Column::ProfileId.eq(p.id))
}

/// Commitments the two sides may change: the caller's organization is the
/// asset owner or the supplier of it.
pub fn commitments_of_party(actor: &Actor) -> Select<commitment::Entity> {
    commitments_of_org(actor.org_id())
}

/// The commitments organization `org` is a party to, for a credential that
/// stands for the organization rather than a member (the calendar feed's
/// token, checked by its caller).
pub fn commitments_of_org(org: OrgId) -> Select<commitment::Entity> {
    commitment::Entity::find().filter(
        Condition::any()
            .add(commitment::Column::OwnerOrgId.eq(org))
            .add(commitment::Column::SupplierOrgId.eq(org)),
    )
}

/// The commitments of the asset owner's portfolio.
pub fn commitments_as_owner(actor: &Actor) -> Select<commitment::Entity> {
    commitment::Entity::find().filter(commitment::Column::OwnerOrgId.eq(actor.org_id().0))
}

/// The commitments the actor's organization promised (it is the party that
/// fulfils them).
pub fn commitments_promised_by(actor: &Actor) -> Select<commitment::Entity> {
    commitment::Entity::find().filter(commitment::Column::PartyOrgId.eq(actor.org_id().0))
}

/// Commitments the caller may read: [`commitments_of_party`], and for an
/// assessor those of the engagements it was invited into.
pub fn commitments_readable(actor: &Actor) -> Select<commitment::Entity> {
    let org = actor.org_id().0;
    let mut any = Condition::any()
        .add(commitment::Column::OwnerOrgId.eq(org))
        .add(commitment::Column::SupplierOrgId.eq(org));
    if actor.kinds().contains(&OrgKind::Assessor) {
        any = any
            .add(commitment::Column::EngagementId.in_subquery(engagements_assessed_by(OrgId(org))));
    }
    commitment::Entity::find().filter(any)
}

/// How the caller's organization stands to a commitment.
pub fn commitment_role(actor: &Actor, c: &commitment::Model) -> CommitmentRole {
    let org = actor.org_id().0;
    CommitmentRole {
        promises: c.party_org_id == OrgId(org),
        proposed: c.proposed_by_org_id == OrgId(org),
        owner: c.owner_org_id == OrgId(org),
    }
}

/// Whether the caller's role lets it act for its side of the commitment.
pub fn may_act_on_commitment(actor: &Actor, c: &commitment::Model) -> bool {
    let org = actor.org_id().0;
    if c.owner_org_id == OrgId(org) {
        actor.may(Permission::ReviewAssessments) || actor.may(Permission::ManageEngagements)
    } else if c.supplier_org_id == OrgId(org) {
        actor.may(Permission::AnswerAssessments)
    } else {
        false
    }
}
