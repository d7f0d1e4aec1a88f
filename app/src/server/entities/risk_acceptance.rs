use crate::model::{OrgId, UserId};
use sea_orm::entity::prelude::*;

/// An owner admin's acceptance of a zone's gap in one FR, until a date.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "risk_acceptances")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: OrgId,
    pub zone_id: i64,
    pub fr: i16,
    pub reason: String,
    /// The last day the acceptance holds.
    pub accepted_until: Date,
    pub accepted_by: Option<UserId>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
