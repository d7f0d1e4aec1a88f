//! Sharing a product version's answer set with a chosen asset owner (until
//! revoked), what changed in a shared set since (requirement, before and
//! after), and evidence that names the library certificate it came from
//! (so an owner whose accepted assessment relied on a certificate hears
//! when it runs out).

use crate::m20261128_000001_foundation::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("product_shares")
                .col(big_pk_auto("id"))
                // The supplier that shares.
                .col(big_integer("organization_id"))
                .col(big_integer("product_version_id"))
                .col(big_integer("owner_org_id"))
                .col(big_integer_null("shared_by"))
                .col(timestamp_with_time_zone("shared_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .col(big_integer_null("revoked_by"))
                .foreign_key(&mut fk(
                    "fk_product_shares_version",
                    ("product_shares", "product_version_id"),
                    ("product_versions", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_product_shares_owner",
                    ("product_shares", "owner_org_id"),
                    ("organizations", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ux_product_shares_once",
            "product_shares",
            &["product_version_id", "owner_org_id"],
            true,
        ))
        .await?;
        m.create_index(index(
            "ix_product_shares_owner",
            "product_shares",
            &["owner_org_id"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("product_share_changes")
                .col(big_pk_auto("id"))
                .col(big_integer("organization_id"))
                .col(big_integer("share_id"))
                .col(string_len("ref_id", 100))
                // `AnswerFields` as JSON, before and after the save.
                .col(text("before_fields"))
                .col(text("after_fields"))
                .col(timestamp_with_time_zone("changed_at"))
                .col(timestamp_with_time_zone_null("asked_at"))
                .foreign_key(&mut fk(
                    "fk_product_share_changes_share",
                    ("product_share_changes", "share_id"),
                    ("product_shares", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_product_share_changes_share",
            "product_share_changes",
            &["share_id", "id"],
            false,
        ))
        .await?;
        let mut col = big_integer_null("certificate_id").to_owned();
        m.alter_table(
            Table::alter()
                .table("evidence")
                .add_column(&mut col)
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_evidence_certificate",
            "evidence",
            &["certificate_id"],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_evidence_certificate")
                .table("evidence")
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("evidence")
                .drop_column("certificate_id")
                .to_owned(),
        )
        .await?;
        for t in ["product_share_changes", "product_shares"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
