//! The shared-responsibility matrix of an engagement: requirement rows ×
//! party columns (the asset owner, each supplier, "other").
//!
//! Every cell starts from the profile's default responsible party; only
//! what the owner assigns and what a supplier says is stored. A supplier
//! that has not said anything yet stands by its answer (responsibility
//! accepted, or not; "by another party"). A supplier sees its own column
//! only, and only the rows it carries or proposes to carry.

use super::org_names;
use crate::model::{
    AppError, Assignment, Compliance, Duty, EngagementId, Matrix, MatrixCell, MatrixColumn,
    MatrixRow, OrgId, OrgKind, Parsed, Party, Permission, RequirementId, Role, RowState, Side,
    Stance, StanceKind,
};
use crate::server::{
    access, audit, db,
    entities::{answer, engagement, organization, responsibility},
    notify, read_models, Actor, AppState,
};
use sea_orm::{
    sea_query::OnConflict, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait,
    QueryFilter, QuerySelect, Set,
};
use serde_json::json;
use std::collections::HashMap;

/// Column id of "other".
const OTHER: i64 = 0;

/// The matrix as the caller may see it.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn matrix(actor: &Actor, state: &AppState, id: EngagementId) -> Result<Matrix, AppError> {
    let (e, side) = access::engagement_with_supplier(&state.db, actor, id).await?;
    build(&state.db, state, actor, &e, side).await
}

/// What the matrix is built from, for one supplier column.
struct SupplierCol {
    org: OrgId,
    kinds: Vec<OrgKind>,
    /// requirement id → default party in this supplier's questionnaire.
    items: HashMap<i64, Party>,
}

type AnswerRow = (i64, i64, Option<Compliance>, Option<bool>, String);

/// Builds the matrix with a fixed number of queries: assessments,
/// organizations, answers (five columns), stored cells; the published
/// profiles come from memory.
async fn build<C: ConnectionTrait>(
    conn: &C,
    state: &AppState,
    actor: &Actor,
    e: &access::Readable<engagement::Model>,
    side: Side,
) -> Result<Matrix, AppError> {
    let only = (side == Side::Supplier).then_some(actor.org_id().0);
    let list = access::live_assessments_in(conn, actor, e, side).await?;
    let orgs: HashMap<OrgId, organization::Model> = organization::Entity::find()
        .filter(
            organization::Column::Id.is_in(
                list.iter()
                    .map(|a| a.supplier_org_id)
                    .chain([e.owner_org_id]),
            ),
        )
        .all(conn)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let answers: Vec<AnswerRow> = access::answers_of_all(&list)
        .select_only()
        .column(answer::Column::SupplierOrgId)
        .column(answer::Column::RequirementId)
        .column(answer::Column::Compliance)
        .column(answer::Column::ResponsibilityAccepted)
        .column(answer::Column::OtherParty)
        .into_tuple()
        .all(conn)
        .await?;
    let answers: HashMap<(i64, i64), &AnswerRow> =
        answers.iter().map(|a| ((a.0, a.1), a)).collect();
    let mut stored_q = access::responsibilities_of(e);
    if let Some(o) = only {
        stored_q = stored_q.filter(responsibility::Column::ColumnOrgId.eq(o));
    }
    let stored: HashMap<(RequirementId, OrgId), responsibility::Model> = stored_q
        .all(conn)
        .await?
        .into_iter()
        .map(|r| ((r.requirement_id, r.column_org_id), r))
        .collect();

    // Rows in first-seen questionnaire order; columns per supplier.
    let mut rows: Vec<(i64, String, String, Party)> = Vec::new();
    let mut seen: HashMap<i64, usize> = HashMap::new();
    let mut suppliers: Vec<SupplierCol> = Vec::new();
    for a in &list {
        let p = read_models::profile_rows(state, a.profile_id).await?;
        let mut items: Vec<_> = p.items.values().collect();
        items.sort_by_key(|(i, _)| i.position);
        let col = match suppliers.iter().position(|s| s.org == a.supplier_org_id) {
            Some(i) => i,
            None => {
                suppliers.push(SupplierCol {
                    org: a.supplier_org_id,
                    kinds: orgs
                        .get(&a.supplier_org_id)
                        .map(|o| OrgKind::parse_list(&o.kinds))
                        .unwrap_or_default(),
                    items: HashMap::new(),
                });
                suppliers.len() - 1
            }
        };
        for (item, req) in items {
            let party = item.responsible_party;
            suppliers[col]
                .items
                .entry(item.requirement_id.0)
                .or_insert(party);
            if let std::collections::hash_map::Entry::Vacant(v) = seen.entry(item.requirement_id.0)
            {
                v.insert(rows.len());
                rows.push((
                    item.requirement_id.0,
                    req.ref_id.clone(),
                    req.title.clone(),
                    party,
                ));
            }
        }
    }
    let name = |id: i64| {
        orgs.get(&OrgId(id))
            .map(|o| o.name.clone())
            .unwrap_or_default()
    };
    suppliers.sort_by_key(|s| name(s.org.0).to_lowercase());

    let mut columns = Vec::new();
    if only.is_none() {
        columns.push(MatrixColumn {
            org: e.owner_org_id.0,
            name: name(e.owner_org_id.0),
            kind: Party::AssetOwner,
        });
    }
    for s in &suppliers {
        columns.push(MatrixColumn {
            org: s.org.0,
            name: name(s.org.0),
            kind: if s.kinds.contains(&OrgKind::ProductSupplier) {
                Party::ProductSupplier
            } else {
                Party::ServiceProvider
            },
        });
    }
    if only.is_none() {
        columns.push(MatrixColumn {
            org: OTHER,
            name: "Other party".into(),
            kind: Party::Other,
        });
    }

    let mut out_rows = Vec::with_capacity(rows.len());
    for (req, ref_id, title, default) in rows {
        let mut cells = Vec::with_capacity(columns.len());
        for c in &columns {
            let s = stored.get(&(RequirementId(req), OrgId(c.org)));
            let default_duty = match c.kind {
                Party::AssetOwner if c.org == e.owner_org_id.0 => default == Party::AssetOwner,
                Party::Other if c.org == OTHER => default == Party::Other,
                _ => suppliers
                    .iter()
                    .find(|x| x.org == OrgId(c.org))
                    .and_then(|x| x.items.get(&req).map(|p| (x, *p)))
                    .is_some_and(|(x, p)| match p {
                        Party::ProductSupplier => x.kinds.contains(&OrgKind::ProductSupplier),
                        Party::ServiceProvider => x.kinds.contains(&OrgKind::ServiceProvider),
                        _ => false,
                    }),
            };
            let duty = s.and_then(|s| s.duty).unwrap_or(if default_duty {
                Duty::Responsible
            } else {
                Duty::None
            });
            let split = s.map(|s| s.split.clone()).unwrap_or_default();
            let supplier_col = c.org != OTHER && c.org != e.owner_org_id.0;
            let (stance, note) = if supplier_col {
                let (st, note) = stance_of(s, answers.get(&(c.org, req)).copied());
                // Proposing what is assigned is agreeing.
                let st = match st {
                    Stance::Proposed {
                        duty: d,
                        split: ref sp,
                    } if d == duty && *sp == split => Stance::Accepted,
                    st => st,
                };
                (Some(st), note)
            } else {
                (None, String::new())
            };
            cells.push(MatrixCell {
                duty,
                split,
                stance,
                note,
            });
        }
        let state = RowState::of(&cells);
        if only.is_some() && !cells.iter().any(|c| c.duty.carries() || c.disagrees()) {
            continue;
        }
        out_rows.push(MatrixRow {
            requirement_id: req,
            ref_id,
            title,
            default_party: default,
            cells,
            state,
        });
    }
    Ok(Matrix {
        engagement_id: e.id,
        engagement: e.name.clone(),
        side,
        columns,
        rows: out_rows,
        agreed_at: e.matrix_agreed_at.map(super::ts),
    })
}

/// A supplier's stance: what it said in the matrix, or else what its
/// answer says.
fn stance_of(s: Option<&responsibility::Model>, a: Option<&AnswerRow>) -> (Stance, String) {
    if let Some(s) = s.filter(|s| s.stance.is_some()) {
        let st = match s.stance {
            Some(StanceKind::Accepted) => Stance::Accepted,
            Some(StanceKind::Proposed) => Stance::Proposed {
                duty: s.proposed_duty.unwrap_or(Duty::None),
                split: s.proposed_split.clone(),
            },
            _ => Stance::Pending,
        };
        return (st, s.note.clone());
    }
    let Some((_, _, compliance, accepted, other)) = a else {
        return (Stance::Pending, String::new());
    };
    if *compliance == Some(Compliance::ByOtherParty) {
        return (
            Stance::Proposed {
                duty: Duty::None,
                split: String::new(),
            },
            format!("Answer: met by another party ({other})."),
        );
    }
    match accepted {
        Some(true) => (Stance::Accepted, "Answer: responsibility accepted.".into()),
        Some(false) => (
            Stance::Proposed {
                duty: Duty::None,
                split: String::new(),
            },
            "Answer: responsibility not accepted.".into(),
        ),
        None => (Stance::Pending, String::new()),
    }
}

fn cell_upsert(
    e: &engagement::Model,
    requirement_id: i64,
    column: i64,
    actor: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> responsibility::ActiveModel {
    responsibility::ActiveModel {
        engagement_id: Set(e.id),
        owner_org_id: Set(e.owner_org_id),
        requirement_id: Set(RequirementId(requirement_id)),
        column_org_id: Set(OrgId(column)),
        duty: Set(None),
        split: Set(String::new()),
        stance: Set(None),
        proposed_duty: Set(None),
        proposed_split: Set(String::new()),
        note: Set(String::new()),
        updated_by: Set(Some(actor.user_id())),
        updated_at: Set(now),
        ..Default::default()
    }
}

async fn save_cell<C: ConnectionTrait>(
    conn: &C,
    row: responsibility::ActiveModel,
    update: &[responsibility::Column],
) -> Result<(), AppError> {
    let mut cols = update.to_vec();
    cols.extend([
        responsibility::Column::UpdatedBy,
        responsibility::Column::UpdatedAt,
    ]);
    responsibility::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                responsibility::Column::EngagementId,
                responsibility::Column::RequirementId,
                responsibility::Column::ColumnOrgId,
            ])
            .update_columns(cols)
            .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

fn split_text(raw: &str) -> Result<String, AppError> {
    let s = raw.trim();
    if s.chars().count() > 500 {
        return Err(AppError::invalid("split", "Use at most 500 characters."));
    }
    Ok(s.to_string())
}

/// The asset owner assigns a duty to one column of one row. The suppliers
/// concerned are asked again (their stance goes back to pending), unless
/// the change is exactly what the supplier proposed.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn assign(
    actor: &Actor,
    state: &AppState,
    id: EngagementId,
    requirement_id: i64,
    column: i64,
    input: Parsed<Assignment>,
) -> Result<Matrix, AppError> {
    actor.require(Permission::ManageEngagements)?;
    let txn = db::write_txn(&state.writer).await?;
    let (e, side) = access::engagement_with_supplier(&txn, actor, id).await?;
    if side != Side::Owner {
        return Err(AppError::NotFound);
    }
    let Assignment { duty, split } = input.checked()?;
    let before = build(&txn, state, actor, &e, Side::Owner).await?;
    let row = before
        .rows
        .iter()
        .find(|r| r.requirement_id == requirement_id)
        .ok_or_else(|| {
            AppError::invalid("requirement", "This requirement is not in the engagement.")
        })?;
    let ci = before
        .columns
        .iter()
        .position(|c| c.org == column)
        .ok_or_else(|| AppError::invalid("column", "This party is not in the engagement."))?;
    let was = row.cells[ci].clone();
    if was.duty == duty && was.split == split {
        return Err(AppError::invalid("duty", "That is the assignment already."));
    }
    let now = state.clock.now();
    let mut cell = cell_upsert(&e, requirement_id, column, actor, now);
    cell.duty = Set(Some(duty));
    cell.split = Set(split.clone());
    save_cell(
        &txn,
        cell,
        &[responsibility::Column::Duty, responsibility::Column::Split],
    )
    .await?;
    // Re-open the row for the suppliers concerned: the supplier whose
    // column changed, or, when the owner's or "other" column changed, every
    // supplier carrying the row (its split is no longer what they accepted).
    let supplier_changed = column != e.owner_org_id.0 && column != OTHER;
    let mut asked = Vec::new();
    for (i, c) in before.columns.iter().enumerate() {
        if c.org == e.owner_org_id.0 || c.org == OTHER || (supplier_changed && i != ci) {
            continue;
        }
        let old = &row.cells[i];
        let (new_duty, new_split) = if i == ci {
            (duty, split.clone())
        } else {
            (old.duty, old.split.clone())
        };
        let adopted = matches!(&old.stance, Some(Stance::Proposed { duty: d, split: sp }) if *d == new_duty && *sp == new_split);
        let stance = if adopted {
            StanceKind::Accepted
        } else if new_duty.carries() || i == ci {
            StanceKind::Pending
        } else {
            continue;
        };
        let mut s = cell_upsert(&e, requirement_id, c.org, actor, now);
        s.stance = Set(Some(stance));
        save_cell(
            &txn,
            s,
            &[
                responsibility::Column::Stance,
                responsibility::Column::ProposedDuty,
                responsibility::Column::ProposedSplit,
                responsibility::Column::Note,
            ],
        )
        .await?;
        if stance == StanceKind::Pending && (new_duty.carries() || old.duty.carries()) {
            asked.push(c.org);
        }
    }
    audit::by_actor(
        &txn,
        actor,
        "matrix.assigned",
        "engagement",
        e.id,
        Some(json!({"requirement": row.ref_id, "column": column, "duty": was.duty.as_str(), "split": was.split})),
        Some(json!({"requirement": row.ref_id, "column": column, "duty": duty.as_str(), "split": split})),
    )
    .await?;
    let ref_id = row.ref_id.clone();
    for org in asked {
        let to = notify::recipients(&txn, org, &[Role::Admin, Role::Contributor]).await?;
        notify::notify(
            &txn,
            state,
            org,
            &to,
            notify::Message {
                kind: "matrix",
                title: &format!("Responsibility for {ref_id} changed in {}", e.name),
                body: "Please accept the assignment or propose another split.",
                link: &format!("/engagements/{}/matrix", e.id),
            },
        )
        .await?;
    }
    let m = settle(&txn, state, actor, &e).await?;
    txn.commit().await?;
    Ok(m)
}

/// A supplier's answer to its cell of a matrix row, as sent.
pub struct RowInput<'a> {
    pub requirement_id: i64,
    pub stance: &'a str,
    pub duty: &'a str,
    pub split: &'a str,
    pub note: &'a str,
}

/// [`RowInput`] checked.
pub struct RowResponse {
    pub requirement_id: i64,
    pub reply: Reply,
    pub note: String,
}

/// Accept what the column says, or propose another duty and split.
pub enum Reply {
    Accept { split: String },
    Propose { duty: Duty, split: String },
}

impl RowResponse {
    pub fn parse(input: RowInput) -> Result<Self, AppError> {
        let RowInput {
            requirement_id,
            stance,
            duty,
            split,
            note,
        } = input;
        let note = note.trim();
        if note.chars().count() > 1000 {
            return Err(AppError::invalid("note", "Use at most 1,000 characters."));
        }
        let split = split_text(split)?;
        let reply = match stance.trim() {
            "accept" => Reply::Accept { split },
            "propose" => {
                let duty = Duty::parse(duty)?;
                if duty == Duty::Shared && split.is_empty() {
                    return Err(AppError::invalid(
                        "split",
                        "Say how you propose to share it (who does what).",
                    ));
                }
                Reply::Propose { duty, split }
            }
            _ => return Err(AppError::invalid("stance", "Choose accept or propose.")),
        };
        Ok(RowResponse {
            requirement_id,
            reply,
            note: note.to_string(),
        })
    }
}

/// A supplier accepts what its column says on a row, or proposes another
/// duty and split, with a note.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn respond(
    actor: &Actor,
    state: &AppState,
    id: EngagementId,
    input: RowInput<'_>,
) -> Result<Matrix, AppError> {
    actor.require(Permission::AnswerAssessments)?;
    let txn = db::write_txn(&state.writer).await?;
    let (e, side) = access::engagement_with_supplier(&txn, actor, id).await?;
    if side != Side::Supplier {
        return Err(AppError::NotFound);
    }
    // Checked once the caller is known to be a supplier here: to anyone
    // else the engagement is not there, whatever they sent.
    let r = RowResponse::parse(input)?;
    let (requirement_id, note) = (r.requirement_id, r.note.as_str());
    let org = actor.org_id().0;
    let mine = build(&txn, state, actor, &e, Side::Supplier).await?;
    let row = mine
        .rows
        .iter()
        .find(|r| r.requirement_id == requirement_id)
        .ok_or(AppError::NotFound)?;
    let cell = &row.cells[0];
    let now = state.clock.now();
    let mut s = cell_upsert(&e, requirement_id, org, actor, now);
    s.note = Set(note.to_string());
    let (what, stance, duty, split) = match &r.reply {
        Reply::Accept { split } => {
            s.stance = Set(Some(StanceKind::Accepted));
            (
                format!("accepted {}", cell.duty.label().to_lowercase()),
                "accept",
                None,
                split,
            )
        }
        Reply::Propose { duty: d, split } => {
            if *d == cell.duty && *split == cell.split {
                return Err(AppError::invalid(
                    "duty",
                    "That is what is assigned already: accept it instead.",
                ));
            }
            s.stance = Set(Some(StanceKind::Proposed));
            s.proposed_duty = Set(Some(*d));
            s.proposed_split = Set(split.clone());
            (
                format!("proposes {}", d.label().to_lowercase()),
                "propose",
                Some(d.as_str()),
                split,
            )
        }
    };
    save_cell(
        &txn,
        s,
        &[
            responsibility::Column::Stance,
            responsibility::Column::ProposedDuty,
            responsibility::Column::ProposedSplit,
            responsibility::Column::Note,
        ],
    )
    .await?;
    audit::by_actor(
        &txn,
        actor,
        "matrix.responded",
        "engagement",
        e.id,
        None,
        Some(json!({"requirement": row.ref_id, "stance": stance, "duty": duty, "split": split, "note": note})),
    )
    .await?;
    if stance == "propose" {
        let supplier = org_names(&txn, [OrgId(org)])
            .await?
            .remove(&OrgId(org))
            .unwrap_or_default();
        let to = notify::recipients(&txn, e.owner_org_id.0, &[Role::Admin, Role::Reviewer]).await?;
        notify::notify(
            &txn,
            state,
            e.owner_org_id.0,
            &to,
            notify::Message {
                kind: "matrix",
                title: &format!("{supplier} {what} for {} in {}", row.ref_id, e.name),
                body: if note.is_empty() { "No note." } else { note },
                link: &format!("/engagements/{}/matrix", e.id),
            },
        )
        .await?;
    }
    settle(&txn, state, actor, &e).await?;
    let m = build(&txn, state, actor, &e, Side::Supplier).await?;
    txn.commit().await?;
    Ok(m)
}

/// Marks the matrix agreed when every row is, and re-opens it (audited,
/// with the rows concerned) when a change un-agrees a row.
async fn settle<C: ConnectionTrait>(
    conn: &C,
    state: &AppState,
    actor: &Actor,
    e: &access::Readable<engagement::Model>,
) -> Result<Matrix, AppError> {
    // The whole matrix, whoever changed it: whether every row is agreed is
    // stored, never shown from here.
    let mut m = build(conn, state, actor, e, Side::Owner).await?;
    let open: Vec<&str> = m
        .rows
        .iter()
        .filter(|r| r.state != RowState::Agreed)
        .map(|r| r.ref_id.as_str())
        .collect();
    let agreed = open.is_empty() && !m.rows.is_empty();
    let change = match (agreed, e.matrix_agreed_at.is_some()) {
        (true, false) => Some((Some(state.clock.now()), "matrix.agreed")),
        (false, true) => Some((None, "matrix.reopened")),
        _ => None,
    };
    if let Some((at, action)) = change {
        let mut am: engagement::ActiveModel = e.clone().into_inner().into();
        am.matrix_agreed_at = Set(at);
        am.update(conn).await?;
        // The owner's event, whoever's answer settled it: the open rows
        // name every supplier's, which no supplier's trail may hold.
        audit::record(
            conn,
            &audit::Who::actor(actor),
            audit::Event {
                org: Some(e.owner_org_id),
                action,
                object_type: "engagement",
                object_id: e.id.to_string(),
                before: None,
                after: Some(json!({"rows_open": open})),
            },
        )
        .await?;
        // Every party of the matrix hears that it is agreed or re-opened
        // (never which rows: those name each supplier's answers).
        let mut parties = vec![e.owner_org_id];
        parties.extend(
            m.columns
                .iter()
                .filter(|c| c.org != 0)
                .map(|c| OrgId(c.org)),
        );
        let topic = if at.is_some() {
            crate::server::webhooks::Topic::MatrixAgreed
        } else {
            crate::server::webhooks::Topic::MatrixReopened
        };
        crate::server::webhooks::emit(conn, state, &parties, topic, json!({"engagement_id": e.id}))
            .await?;
        m.agreed_at = at.map(super::ts);
    }
    Ok(m)
}
