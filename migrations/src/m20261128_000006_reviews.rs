//! Procurement review: a verdict per answer, comment threads (shared with
//! the supplier or internal), decisions on assessments, and the commitments
//! that review conditions propose.

use crate::m20261128_000001_foundation::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("reviews")
                .col(big_pk_auto("id"))
                .col(big_integer("assessment_id"))
                .col(big_integer("answer_id"))
                .col(big_integer("owner_org_id"))
                .col(string_len("status", 30))
                .col(big_integer_null("reviewer_id"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    "fk_reviews_assessment",
                    ("reviews", "assessment_id"),
                    ("assessments", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_reviews_answer",
                    ("reviews", "answer_id"),
                    ("answers", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ux_reviews_answer", "reviews", &["answer_id"], true))
            .await?;
        m.create_index(index(
            "ix_reviews_assessment",
            "reviews",
            &["assessment_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("comments")
                .col(big_pk_auto("id"))
                .col(big_integer("assessment_id"))
                .col(big_integer("answer_id"))
                .col(big_integer("author_id"))
                .col(big_integer("author_org_id"))
                // "shared" (the supplier reads it) or "internal" (it never does).
                .col(string_len("visibility", 10))
                .col(text("body"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "fk_comments_assessment",
                    ("comments", "assessment_id"),
                    ("assessments", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_comments_answer",
                    ("comments", "answer_id"),
                    ("answers", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_comments_assessment",
            "comments",
            &["assessment_id", "visibility"],
            false,
        ))
        .await?;

        m.alter_table(
            Table::alter()
                .table("assessments")
                .add_column(text_null("decision_rationale"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("assessments")
                .add_column(big_integer_null("decided_by"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("assessments")
                .add_column(timestamp_with_time_zone_null("decided_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("commitments")
                .col(big_pk_auto("id"))
                .col(big_integer("owner_org_id"))
                .col(big_integer("engagement_id"))
                .col(big_integer_null("assessment_id"))
                // The party that promises: the supplier, or the owner itself.
                .col(big_integer("party_org_id"))
                .col(big_integer_null("requirement_id"))
                .col(string_len("title", 500))
                .col(date_null("due_on"))
                // proposed → agreed → in_progress → fulfilled → verified, or waived.
                .col(string_len("status", 20))
                // "review_condition", "planned_answer" or "manual".
                .col(string_len("source", 30))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "fk_commitments_owner",
                    ("commitments", "owner_org_id"),
                    ("organizations", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_commitments_engagement",
                    ("commitments", "engagement_id"),
                    ("engagements", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_commitments_party",
                    ("commitments", "party_org_id"),
                    ("organizations", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_commitments_owner",
            "commitments",
            &["owner_org_id"],
            false,
        ))
        .await?;
        m.create_index(index(
            "ix_commitments_party",
            "commitments",
            &["party_org_id"],
            false,
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["commitments", "comments", "reviews"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        for c in ["decision_rationale", "decided_by", "decided_at"] {
            m.alter_table(
                Table::alter()
                    .table("assessments")
                    .drop_column(c)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
