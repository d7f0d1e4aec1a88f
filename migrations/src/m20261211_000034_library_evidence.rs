//! Evidence kept in a supplier's product library: files and links on a
//! product version's answers, and the file of a certificate (its scan or
//! the issuer's PDF). Files are stored by content like assessment
//! evidence (the `blobs` table), so a copy into an assessment, a new
//! version or a renewal points at the same bytes. Such a copy is marked
//! (`copied`) on both tables: it is not an upload, so it does not count
//! against its author's hourly upload rate.

use crate::m20261128_000001_foundation::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("library_evidence")
                .col(big_pk_auto("id"))
                .col(big_integer("organization_id"))
                // Exactly one of the two.
                .col(big_integer_null("product_answer_id"))
                .col(big_integer_null("certificate_id"))
                .col(string_len("kind", 20))
                .col(string_len("title", 300))
                .col(string_len_null("sha256", 64))
                .col(string_len_null("content_type", 200))
                .col(big_integer_null("size_bytes"))
                .col(text_null("url"))
                .col(boolean("copied").default(false))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "fk_library_evidence_org",
                    ("library_evidence", "organization_id"),
                    ("organizations", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_library_evidence_answer",
                    ("library_evidence", "product_answer_id"),
                    ("product_answers", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_library_evidence_certificate",
                    ("library_evidence", "certificate_id"),
                    ("certificates", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_library_evidence_answer",
            "library_evidence",
            &["product_answer_id"],
            false,
        ))
        .await?;
        m.create_index(index(
            "ix_library_evidence_certificate",
            "library_evidence",
            &["certificate_id"],
            false,
        ))
        .await?;
        // The upload rate counts a person's files of the last hour; the
        // sweep asks whether a digest is still used.
        m.create_index(index(
            "ix_library_evidence_uploads",
            "library_evidence",
            &["created_by", "created_at"],
            false,
        ))
        .await?;
        m.create_index(index(
            "ix_library_evidence_sha256",
            "library_evidence",
            &["sha256"],
            false,
        ))
        .await?;
        m.alter_table(
            Table::alter()
                .table("evidence")
                .add_column(boolean("copied").default(false).to_owned())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("evidence")
                .drop_column("copied")
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table("library_evidence").to_owned())
            .await
    }
}
