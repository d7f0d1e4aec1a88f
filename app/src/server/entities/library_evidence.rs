use crate::model::{OrgId, UserId};
use sea_orm::entity::prelude::*;

/// Evidence kept in the product library: a file or link on a product
/// version's answer, or a certificate's file.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "library_evidence")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: OrgId,
    pub product_answer_id: Option<i64>,
    pub certificate_id: Option<i64>,
    /// `file` or `link`.
    pub kind: String,
    pub title: String,
    pub sha256: Option<String>,
    pub content_type: Option<String>,
    pub size_bytes: Option<i64>,
    pub url: Option<String>,
    /// A copy of evidence stored before (not an upload).
    pub copied: bool,
    pub created_by: Option<UserId>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
