use crate::model::{OrgId, UserId};
use sea_orm::entity::prelude::*;

/// One saved state of a product answer.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "product_answer_versions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: OrgId,
    pub product_answer_id: i64,
    pub version: i32,
    /// `AnswerFields` as JSON.
    pub fields: String,
    pub changed_by: Option<UserId>,
    pub changed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
