//! Assessors: an asset owner invites an assessor organization into one
//! engagement, where it reads everything and writes internal comments.

use crate::m20261128_000001_foundation::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("engagement_assessors")
                .col(big_pk_auto("id"))
                .col(big_integer("engagement_id"))
                .col(big_integer("owner_org_id"))
                .col(big_integer("assessor_org_id"))
                .col(big_integer_null("invited_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "fk_engagement_assessors_engagement",
                    ("engagement_assessors", "engagement_id"),
                    ("engagements", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_engagement_assessors_owner",
                    ("engagement_assessors", "owner_org_id"),
                    ("organizations", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_engagement_assessors_assessor",
                    ("engagement_assessors", "assessor_org_id"),
                    ("organizations", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ux_engagement_assessors",
            "engagement_assessors",
            &["engagement_id", "assessor_org_id"],
            true,
        ))
        .await?;
        m.create_index(index(
            "ix_engagement_assessors_assessor",
            "engagement_assessors",
            &["assessor_org_id"],
            false,
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("engagement_assessors").to_owned())
            .await
    }
}
