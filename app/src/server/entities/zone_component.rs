use crate::model::{AssessmentId, OrgId};
use sea_orm::entity::prelude::*;

/// A component in a zone: what it is, whose, since when and until when it
/// is supported, and the supplier's assessment that covers it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "zone_components")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: OrgId,
    pub zone_id: i64,
    pub name: String,
    /// SAR, EDR, HDR or NDR.
    pub component_type: String,
    pub supplier_org_id: Option<OrgId>,
    pub product: String,
    pub version: String,
    pub in_service_since: Option<Date>,
    pub end_of_support: Option<Date>,
    pub assessment_id: Option<AssessmentId>,
    /// Marked legacy by the owner (beyond end of support or below target).
    pub legacy: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
