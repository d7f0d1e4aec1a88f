use crate::model::{Duty, EngagementId, OrgId, RequirementId, StanceKind, UserId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "responsibilities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub engagement_id: EngagementId,
    pub owner_org_id: OrgId,
    pub requirement_id: RequirementId,
    /// The owner's or a supplier's organization; 0 for "other".
    pub column_org_id: OrgId,
    /// The owner's assignment; None: the profile's default.
    pub duty: Option<Duty>,
    pub split: String,
    /// A supplier's stance: pending, accepted or proposed; None: from its answer.
    pub stance: Option<StanceKind>,
    pub proposed_duty: Option<Duty>,
    pub proposed_split: String,
    pub note: String,
    pub updated_by: Option<UserId>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
