use crate::model::{OrgId, UserId};
use sea_orm::entity::prelude::*;

/// A product version's answer set shared by its supplier with one asset
/// owner, until revoked.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "product_shares")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The supplier that shares.
    pub organization_id: OrgId,
    pub product_version_id: i64,
    pub owner_org_id: OrgId,
    pub shared_by: Option<UserId>,
    pub shared_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
    pub revoked_by: Option<UserId>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
