use crate::model::{CommitmentId, OrgId, UserId};
use sea_orm::entity::prelude::*;

/// A compensating countermeasure for a component of a zone.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "countermeasures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: OrgId,
    pub component_id: i64,
    /// The FRs it stands in for, e.g. `3,4`.
    pub frs: String,
    /// The requirements it stands in for (identifiers, free text).
    pub requirements: String,
    pub description: String,
    /// `CountermeasureLocation::as_str`.
    pub location: String,
    /// The conduit it is implemented on (location `conduit`).
    pub conduit_id: Option<i64>,
    /// The owner itself or one of its service providers.
    pub responsible_org_id: OrgId,
    pub review_on: Date,
    pub residual_gap: String,
    /// The commitment the responsible party carries it as.
    pub commitment_id: Option<CommitmentId>,
    pub created_by: Option<UserId>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
