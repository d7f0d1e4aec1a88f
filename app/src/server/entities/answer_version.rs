use crate::model::{AnswerId, UserId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "answer_versions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub answer_id: AnswerId,
    pub version: i32,
    /// JSON of the answer's fields as saved.
    pub data: String,
    pub saved_by: Option<UserId>,
    pub saved_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
