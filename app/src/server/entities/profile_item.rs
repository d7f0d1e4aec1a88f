use crate::model::{Party, ProfileId, ProfileItemId, RequirementId, TargetKind};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "profile_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: ProfileItemId,
    pub profile_id: ProfileId,
    pub requirement_id: RequirementId,
    pub position: i32,
    pub section: String,
    pub target_kind: TargetKind,
    pub target: i16,
    pub responsible_party: Party,
    pub weight: i16,
    pub evidence_required: bool,
    pub parameters: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
