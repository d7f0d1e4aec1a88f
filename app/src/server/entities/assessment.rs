use crate::model::{AssessmentId, AssessmentStatus, EngagementId, OrgId, ProfileId, UserId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assessments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: AssessmentId,
    pub engagement_id: EngagementId,
    pub owner_org_id: OrgId,
    pub supplier_org_id: OrgId,
    pub profile_id: ProfileId,
    pub status: AssessmentStatus,
    pub due_on: Date,
    pub message: String,
    pub created_by: Option<UserId>,
    pub created_at: DateTimeUtc,
    pub submitted_at: Option<DateTimeUtc>,
    pub decision_rationale: Option<String>,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<DateTimeUtc>,
    /// Progress, recounted with every change to the answers or evidence
    /// (`read_models::recount_progress`).
    pub item_count: i32,
    pub answered_count: i32,
    pub evidence_missing_count: i32,
    /// The supplier's product version the answers are about.
    pub product_version_id: Option<i64>,
    /// Recurring re-assessment: every so many months, the next one due on
    /// `renews_on` (set once accepted).
    pub renew_every_months: Option<i32>,
    pub renews_on: Option<Date>,
    /// The assessment this one renews, and its round (0 for the first).
    pub renewal_of: Option<AssessmentId>,
    pub round: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
