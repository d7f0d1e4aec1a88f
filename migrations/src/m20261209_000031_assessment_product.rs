//! The supplier binds an assessment to one of its product versions (what
//! the answers are about, and where "fill from product" copies from).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut col = big_integer_null("product_version_id").to_owned();
        m.alter_table(
            Table::alter()
                .table("assessments")
                .add_column(&mut col)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("assessments")
                .drop_column("product_version_id")
                .to_owned(),
        )
        .await
    }
}
