//! What leaves Pactline about commitments and responsibilities: the matrix
//! and commitments as .xlsx and CSV, commitments as an OSCAL POA&M, the
//! private iCalendar feed of due dates; and the reminder settings.

use super::{
    commitments,
    exports::{content_type, safe_filename, table_bytes, Download, Format},
    matrix,
};
use crate::model::{
    parse_reminder_days, source_label, AppError, CommitmentDto, CommitmentStatus, EngagementId,
    Matrix, Permission, Stance,
};
use crate::server::{
    access, audit, db,
    entities::{calendar_feed, commitment, membership, organization, user},
    oscal,
    respond::internal,
    tokens, Actor, AppState,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;

/// The organization's reminder days, as the form shows them.
pub async fn reminder_days(actor: &Actor, state: &AppState) -> Result<String, AppError> {
    let o = organization::Entity::find_by_id(actor.org_id().0)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(parse_reminder_days(&o.reminder_days)
        .unwrap_or_default()
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", "))
}

/// Admins set the days before a due date on which their organization's
/// people are reminded.
pub async fn set_reminder_days(
    actor: &Actor,
    state: &AppState,
    raw: &str,
) -> Result<String, AppError> {
    actor.require(Permission::ManageMembers)?;
    let days = parse_reminder_days(raw)?;
    if days.is_empty() {
        return Err(AppError::invalid(
            "reminder_days",
            "Give at least one number of days, e.g. 30, 7, 1.",
        ));
    }
    let stored = days
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let txn = db::write_txn(&state.writer).await?;
    let o = organization::Entity::find_by_id(actor.org_id().0)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let before = o.reminder_days.clone();
    let mut am: organization::ActiveModel = o.into();
    am.reminder_days = Set(stored.clone());
    am.update(&txn).await?;
    audit::by_actor(
        &txn,
        actor,
        "organization.reminders_set",
        "organization",
        actor.org_id().0,
        Some(json!({"days": before})),
        Some(json!({"days": stored})),
    )
    .await?;
    txn.commit().await?;
    Ok(stored.replace(',', ", "))
}

/// A new private calendar address for the caller in its current
/// organization; the previous one stops working. Only the token's hash is
/// kept.
pub async fn create_feed(actor: &Actor, state: &AppState) -> Result<String, AppError> {
    let token = tokens::new_token();
    let txn = db::write_txn(&state.writer).await?;
    calendar_feed::Entity::delete_many()
        .filter(calendar_feed::Column::UserId.eq(actor.user_id().0))
        .filter(calendar_feed::Column::OrgId.eq(actor.org_id().0))
        .exec(&txn)
        .await?;
    calendar_feed::ActiveModel {
        user_id: Set(actor.user_id().0),
        org_id: Set(actor.org_id().0),
        token_hash: Set(tokens::hash_token(&token)),
        created_at: Set(state.clock.now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::by_actor(
        &txn,
        actor,
        "calendar.feed_created",
        "user",
        actor.user_id().0,
        None,
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(format!("{}/calendar/{token}.ics", state.config.base_url))
}

/// The iCalendar feed behind a private address: the due dates of the open
/// commitments of the feed owner's organization, while the owner is still
/// an active member of it. Anything else is not found.
pub async fn calendar(state: &AppState, token: &str) -> Result<String, AppError> {
    use icalendar::{Calendar, Component, EventLike};
    let token = token.strip_suffix(".ics").unwrap_or(token);
    if !tokens::looks_like_token(token) {
        return Err(AppError::NotFound);
    }
    let conn = &state.db;
    // access: allow — the feed's token is the credential (a calendar app
    // signs in with nothing else); who it stands for is checked below.
    let feed = calendar_feed::Entity::find()
        .filter(calendar_feed::Column::TokenHash.eq(tokens::hash_token(token)))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    // access: allow — the token's own user and organization.
    let member = membership::Entity::find()
        .filter(membership::Column::UserId.eq(feed.user_id))
        .filter(membership::Column::OrganizationId.eq(feed.org_id))
        .filter(membership::Column::IsActive.eq(true))
        .count(conn)
        .await?;
    let active = user::Entity::find_by_id(feed.user_id)
        .filter(user::Column::IsActive.eq(true))
        .count(conn)
        .await?;
    if member == 0 || active == 0 {
        return Err(AppError::NotFound);
    }
    let org = feed.org_id;
    let rows = access::commitments_of_org(org)
        .filter(commitment::Column::Status.is_in(CommitmentStatus::open_strs()))
        .filter(commitment::Column::DueOn.is_not_null())
        .order_by_asc(commitment::Column::DueOn)
        .all(conn)
        .await?;
    let names = super::org_names(
        conn,
        rows.iter()
            .flat_map(|c| [c.owner_org_id, c.party_org_id])
            .collect::<std::collections::BTreeSet<_>>(),
    )
    .await?;
    let mut cal = Calendar::new();
    cal.name("Pactline commitments");
    for c in &rows {
        let Some(due) = c.due_on else { continue };
        let party = names.get(&c.party_org_id).cloned().unwrap_or_default();
        let owner = names.get(&c.owner_org_id).cloned().unwrap_or_default();
        cal.push(
            icalendar::Event::new()
                .uid(&format!("commitment-{}@pactline", c.id))
                .summary(&format!("Due: {} ({party})", c.title))
                .description(&format!(
                    "Commitment of {party} to {owner}. Status: {}.",
                    CommitmentStatus::parse(&c.status)
                        .map(|s| s.label())
                        .unwrap_or_default()
                ))
                .url(&format!("{}/commitments", state.config.base_url))
                .all_day(due)
                .done(),
        );
    }
    Ok(cal.done().to_string())
}

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
        source_label(&c.source).to_string(),
        c.closure_link.clone(),
        c.closure_note.clone(),
        c.waive_reason.clone(),
    ]
}

/// The caller's commitments (of one engagement when given) as .xlsx, CSV
/// or an OSCAL plan of action and milestones.
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
