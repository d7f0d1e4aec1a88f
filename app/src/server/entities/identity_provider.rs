use crate::model::OrgId;
use sea_orm::entity::prelude::*;

/// An organization's OpenID provider for single sign-on.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "identity_providers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub organization_id: OrgId,
    pub issuer: String,
    pub client_id: String,
    /// The client secret, sealed with the server's secret key
    /// (`secrets::SecretKey`); never shown again once saved.
    pub client_secret_sealed: String,
    /// Unknown users of the provider's domains may join as viewers
    /// (otherwise they need an invitation).
    pub join_as_viewer: bool,
    /// Members sign in only through the provider: passwords are refused.
    pub enforced: bool,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
