//! What leaves Pactline about commitments and responsibilities: the matrix
//! and the commitments as .xlsx and CSV, and the commitments as an OSCAL
//! POA&M.

use super::{
    commitments,
    exports::{content_type, safe_filename, table_bytes, Download, Format},
    matrix,
};
use crate::model::{AppError, CommitmentDto, EngagementId, Matrix, Stance};
use crate::server::{oscal, respond::internal, Actor, AppState};

fn stance_text(s: &Option<Stance>) -> String {
    match s {
        None => String::new(),
        Some(Stance::Pending) => "pending".into(),
        Some(Stance::Accepted) => "accepted".into(),
        Some(Stance::Proposed { duty, split }) if split.is_empty() => {
            format!("proposes {}", duty.as_str())
        }
        Some(Stance::Proposed { duty, split }) => format!("proposes {}: {split}", duty.as_str()),
    }
}

/// The matrix as a table: one line per row, per column its duty, split
/// and (suppliers) stance. A supplier gets its own column only.
pub fn matrix_table(m: &Matrix) -> (Vec<String>, Vec<Vec<String>>) {
    let mut header = vec![
        "ref_id".to_string(),
        "title".into(),
        "default_party".into(),
        "state".into(),
    ];
    for c in &m.columns {
        header.push(c.name.clone());
        header.push(format!("{} split", c.name));
        if c.kind != crate::model::Party::AssetOwner && c.org != 0 {
            header.push(format!("{} stance", c.name));
        }
    }
    let rows = m
        .rows
        .iter()
        .map(|r| {
            let mut line = vec![
                r.ref_id.clone(),
                r.title.clone(),
                r.default_party.as_str().to_string(),
                r.state.as_str().to_string(),
            ];
            for (c, cell) in m.columns.iter().zip(&r.cells) {
                line.push(cell.duty.as_str().to_string());
                line.push(cell.split.clone());
                if c.kind != crate::model::Party::AssetOwner && c.org != 0 {
                    line.push(stance_text(&cell.stance));
                }
            }
            line
        })
        .collect();
    (header, rows)
}

#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn matrix_download(
    actor: &Actor,
    state: &AppState,
    id: EngagementId,
    format: Format,
) -> Result<Download, AppError> {
    if format == Format::Oscal {
        return Err(AppError::NotFound);
    }
    let m = matrix::matrix(actor, state, id).await?;
    let (header, rows) = matrix_table(&m);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let ext = if format == Format::Csv { "csv" } else { "xlsx" };
    Ok(Download {
        filename: safe_filename(&format!("{} responsibility matrix", m.engagement), ext),
        content_type: content_type(format),
        bytes: table_bytes(format, &header, &rows)?,
    })
}

const COMMITMENT_HEADER: [&str; 14] = [
    "id",
    "engagement",
    "owner",
    "supplier",
    "party",
    "requirement",
    "title",
    "due_on",
    "status",
    "overdue",
    "source",
    "closure_link",
    "closure_note",
    "waive_reason",
];

fn commitment_row(c: &CommitmentDto) -> Vec<String> {
    vec![
        c.id.0.to_string(),
        c.engagement.clone(),
        c.owner.clone(),
        c.supplier.clone(),
        c.party.clone(),
        c.requirement.clone().unwrap_or_default(),
        c.title.clone(),
        c.due_on.map(|d| d.to_string()).unwrap_or_default(),
        c.status.as_str().to_string(),
        if c.overdue { "yes" } else { "" }.to_string(),
        c.source.label().to_string(),
        c.closure_link.clone(),
        c.closure_note.clone(),
        c.waive_reason.clone(),
    ]
}

/// The caller's commitments (of one engagement when given) as .xlsx, CSV
/// or an OSCAL plan of action and milestones.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn commitments_download(
    actor: &Actor,
    state: &AppState,
    engagement: Option<EngagementId>,
    format: Format,
) -> Result<Download, AppError> {
    let list = commitments::list(actor, state, engagement).await?;
    let name = match (engagement, list.first()) {
        (Some(_), Some(c)) => format!("{} commitments", c.engagement),
        _ => "commitments".to_string(),
    };
    let bytes = match format {
        Format::Oscal => {
            let doc = oscal::poam(&name, &list, &state.clock.now().to_rfc3339());
            serde_json::to_vec_pretty(&doc).map_err(internal)?
        }
        f => table_bytes(
            f,
            &COMMITMENT_HEADER,
            &list.iter().map(commitment_row).collect::<Vec<_>>(),
        )?,
    };
    let ext = match format {
        Format::Oscal => "poam.json",
        Format::Csv => "csv",
        Format::Xlsx => "xlsx",
    };
    Ok(Download {
        filename: safe_filename(&name, ext),
        content_type: content_type(format),
        bytes,
    })
}
