//! An assessment keeps its progress (items, answered, evidence missing) on
//! its own row, recounted in the transaction of every change to its answers
//! or evidence: lists read twenty rows instead of counting thousands of
//! answers on every request. Existing assessments are counted here once.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: [&str; 3] = ["item_count", "answered_count", "evidence_missing_count"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one at a time.
        for name in COLUMNS {
            m.alter_table(
                Table::alter()
                    .table("assessments")
                    .add_column(integer(name).default(0).to_owned())
                    .to_owned(),
            )
            .await?;
        }
        // The same counts as the application's recount (claims other than
        // not applicable and by another party need evidence where the
        // profile item asks for it).
        m.get_connection()
            .execute_unprepared(
                "UPDATE assessments SET \
                   item_count = (SELECT COUNT(*) FROM answers x WHERE x.assessment_id = assessments.id), \
                   answered_count = (SELECT COUNT(x.compliance) FROM answers x WHERE x.assessment_id = assessments.id), \
                   evidence_missing_count = (SELECT COUNT(*) FROM answers x \
                       JOIN profile_items i ON i.id = x.profile_item_id \
                      WHERE x.assessment_id = assessments.id AND i.evidence_required = TRUE \
                        AND x.compliance IS NOT NULL \
                        AND x.compliance NOT IN ('not_applicable', 'by_other_party') \
                        AND NOT EXISTS (SELECT 1 FROM evidence v WHERE v.answer_id = x.id))",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in COLUMNS {
            m.alter_table(
                Table::alter()
                    .table("assessments")
                    .drop_column(name)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
