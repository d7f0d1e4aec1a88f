use crate::model::{
    AnswerId, AssessmentId, Compliance, OrgId, ProfileItemId, RequirementId, UserId,
};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "answers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: AnswerId,
    pub assessment_id: AssessmentId,
    pub profile_item_id: ProfileItemId,
    pub requirement_id: RequirementId,
    pub supplier_org_id: OrgId,
    pub compliance: Option<Compliance>,
    pub countermeasure: String,
    pub planned_on: Option<Date>,
    pub na_reason: String,
    pub other_party: String,
    pub claimed_level: Option<i16>,
    pub statement: String,
    pub responsibility_accepted: Option<bool>,
    pub assignee_id: Option<UserId>,
    pub version: i32,
    pub updated_by: Option<UserId>,
    pub updated_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
