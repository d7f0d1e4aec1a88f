//! Requirement catalogs (shipped IEC 62443 parts and organizations' own) and
//! their requirements.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("catalogs")
                .col(big_pk_auto("id"))
                // NULL: shipped with Pactline, visible to everyone.
                .col(big_integer_null("owner_org_id"))
                .col(string_len("key", 100))
                .col(string_len("name", 300))
                .col(integer("version"))
                .col(string_len_null("part", 10))
                .col(string_len("applies_to", 40))
                .col(text("source"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_catalogs_owner")
                        .from("catalogs", "owner_org_id")
                        .to("organizations", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_catalogs_owner")
                .table("catalogs")
                .col("owner_org_id")
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_catalogs_key")
                .table("catalogs")
                .col("key")
                .col("version")
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("requirements")
                .col(big_pk_auto("id"))
                .col(big_integer("catalog_id"))
                .col(integer("position"))
                .col(string_len("ref_id", 60))
                .col(string_len("kind", 20))
                .col(string_len("group_code", 20))
                .col(string_len("group_title", 200))
                .col(string_len("title", 300))
                .col(text("description"))
                .col(string_len_null("parent_ref", 60))
                // Comma-separated levels ("2,3,4"), "" for none, NULL when not graded.
                .col(string_len_null("sl", 20))
                .col(string_len_null("component_types", 40))
                .col(boolean("verified"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_requirements_catalog")
                        .from("requirements", "catalog_id")
                        .to("catalogs", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_requirements_ref")
                .table("requirements")
                .col("catalog_id")
                .col("ref_id")
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("requirements").to_owned())
            .await?;
        m.drop_table(Table::drop().table("catalogs").to_owned())
            .await
    }
}
