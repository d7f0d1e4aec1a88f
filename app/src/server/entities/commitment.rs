use crate::model::{CommitmentSource, CommitmentStatus};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "commitments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub owner_org_id: i64,
    pub engagement_id: i64,
    pub assessment_id: Option<i64>,
    /// The organization that promises: the supplier, or the owner itself.
    pub party_org_id: i64,
    /// The supplier on the other side of the owner.
    pub supplier_org_id: i64,
    pub proposed_by_org_id: i64,
    pub requirement_id: Option<i64>,
    pub answer_id: Option<i64>,
    pub title: String,
    pub due_on: Option<Date>,
    pub status: CommitmentStatus,
    pub source: CommitmentSource,
    pub closure_note: Option<String>,
    pub closure_link: Option<String>,
    pub waive_reason: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_by: Option<i64>,
    pub updated_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
