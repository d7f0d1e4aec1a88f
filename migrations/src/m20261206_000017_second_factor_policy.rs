//! An organization can require a second factor of every member: those
//! without one set it up at their next sign-in and can do nothing else
//! until they have.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut col = boolean("require_second_factor").default(false).to_owned();
        m.alter_table(
            Table::alter()
                .table("organizations")
                .add_column(&mut col)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("organizations")
                .drop_column("require_second_factor")
                .to_owned(),
        )
        .await
    }
}
