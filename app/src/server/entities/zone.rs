use crate::model::OrgId;
use sea_orm::entity::prelude::*;

/// A zone of a system, with its SL-T vector (`2,2,3,1,2,1,2`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "zones")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: OrgId,
    pub system_id: i64,
    pub name: String,
    pub description: String,
    pub sl_t: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
