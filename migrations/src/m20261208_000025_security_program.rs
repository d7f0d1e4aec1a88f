//! The asset owner's own security program (IEC 62443-2-1:2024): a rating
//! per program requirement (target and achieved maturity, who owns it,
//! evidence, note, which parties help carry it), every saved rating kept as
//! a version, and the owner's own trace from a program requirement to the
//! supplier-side requirements that support it (absent until the owner edits
//! Pactline's starting trace for that requirement).

use crate::m20261128_000001_foundation::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("program_ratings")
                .col(big_pk_auto("id"))
                .col(big_integer("organization_id"))
                .col(string_len("ref_id", 32))
                .col(small_integer_null("target_ml"))
                .col(small_integer_null("achieved_ml"))
                .col(big_integer_null("owner_user_id"))
                .col(text("evidence"))
                .col(text("note"))
                .col(string_len_null("carried_by", 40))
                .col(boolean("trace_edited").default(false))
                .col(integer("version"))
                .col(big_integer_null("updated_by"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    "fk_program_ratings_org",
                    ("program_ratings", "organization_id"),
                    ("organizations", "id"),
                ))
                .foreign_key(
                    &mut fk(
                        "fk_program_ratings_owner",
                        ("program_ratings", "owner_user_id"),
                        ("users", "id"),
                    )
                    .on_delete(ForeignKeyAction::SetNull)
                    .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ux_program_ratings_ref",
            "program_ratings",
            &["organization_id", "ref_id"],
            true,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("program_rating_versions")
                .col(big_pk_auto("id"))
                .col(big_integer("rating_id"))
                .col(big_integer("organization_id"))
                .col(integer("version"))
                .col(text("data"))
                .col(big_integer_null("saved_by"))
                .col(timestamp_with_time_zone("saved_at"))
                .foreign_key(&mut fk(
                    "fk_program_rating_versions_rating",
                    ("program_rating_versions", "rating_id"),
                    ("program_ratings", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ux_program_rating_versions",
            "program_rating_versions",
            &["rating_id", "version"],
            true,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("program_traces")
                .col(big_pk_auto("id"))
                .col(big_integer("organization_id"))
                .col(string_len("program_ref", 32))
                .col(string_len("part", 8))
                .col(string_len("target_ref", 64))
                .foreign_key(&mut fk(
                    "fk_program_traces_org",
                    ("program_traces", "organization_id"),
                    ("organizations", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ux_program_traces",
            "program_traces",
            &["organization_id", "program_ref", "part", "target_ref"],
            true,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "program_traces",
            "program_rating_versions",
            "program_ratings",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
