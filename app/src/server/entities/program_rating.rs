use crate::model::{OrgId, UserId};
use sea_orm::entity::prelude::*;

/// An asset owner's rating of one of its 2-1 program requirements.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "program_ratings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: OrgId,
    pub ref_id: String,
    pub target_ml: Option<i16>,
    pub achieved_ml: Option<i16>,
    pub owner_user_id: Option<UserId>,
    pub evidence: String,
    pub note: String,
    /// `CarriedBy::as_str`; `None`: as the trace suggests.
    pub carried_by: Option<String>,
    /// The owner edited the trace: `program_traces` holds it.
    pub trace_edited: bool,
    pub version: i32,
    pub updated_by: Option<UserId>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
