use crate::model::{
    AnswerId, AssessmentId, CommitmentId, CommitmentSource, CommitmentStatus, EngagementId, OrgId,
    RequirementId, UserId,
};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "commitments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: CommitmentId,
    pub owner_org_id: OrgId,
    pub engagement_id: EngagementId,
    pub assessment_id: Option<AssessmentId>,
    /// The organization that promises: the supplier, or the owner itself.
    pub party_org_id: OrgId,
    /// The supplier on the other side of the owner.
    pub supplier_org_id: OrgId,
    pub proposed_by_org_id: OrgId,
    pub requirement_id: Option<RequirementId>,
    pub answer_id: Option<AnswerId>,
    pub title: String,
    pub due_on: Option<Date>,
    pub status: CommitmentStatus,
    pub source: CommitmentSource,
    pub closure_note: Option<String>,
    pub closure_link: Option<String>,
    pub waive_reason: Option<String>,
    pub created_by: Option<UserId>,
    pub created_at: DateTimeUtc,
    pub updated_by: Option<UserId>,
    pub updated_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
