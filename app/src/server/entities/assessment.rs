use crate::model::AssessmentStatus;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assessments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub engagement_id: i64,
    pub owner_org_id: i64,
    pub supplier_org_id: i64,
    pub profile_id: i64,
    pub status: AssessmentStatus,
    pub due_on: Date,
    pub message: String,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub submitted_at: Option<DateTimeUtc>,
    pub decision_rationale: Option<String>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
