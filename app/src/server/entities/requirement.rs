use crate::model::{CatalogId, RequirementId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "requirements")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: RequirementId,
    pub catalog_id: CatalogId,
    pub position: i32,
    pub ref_id: String,
    pub kind: String,
    pub group_code: String,
    pub group_title: String,
    pub title: String,
    pub description: String,
    pub parent_ref: Option<String>,
    pub sl: Option<String>,
    pub component_types: Option<String>,
    pub verified: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
