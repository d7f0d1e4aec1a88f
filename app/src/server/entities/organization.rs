use crate::model::OrgId;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organizations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: OrgId,
    pub name: String,
    pub name_key: String,
    pub kinds: String,
    /// Days before a due date on which reminders go out, e.g. "30,7,1".
    pub reminder_days: String,
    pub created_at: DateTimeUtc,
    /// Every member must sign in with a second factor.
    pub require_second_factor: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
