//! Answers kept per product version: for each requirement of the shipped
//! catalog that fits the product (by catalog key and identifier, so they
//! outlive a catalog's new version), the same fields as an assessment
//! answer, with a version for optimistic concurrency and a history of every
//! save.

use crate::m20261128_000001_foundation::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("product_answers")
                .col(big_pk_auto("id"))
                .col(big_integer("organization_id"))
                .col(big_integer("product_version_id"))
                .col(string_len("catalog_key", 100))
                .col(string_len("ref_id", 100))
                .col(text("fields"))
                .col(integer("version"))
                .col(big_integer_null("updated_by"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    "fk_product_answers_version",
                    ("product_answers", "product_version_id"),
                    ("product_versions", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ux_product_answers_requirement",
            "product_answers",
            &["product_version_id", "catalog_key", "ref_id"],
            true,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("product_answer_versions")
                .col(big_pk_auto("id"))
                .col(big_integer("organization_id"))
                .col(big_integer("product_answer_id"))
                .col(integer("version"))
                .col(text("fields"))
                .col(big_integer_null("changed_by"))
                .col(timestamp_with_time_zone("changed_at"))
                .foreign_key(&mut fk(
                    "fk_product_answer_versions_answer",
                    ("product_answer_versions", "product_answer_id"),
                    ("product_answers", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_product_answer_versions_answer",
            "product_answer_versions",
            &["product_answer_id"],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["product_answer_versions", "product_answers"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
