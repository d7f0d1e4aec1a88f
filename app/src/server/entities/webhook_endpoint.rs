use crate::model::{OrgId, UserId};
use sea_orm::entity::prelude::*;

/// Where an organization wants events sent.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_endpoints")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: OrgId,
    pub url: String,
    pub description: String,
    pub events: String,
    pub secret_sealed: String,
    pub created_by: UserId,
    pub created_at: DateTimeUtc,
    pub failing_since: Option<DateTimeUtc>,
    pub removed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
