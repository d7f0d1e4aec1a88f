//! The shared-responsibility matrix, commitment tracking, in-app
//! notifications, reminders claimed in the database, calendar feeds and the
//! per-group gap summary the portfolio dashboard reads.

use crate::m20261128_000001_foundation::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// SQLite adds one column per ALTER TABLE.
async fn add(m: &SchemaManager<'_>, table: &'static str, mut col: ColumnDef) -> Result<(), DbErr> {
    m.alter_table(Table::alter().table(table).add_column(&mut col).to_owned())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Commitments: between the asset owner and one supplier; either side
        // may be the one that promises. Existing rows are review conditions:
        // the owner proposed them, the supplier promises.
        add(
            m,
            "commitments",
            big_integer("supplier_org_id").default(0).to_owned(),
        )
        .await?;
        add(
            m,
            "commitments",
            big_integer("proposed_by_org_id").default(0).to_owned(),
        )
        .await?;
        add(m, "commitments", big_integer_null("answer_id")).await?;
        add(m, "commitments", text_null("closure_note")).await?;
        add(m, "commitments", string_len_null("closure_link", 2000)).await?;
        add(m, "commitments", text_null("waive_reason")).await?;
        add(m, "commitments", big_integer_null("updated_by")).await?;
        add(
            m,
            "commitments",
            timestamp_with_time_zone_null("updated_at"),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "UPDATE commitments SET supplier_org_id = party_org_id, proposed_by_org_id = owner_org_id",
            )
            .await?;
        m.create_index(index(
            "ix_commitments_supplier",
            "commitments",
            &["supplier_org_id", "status"],
            false,
        ))
        .await?;
        m.create_index(index(
            "ix_commitments_engagement",
            "commitments",
            &["engagement_id"],
            false,
        ))
        .await?;
        m.create_index(index(
            "ix_commitments_owner_status",
            "commitments",
            &["owner_org_id", "status", "due_on"],
            false,
        ))
        .await?;

        // The matrix: only what differs from the profile's defaults, or a
        // supplier's stance, is stored. column_org_id 0 is "other".
        m.create_table(
            Table::create()
                .table("responsibilities")
                .col(big_pk_auto("id"))
                .col(big_integer("engagement_id"))
                .col(big_integer("owner_org_id"))
                .col(big_integer("requirement_id"))
                .col(big_integer("column_org_id"))
                .col(string_len_null("duty", 20))
                .col(string_len("split", 500).default(""))
                .col(string_len_null("stance", 20))
                .col(string_len_null("proposed_duty", 20))
                .col(string_len("proposed_split", 500).default(""))
                .col(string_len("note", 1000).default(""))
                .col(big_integer_null("updated_by"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    "fk_responsibilities_engagement",
                    ("responsibilities", "engagement_id"),
                    ("engagements", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ux_responsibilities_cell",
            "responsibilities",
            &["engagement_id", "requirement_id", "column_org_id"],
            true,
        ))
        .await?;
        add(
            m,
            "engagements",
            timestamp_with_time_zone_null("matrix_agreed_at"),
        )
        .await?;

        // Reminders: days before a due date, per organization.
        add(
            m,
            "organizations",
            string_len("reminder_days", 40).default("30,7,1").to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("notifications")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                .col(big_integer("org_id"))
                .col(string_len("kind", 40))
                .col(string_len("title", 300))
                .col(text("body"))
                .col(string_len("link", 500))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("read_at"))
                .foreign_key(&mut fk(
                    "fk_notifications_user",
                    ("notifications", "user_id"),
                    ("users", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_notifications_user",
            "notifications",
            &["user_id", "org_id", "read_at"],
            false,
        ))
        .await?;

        // One row per reminder ever sent: inserting it is the claim, so two
        // schedulers never send the same one.
        m.create_table(
            Table::create()
                .table("reminder_claims")
                .col(big_pk_auto("id"))
                .col(string_len("claim_key", 200))
                .col(string_len("claimed_by", 100))
                .col(timestamp_with_time_zone("claimed_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ux_reminder_claims_key",
            "reminder_claims",
            &["claim_key"],
            true,
        ))
        .await?;

        // Background jobs: one lease per job, so one replica runs it at a time.
        m.create_table(
            Table::create()
                .table("jobs")
                .col(string_len("name", 50).primary_key())
                .col(timestamp_with_time_zone_null("locked_until"))
                .col(string_len_null("locked_by", 100))
                .col(timestamp_with_time_zone_null("last_run_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("calendar_feeds")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                .col(big_integer("org_id"))
                .col(string_len("token_hash", 64))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "fk_calendar_feeds_user",
                    ("calendar_feeds", "user_id"),
                    ("users", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ux_calendar_feeds_token",
            "calendar_feeds",
            &["token_hash"],
            true,
        ))
        .await?;
        m.create_index(index(
            "ux_calendar_feeds_user",
            "calendar_feeds",
            &["user_id", "org_id"],
            true,
        ))
        .await?;

        // Per submitted assessment and group (FR, SP area): the levels
        // required and reached, written at submission.
        m.create_table(
            Table::create()
                .table("assessment_gaps")
                .col(big_pk_auto("id"))
                .col(big_integer("assessment_id"))
                .col(big_integer("owner_org_id"))
                .col(big_integer("supplier_org_id"))
                .col(string_len("grp", 100))
                // "sl" (security levels) or "ml" (maturity levels).
                .col(string_len("kind", 4))
                .col(small_integer("required"))
                .col(small_integer("reached"))
                .col(integer("items"))
                .foreign_key(&mut fk(
                    "fk_assessment_gaps_assessment",
                    ("assessment_gaps", "assessment_id"),
                    ("assessments", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_assessment_gaps_owner",
            "assessment_gaps",
            &["owner_org_id", "supplier_org_id"],
            false,
        ))
        .await?;
        m.create_index(index(
            "ix_assessment_gaps_assessment",
            "assessment_gaps",
            &["assessment_id"],
            false,
        ))
        .await?;
        m.create_index(index(
            "ix_assessments_owner_status",
            "assessments",
            &["owner_org_id", "status", "due_on"],
            false,
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "assessment_gaps",
            "calendar_feeds",
            "jobs",
            "reminder_claims",
            "notifications",
            "responsibilities",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
