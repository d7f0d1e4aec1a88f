//! Security profiles: an asset owner's versioned selection of requirements
//! with a target per item.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("profiles")
                .col(big_pk_auto("id"))
                .col(big_integer("owner_org_id"))
                // All versions of one profile share the lineage.
                .col(string_len("lineage", 36))
                .col(integer("version"))
                .col(string_len("name", 200))
                .col(text("description"))
                .col(string_len("status", 20))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("published_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_profiles_owner")
                        .from("profiles", "owner_org_id")
                        .to("organizations", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_profiles_owner")
                .table("profiles")
                .col("owner_org_id")
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_profiles_lineage_version")
                .table("profiles")
                .col("lineage")
                .col("version")
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("profile_items")
                .col(big_pk_auto("id"))
                .col(big_integer("profile_id"))
                .col(big_integer("requirement_id"))
                .col(integer("position"))
                .col(string_len("section", 200))
                // "ml" (maturity level, 2-4 and 4-1) or "sl" (SL-T, 4-2 and 3-3).
                .col(string_len("target_kind", 4))
                .col(small_integer("target"))
                .col(string_len("responsible_party", 40))
                .col(small_integer("weight"))
                .col(boolean("evidence_required"))
                .col(text("parameters"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_profile_items_profile")
                        .from("profile_items", "profile_id")
                        .to("profiles", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_profile_items_requirement")
                        .from("profile_items", "requirement_id")
                        .to("requirements", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_profile_items_requirement")
                .table("profile_items")
                .col("profile_id")
                .col("requirement_id")
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("profile_items").to_owned())
            .await?;
        m.drop_table(Table::drop().table("profiles").to_owned())
            .await
    }
}
