//! API tokens: an organization's keys for scripts and other systems. Only
//! a hash of each token is kept (tokens are 256 random bits, so a fast hash
//! suffices), with the role it acts with, whether it may only read, when it
//! expires, who made it and when it was last used. Audit events name the
//! token a change was made with.

use crate::m20261128_000001_foundation::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("api_tokens")
                .col(big_pk_auto("id"))
                .col(big_integer("organization_id"))
                .col(string_len("name", 80))
                .col(string_len("role", 20))
                .col(boolean("read_only"))
                .col(string_len("token_hash", 64))
                // The first characters of the token, to tell tokens apart.
                .col(string_len("prefix", 12))
                .col(big_integer("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("last_used_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(&mut fk(
                    "fk_api_tokens_org",
                    ("api_tokens", "organization_id"),
                    ("organizations", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_api_tokens_creator",
                    ("api_tokens", "created_by"),
                    ("users", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ux_api_tokens_hash",
            "api_tokens",
            &["token_hash"],
            true,
        ))
        .await?;
        m.create_index(index(
            "ix_api_tokens_org",
            "api_tokens",
            &["organization_id"],
            false,
        ))
        .await?;
        let mut col = big_integer_null("api_token_id").to_owned();
        m.alter_table(
            Table::alter()
                .table("audit_events")
                .add_column(&mut col)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("audit_events")
                .drop_column("api_token_id")
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table("api_tokens").to_owned())
            .await
    }
}
