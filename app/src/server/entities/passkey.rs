use crate::model::UserId;
use sea_orm::entity::prelude::*;

/// A user's passkey: the credential as webauthn-rs keeps it (public key,
/// counter), under the name the user gave it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "passkeys")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: UserId,
    pub name: String,
    /// The credential id, base64url: what an authenticator names it by.
    pub credential_id: String,
    pub passkey_json: String,
    pub created_at: DateTimeUtc,
    pub last_used_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
