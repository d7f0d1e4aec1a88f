use crate::model::{CatalogId, OrgId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "catalogs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: CatalogId,
    pub owner_org_id: Option<OrgId>,
    pub key: String,
    pub name: String,
    pub version: i32,
    pub part: Option<String>,
    pub applies_to: String,
    pub source: String,
    pub created_at: DateTimeUtc,
    /// JSON: the imported OSCAL document's uuid, last-modified, version, remarks.
    pub origin: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
