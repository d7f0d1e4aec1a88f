//! Wrong passwords given through an invitation link: after a few the link is
//! locked, so an invitation cannot be used to guess an existing account's
//! password.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("invitations")
                .add_column(integer("failed_attempts").default(0))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("invitations")
                .drop_column("failed_attempts")
                .to_owned(),
        )
        .await
    }
}
