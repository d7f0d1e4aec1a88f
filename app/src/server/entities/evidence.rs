use crate::model::{AnswerId, AssessmentId, EvidenceId, UserId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evidence")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: EvidenceId,
    pub assessment_id: AssessmentId,
    pub answer_id: AnswerId,
    pub kind: String,
    pub title: String,
    pub sha256: Option<String>,
    pub content_type: Option<String>,
    pub size_bytes: Option<i64>,
    pub url: Option<String>,
    pub scheme: Option<String>,
    pub level: Option<String>,
    pub scope: Option<String>,
    pub issuer: Option<String>,
    pub expires_on: Option<Date>,
    /// The product library certificate this record was made from.
    pub certificate_id: Option<i64>,
    /// A copy of evidence stored before (fill from product, a renewal):
    /// not an upload.
    pub copied: bool,
    pub created_by: Option<UserId>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
