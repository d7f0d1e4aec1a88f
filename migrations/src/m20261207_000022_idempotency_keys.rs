//! Idempotency keys of the REST API: a creating POST sent again with the
//! same `Idempotency-Key` (by the same token) gets the first answer back
//! instead of acting twice. A key is kept a day with a digest of its
//! request and the answer given.

use crate::m20261128_000001_foundation::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("idempotency_keys")
                .col(big_pk_auto("id"))
                .col(big_integer("organization_id"))
                .col(big_integer("api_token_id"))
                .col(string_len("idem_key", 255))
                // SHA-256 of method, path, query and body.
                .col(string_len("request_hash", 64))
                // Null while the first request is being handled.
                .col(integer_null("status"))
                .col(string_len_null("content_type", 100))
                .col(text_null("response_body"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "fk_idempotency_keys_org",
                    ("idempotency_keys", "organization_id"),
                    ("organizations", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_idempotency_keys_token",
                    ("idempotency_keys", "api_token_id"),
                    ("api_tokens", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ux_idempotency_keys_token_key",
            "idempotency_keys",
            &["api_token_id", "idem_key"],
            true,
        ))
        .await?;
        m.create_index(index(
            "ix_idempotency_keys_created",
            "idempotency_keys",
            &["created_at"],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("idempotency_keys").to_owned())
            .await
    }
}
