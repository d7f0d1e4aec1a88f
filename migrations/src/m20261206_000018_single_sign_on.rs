//! Single sign-on through an organization's own OpenID provider: the
//! provider's settings (the client secret sealed with the server's secret
//! key, never stored in clear), the half-finished sign-ins that wait for the
//! provider's answer, and how each session was signed in (an organization
//! that requires a second factor accepts its identity provider instead).

use crate::m20261128_000001_foundation::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("identity_providers")
                .col(big_integer("organization_id").primary_key())
                .col(string_len("issuer", 500))
                .col(string_len("client_id", 200))
                .col(text("client_secret_sealed"))
                .col(boolean("join_as_viewer").default(false))
                .col(boolean("enforced").default(false))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    "fk_identity_providers_org",
                    ("identity_providers", "organization_id"),
                    ("organizations", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                // The e-mail domains an identity provider owns: each
                // belongs to one organization at most.
                .table("sso_domains")
                .col(string_len("domain", 253).primary_key())
                .col(big_integer("organization_id"))
                .foreign_key(&mut fk(
                    "fk_sso_domains_org",
                    ("sso_domains", "organization_id"),
                    ("organizations", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_sso_domains_org",
            "sso_domains",
            &["organization_id"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("sso_logins")
                .col(string_len("state_hash", 64).primary_key())
                .col(big_integer("organization_id"))
                // The browser that started it holds a cookie whose hash
                // this is: a link with someone else's state signs no one in.
                .col(string_len("browser_hash", 64))
                .col(string_len("pkce_verifier", 200))
                .col(string_len("nonce", 200))
                .col(string_len("email", 254))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .foreign_key(&mut fk(
                    "fk_sso_logins_org",
                    ("sso_logins", "organization_id"),
                    ("organizations", "id"),
                ))
                .to_owned(),
        )
        .await?;
        let mut col = string_len("sign_in_method", 20)
            .default("password")
            .to_owned();
        m.alter_table(
            Table::alter()
                .table("sessions")
                .add_column(&mut col)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("sessions")
                .drop_column("sign_in_method")
                .to_owned(),
        )
        .await?;
        for t in ["sso_logins", "sso_domains", "identity_providers"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
