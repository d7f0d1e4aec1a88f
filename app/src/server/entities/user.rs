use crate::model::UserId;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub is_active: bool,
    pub created_at: DateTimeUtc,
    pub password_changed_at: DateTimeUtc,
    /// The authenticator app's secret (base32), once confirmed.
    pub totp_secret: Option<String>,
    /// The secret offered while the user sets the app up, and the recovery
    /// codes shown with it (kept until confirmed, then only their hashes).
    pub totp_pending: Option<String>,
    pub totp_pending_codes: Option<String>,
    pub totp_enabled_at: Option<DateTimeUtc>,
    /// The last time step a code was accepted for: no code works twice.
    pub totp_last_step: Option<i64>,
    /// The random handle that names the user to passkey authenticators.
    pub webauthn_handle: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
