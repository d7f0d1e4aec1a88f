//! Evidence files by content: one row per stored blob, so a blob that no
//! evidence points at any more can be found and removed, and the last time
//! an upload used it, so a removal never races an upload of the same bytes.
//! Existing evidence files get their rows.

use super::m20261128_000001_foundation::index;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("blobs")
                .col(string_len("sha256", 64).primary_key())
                .col(big_integer("size_bytes"))
                .col(timestamp_with_time_zone("last_used_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_evidence_sha256", "evidence", &["sha256"], false))
            .await?;
        m.create_index(index(
            "ix_evidence_uploads",
            "evidence",
            &["created_by", "created_at"],
            false,
        ))
        .await?;
        m.get_connection()
            .execute_unprepared(
                "INSERT INTO blobs (sha256, size_bytes, last_used_at) \
                 SELECT sha256, MAX(size_bytes), MAX(created_at) FROM evidence \
                 WHERE sha256 IS NOT NULL AND size_bytes IS NOT NULL GROUP BY sha256",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for ix in ["ix_evidence_uploads", "ix_evidence_sha256"] {
            m.drop_index(Index::drop().name(ix).table("evidence").to_owned())
                .await?;
        }
        m.drop_table(Table::drop().table("blobs").to_owned()).await
    }
}
