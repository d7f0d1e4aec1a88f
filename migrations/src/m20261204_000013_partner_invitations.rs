//! Invitations from one organization to another: an asset owner asks a
//! supplier, or an assessor for one engagement, to work with it. No
//! organization exists until the recipient accepts, either creating one or
//! linking one they already administer; the inviter learns nothing about
//! which organizations are on Pactline.

use crate::m20261128_000001_foundation::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("partner_invitations")
                .col(big_pk_auto("id"))
                .col(big_integer("owner_org_id"))
                .col(big_integer_null("engagement_id"))
                .col(string_len("org_name", 200))
                .col(string_len("org_kind", 32))
                .col(string_len("email", 254))
                .col(string_len_uniq("token_hash", 64))
                .col(big_integer_null("invited_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("accepted_at"))
                .col(big_integer_null("accepted_org_id"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .col(integer("failed_attempts").default(0))
                .foreign_key(&mut fk(
                    "fk_partner_invitations_owner",
                    ("partner_invitations", "owner_org_id"),
                    ("organizations", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_partner_invitations_engagement",
                    ("partner_invitations", "engagement_id"),
                    ("engagements", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_partner_invitations_owner",
            "partner_invitations",
            &["owner_org_id", "email"],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("partner_invitations").to_owned())
            .await
    }
}
