use crate::model::{OrgId, UserId};
use sea_orm::entity::prelude::*;

/// A product version's answer to one requirement of a shipped catalog.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "product_answers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: OrgId,
    pub product_version_id: i64,
    pub catalog_key: String,
    pub ref_id: String,
    /// `AnswerFields` as JSON.
    pub fields: String,
    pub version: i32,
    pub updated_by: Option<UserId>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
