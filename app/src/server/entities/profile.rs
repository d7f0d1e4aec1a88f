use crate::model::{OrgId, ProfileId, ProfileStatus, UserId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "profiles")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: ProfileId,
    pub owner_org_id: OrgId,
    pub lineage: String,
    pub version: i32,
    pub name: String,
    pub description: String,
    pub status: ProfileStatus,
    pub created_by: Option<UserId>,
    pub created_at: DateTimeUtc,
    pub published_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
