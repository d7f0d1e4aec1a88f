//! The tender evaluation matrix of an engagement, for the asset owner and
//! its assessors: every supplier's answers side by side, on screen and as a
//! workbook. A fixed number of queries whatever the number of suppliers and
//! requirements (published profiles come from memory after their first
//! read).

use super::exports::neutralize;
use crate::model::{
    compare, AppError, ColumnHead, ComparedAnswer, Comparison, Compliance, EngagementId, GapItem,
    OrgId, ProfileItemId, ReviewStatus, Side,
};
use crate::server::{
    access,
    entities::{answer, review},
    read_models, Actor, AppState,
};
use sea_orm::QuerySelect;
use std::collections::HashMap;

/// The matrix of an engagement's assessments (withdrawn ones left out).
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn comparison(
    actor: &Actor,
    state: &AppState,
    id: EngagementId,
) -> Result<Comparison, AppError> {
    let db = &state.db;
    let (e, side) = access::engagement(db, actor, id).await?;
    debug_assert!(side != Side::Supplier);
    let rows = access::live_assessments_in(db, actor, &e, side).await?;
    let names: HashMap<OrgId, String> =
        super::org_names(db, rows.iter().map(|a| a.supplier_org_id)).await?;
    type AnswerRow = (i64, i64, i64, Option<String>, Option<i16>);
    let answers: Vec<AnswerRow> = access::answers_of_all(&rows)
        .select_only()
        .columns([
            answer::Column::Id,
            answer::Column::AssessmentId,
            answer::Column::ProfileItemId,
            answer::Column::Compliance,
            answer::Column::ClaimedLevel,
        ])
        .into_tuple()
        .all(db)
        .await?;
    let verdicts: HashMap<i64, ReviewStatus> = access::reviews_of_all(&rows)
        .select_only()
        .columns([review::Column::AnswerId, review::Column::Status])
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(a, s)| Some((a, ReviewStatus::parse(&s)?)))
        .collect();
    let mut by_assessment: HashMap<i64, Vec<AnswerRow>> = HashMap::new();
    for x in answers {
        by_assessment.entry(x.1).or_default().push(x);
    }
    let mut products = super::product_answers::for_columns(db, &rows, state.clock.today()).await?;
    let mut columns = Vec::with_capacity(rows.len());
    for a in rows {
        let profile = read_models::profile_rows(state, a.profile_id).await?;
        let (product, certificates) = products.remove(&a.id).unwrap_or_default();
        let mut list: Vec<(i32, ComparedAnswer)> = by_assessment
            .remove(&a.id.0)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(answer_id, _, item_id, compliance, claimed)| {
                let (item, r) = profile.items.get(&ProfileItemId(item_id))?;
                Some((
                    item.position,
                    ComparedAnswer {
                        requirement: item.requirement_id.0,
                        title: r.title.clone(),
                        item: GapItem {
                            ref_id: r.ref_id.clone(),
                            group: r.group.clone(),
                            target_kind: item.target_kind,
                            target: item.target,
                            weight: item.weight,
                            compliance: compliance.as_deref().and_then(Compliance::parse),
                            claimed,
                        },
                        review: verdicts.get(&answer_id).copied(),
                    },
                ))
            })
            .collect();
        list.sort_by_key(|(p, _)| *p);
        columns.push((
            ColumnHead {
                assessment: a.id,
                supplier: names.get(&a.supplier_org_id).cloned().unwrap_or_default(),
                profile: profile.name.clone(),
                profile_version: profile.version,
                status: a.status,
                product,
                certificates,
            },
            list.into_iter().map(|(_, x)| x).collect(),
        ));
    }
    Ok(compare(e.into_inner().name, columns))
}

/// The matrix as a workbook: a "Matrix" sheet (one row per requirement, one
/// column per supplier, gaps shaded) and a "Suppliers" sheet with each
/// supplier's status and score.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn workbook(
    actor: &Actor,
    state: &AppState,
    id: EngagementId,
) -> Result<(String, Vec<u8>), AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let m = comparison(actor, state, id).await?;
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_text_wrap();
    let gap = Format::new().set_background_color("#F8D7DA");
    let ws = wb.add_worksheet();
    ws.set_name("Matrix")?;
    let fixed = ["ref_id", "title", "group", "target", "gap", "differs"];
    for (c, h) in fixed.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (i, col) in m.columns.iter().enumerate() {
        ws.write_string_with_format(
            0,
            (fixed.len() + i) as u16,
            neutralize(&col.supplier),
            &bold,
        )?;
    }
    for (r, row) in m.rows.iter().enumerate() {
        let r = r as u32 + 1;
        let fixed_cells = [
            row.ref_id.clone(),
            row.title.clone(),
            row.group.clone(),
            row.target_kind.label(row.target()),
            if row.gap { "yes" } else { "" }.to_string(),
            if row.differs { "yes" } else { "" }.to_string(),
        ];
        for (c, v) in fixed_cells.iter().enumerate() {
            ws.write_string(r, c as u16, neutralize(v))?;
        }
        for (i, cell) in row.cells.iter().enumerate() {
            let c = (fixed.len() + i) as u16;
            match cell {
                None => ws.write_string(r, c, "not asked"),
                Some(x) if x.gap => {
                    ws.write_string_with_format(r, c, x.text(row.target_kind), &gap)
                }
                Some(x) => ws.write_string(r, c, x.text(row.target_kind)),
            }?;
        }
    }
    ws.set_freeze_panes(1, 2)?;
    ws.autofit();
    let ws = wb.add_worksheet();
    ws.set_name("Suppliers")?;
    let head = [
        "supplier", "profile", "status", "answered", "unmet", "score",
    ];
    for (c, h) in head.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (r, col) in m.columns.iter().enumerate() {
        let r = r as u32 + 1;
        let cells = [
            neutralize(&col.supplier),
            format!("{} (v{})", neutralize(&col.profile), col.profile_version),
            col.status.label().to_string(),
            format!("{} / {}", col.answered, col.total),
        ];
        for (c, v) in cells.iter().enumerate() {
            ws.write_string(r, c as u16, v)?;
        }
        ws.write_number(r, 4, col.unmet as f64)?;
        if let Some(s) = col.score {
            ws.write_number(r, 5, s)?;
        }
    }
    ws.autofit();
    let bytes = wb.save_to_buffer()?;
    Ok((
        super::exports::safe_filename(&format!("{} comparison", m.engagement), "xlsx"),
        bytes,
    ))
}
