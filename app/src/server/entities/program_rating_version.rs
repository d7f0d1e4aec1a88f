use crate::model::{OrgId, UserId};
use sea_orm::entity::prelude::*;

/// A program rating as it was saved (its history).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "program_rating_versions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub rating_id: i64,
    pub organization_id: OrgId,
    pub version: i32,
    /// JSON of the rating's fields as saved.
    pub data: String,
    pub saved_by: Option<UserId>,
    pub saved_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
