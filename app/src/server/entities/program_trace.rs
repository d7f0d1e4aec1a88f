use crate::model::OrgId;
use sea_orm::entity::prelude::*;

/// One supplier-side requirement (part and id) that an asset owner traced
/// to one of its program requirements.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "program_traces")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: OrgId,
    pub program_ref: String,
    pub part: String,
    pub target_ref: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
