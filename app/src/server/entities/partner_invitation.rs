use crate::model::{EngagementId, OrgId, PartnerInvitationId, UserId};
use sea_orm::entity::prelude::*;

/// An organization's invitation to another one: to become its supplier, or
/// an assessor in `engagement_id`. `org_name` and `org_kind` are what the
/// inviter proposed; the recipient decides which organization accepts.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partner_invitations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: PartnerInvitationId,
    pub owner_org_id: OrgId,
    pub engagement_id: Option<EngagementId>,
    pub org_name: String,
    pub org_kind: String,
    pub email: String,
    pub token_hash: String,
    pub invited_by: Option<UserId>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub accepted_at: Option<DateTimeUtc>,
    pub accepted_org_id: Option<OrgId>,
    pub revoked_at: Option<DateTimeUtc>,
    pub failed_attempts: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
