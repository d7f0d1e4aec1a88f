use crate::model::UserId;
use sea_orm::entity::prelude::*;

/// A passkey ceremony between its two steps (the challenge sent, the
/// browser's answer awaited): webauthn-rs' state, kept on the server.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webauthn_ceremonies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub token_hash: String,
    /// register, sign_in or second_step
    pub kind: String,
    pub user_id: Option<UserId>,
    pub state_json: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
