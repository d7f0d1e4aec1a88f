use crate::model::OrgId;
use sea_orm::entity::prelude::*;

/// One change to an answer of a shared set, as the owner it is shared with
/// is told: the requirement, the fields before and after.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "product_share_changes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The supplier whose set changed.
    pub organization_id: OrgId,
    pub share_id: i64,
    pub ref_id: String,
    /// `AnswerFields` as JSON.
    pub before_fields: String,
    pub after_fields: String,
    pub changed_at: DateTimeUtc,
    /// When the owner asked for updated answers because of it.
    pub asked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
