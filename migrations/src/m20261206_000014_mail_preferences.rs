//! Each user chooses, per kind of notification, whether it also comes by
//! e-mail at once, in a daily summary, or not at all (the notification in
//! the app is always written). A notification waiting for the daily summary
//! is marked until the summary that carries it goes out.

use crate::m20261128_000001_foundation::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("mail_preferences")
                .col(big_integer("user_id"))
                .col(string_len("topic", 32))
                .col(string_len("delivery", 16))
                .col(timestamp_with_time_zone("updated_at"))
                .primary_key(Index::create().col("user_id").col("topic"))
                .foreign_key(&mut fk(
                    "fk_mail_preferences_user",
                    ("mail_preferences", "user_id"),
                    ("users", "id"),
                ))
                .to_owned(),
        )
        .await?;
        let mut col = boolean("digest_pending").default(false).to_owned();
        m.alter_table(
            Table::alter()
                .table("notifications")
                .add_column(&mut col)
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_notifications_digest",
            "notifications",
            &["digest_pending", "user_id"],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_notifications_digest")
                .table("notifications")
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("notifications")
                .drop_column("digest_pending")
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table("mail_preferences").to_owned())
            .await
    }
}
