use crate::model::{OrgId, UserId};
use sea_orm::entity::prelude::*;

/// A product, system or service offering in a supplier's library.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "products")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: OrgId,
    pub name: String,
    /// `ProductKind::as_str`.
    pub kind: String,
    /// For a component: SAR, EDR, HDR or NDR.
    pub component_type: Option<String>,
    pub description: String,
    pub created_by: Option<UserId>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
