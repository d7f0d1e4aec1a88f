//! Mail leaves from the outbox after the transaction that wrote it has
//! committed: a delivery job sends what is due, and retries what failed
//! with a growing pause. The message body waits in `pending_body` until it
//! is delivered or given up on, then it is cleared (it may hold a
//! single-use link).

use super::m20261128_000001_foundation::index;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        for col in [
            text_null("pending_body"),
            integer("attempts").default(0).to_owned(),
            timestamp_with_time_zone_null("next_attempt_at"),
        ] {
            let mut col = col;
            m.alter_table(
                Table::alter()
                    .table("outbox")
                    .add_column(&mut col)
                    .to_owned(),
            )
            .await?;
        }
        m.create_index(index(
            "ix_outbox_due",
            "outbox",
            &["next_attempt_at"],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_outbox_due")
                .table("outbox")
                .to_owned(),
        )
        .await?;
        for col in ["next_attempt_at", "attempts", "pending_body"] {
            m.alter_table(Table::alter().table("outbox").drop_column(col).to_owned())
                .await?;
        }
        Ok(())
    }
}
