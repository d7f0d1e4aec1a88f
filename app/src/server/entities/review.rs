use crate::model::{AnswerId, AssessmentId, OrgId, ReviewStatus, UserId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reviews")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub assessment_id: AssessmentId,
    pub answer_id: AnswerId,
    pub owner_org_id: OrgId,
    pub status: ReviewStatus,
    pub reviewer_id: Option<UserId>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
