//! A countermeasure implemented on a conduit names that conduit; the owner
//! records each review of a countermeasure it carries itself (when, by
//! whom, what it found), which moves the next review date on.

use crate::m20261128_000001_foundation::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut col = big_integer_null("conduit_id").to_owned();
        m.alter_table(
            Table::alter()
                .table("countermeasures")
                .add_column(&mut col)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("countermeasure_reviews")
                .col(big_pk_auto("id"))
                .col(big_integer("organization_id"))
                .col(big_integer("countermeasure_id"))
                .col(date("reviewed_on"))
                .col(text("finding"))
                .col(date("next_review_on"))
                .col(big_integer_null("reviewed_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "fk_countermeasure_reviews_countermeasure",
                    ("countermeasure_reviews", "countermeasure_id"),
                    ("countermeasures", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_countermeasure_reviews_countermeasure",
            "countermeasure_reviews",
            &["countermeasure_id"],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("countermeasure_reviews").to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table("countermeasures")
                .drop_column("conduit_id")
                .to_owned(),
        )
        .await
    }
}
