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
        answer, answer_version, api_token, assessment, assessment_gap, audit_event, catalog,
        comment, commitment, engagement, engagement_assessor, evidence, invitation,
        mail_preference, membership, notification, organization, outbox, partner_invitation,
        profile, profile_item, requirement, responsibility, review, session, supplier_link,
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

mod assessments;
mod catalogs;
mod commitments;
mod engagements;
mod products;

pub use assessments::*;
pub use catalogs::*;
pub use commitments::*;
pub use engagements::*;
pub use products::*;

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

impl TenantScoped for super::entities::idempotency_key::Entity {
    fn org_column() -> Self::Column {
        super::entities::idempotency_key::Column::OrganizationId
    }
}
impl TenantScoped for super::entities::webhook_endpoint::Entity {
    fn org_column() -> Self::Column {
        super::entities::webhook_endpoint::Column::OrganizationId
    }
}
impl TenantScoped for super::entities::webhook_delivery::Entity {
    fn org_column() -> Self::Column {
        super::entities::webhook_delivery::Column::OrganizationId
    }
}
/// An asset owner's own security program: ratings, their versions, traces.
impl TenantScoped for super::entities::program_rating::Entity {
    fn org_column() -> Self::Column {
        super::entities::program_rating::Column::OrganizationId
    }
}
impl TenantScoped for super::entities::program_rating_version::Entity {
    fn org_column() -> Self::Column {
        super::entities::program_rating_version::Column::OrganizationId
    }
}
impl TenantScoped for super::entities::program_trace::Entity {
    fn org_column() -> Self::Column {
        super::entities::program_trace::Column::OrganizationId
    }
}
/// The asset owner's zone model: systems, zones, conduits, components.
impl TenantScoped for super::entities::system::Entity {
    fn org_column() -> Self::Column {
        super::entities::system::Column::OrganizationId
    }
}
impl TenantScoped for super::entities::zone::Entity {
    fn org_column() -> Self::Column {
        super::entities::zone::Column::OrganizationId
    }
}
impl TenantScoped for super::entities::conduit::Entity {
    fn org_column() -> Self::Column {
        super::entities::conduit::Column::OrganizationId
    }
}
impl TenantScoped for super::entities::zone_component::Entity {
    fn org_column() -> Self::Column {
        super::entities::zone_component::Column::OrganizationId
    }
}
impl TenantScoped for super::entities::countermeasure::Entity {
    fn org_column() -> Self::Column {
        super::entities::countermeasure::Column::OrganizationId
    }
}
impl TenantScoped for super::entities::countermeasure_review::Entity {
    fn org_column() -> Self::Column {
        super::entities::countermeasure_review::Column::OrganizationId
    }
}
impl TenantScoped for super::entities::product::Entity {
    fn org_column() -> Self::Column {
        super::entities::product::Column::OrganizationId
    }
}
impl TenantScoped for super::entities::product_version::Entity {
    fn org_column() -> Self::Column {
        super::entities::product_version::Column::OrganizationId
    }
}
impl TenantScoped for super::entities::certificate::Entity {
    fn org_column() -> Self::Column {
        super::entities::certificate::Column::OrganizationId
    }
}
impl TenantScoped for super::entities::product_answer::Entity {
    fn org_column() -> Self::Column {
        super::entities::product_answer::Column::OrganizationId
    }
}
impl TenantScoped for super::entities::product_answer_version::Entity {
    fn org_column() -> Self::Column {
        super::entities::product_answer_version::Column::OrganizationId
    }
}
impl TenantScoped for super::entities::library_evidence::Entity {
    fn org_column() -> Self::Column {
        super::entities::library_evidence::Column::OrganizationId
    }
}
/// A share belongs to the supplier that shares; the asset owner it is
/// shared with reads it through [`shared_with_us`] while it is not revoked.
impl TenantScoped for super::entities::product_share::Entity {
    fn org_column() -> Self::Column {
        super::entities::product_share::Column::OrganizationId
    }
}
impl TenantScoped for super::entities::product_share_change::Entity {
    fn org_column() -> Self::Column {
        super::entities::product_share_change::Column::OrganizationId
    }
}
impl TenantScoped for super::entities::risk_acceptance::Entity {
    fn org_column() -> Self::Column {
        super::entities::risk_acceptance::Column::OrganizationId
    }
}
impl TenantScoped for api_token::Entity {
    fn org_column() -> Self::Column {
        api_token::Column::OrganizationId
    }
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

/// An invitation to another organization belongs to the one that sent it;
/// the recipient reaches it only through the link's token.
impl TenantScoped for partner_invitation::Entity {
    fn org_column() -> Self::Column {
        partner_invitation::Column::OwnerOrgId
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

/// The signed-in user's own sessions, in every organization.
pub fn sessions_mine(actor: &Actor) -> Select<session::Entity> {
    session::Entity::find().filter(session::Column::UserId.eq(actor.user_id().0))
}

/// The signed-in user's own e-mail choices (they hold in every organization).
pub fn mail_preferences_mine(actor: &Actor) -> Select<mail_preference::Entity> {
    mail_preference::Entity::find().filter(mail_preference::Column::UserId.eq(actor.user_id().0))
}

/// The asset owners' links to the actor's organization as their supplier
/// (counted, never listed: who else an owner works with is not its business).
pub fn links_to_supplier(actor: &Actor) -> Select<supplier_link::Entity> {
    supplier_link::Entity::find().filter(supplier_link::Column::SupplierOrgId.eq(actor.org_id().0))
}

/// Holds the actor's organization's row until the transaction ends, so
/// rules counted over the whole organization (its last active admin, its
/// evidence quota, its members' upload rate) are checked by one writer at a
/// time. SQLite has one writer anyway; on PostgreSQL this is a row lock.
pub async fn lock_organization<C: ConnectionTrait>(txn: &C, actor: &Actor) -> Result<(), AppError> {
    organization::Entity::find_by_id(actor.org_id())
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(())
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
    owned_row::<E, C>(conn, actor, id, false).await
}

/// As [`find_owned`], and holds the row until the transaction ends (a row
/// lock on PostgreSQL; SQLite has one writer anyway): a change checked
/// against the row's state (a draft stays a draft) cannot interleave with
/// one that changes that state (publishing).
pub async fn find_owned_for_update<E, C>(
    conn: &C,
    actor: &Actor,
    id: <E::PrimaryKey as PrimaryKeyTrait>::ValueType,
) -> Result<Editable<E::Model>, AppError>
where
    E: TenantScoped,
    C: ConnectionTrait,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: Clone + Into<sea_orm::Value>,
{
    owned_row::<E, C>(conn, actor, id, true).await
}

async fn owned_row<E, C>(
    conn: &C,
    actor: &Actor,
    id: <E::PrimaryKey as PrimaryKeyTrait>::ValueType,
    lock: bool,
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
    let q = scoped::<E>(actor).filter(pk.eq(id));
    let q = if lock { q.lock_exclusive() } else { q };
    q.one(conn).await.found_editable()
}
