use crate::model::{AssessmentId, OrgId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assessment_gaps")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub assessment_id: AssessmentId,
    pub owner_org_id: OrgId,
    pub supplier_org_id: OrgId,
    pub grp: String,
    pub kind: String,
    pub required: i16,
    pub reached: i16,
    pub items: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
