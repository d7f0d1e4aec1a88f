use crate::model::{OrgId, UserId};
use sea_orm::entity::prelude::*;

/// A 62443 certificate of a product version, or of the organization (no
/// version).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "certificates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: OrgId,
    pub product_version_id: Option<i64>,
    /// `CertScheme::as_str`.
    pub scheme: String,
    /// The scheme's name when it is another one.
    pub scheme_name: String,
    /// The 62443 part certified against: `4-2`, `3-3`, `4-1` or `2-4`.
    pub part: String,
    /// SL per FR (`2,2,2,2,2,2,2`) for 3-3 and 4-2, a maturity level for
    /// 4-1 and 2-4.
    pub levels: String,
    pub number: String,
    pub scope: String,
    pub issuer: String,
    pub issued_on: Date,
    pub expires_on: Date,
    pub created_by: Option<UserId>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
