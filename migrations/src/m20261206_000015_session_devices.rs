//! Sessions a user can see: each session keeps the browser it was started
//! from, and each account remembers the addresses it has signed in from, so
//! a sign-in from a new one can be told to its owner.

use crate::m20261128_000001_foundation::fk;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut col = string_len("user_agent", 200).default("").to_owned();
        m.alter_table(
            Table::alter()
                .table("sessions")
                .add_column(&mut col)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("sign_in_addresses")
                .col(big_integer("user_id"))
                .col(string_len("client_addr", 64))
                .col(timestamp_with_time_zone("first_seen_at"))
                .col(timestamp_with_time_zone("last_seen_at"))
                .primary_key(Index::create().col("user_id").col("client_addr"))
                .foreign_key(&mut fk(
                    "fk_sign_in_addresses_user",
                    ("sign_in_addresses", "user_id"),
                    ("users", "id"),
                ))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("sign_in_addresses").to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table("sessions")
                .drop_column("user_agent")
                .to_owned(),
        )
        .await
    }
}
