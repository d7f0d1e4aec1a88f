//! Authenticator secrets are now stored sealed (`server::secrets`), which
//! is longer than the 64 characters their columns held in clear. SQLite
//! does not enforce the width; PostgreSQL's columns become text.

use sea_orm::DatabaseBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        for col in ["totp_secret", "totp_pending"] {
            m.alter_table(
                Table::alter()
                    .table("users")
                    .modify_column(text_null(col))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        // Sealed values do not fit the old width: the columns stay text.
        Ok(())
    }
}
