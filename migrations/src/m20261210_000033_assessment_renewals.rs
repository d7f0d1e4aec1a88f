//! Recurring re-assessment: the asset owner sets a cadence on an accepted
//! assessment; Pactline opens the next one (a new round of the same
//! supplier and profile line in the same engagement) on time, once.

use crate::m20261128_000001_foundation::index;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

async fn add(m: &SchemaManager<'_>, mut col: ColumnDef) -> Result<(), DbErr> {
    m.alter_table(
        Table::alter()
            .table("assessments")
            .add_column(&mut col)
            .to_owned(),
    )
    .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Months between assessments, and the date the next one is due.
        add(m, integer_null("renew_every_months").to_owned()).await?;
        add(m, date_null("renews_on").to_owned()).await?;
        // The assessment this one renews, and its round (0 for the first).
        add(m, big_integer_null("renewal_of").to_owned()).await?;
        add(m, integer("round").default(0).to_owned()).await?;
        // Once per engagement, supplier, profile version and round.
        // The same statement on SQLite and PostgreSQL (sea-query names the
        // table on SQLite, which SQLite's DROP INDEX does not take).
        m.get_connection()
            .execute_unprepared("DROP INDEX ux_assessments_once")
            .await?;
        m.create_index(index(
            "ux_assessments_round",
            "assessments",
            &["engagement_id", "supplier_org_id", "profile_id", "round"],
            true,
        ))
        .await?;
        // One renewal per assessment, however many schedulers run.
        m.create_index(index(
            "ux_assessments_renewal",
            "assessments",
            &["renewal_of"],
            true,
        ))
        .await?;
        m.create_index(index(
            "ix_assessments_renews_on",
            "assessments",
            &["renews_on"],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for i in [
            "ix_assessments_renews_on",
            "ux_assessments_renewal",
            "ux_assessments_round",
        ] {
            m.get_connection()
                .execute_unprepared(&format!("DROP INDEX {i}"))
                .await?;
        }
        m.create_index(index(
            "ux_assessments_once",
            "assessments",
            &["engagement_id", "supplier_org_id", "profile_id"],
            true,
        ))
        .await?;
        for c in ["round", "renewal_of", "renews_on", "renew_every_months"] {
            m.alter_table(
                Table::alter()
                    .table("assessments")
                    .drop_column(c)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
