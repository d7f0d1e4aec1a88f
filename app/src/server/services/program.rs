//! The asset owner's own security program (IEC 62443-2-1:2024): rating its
//! program requirements, their history, the trace to supplier-side
//! requirements, and what suppliers answered and committed on the traced
//! requirements. Only asset owners have a program; for anyone else it does
//! not exist (`NotFound`). A fixed number of queries per page, whatever the
//! number of suppliers.

use super::{
    exports::{content_type, safe_filename, table_bytes, Download, Format},
    org_names, user_names,
};
use crate::model::{
    coverage_of, rollup, AppError, CarriedBy, CommitmentStatus, Compliance, Coverage, OrgId,
    Permission, ProgramOverview, ProgramRequirementDto, ProgramRow, RatingFields, RatingVersionDto,
    SupplierCoverage, TraceLine, TraceTarget, UserId,
};
use crate::server::{
    access, audit, db,
    entities::{
        answer, catalog, commitment, membership, program_rating, program_rating_version,
        program_trace, requirement,
    },
    respond::unique_violation,
    shipped::{self, ProgramItem},
    Actor, AppState,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::json;
use std::collections::{BTreeSet, HashMap};

fn require_view(actor: &Actor) -> Result<(), AppError> {
    // Not an asset owner: there is no program to see.
    if !actor.may(Permission::ViewProgram) {
        return Err(AppError::NotFound);
    }
    Ok(())
}

fn program_item(ref_id: &str) -> Result<&'static ProgramItem, AppError> {
    shipped::reference()
        .program_item(ref_id.trim())
        .ok_or(AppError::NotFound)
}

/// Everything the owner stored about its program: ratings by requirement and
/// its own traces.
struct Stored {
    ratings: HashMap<String, program_rating::Model>,
    traces: HashMap<String, Vec<TraceTarget>>,
}

async fn stored<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    only: Option<&str>,
) -> Result<Stored, AppError> {
    let mut rq = access::scoped::<program_rating::Entity>(actor);
    let mut tq =
        access::scoped::<program_trace::Entity>(actor).order_by_asc(program_trace::Column::Id);
    if let Some(r) = only {
        rq = rq.filter(program_rating::Column::RefId.eq(r));
        tq = tq.filter(program_trace::Column::ProgramRef.eq(r));
    }
    let ratings = rq
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.ref_id.clone(), r))
        .collect();
    let mut traces: HashMap<String, Vec<TraceTarget>> = HashMap::new();
    for t in tq.all(conn).await? {
        traces.entry(t.program_ref).or_default().push(TraceTarget {
            part: t.part,
            ref_id: t.target_ref,
        });
    }
    Ok(Stored { ratings, traces })
}

impl Stored {
    /// The requirement's trace: the owner's where it edited it, otherwise
    /// Pactline's starting trace.
    fn trace<'a>(&'a self, item: &'a ProgramItem) -> &'a [TraceTarget] {
        match self.ratings.get(&item.ref_id) {
            Some(r) if r.trace_edited => self
                .traces
                .get(&item.ref_id)
                .map(Vec::as_slice)
                .unwrap_or(&[]),
            _ => &item.default_trace,
        }
    }

    fn row(&self, item: &ProgramItem, owners: &HashMap<UserId, String>) -> ProgramRow {
        let rating = self.ratings.get(&item.ref_id);
        let trace = self.trace(item);
        let carried_by = rating
            .and_then(|r| r.carried_by.as_deref())
            .and_then(CarriedBy::parse)
            .unwrap_or_else(|| CarriedBy::from_trace(trace.iter().map(|t| t.part.as_str())));
        ProgramRow {
            ref_id: item.ref_id.clone(),
            title: item.title.clone(),
            group: item.group.clone(),
            group_title: item.group_title.clone(),
            spe: item.spe.clone(),
            spe_title: item.spe_title.clone(),
            verified: item.verified,
            target_ml: rating.and_then(|r| r.target_ml),
            achieved_ml: rating.and_then(|r| r.achieved_ml),
            owner: rating
                .and_then(|r| r.owner_user_id)
                .and_then(|u| owners.get(&u).cloned()),
            carried_by,
            traced: trace.len() as u32,
        }
    }
}

/// What suppliers did about a set of traced requirements: per supplier and
/// target, the claim of its latest assessment's answer, and its open
/// commitments on the target (overdue or not). Targets are numbered in
/// `targets` order; five queries, whatever the number of suppliers or
/// targets.
struct SupplierFacts {
    answers: Vec<(OrgId, usize, Coverage)>,
    commitments: Vec<(OrgId, usize, bool)>,
    names: HashMap<OrgId, String>,
}

async fn supplier_facts<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    targets: &[&TraceTarget],
    today: chrono::NaiveDate,
) -> Result<SupplierFacts, AppError> {
    let mut facts = SupplierFacts {
        answers: Vec::new(),
        commitments: Vec::new(),
        names: HashMap::new(),
    };
    if targets.is_empty() {
        return Ok(facts);
    }
    let index: HashMap<(&str, &str), usize> = targets
        .iter()
        .enumerate()
        .map(|(i, t)| ((t.part.as_str(), t.ref_id.as_str()), i))
        .collect();
    let parts: BTreeSet<&str> = targets.iter().map(|t| t.part.as_str()).collect();
    let refs: BTreeSet<&str> = targets.iter().map(|t| t.ref_id.as_str()).collect();
    // The requirements behind the targets, in every catalog the owner reads
    // (shipped versions and its own copies) of the traced parts.
    let catalogs: HashMap<i64, String> = access::catalogs_readable(actor)
        .select_only()
        .column(catalog::Column::Id)
        .column(catalog::Column::Part)
        .filter(catalog::Column::Part.is_in(parts.iter().copied()))
        .into_tuple::<(i64, Option<String>)>()
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|(id, p)| p.map(|p| (id, p)))
        .collect();
    let reqs: HashMap<i64, usize> = access::requirements_readable(actor)
        .select_only()
        .column(requirement::Column::Id)
        .column(requirement::Column::CatalogId)
        .column(requirement::Column::RefId)
        .filter(requirement::Column::CatalogId.is_in(catalogs.keys().copied()))
        .filter(requirement::Column::RefId.is_in(refs.iter().copied()))
        .into_tuple::<(i64, i64, String)>()
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|(id, cat, r)| {
            let part = catalogs.get(&cat)?;
            index.get(&(part.as_str(), r.as_str())).map(|i| (id, *i))
        })
        .collect();
    if reqs.is_empty() {
        return Ok(facts);
    }
    let rows: Vec<(OrgId, i64, i64, Option<Compliance>)> = access::answers_as_owner(actor)
        .select_only()
        .column(answer::Column::SupplierOrgId)
        .column(answer::Column::RequirementId)
        .column(answer::Column::AssessmentId)
        .column(answer::Column::Compliance)
        .filter(answer::Column::RequirementId.is_in(reqs.keys().copied()))
        .filter(answer::Column::Compliance.is_not_null())
        .into_tuple()
        .all(conn)
        .await?;
    // The latest assessment's answer counts.
    let mut latest: HashMap<(OrgId, usize), (i64, Coverage)> = HashMap::new();
    for (supplier, req, assessment, compliance) in rows {
        let (Some(t), Some(c)) = (reqs.get(&req), compliance) else {
            continue;
        };
        let e = latest
            .entry((supplier, *t))
            .or_insert((assessment, coverage_of(c)));
        if assessment > e.0 {
            *e = (assessment, coverage_of(c));
        }
    }
    facts.answers = latest
        .into_iter()
        .map(|((s, t), (_, c))| (s, t, c))
        .collect();
    let open: Vec<(OrgId, Option<i64>, Option<chrono::NaiveDate>)> =
        access::commitments_as_owner(actor)
            .select_only()
            .column(commitment::Column::SupplierOrgId)
            .column(commitment::Column::RequirementId)
            .column(commitment::Column::DueOn)
            .filter(commitment::Column::RequirementId.is_in(reqs.keys().copied()))
            .filter(commitment::Column::Status.is_in(CommitmentStatus::OPEN))
            .into_tuple()
            .all(conn)
            .await?;
    facts.commitments = open
        .into_iter()
        .filter_map(|(s, r, due)| {
            let t = *reqs.get(&r?)?;
            Some((s, t, due.is_some_and(|d| d < today)))
        })
        .collect();
    let ids: BTreeSet<OrgId> = facts
        .answers
        .iter()
        .map(|(s, _, _)| *s)
        .chain(facts.commitments.iter().map(|(s, _, _)| *s))
        .collect();
    facts.names = org_names(conn, ids).await?;
    Ok(facts)
}

impl SupplierFacts {
    /// Per supplier, what it did about the targets `wanted` marks (by
    /// number); suppliers by name.
    fn coverage(&self, wanted: &[bool]) -> Vec<SupplierCoverage> {
        let mut by: HashMap<OrgId, SupplierCoverage> = HashMap::new();
        fn entry<'m>(
            by: &'m mut HashMap<OrgId, SupplierCoverage>,
            names: &HashMap<OrgId, String>,
            s: OrgId,
        ) -> &'m mut SupplierCoverage {
            by.entry(s).or_insert_with(|| SupplierCoverage {
                supplier_id: s,
                supplier: names.get(&s).cloned().unwrap_or_default(),
                answered: 0,
                met: 0,
                gaps: 0,
                open_commitments: 0,
                overdue_commitments: 0,
            })
        }
        for (s, t, c) in &self.answers {
            if wanted[*t] {
                let v = entry(&mut by, &self.names, *s);
                v.answered += 1;
                match c {
                    Coverage::Met => v.met += 1,
                    Coverage::Gap => v.gaps += 1,
                }
            }
        }
        for (s, t, overdue) in &self.commitments {
            if wanted[*t] {
                let v = entry(&mut by, &self.names, *s);
                v.open_commitments += 1;
                v.overdue_commitments += u32::from(*overdue);
            }
        }
        let mut list: Vec<SupplierCoverage> = by.into_values().collect();
        list.sort_by(|a, b| {
            a.supplier
                .cmp(&b.supplier)
                .then(a.supplier_id.cmp(&b.supplier_id))
        });
        list
    }
}

/// Numbers the distinct targets of `traces`; returns them and, per trace,
/// which of them it marks.
fn numbered<'a>(traces: &[Vec<&'a TraceTarget>]) -> (Vec<&'a TraceTarget>, Vec<Vec<bool>>) {
    let all: Vec<&TraceTarget> = traces
        .iter()
        .flat_map(|t| t.iter().copied())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let at: HashMap<&TraceTarget, usize> = all.iter().enumerate().map(|(i, t)| (*t, i)).collect();
    let marks = traces
        .iter()
        .map(|trace| {
            let mut m = vec![false; all.len()];
            for t in trace.iter() {
                m[at[t]] = true;
            }
            m
        })
        .collect();
    (all, marks)
}

async fn owner_names<C: ConnectionTrait>(
    conn: &C,
    stored: &Stored,
) -> Result<HashMap<UserId, String>, AppError> {
    let ids: BTreeSet<UserId> = stored
        .ratings
        .values()
        .filter_map(|r| r.owner_user_id)
        .collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    user_names(conn, ids).await
}

/// The program page: every program requirement with its rating, the
/// roll-up per element, and per element the suppliers' part in its traced
/// requirements.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn overview(actor: &Actor, state: &AppState) -> Result<ProgramOverview, AppError> {
    require_view(actor)?;
    let conn = &state.db;
    let reference = shipped::reference();
    let stored = stored(conn, actor, None).await?;
    let owners = owner_names(conn, &stored).await?;
    let rows: Vec<ProgramRow> = reference
        .program
        .iter()
        .map(|p| stored.row(p, &owners))
        .collect();
    let mut elements = rollup(&rows);
    // Per element, the union of its requirements' traces.
    let per_element: Vec<Vec<&TraceTarget>> = elements
        .iter()
        .map(|e| {
            reference
                .program
                .iter()
                .filter(|p| p.spe == e.spe)
                .flat_map(|p| stored.trace(p))
                .collect()
        })
        .collect();
    let (all, marks) = numbered(&per_element);
    let facts = supplier_facts(conn, actor, &all, state.clock.today()).await?;
    for (e, wanted) in elements.iter_mut().zip(&marks) {
        e.suppliers = facts.coverage(wanted);
    }
    Ok(ProgramOverview {
        elements,
        rows,
        may_rate: actor.may(Permission::RateProgram),
    })
}

fn version_dto(
    v: &program_rating_version::Model,
    names: &HashMap<UserId, String>,
) -> Option<RatingVersionDto> {
    let f: RatingFields = serde_json::from_str(&v.data).ok()?;
    Some(RatingVersionDto {
        version: v.version,
        target_ml: f.target_ml,
        achieved_ml: f.achieved_ml,
        owner: f.owner_user_id.and_then(|u| names.get(&u).cloned()),
        evidence: f.evidence,
        note: f.note,
        carried_by: f.carried_by,
        saved_by: v
            .saved_by
            .and_then(|u| names.get(&u).cloned())
            .unwrap_or_default(),
        saved_at: super::ts(v.saved_at),
    })
}

/// One program requirement: its rating, the members who may own it, its
/// history (newest first), its trace and the suppliers' part in it.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn requirement(
    actor: &Actor,
    state: &AppState,
    ref_id: &str,
) -> Result<ProgramRequirementDto, AppError> {
    require_view(actor)?;
    let item = program_item(ref_id)?;
    let conn = &state.db;
    let stored = stored(conn, actor, Some(&item.ref_id)).await?;
    let rating = stored.ratings.get(&item.ref_id);
    let history = match rating {
        Some(r) => {
            access::scoped::<program_rating_version::Entity>(actor)
                .filter(program_rating_version::Column::RatingId.eq(r.id))
                .order_by_desc(program_rating_version::Column::Version)
                .all(conn)
                .await?
        }
        None => Vec::new(),
    };
    let member_ids: Vec<UserId> = access::scoped::<membership::Entity>(actor)
        .select_only()
        .column(membership::Column::UserId)
        .filter(membership::Column::IsActive.eq(true))
        .into_tuple()
        .all(conn)
        .await?;
    let mut who: BTreeSet<UserId> = member_ids.iter().copied().collect();
    for v in &history {
        who.extend(v.saved_by);
        if let Ok(f) = serde_json::from_str::<RatingFields>(&v.data) {
            who.extend(f.owner_user_id);
        }
    }
    who.extend(rating.and_then(|r| r.owner_user_id));
    let names = user_names(conn, who).await?;
    let mut members: Vec<(UserId, String)> = member_ids
        .iter()
        .map(|u| (*u, names.get(u).cloned().unwrap_or_default()))
        .collect();
    members.sort_by(|a, b| a.1.cmp(&b.1));
    let reference = shipped::reference();
    let trace = stored.trace(item);
    let (targets, marks) = numbered(&[trace.iter().collect()]);
    let facts = supplier_facts(conn, actor, &targets, state.clock.today()).await?;
    Ok(ProgramRequirementDto {
        row: stored.row(item, &names),
        description: item.description.clone(),
        evidence: rating.map(|r| r.evidence.clone()).unwrap_or_default(),
        note: rating.map(|r| r.note.clone()).unwrap_or_default(),
        owner_user_id: rating.and_then(|r| r.owner_user_id),
        carried_by_choice: rating
            .and_then(|r| r.carried_by.as_deref())
            .and_then(CarriedBy::parse),
        version: rating.map_or(0, |r| r.version),
        members,
        history: history
            .iter()
            .filter_map(|v| version_dto(v, &names))
            .collect(),
        trace: trace
            .iter()
            .map(|t| TraceLine {
                part: t.part.clone(),
                ref_id: t.ref_id.clone(),
                title: reference.title_of(&t.part, &t.ref_id).unwrap_or_default(),
            })
            .collect(),
        trace_edited: rating.is_some_and(|r| r.trace_edited),
        suppliers: facts.coverage(&marks[0]),
        may_rate: actor.may(Permission::RateProgram),
    })
}

fn fields_of(r: &program_rating::Model) -> RatingFields {
    RatingFields {
        target_ml: r.target_ml,
        achieved_ml: r.achieved_ml,
        owner_user_id: r.owner_user_id,
        evidence: r.evidence.clone(),
        note: r.note.clone(),
        carried_by: r.carried_by.as_deref().and_then(CarriedBy::parse),
    }
}

fn conflict(current: i32) -> AppError {
    AppError::Conflict(format!(
        "Someone saved this rating meanwhile (now version {current}). Nothing was changed: reload the page, check their rating and save yours again."
    ))
}

/// The requirement's rating row, locked for the change, created at
/// version 0 when the requirement was never rated (or its trace edited).
async fn rating_for_change<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    item: &ProgramItem,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<program_rating::Model, AppError> {
    let existing = access::scoped::<program_rating::Entity>(actor)
        .filter(program_rating::Column::RefId.eq(item.ref_id.as_str()))
        .lock_exclusive()
        .one(txn)
        .await?;
    if let Some(r) = existing {
        return Ok(r);
    }
    program_rating::ActiveModel {
        organization_id: Set(actor.org_id()),
        ref_id: Set(item.ref_id.clone()),
        target_ml: Set(None),
        achieved_ml: Set(None),
        owner_user_id: Set(None),
        evidence: Set(String::new()),
        note: Set(String::new()),
        carried_by: Set(None),
        trace_edited: Set(false),
        version: Set(0),
        updated_by: Set(Some(actor.user_id())),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(|e| {
        if unique_violation(&e) {
            conflict(1)
        } else {
            e.into()
        }
    })
}

/// Saves a rating when `expected_version` is still the stored one (0 for a
/// requirement never rated); every save is kept as a version. Returns the
/// new version.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn rate(
    actor: &Actor,
    state: &AppState,
    ref_id: &str,
    fields: RatingFields,
    expected_version: i32,
) -> Result<i32, AppError> {
    require_view(actor)?;
    actor.require(Permission::RateProgram)?;
    let item = program_item(ref_id)?;
    let txn = db::write_txn(&state.writer).await?;
    if let Some(u) = fields.owner_user_id {
        let member = access::scoped::<membership::Entity>(actor)
            .filter(membership::Column::UserId.eq(u.0))
            .filter(membership::Column::IsActive.eq(true))
            .one(&txn)
            .await?;
        if member.is_none() {
            return Err(AppError::invalid(
                "owner_user_id",
                "Choose an active member of your organization as the owner.",
            ));
        }
    }
    let now = state.clock.now();
    let r = rating_for_change(&txn, actor, item, now).await?;
    if r.version != expected_version {
        return Err(conflict(r.version));
    }
    let before = fields_of(&r);
    if before == fields && r.version > 0 {
        return Ok(r.version);
    }
    let version = r.version + 1;
    let id = r.id;
    let mut am: program_rating::ActiveModel = r.into();
    am.target_ml = Set(fields.target_ml);
    am.achieved_ml = Set(fields.achieved_ml);
    am.owner_user_id = Set(fields.owner_user_id);
    am.evidence = Set(fields.evidence.clone());
    am.note = Set(fields.note.clone());
    am.carried_by = Set(fields.carried_by.map(|c| c.as_str().to_string()));
    am.version = Set(version);
    am.updated_by = Set(Some(actor.user_id()));
    am.updated_at = Set(now);
    am.update(&txn).await?;
    let data = serde_json::to_string(&fields).map_err(crate::server::respond::internal)?;
    program_rating_version::ActiveModel {
        rating_id: Set(id),
        organization_id: Set(actor.org_id()),
        version: Set(version),
        data: Set(data),
        saved_by: Set(Some(actor.user_id())),
        saved_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::by_actor(
        &txn,
        actor,
        "program.rated",
        "program_requirement",
        &item.ref_id,
        Some(json!({"target_ml": before.target_ml, "achieved_ml": before.achieved_ml})),
        Some(json!({"target_ml": fields.target_ml, "achieved_ml": fields.achieved_ml, "version": version})),
    )
    .await?;
    txn.commit().await?;
    Ok(version)
}

/// Replaces the requirement's trace with the owner's (`text`: one
/// `<part> <id>` per line; every line must name a shipped supplier-side
/// requirement), or, with `reset`, goes back to Pactline's starting trace.
/// Returns the number of traced requirements.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn set_trace(
    actor: &Actor,
    state: &AppState,
    ref_id: &str,
    text: &str,
    reset: bool,
) -> Result<usize, AppError> {
    require_view(actor)?;
    actor.require(Permission::RateProgram)?;
    let item = program_item(ref_id)?;
    let reference = shipped::reference();
    let targets = if reset {
        item.default_trace.clone()
    } else {
        crate::model::parse_trace(text, |p, id| reference.title_of(p, id))?
    };
    let txn = db::write_txn(&state.writer).await?;
    let now = state.clock.now();
    let r = rating_for_change(&txn, actor, item, now).await?;
    program_trace::Entity::delete_many()
        .filter(program_trace::Column::OrganizationId.eq(actor.org_id().0))
        .filter(program_trace::Column::ProgramRef.eq(item.ref_id.as_str()))
        .exec(&txn)
        .await?;
    if !reset && !targets.is_empty() {
        program_trace::Entity::insert_many(targets.iter().map(|t| program_trace::ActiveModel {
            organization_id: Set(actor.org_id()),
            program_ref: Set(item.ref_id.clone()),
            part: Set(t.part.clone()),
            target_ref: Set(t.ref_id.clone()),
            ..Default::default()
        }))
        .exec(&txn)
        .await?;
    }
    let was_edited = r.trace_edited;
    let mut am: program_rating::ActiveModel = r.into();
    am.trace_edited = Set(!reset);
    am.updated_by = Set(Some(actor.user_id()));
    am.updated_at = Set(now);
    am.update(&txn).await?;
    audit::by_actor(
        &txn,
        actor,
        if reset { "program.trace_reset" } else { "program.trace_set" },
        "program_requirement",
        &item.ref_id,
        Some(json!({"edited": was_edited})),
        Some(json!({"edited": !reset, "targets": targets.iter().map(TraceTarget::line).collect::<Vec<_>>()})),
    )
    .await?;
    txn.commit().await?;
    Ok(targets.len())
}

const EXPORT_HEADER: [&str; 14] = [
    "element",
    "element_title",
    "group",
    "ref_id",
    "title",
    "target_ml",
    "achieved_ml",
    "below_target",
    "owner",
    "carried_by",
    "traced",
    "evidence",
    "note",
    "provisional",
];

/// The program's ratings as .xlsx or CSV, one line per requirement.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn download(
    actor: &Actor,
    state: &AppState,
    format: Format,
) -> Result<Download, AppError> {
    require_view(actor)?;
    if format == Format::Oscal {
        return Err(AppError::NotFound);
    }
    let conn = &state.db;
    let stored = stored(conn, actor, None).await?;
    let owners = owner_names(conn, &stored).await?;
    let lines: Vec<Vec<String>> = shipped::reference()
        .program
        .iter()
        .map(|p| {
            let row = stored.row(p, &owners);
            let rating = stored.ratings.get(&p.ref_id);
            let ml = |v: Option<i16>| v.map(|l| l.to_string()).unwrap_or_default();
            vec![
                row.spe.clone(),
                row.spe_title.clone(),
                row.group.clone(),
                row.ref_id.clone(),
                row.title.clone(),
                ml(row.target_ml),
                ml(row.achieved_ml),
                match row.rated() {
                    Some((t, a)) if a < t => "yes".into(),
                    Some(_) => "no".into(),
                    None => String::new(),
                },
                row.owner.clone().unwrap_or_default(),
                row.carried_by.as_str().to_string(),
                row.traced.to_string(),
                rating.map(|r| r.evidence.clone()).unwrap_or_default(),
                rating.map(|r| r.note.clone()).unwrap_or_default(),
                if row.verified { "" } else { "yes" }.to_string(),
            ]
        })
        .collect();
    let ext = if format == Format::Csv { "csv" } else { "xlsx" };
    Ok(Download {
        filename: safe_filename("security program ratings", ext),
        content_type: content_type(format),
        bytes: table_bytes(format, &EXPORT_HEADER, &lines)?,
    })
}
