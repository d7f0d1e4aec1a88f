//! The identity of an imported OSCAL catalog (its uuid, last-modified,
//! version and remarks), so that exporting it again gives the same document.
//! Cleared as soon as the catalog is changed in Pactline.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("catalogs")
                .add_column(text_null("origin"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("catalogs")
                .drop_column("origin")
                .to_owned(),
        )
        .await
    }
}
