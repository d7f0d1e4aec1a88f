use crate::model::{OrgId, UserId};
use sea_orm::entity::prelude::*;

/// The owner's review of a countermeasure it carries itself.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "countermeasure_reviews")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: OrgId,
    pub countermeasure_id: i64,
    pub reviewed_on: Date,
    /// What the review found (free text).
    pub finding: String,
    /// The review date it set.
    pub next_review_on: Date,
    pub reviewed_by: Option<UserId>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
