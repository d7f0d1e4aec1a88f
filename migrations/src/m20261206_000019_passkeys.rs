//! Passkeys (WebAuthn): a user's credentials (the public key and its
//! counter, as webauthn-rs serializes them; no secret), the random handle
//! that names the user to authenticators (never the e-mail address or the
//! row id), and the ceremonies between their two steps, kept server-side.

use crate::m20261128_000001_foundation::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut col = string_len_null("webauthn_handle", 36).to_owned();
        m.alter_table(
            Table::alter()
                .table("users")
                .add_column(&mut col)
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ux_users_webauthn_handle",
            "users",
            &["webauthn_handle"],
            true,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("passkeys")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                .col(string_len("name", 60))
                .col(string_len("credential_id", 1400))
                .col(text("passkey_json"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("last_used_at"))
                .foreign_key(&mut fk(
                    "fk_passkeys_user",
                    ("passkeys", "user_id"),
                    ("users", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_passkeys_user", "passkeys", &["user_id"], false))
            .await?;
        m.create_index(index(
            "ux_passkeys_credential",
            "passkeys",
            &["credential_id"],
            true,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("webauthn_ceremonies")
                .col(string_len("token_hash", 64).primary_key())
                // register, sign_in or second_step
                .col(string_len("kind", 20))
                .col(big_integer_null("user_id"))
                .col(text("state_json"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("webauthn_ceremonies").to_owned())
            .await?;
        m.drop_table(Table::drop().table("passkeys").to_owned())
            .await?;
        m.drop_index(
            Index::drop()
                .name("ux_users_webauthn_handle")
                .table("users")
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("users")
                .drop_column("webauthn_handle")
                .to_owned(),
        )
        .await
    }
}
