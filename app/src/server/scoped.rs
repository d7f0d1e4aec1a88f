//! The only way services load tenant data: every query starts from the
//! actor's organization. An id from another organization is simply not found.

use super::{
    entities::{audit_event, invitation, membership, outbox, profile, supplier_link},
    Actor,
};
use crate::model::AppError;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PrimaryKeyTrait, QueryFilter, Select};

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
        .map_err(super::respond::internal)?
        .ok_or(AppError::NotFound)
}
