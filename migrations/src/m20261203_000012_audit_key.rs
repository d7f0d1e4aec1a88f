//! The audit chain is keyed (HMAC-SHA-256 with a key kept outside the
//! database). `key_id` names the key the chain's hashes were made with: a
//! short fingerprint, never the key. Empty until the first start with a key
//! re-computes an older, unkeyed chain.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("audit_chain")
                .add_column(string_len_null("key_id", 16))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("audit_chain")
                .drop_column("key_id")
                .to_owned(),
        )
        .await
    }
}
