//! A second factor for signing in: an authenticator app's secret (RFC 6238)
//! once confirmed, the one offered while it is being set up, the last time
//! step a code was accepted for (so no code works twice), single-use
//! recovery codes stored hashed, and the half-finished sign-ins that wait
//! for a code after the password was right.

use crate::m20261128_000001_foundation::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        for col in [
            string_len_null("totp_secret", 64),
            string_len_null("totp_pending", 64),
            text_null("totp_pending_codes"),
            timestamp_with_time_zone_null("totp_enabled_at"),
            big_integer_null("totp_last_step"),
        ] {
            let mut col = col;
            m.alter_table(
                Table::alter()
                    .table("users")
                    .add_column(&mut col)
                    .to_owned(),
            )
            .await?;
        }
        m.create_table(
            Table::create()
                .table("recovery_codes")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                .col(string_len("code_hash", 64))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("used_at"))
                .foreign_key(&mut fk(
                    "fk_recovery_codes_user",
                    ("recovery_codes", "user_id"),
                    ("users", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_recovery_codes_user",
            "recovery_codes",
            &["user_id", "code_hash"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("login_challenges")
                .col(string_len("token_hash", 64).primary_key())
                .col(big_integer("user_id"))
                .col(big_integer("organization_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(integer("failed_attempts").default(0))
                .foreign_key(&mut fk(
                    "fk_login_challenges_user",
                    ("login_challenges", "user_id"),
                    ("users", "id"),
                ))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("login_challenges").to_owned())
            .await?;
        m.drop_table(Table::drop().table("recovery_codes").to_owned())
            .await?;
        for col in [
            "totp_last_step",
            "totp_enabled_at",
            "totp_pending_codes",
            "totp_pending",
            "totp_secret",
        ] {
            m.alter_table(Table::alter().table("users").drop_column(col).to_owned())
                .await?;
        }
        Ok(())
    }
}
