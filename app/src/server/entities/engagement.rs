use crate::model::{EngagementId, OrgId, UserId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "engagements")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: EngagementId,
    pub owner_org_id: OrgId,
    pub name: String,
    pub description: String,
    pub created_by: Option<UserId>,
    pub created_at: DateTimeUtc,
    pub matrix_agreed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
