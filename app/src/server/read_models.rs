//! Read models several services show: assessment summaries with progress,
//! a published profile's rows (from memory when possible), commitment DTOs
//! with the moves the caller may make, review verdicts. Each takes rows the
//! caller already reached through `access`, and loads what they need with a
//! fixed number of queries.

use crate::model::{
    is_overdue, AnswerId, AppError, AssessmentSummary, CommitmentAction, CommitmentDto,
    CommitmentStatus, Compliance, EngagementId, OrgId, ProfileId, ProfileItemId, Progress,
    RequirementId, ReviewStatus,
};
use crate::server::{
    access,
    entities::{assessment, commitment, engagement, profile, profile_item, requirement, review},
    services::{catalogs, org_names, ts},
    Actor, AppState,
};
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::{HashMap, HashSet};

/// A commitment's status as stored.
pub fn commitment_status(c: &commitment::Model) -> CommitmentStatus {
    c.status
}

/// The rows of published profile versions by profile id, shared by the
/// clones of one `AppState` (one database): published versions never
/// change, so nothing is ever invalidated; the map is bounded.
#[derive(Clone, Default)]
pub struct ProfileCache(
    std::sync::Arc<std::sync::RwLock<HashMap<ProfileId, std::sync::Arc<ProfileRows>>>>,
);

impl ProfileCache {
    const MAX: usize = 512;

    fn get(&self, id: ProfileId) -> Option<std::sync::Arc<ProfileRows>> {
        self.0.read().ok().and_then(|m| m.get(&id).cloned())
    }

    fn keep(&self, id: ProfileId, rows: std::sync::Arc<ProfileRows>) {
        if let Ok(mut m) = self.0.write() {
            if m.len() >= Self::MAX {
                m.clear();
            }
            m.insert(id, rows);
        }
    }
}

/// Turns rows into DTOs with a fixed number of queries.
pub async fn commitment_dtos<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    today: NaiveDate,
    rows: Vec<commitment::Model>,
) -> Result<Vec<CommitmentDto>, AppError> {
    let orgs = org_names(
        conn,
        rows.iter()
            .flat_map(|c| [c.owner_org_id, c.party_org_id, c.supplier_org_id])
            .collect::<HashSet<_>>(),
    )
    .await?;
    let engagements: HashMap<EngagementId, String> = engagement::Entity::find()
        .filter(
            engagement::Column::Id
                .is_in(rows.iter().map(|c| c.engagement_id).collect::<HashSet<_>>()),
        )
        .all(conn)
        .await?
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect();
    let reqs: HashMap<RequirementId, String> = requirement::Entity::find()
        .filter(
            requirement::Column::Id.is_in(
                rows.iter()
                    .filter_map(|c| c.requirement_id)
                    .collect::<HashSet<_>>(),
            ),
        )
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.id, r.ref_id))
        .collect();
    let name = |id: i64| orgs.get(&OrgId(id)).cloned().unwrap_or_default();
    Ok(rows
        .into_iter()
        .map(|c| {
            let st = commitment_status(&c);
            let actions = if access::may_act_on_commitment(actor, &c) {
                let role = access::commitment_role(actor, &c);
                [
                    CommitmentAction::Agree,
                    CommitmentAction::Start,
                    CommitmentAction::Fulfil,
                    CommitmentAction::Verify,
                    CommitmentAction::Reject,
                    CommitmentAction::Waive,
                ]
                .into_iter()
                .filter(|a| st.next(*a, role).is_ok())
                .collect()
            } else {
                Vec::new()
            };
            CommitmentDto {
                id: c.id,
                engagement_id: c.engagement_id,
                engagement: engagements
                    .get(&c.engagement_id)
                    .cloned()
                    .unwrap_or_default(),
                owner: name(c.owner_org_id.0),
                party: name(c.party_org_id.0),
                supplier: name(c.supplier_org_id.0),
                requirement: c.requirement_id.and_then(|r| reqs.get(&r).cloned()),
                title: c.title,
                due_on: c.due_on,
                status: st,
                overdue: is_overdue(st, c.due_on, today),
                source: c.source,
                closure_note: c.closure_note.unwrap_or_default(),
                closure_link: c.closure_link.unwrap_or_default(),
                waive_reason: c.waive_reason.unwrap_or_default(),
                actions,
                updated: ts(c.updated_at.unwrap_or(c.created_at)),
            }
        })
        .collect())
}

/// Summaries with progress for assessments the caller already read, in
/// their order: their names in one statement (see [`summarized`]), the
/// progress kept on each row (`recount_progress`).
pub async fn assessment_summaries<C: ConnectionTrait>(
    conn: &C,
    rows: Vec<assessment::Model>,
) -> Result<Vec<AssessmentSummary>, AppError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let q = assessment::Entity::find()
        .filter(assessment::Column::Id.is_in(rows.iter().map(|a| a.id.0)));
    let mut found: HashMap<crate::model::AssessmentId, AssessmentSummary> = summarized(conn, q)
        .await?
        .into_iter()
        .map(|(a, s)| (a.id, s))
        .collect();
    Ok(rows
        .iter()
        .map(|a| {
            found
                .remove(&a.id)
                .unwrap_or_else(|| summary_of(a, Names::default()))
        })
        .collect())
}

/// Runs `q`, assessments the caller reached through `access`, with the
/// names their summaries show joined in: rows and names in one statement
/// (the lists and the API's pages).
pub async fn summarized<C: ConnectionTrait>(
    conn: &C,
    q: sea_orm::Select<assessment::Entity>,
) -> Result<Vec<(assessment::Model, AssessmentSummary)>, AppError> {
    use crate::server::entities::organization;
    use sea_orm::{
        sea_query::{Alias, Expr},
        FromQueryResult, JoinType, QuerySelect,
    };
    #[derive(FromQueryResult)]
    struct Listed {
        #[sea_orm(nested)]
        a: assessment::Model,
        n_engagement: String,
        n_owner: String,
        n_supplier: String,
        n_profile: String,
        n_profile_version: i32,
    }
    let org = |col: assessment::Column| -> sea_orm::RelationDef {
        assessment::Entity::belongs_to(organization::Entity)
            .from(col)
            .to(organization::Column::Id)
            .into()
    };
    let rows: Vec<Listed> = q
        .join(
            JoinType::InnerJoin,
            assessment::Entity::belongs_to(engagement::Entity)
                .from(assessment::Column::EngagementId)
                .to(engagement::Column::Id)
                .into(),
        )
        .join(
            JoinType::InnerJoin,
            assessment::Entity::belongs_to(profile::Entity)
                .from(assessment::Column::ProfileId)
                .to(profile::Column::Id)
                .into(),
        )
        .join_as(
            JoinType::InnerJoin,
            org(assessment::Column::OwnerOrgId),
            Alias::new("n_o"),
        )
        .join_as(
            JoinType::InnerJoin,
            org(assessment::Column::SupplierOrgId),
            Alias::new("n_s"),
        )
        .column_as(engagement::Column::Name, "n_engagement")
        .column_as(
            Expr::col((Alias::new("n_o"), organization::Column::Name)),
            "n_owner",
        )
        .column_as(
            Expr::col((Alias::new("n_s"), organization::Column::Name)),
            "n_supplier",
        )
        .column_as(profile::Column::Name, "n_profile")
        .column_as(profile::Column::Version, "n_profile_version")
        .into_model::<Listed>()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let summary = summary_of(
                &r.a,
                Names {
                    engagement: r.n_engagement,
                    owner: r.n_owner,
                    supplier: r.n_supplier,
                    profile: r.n_profile,
                    profile_version: r.n_profile_version,
                },
            );
            (r.a, summary)
        })
        .collect())
}

/// What a summary shows besides the assessment's own row.
#[derive(Default)]
struct Names {
    engagement: String,
    owner: String,
    supplier: String,
    profile: String,
    profile_version: i32,
}

fn summary_of(a: &assessment::Model, n: Names) -> AssessmentSummary {
    AssessmentSummary {
        id: a.id,
        engagement_id: a.engagement_id,
        engagement: n.engagement,
        owner: n.owner,
        supplier: n.supplier,
        profile: n.profile,
        profile_version: n.profile_version,
        status: access::assessment_status(a),
        due_on: a.due_on.to_string(),
        progress: Progress {
            total: a.item_count.max(0) as u64,
            answered: a.answered_count.max(0) as u64,
            evidence_missing: a.evidence_missing_count.max(0) as u64,
        },
    }
}

/// `n` bind markers for the backend, comma-separated.
fn bind_markers(backend: sea_orm::DbBackend, n: usize) -> String {
    (1..=n)
        .map(|i| match backend {
            sea_orm::DbBackend::Postgres => format!("${i}"),
            _ => "?".to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Counts the progress of the assessments `ids` afresh from their answers
/// and evidence and keeps it on their rows. Called in the transaction of
/// every change to an answer's claim or to evidence, so that the lists
/// never count answers themselves.
pub async fn recount_progress<C: ConnectionTrait>(
    conn: &C,
    ids: &[crate::model::AssessmentId],
) -> Result<(), AppError> {
    if ids.is_empty() {
        return Ok(());
    }
    let backend = conn.get_database_backend();
    // The claims that need evidence: stored names, never user input.
    let needing: Vec<String> = Compliance::ALL
        .iter()
        .filter(|c| c.needs_evidence())
        .map(|c| format!("'{}'", c.as_str()))
        .collect();
    let sql = format!(
        "UPDATE assessments SET \
           item_count = (SELECT COUNT(*) FROM answers x WHERE x.assessment_id = assessments.id), \
           answered_count = (SELECT COUNT(x.compliance) FROM answers x WHERE x.assessment_id = assessments.id), \
           evidence_missing_count = (SELECT COUNT(*) FROM answers x \
               JOIN profile_items i ON i.id = x.profile_item_id \
              WHERE x.assessment_id = assessments.id AND i.evidence_required = TRUE \
                AND x.compliance IN ({needing}) \
                AND NOT EXISTS (SELECT 1 FROM evidence v WHERE v.answer_id = x.id)) \
         WHERE id IN ({marks})",
        needing = needing.join(", "),
        marks = bind_markers(backend, ids.len()),
    );
    conn.execute_raw(sea_orm::Statement::from_sql_and_values(
        backend,
        sql,
        ids.iter().map(|a| sea_orm::Value::from(a.0)),
    ))
    .await?;
    Ok(())
}

/// A published profile version's items with their requirements. Both never
/// change once published (catalog rows are only ever added), so they are
/// kept in memory after the first read; every replica may keep its own copy.
pub struct ProfileRows {
    pub name: String,
    pub version: i32,
    /// (item, requirement), by item id.
    pub items: HashMap<ProfileItemId, (profile_item::Model, crate::model::RequirementDto)>,
}

/// The rows of a published profile version, from memory when possible.
pub async fn profile_rows(
    state: &AppState,
    profile_id: ProfileId,
) -> Result<std::sync::Arc<ProfileRows>, AppError> {
    let conn = &state.db;
    if let Some(rows) = state.profiles.get(profile_id) {
        return Ok(rows);
    }
    let p = profile::Entity::find_by_id(profile_id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let items = profile_item::Entity::find()
        .filter(profile_item::Column::ProfileId.eq(p.id))
        .all(conn)
        .await?;
    let mut reqs: HashMap<RequirementId, requirement::Model> = requirement::Entity::find()
        .filter(requirement::Column::Id.is_in(items.iter().map(|i| i.requirement_id)))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let rows = std::sync::Arc::new(ProfileRows {
        name: p.name.clone(),
        version: p.version,
        items: items
            .into_iter()
            .filter_map(|i| {
                let r = catalogs::requirement_dto(reqs.remove(&i.requirement_id)?);
                Some((i.id, (i, r)))
            })
            .collect(),
    });
    // Only published versions are immutable; assessments only use those.
    if p.status == crate::model::ProfileStatus::Published {
        state.profiles.keep(profile_id, rows.clone());
    }
    Ok(rows)
}

/// The verdicts of an assessment's answers (both sides see them).
pub async fn verdicts<C: ConnectionTrait>(
    conn: &C,
    assessment_id: i64,
) -> Result<HashMap<AnswerId, ReviewStatus>, AppError> {
    Ok(review::Entity::find()
        .filter(review::Column::AssessmentId.eq(assessment_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.answer_id, r.status))
        .collect())
}

/// A product library certificate as pages show it, its state as of `today`.
pub(crate) fn certificate_dto(
    c: crate::server::entities::certificate::Model,
    today: chrono::NaiveDate,
) -> crate::model::CertificateDto {
    use crate::model::{cert_state, CertLevels, CertPart, CertScheme};
    let scheme = CertScheme::parse(&c.scheme).unwrap_or(CertScheme::Other);
    let part = CertPart::parse(&c.part).unwrap_or(CertPart::P4_2);
    crate::model::CertificateDto {
        id: c.id,
        scheme_label: if scheme == CertScheme::Other && !c.scheme_name.is_empty() {
            c.scheme_name.clone()
        } else {
            scheme.label().to_string()
        },
        scheme,
        part,
        levels: CertLevels::parse("levels", part, &c.levels).unwrap_or(CertLevels::Ml(1)),
        number: c.number,
        scope: c.scope,
        issuer: c.issuer,
        issued_on: c.issued_on,
        state: cert_state(c.expires_on, today),
        expires_on: c.expires_on,
        file: None,
    }
}

/// Library evidence as pages show it.
pub(crate) fn library_evidence_dto(
    e: crate::server::entities::library_evidence::Model,
) -> crate::model::LibraryEvidenceDto {
    crate::model::LibraryEvidenceDto {
        id: e.id,
        kind: e.kind,
        title: e.title,
        url: e.url,
        size_bytes: e.size_bytes,
    }
}

/// Gives each certificate its file from `files` (library evidence with a
/// certificate).
pub(crate) fn attach_certificate_files(
    certificates: &mut [crate::model::CertificateDto],
    files: Vec<crate::server::entities::library_evidence::Model>,
) {
    for f in files {
        if let Some(c) = certificates
            .iter_mut()
            .find(|c| Some(c.id) == f.certificate_id)
        {
            c.file = Some(library_evidence_dto(f));
        }
    }
}
