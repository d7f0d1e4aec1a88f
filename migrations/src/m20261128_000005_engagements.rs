//! Engagements, the assessments sent in them, the suppliers' answers with
//! every saved version, and evidence.

use crate::m20261128_000001_foundation::{fk, index};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("engagements")
                .col(big_pk_auto("id"))
                .col(big_integer("owner_org_id"))
                .col(string_len("name", 200))
                .col(text("description"))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "fk_engagements_owner",
                    ("engagements", "owner_org_id"),
                    ("organizations", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_engagements_owner",
            "engagements",
            &["owner_org_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("assessments")
                .col(big_pk_auto("id"))
                .col(big_integer("engagement_id"))
                // Both organizations are stored, so every query can start
                // from the caller's organization on either side.
                .col(big_integer("owner_org_id"))
                .col(big_integer("supplier_org_id"))
                .col(big_integer("profile_id"))
                .col(string_len("status", 30))
                .col(date("due_on"))
                .col(text("message"))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("submitted_at"))
                .foreign_key(&mut fk(
                    "fk_assessments_engagement",
                    ("assessments", "engagement_id"),
                    ("engagements", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_assessments_owner",
                    ("assessments", "owner_org_id"),
                    ("organizations", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_assessments_supplier",
                    ("assessments", "supplier_org_id"),
                    ("organizations", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_assessments_profile",
                    ("assessments", "profile_id"),
                    ("profiles", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ux_assessments_once",
            "assessments",
            &["engagement_id", "supplier_org_id", "profile_id"],
            true,
        ))
        .await?;
        m.create_index(index(
            "ix_assessments_owner",
            "assessments",
            &["owner_org_id"],
            false,
        ))
        .await?;
        m.create_index(index(
            "ix_assessments_supplier",
            "assessments",
            &["supplier_org_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("answers")
                .col(big_pk_auto("id"))
                .col(big_integer("assessment_id"))
                .col(big_integer("profile_item_id"))
                // Denormalized so earlier answers to the same requirement are
                // found by one indexed query.
                .col(big_integer("requirement_id"))
                .col(big_integer("supplier_org_id"))
                .col(string_len_null("compliance", 50))
                .col(text("countermeasure"))
                .col(date_null("planned_on"))
                .col(text("na_reason"))
                .col(string_len("other_party", 200))
                .col(small_integer_null("claimed_level"))
                .col(text("statement"))
                .col(boolean_null("responsibility_accepted"))
                .col(big_integer_null("assignee_id"))
                .col(integer("version"))
                .col(big_integer_null("updated_by"))
                .col(timestamp_with_time_zone_null("updated_at"))
                .foreign_key(&mut fk(
                    "fk_answers_assessment",
                    ("answers", "assessment_id"),
                    ("assessments", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_answers_item",
                    ("answers", "profile_item_id"),
                    ("profile_items", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ux_answers_item",
            "answers",
            &["assessment_id", "profile_item_id"],
            true,
        ))
        .await?;
        m.create_index(index(
            "ix_answers_requirement",
            "answers",
            &["supplier_org_id", "requirement_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("answer_versions")
                .col(big_pk_auto("id"))
                .col(big_integer("answer_id"))
                .col(integer("version"))
                .col(text("data"))
                .col(big_integer_null("saved_by"))
                .col(timestamp_with_time_zone("saved_at"))
                .foreign_key(&mut fk(
                    "fk_answer_versions_answer",
                    ("answer_versions", "answer_id"),
                    ("answers", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ux_answer_versions",
            "answer_versions",
            &["answer_id", "version"],
            true,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("evidence")
                .col(big_pk_auto("id"))
                .col(big_integer("assessment_id"))
                .col(big_integer("answer_id"))
                // "file", "link" or "certificate".
                .col(string_len("kind", 20))
                .col(string_len("title", 300))
                .col(string_len_null("sha256", 64))
                .col(string_len_null("content_type", 100))
                .col(big_integer_null("size_bytes"))
                .col(string_len_null("url", 2000))
                .col(string_len_null("scheme", 100))
                .col(string_len_null("level", 50))
                .col(string_len_null("scope", 500))
                .col(string_len_null("issuer", 200))
                .col(date_null("expires_on"))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "fk_evidence_assessment",
                    ("evidence", "assessment_id"),
                    ("assessments", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_evidence_answer",
                    ("evidence", "answer_id"),
                    ("answers", "id"),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_evidence_answer",
            "evidence",
            &["answer_id"],
            false,
        ))
        .await?;
        m.create_index(index(
            "ix_evidence_assessment",
            "evidence",
            &["assessment_id"],
            false,
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "evidence",
            "answer_versions",
            "answers",
            "assessments",
            "engagements",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
