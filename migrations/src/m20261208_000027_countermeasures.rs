//! Compensating countermeasures for legacy components (what stands in for
//! which FRs and requirements, where, who carries it, when it is reviewed,
//! what gap remains; carried as a commitment by the responsible party), and
//! an owner admin's acceptance of a zone's gap in one FR until a date.

use crate::m20261128_000001_foundation::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("countermeasures")
                .col(big_pk_auto("id"))
                .col(big_integer("organization_id"))
                .col(big_integer("component_id"))
                .col(string_len("frs", 20))
                .col(text("requirements"))
                .col(text("description"))
                .col(string_len("location", 20))
                .col(big_integer("responsible_org_id"))
                .col(date("review_on"))
                .col(text("residual_gap"))
                .col(big_integer_null("commitment_id"))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "fk_countermeasures_component",
                    ("countermeasures", "component_id"),
                    ("zone_components", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_countermeasures_component",
            "countermeasures",
            &["component_id"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("risk_acceptances")
                .col(big_pk_auto("id"))
                .col(big_integer("organization_id"))
                .col(big_integer("zone_id"))
                .col(small_integer("fr"))
                .col(text("reason"))
                .col(date("accepted_until"))
                .col(big_integer_null("accepted_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "fk_risk_acceptances_zone",
                    ("risk_acceptances", "zone_id"),
                    ("zones", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_risk_acceptances_zone",
            "risk_acceptances",
            &["zone_id"],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["risk_acceptances", "countermeasures"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
