//! Webhooks: an organization's endpoints (address, the events they want,
//! the signing secret sealed with the server's key) and the deliveries
//! queued for them in the transaction of the change they tell about, sent
//! after commit, retried with backoff, each claimed by one replica at a
//! time.

use crate::m20261128_000001_foundation::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("webhook_endpoints")
                .col(big_pk_auto("id"))
                .col(big_integer("organization_id"))
                .col(string_len("url", 2000))
                .col(string_len("description", 200))
                // Event types, comma-separated.
                .col(string_len("events", 1000))
                .col(text("secret_sealed"))
                .col(big_integer("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                // Set when deliveries kept failing for a day; cleared by the
                // next success.
                .col(timestamp_with_time_zone_null("failing_since"))
                .col(timestamp_with_time_zone_null("removed_at"))
                .foreign_key(&mut fk(
                    "fk_webhook_endpoints_org",
                    ("webhook_endpoints", "organization_id"),
                    ("organizations", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_webhook_endpoints_creator",
                    ("webhook_endpoints", "created_by"),
                    ("users", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_webhook_endpoints_org",
            "webhook_endpoints",
            &["organization_id"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("webhook_deliveries")
                .col(big_pk_auto("id"))
                .col(big_integer("organization_id"))
                .col(big_integer("endpoint_id"))
                // The Standard Webhooks message id (`webhook-id`): the same
                // on every attempt.
                .col(string_len("event_id", 64))
                .col(string_len("event_type", 64))
                .col(text("payload"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("next_attempt_at"))
                .col(integer("attempts"))
                .col(integer_null("last_status"))
                .col(string_len_null("last_error", 500))
                .col(timestamp_with_time_zone_null("last_attempt_at"))
                .col(timestamp_with_time_zone_null("delivered_at"))
                .col(timestamp_with_time_zone_null("failed_at"))
                // A replica's claim while it sends.
                .col(timestamp_with_time_zone_null("locked_until"))
                .foreign_key(&mut fk(
                    "fk_webhook_deliveries_org",
                    ("webhook_deliveries", "organization_id"),
                    ("organizations", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_webhook_deliveries_endpoint",
                    ("webhook_deliveries", "endpoint_id"),
                    ("webhook_endpoints", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ux_webhook_deliveries_event",
            "webhook_deliveries",
            &["endpoint_id", "event_id"],
            true,
        ))
        .await?;
        m.create_index(index(
            "ix_webhook_deliveries_due",
            "webhook_deliveries",
            &["delivered_at", "failed_at", "next_attempt_at"],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("webhook_deliveries").to_owned())
            .await?;
        m.drop_table(Table::drop().table("webhook_endpoints").to_owned())
            .await
    }
}
