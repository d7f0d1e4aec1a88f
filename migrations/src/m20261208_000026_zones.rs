//! The asset owner's systems under consideration (IEC 62443-3-2): their
//! zones and conduits, each with a target security level per foundational
//! requirement (stored as `1,2,3,1,2,1,2`), and the components in a zone,
//! optionally linked to the supplier's assessment that covers them.

use crate::m20261128_000001_foundation::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("systems")
                .col(big_pk_auto("id"))
                .col(big_integer("organization_id"))
                .col(string_len("name", 200))
                .col(text("description"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "fk_systems_org",
                    ("systems", "organization_id"),
                    ("organizations", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ux_systems_name",
            "systems",
            &["organization_id", "name"],
            true,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("zones")
                .col(big_pk_auto("id"))
                .col(big_integer("organization_id"))
                .col(big_integer("system_id"))
                .col(string_len("name", 200))
                .col(text("description"))
                .col(string_len("sl_t", 20))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "fk_zones_system",
                    ("zones", "system_id"),
                    ("systems", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ux_zones_name",
            "zones",
            &["system_id", "name"],
            true,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("conduits")
                .col(big_pk_auto("id"))
                .col(big_integer("organization_id"))
                .col(big_integer("system_id"))
                .col(string_len("name", 200))
                .col(text("description"))
                .col(big_integer("from_zone_id"))
                .col(big_integer("to_zone_id"))
                .col(string_len("sl_t", 20))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "fk_conduits_system",
                    ("conduits", "system_id"),
                    ("systems", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_conduits_from",
                    ("conduits", "from_zone_id"),
                    ("zones", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_conduits_to",
                    ("conduits", "to_zone_id"),
                    ("zones", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ux_conduits_name",
            "conduits",
            &["system_id", "name"],
            true,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("zone_components")
                .col(big_pk_auto("id"))
                .col(big_integer("organization_id"))
                .col(big_integer("zone_id"))
                .col(string_len("name", 200))
                .col(string_len("component_type", 8))
                .col(big_integer_null("supplier_org_id"))
                .col(string_len("product", 200))
                .col(string_len("version", 100))
                .col(date_null("in_service_since"))
                .col(date_null("end_of_support"))
                .col(big_integer_null("assessment_id"))
                .col(boolean("legacy").default(false))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "fk_zone_components_zone",
                    ("zone_components", "zone_id"),
                    ("zones", "id"),
                ))
                .foreign_key(
                    &mut fk(
                        "fk_zone_components_assessment",
                        ("zone_components", "assessment_id"),
                        ("assessments", "id"),
                    )
                    .on_delete(ForeignKeyAction::SetNull)
                    .to_owned(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_zone_components_zone",
            "zone_components",
            &["zone_id"],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["zone_components", "conduits", "zones", "systems"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
