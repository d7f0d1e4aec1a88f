//! Downloads of catalogs and profiles as CSV and .xlsx. A catalog export has
//! exactly the columns the import reads, so an export imports back as is.

use super::{catalogs, profiles};
use crate::model::{AppError, AssessmentId, CatalogId, ProfileId, RequirementDto};
use crate::server::{
    import::{COLUMNS, PROFILE_COLUMNS},
    respond::internal,
    Actor, AppState,
};

/// A finished download.
pub struct Download {
    pub filename: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
    Oscal,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            "oscal" => Some(Format::Oscal),
            _ => None,
        }
    }
}

/// Spreadsheet programs run cells that start like a formula; such text is
/// exported with a leading apostrophe so it stays text.
pub fn neutralize(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// A file name without path separators or odd characters.
pub fn safe_filename(name: &str, ext: &str) -> String {
    let base: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let base = if base.is_empty() {
        "export".to_string()
    } else {
        base.chars().take(80).collect()
    };
    format!("{base}.{ext}")
}

pub(crate) fn table_bytes(
    format: Format,
    header: &[&str],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, AppError> {
    match format {
        Format::Oscal => Err(AppError::NotFound),
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            // Headers too: a column may be named after an organization.
            w.write_record(header.iter().map(|c| neutralize(c)))
                .map_err(internal)?;
            for r in rows {
                w.write_record(r.iter().map(|c| neutralize(c)))
                    .map_err(internal)?;
            }
            w.into_inner().map_err(internal)
        }
        Format::Xlsx => {
            let mut wb = rust_xlsxwriter::Workbook::new();
            let ws = wb.add_worksheet();
            let bold = rust_xlsxwriter::Format::new().set_bold();
            for (c, h) in header.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, *h, &bold)?;
            }
            for (r, row) in rows.iter().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    // Always strings: nothing in an export is a formula.
                    ws.write_string(r as u32 + 1, c as u16, v)?;
                }
            }
            ws.set_freeze_panes(1, 0)?;
            ws.autofit();
            wb.save_to_buffer().map_err(internal)
        }
    }
}

pub(crate) fn content_type(format: Format) -> &'static str {
    match format {
        Format::Oscal => "application/json",
        Format::Csv => "text/csv; charset=utf-8",
        Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
}

fn requirement_row(r: &RequirementDto) -> Vec<String> {
    vec![
        r.ref_id.clone(),
        r.title.clone(),
        r.description.clone(),
        r.group.clone(),
        r.group_title.clone(),
        r.parent.clone().unwrap_or_default(),
        r.sl.as_ref()
            .map(|l| {
                l.iter()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .unwrap_or_default(),
        r.component_types
            .as_ref()
            .map(|t| t.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(","))
            .unwrap_or_default(),
    ]
}

#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn catalog(
    actor: &Actor,
    state: &AppState,
    id: CatalogId,
    format: Format,
) -> Result<Download, AppError> {
    let c = catalogs::get(actor, state, id).await?;
    if format == Format::Oscal {
        let doc = crate::server::oscal::catalog(&c, &c.last_modified);
        return Ok(Download {
            filename: safe_filename(
                &format!("{}-v{}-oscal", c.summary.name, c.summary.version),
                "json",
            ),
            content_type: content_type(format),
            bytes: serde_json::to_vec_pretty(&doc).map_err(internal)?,
        });
    }
    let rows: Vec<Vec<String>> = c.requirements.iter().map(requirement_row).collect();
    let ext = if format == Format::Csv { "csv" } else { "xlsx" };
    Ok(Download {
        filename: safe_filename(&format!("{}-v{}", c.summary.name, c.summary.version), ext),
        content_type: content_type(format),
        bytes: table_bytes(format, COLUMNS, &rows)?,
    })
}

#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn profile(
    actor: &Actor,
    state: &AppState,
    id: ProfileId,
    format: Format,
) -> Result<Download, AppError> {
    let p = profiles::get(actor, state, id).await?;
    if format == Format::Oscal {
        let base = state.config.base_url.clone();
        let doc = crate::server::oscal::profile(&p, &p.last_modified, |c| {
            format!("{base}/catalogs/{c}/export/oscal")
        });
        return Ok(Download {
            filename: safe_filename(&format!("{}-v{}-oscal", p.name, p.version), "json"),
            content_type: content_type(format),
            bytes: serde_json::to_vec_pretty(&doc).map_err(internal)?,
        });
    }
    let rows: Vec<Vec<String>> = p
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            vec![
                (i + 1).to_string(),
                it.requirement.ref_id.clone(),
                it.requirement.title.clone(),
                it.catalog_name.clone(),
                it.catalog_version.to_string(),
                it.section.clone(),
                it.target_kind.as_str().to_string(),
                it.target.to_string(),
                it.responsible_party.as_str().to_string(),
                it.weight.to_string(),
                if it.evidence_required { "yes" } else { "no" }.to_string(),
                it.parameters.clone(),
            ]
        })
        .collect();
    let ext = if format == Format::Csv { "csv" } else { "xlsx" };
    Ok(Download {
        filename: safe_filename(
            &format!("{}-v{}-{}", p.name, p.version, p.status.as_str()),
            ext,
        ),
        content_type: content_type(format),
        bytes: table_bytes(format, PROFILE_COLUMNS, &rows)?,
    })
}

/// An assessment as OSCAL assessment results, for either party and the
/// owner's assessors: the same document from the page and the API.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn assessment_results(
    actor: &Actor,
    state: &AppState,
    id: AssessmentId,
) -> Result<Download, AppError> {
    let (row, _) = super::assessments::one(actor, state, id).await?;
    let a = super::assessments::get(actor, state, id).await?;
    let base = state.config.base_url.clone();
    let href = move |e: i64| format!("{base}/evidence/{e}");
    let doc = crate::server::oscal::assessment_results(&crate::server::oscal::ResultsInput {
        assessment: &a,
        sent: row.created_at,
        collected: row.submitted_at.unwrap_or_else(|| state.clock.now()),
        decided: row.decided_at,
        plan_href: format!(
            "{}/profiles/{}/export/oscal",
            state.config.base_url, a.profile_id.0
        ),
        evidence_href: &href,
    });
    Ok(Download {
        filename: safe_filename(
            &format!(
                "{}-{}-assessment-results",
                a.summary.profile, a.summary.supplier
            ),
            "json",
        ),
        content_type: content_type(Format::Oscal),
        bytes: serde_json::to_vec_pretty(&doc).map_err(internal)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_cells_stay_text() {
        assert_eq!(neutralize("=1+1"), "'=1+1");
        assert_eq!(neutralize("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralize("-2"), "'-2");
        assert_eq!(neutralize("CR 1.1"), "CR 1.1");
        let csv = table_bytes(Format::Csv, &["ref_id", "=HYPERLINK(\"x\")"], &[]).unwrap();
        assert_eq!(
            String::from_utf8(csv).unwrap(),
            "ref_id,\"'=HYPERLINK(\"\"x\"\")\"\n"
        );
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(
            safe_filename("Embedded controller, SL-T 2-v1", "xlsx"),
            "Embedded-controller-SL-T-2-v1.xlsx"
        );
        assert_eq!(safe_filename("../../etc/passwd", "csv"), "etc-passwd.csv");
        assert_eq!(safe_filename("Ünïcode ☃", "csv"), "n-code.csv");
        assert_eq!(safe_filename("", "csv"), "export.csv");
    }
}
