//! The offline questionnaire: an assessment as an .xlsx workbook (stable
//! answer ids, drop-down lists, an instructions sheet), and the same file
//! uploaded back — previewed with every change and row error, then applied
//! all or nothing in one transaction. A row changed in Pactline since the
//! download is a conflict, never silently overwritten.

use super::assessments;
use crate::model::{
    check_answer, AnswerFields, AnswerInput, AppError, AssessmentId, Compliance, FieldError,
    SheetChange, SheetPreview, Side,
};
use crate::server::{
    access,
    answers::{self, AnswerWrite, Outcome, Source},
    audit, db,
    import::{read_table_async, RowErrors},
    respond::internal,
    Actor, AppState,
};
use serde_json::json;

/// The columns of the answers sheet; the first two identify the row.
pub const SHEET_COLUMNS: &[&str] = &[
    "answer_id",
    "version",
    "ref_id",
    "title",
    "target",
    "parameters",
    "evidence_required",
    "compliance",
    "countermeasure",
    "planned_on",
    "na_reason",
    "other_party",
    "claimed_level",
    "statement",
    "responsibility_accepted",
];

/// The columns a supplier fills in.
const EDITABLE: &[&str] = &[
    "compliance",
    "countermeasure",
    "planned_on",
    "na_reason",
    "other_party",
    "claimed_level",
    "statement",
    "responsibility_accepted",
];

/// The workbook for an assessment: answers first, instructions second.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn workbook(
    actor: &Actor,
    state: &AppState,
    id: AssessmentId,
) -> Result<(String, Vec<u8>), AppError> {
    use rust_xlsxwriter::{DataValidation, Format, Workbook};
    let a = assessments::get(actor, state, id).await?;
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let locked = Format::new().set_background_color("#EEEEEE");
    let ws = wb.add_worksheet();
    ws.set_name("Answers")?;
    for (c, h) in SHEET_COLUMNS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (i, x) in a.answers.iter().enumerate() {
        let r = i as u32 + 1;
        let f = x.fields.to_input();
        let cells = [
            x.id.0.to_string(),
            x.version.to_string(),
            x.requirement.ref_id.clone(),
            x.requirement.title.clone(),
            x.target_kind.label(x.target),
            x.parameters.clone(),
            if x.evidence_required { "yes" } else { "no" }.to_string(),
            f.compliance,
            f.countermeasure,
            f.planned_on,
            f.na_reason,
            f.other_party,
            f.claimed_level,
            f.statement,
            f.responsibility_accepted,
        ];
        for (c, v) in cells.iter().enumerate() {
            // Text only, never a formula; the identifying columns are shaded.
            let v = super::exports::neutralize(v);
            if c < 7 {
                ws.write_string_with_format(r, c as u16, v, &locked)?;
            } else {
                ws.write_string(r, c as u16, v)?;
            }
        }
    }
    let last = a.answers.len().max(1) as u32;
    let col = |name: &str| SHEET_COLUMNS.iter().position(|c| *c == name).unwrap() as u16;
    let list = |values: &[&str]| -> Result<DataValidation, AppError> {
        DataValidation::new()
            .allow_list_strings(values)
            .map_err(internal)
    };
    let compliance: Vec<&str> = Compliance::ALL.iter().map(|c| c.as_str()).collect();
    ws.add_data_validation(
        1,
        col("compliance"),
        last,
        col("compliance"),
        &list(&compliance)?,
    )?;
    ws.add_data_validation(
        1,
        col("claimed_level"),
        last,
        col("claimed_level"),
        &list(&["1", "2", "3", "4"])?,
    )?;
    ws.add_data_validation(
        1,
        col("responsibility_accepted"),
        last,
        col("responsibility_accepted"),
        &list(&["yes", "no"])?,
    )?;
    ws.set_freeze_panes(1, 3)?;
    ws.autofit();

    let help = wb.add_worksheet();
    help.set_name("Instructions")?;
    let lines = [
        format!("{} (version {}) for {}, from {}, due {}.", a.summary.profile, a.summary.profile_version, a.summary.supplier, a.summary.owner, a.summary.due_on),
        "Fill in the columns compliance to responsibility_accepted on the Answers sheet; leave answer_id and version as they are.".into(),
        format!("compliance: one of {}.", compliance.join(", ")),
        "meets_with_compensating_countermeasure needs countermeasure; planned needs planned_on (YYYY-MM-DD); not_applicable needs na_reason; by_other_party needs other_party.".into(),
        "claimed_level: 1 to 4 (maturity level for 2-4 and 4-1 items, SL-C for 4-2 and 3-3 items). responsibility_accepted: yes or no.".into(),
        "Upload the file on the assessment page: you will see every change and every problem before anything is applied. Nothing is applied unless every row is valid.".into(),
        "Formulas are refused: paste values only. Evidence files are attached in the browser.".into(),
    ];
    for (i, l) in lines.iter().enumerate() {
        help.write_string(i as u32, 0, l)?;
    }
    help.set_column_width(0, 120)?;
    let bytes = wb.save_to_buffer()?;
    let name = super::exports::safe_filename(
        &format!("{}-{}-answers", a.summary.profile, a.summary.supplier),
        "xlsx",
    );
    Ok((name, bytes))
}

fn diff(now: &AnswerInput, new: &AnswerInput) -> Vec<(String, String, String)> {
    let pairs = [
        ("compliance", &now.compliance, &new.compliance),
        ("countermeasure", &now.countermeasure, &new.countermeasure),
        ("planned_on", &now.planned_on, &new.planned_on),
        ("na_reason", &now.na_reason, &new.na_reason),
        ("other_party", &now.other_party, &new.other_party),
        ("claimed_level", &now.claimed_level, &new.claimed_level),
        ("statement", &now.statement, &new.statement),
        (
            "responsibility_accepted",
            &now.responsibility_accepted,
            &new.responsibility_accepted,
        ),
    ];
    pairs
        .into_iter()
        .filter(|(_, a, b)| a != b)
        .map(|(f, a, b)| (f.to_string(), a.clone(), b.clone()))
        .collect()
}

/// Checks an uploaded workbook against the assessment as it stands.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn preview(
    actor: &Actor,
    state: &AppState,
    id: AssessmentId,
    filename: &str,
    bytes: &[u8],
) -> Result<SheetPreview, AppError> {
    actor.require(crate::model::Permission::AnswerAssessments)?;
    let a = assessments::get(actor, state, id).await?;
    if a.side != Side::Supplier {
        return Err(AppError::NotFound);
    }
    if !a.summary.status.supplier_may_edit() {
        return Err(access::locked(a.summary.status));
    }
    if !filename.to_lowercase().ends_with(".xlsx") {
        return Err(AppError::invalid(
            "file",
            "Upload the .xlsx file downloaded from this assessment.",
        ));
    }
    let table = read_table_async(filename, bytes).await?;
    let Some(header) = table.first() else {
        return Err(AppError::invalid("file", "The file has no header row."));
    };
    let header: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    for required in ["answer_id", "version"] {
        if !header.iter().any(|h| h == required) {
            return Err(AppError::invalid(
                "file",
                format!(
                    "The Answers sheet needs its “{required}” column; download the file again."
                ),
            ));
        }
    }
    let col = |name: &str| header.iter().position(|h| h == name);
    let cell = |row: &Vec<String>, name: &str| {
        col(name)
            .and_then(|i| row.get(i))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let by_id: std::collections::HashMap<i64, &crate::model::AnswerDto> =
        a.answers.iter().map(|x| (x.id.0, x)).collect();
    let mut errors = RowErrors::default();
    let mut seen = std::collections::HashSet::new();
    let mut out = SheetPreview {
        rows: 0,
        unchanged: 0,
        changes: Vec::new(),
    };
    for (i, row) in table.iter().enumerate().skip(1) {
        let n = i + 1;
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        out.rows += 1;
        let Some(x) = cell(row, "answer_id")
            .parse::<i64>()
            .ok()
            .and_then(|id| by_id.get(&id).copied())
        else {
            errors.add(n, "answer_id", "This row is not an answer of this assessment; keep the answer_id column as downloaded.");
            continue;
        };
        if !seen.insert(x.id) {
            errors.add(
                n,
                "answer_id",
                format!("{} appears more than once.", x.requirement.ref_id),
            );
            continue;
        }
        let Ok(version) = cell(row, "version").parse::<i32>() else {
            errors.add(n, "version", "Keep the version column as downloaded.");
            continue;
        };
        let input = AnswerInput {
            compliance: cell(row, "compliance"),
            countermeasure: cell(row, "countermeasure"),
            planned_on: cell(row, "planned_on"),
            na_reason: cell(row, "na_reason"),
            other_party: cell(row, "other_party"),
            claimed_level: cell(row, "claimed_level"),
            statement: cell(row, "statement"),
            responsibility_accepted: cell(row, "responsibility_accepted"),
        };
        let mut bad = false;
        for name in EDITABLE {
            let v = cell(row, name);
            if v.starts_with(['=', '+', '@'])
                || (v.starts_with('-') && v.len() > 1 && !v[1..].starts_with(' '))
            {
                errors.add(n, name, "Cells may not start with =, +, - or @ (spreadsheet formulas are not accepted).");
                bad = true;
            }
        }
        if bad {
            continue;
        }
        let checked: AnswerFields = match check_answer(&input) {
            Ok(f) => f,
            Err(AppError::Validation { fields, .. }) => {
                for FieldError { field, message } in fields {
                    errors.add(n, &field, message);
                }
                continue;
            }
            Err(e) => return Err(e),
        };
        let now = x.fields.to_input();
        let normalized = checked.to_input();
        let changes = diff(&now, &normalized);
        if changes.is_empty() {
            out.unchanged += 1;
            continue;
        }
        if version != x.version {
            errors.add(
                n,
                "version",
                format!(
                    "{} was changed in Pactline after this file was downloaded (now version {}, the file has {}). Download the file again, or change it in the browser.",
                    x.requirement.ref_id, x.version, version
                ),
            );
            continue;
        }
        out.changes.push(SheetChange {
            row: n,
            answer_id: x.id,
            ref_id: x.requirement.ref_id.clone(),
            fields: changes,
            version,
            input: normalized,
        });
    }
    if out.rows == 0 {
        return Err(AppError::invalid("file", "The Answers sheet has no rows."));
    }
    errors.into_result(out)
}

/// Applies an uploaded workbook: checked again, then every change in one
/// transaction; any problem (including a concurrent edit) and nothing is
/// applied. Returns how many answers changed.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn apply(
    actor: &Actor,
    state: &AppState,
    id: AssessmentId,
    filename: &str,
    bytes: &[u8],
) -> Result<usize, AppError> {
    let p = preview(actor, state, id, filename, bytes).await?;
    let txn = db::write_txn(&state.writer).await?;
    let mut rows = Vec::with_capacity(p.changes.len());
    for c in &p.changes {
        let (a, _) = access::answer_editable(&txn, actor, c.answer_id).await?;
        rows.push((a, check_answer(&c.input)?));
    }
    let writes: Vec<AnswerWrite> = p
        .changes
        .iter()
        .zip(&rows)
        .map(|(c, (a, f))| AnswerWrite {
            actor,
            assessment: a,
            answer_id: c.answer_id,
            expected: c.version,
            fields: f,
            at: state.clock.now(),
        })
        .collect();
    let outcomes = answers::write(&txn, Source::Sheet, &writes).await?;
    // All or nothing: returning drops the transaction, which rolls it back.
    if outcomes.contains(&Outcome::Locked) {
        return Err(access::changed_meanwhile());
    }
    if let Some((c, _)) = p
        .changes
        .iter()
        .zip(&outcomes)
        .find(|(_, o)| **o == Outcome::Conflict)
    {
        return Err(AppError::Validation {
            message: "Nothing was applied: an answer changed while the file was being applied."
                .into(),
            fields: vec![FieldError {
                field: format!("row {}, version", c.row),
                message: format!(
                    "{} was just changed by someone else; upload again to see it.",
                    c.ref_id
                ),
            }],
        });
    }
    audit::by_actor(
        &txn,
        actor,
        "assessment.sheet_applied",
        "assessment",
        id.0,
        None,
        Some(json!({"changed": p.changes.len(), "rows": p.rows, "file": filename.chars().take(200).collect::<String>()})),
    )
    .await?;
    txn.commit().await?;
    Ok(p.changes.len())
}
