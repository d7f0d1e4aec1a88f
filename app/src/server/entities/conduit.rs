use crate::model::OrgId;
use sea_orm::entity::prelude::*;

/// A conduit joining two zones of the same system, with its SL-T vector.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "conduits")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: OrgId,
    pub system_id: i64,
    pub name: String,
    pub description: String,
    pub from_zone_id: i64,
    pub to_zone_id: i64,
    pub sl_t: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
