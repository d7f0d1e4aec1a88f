//! Reminders before due dates and escalation of overdue commitments, as a
//! background job.
//!
//! Two things keep a reminder from going out twice, even with several
//! replicas on one database: each run first takes the job's lease (one row
//! of `jobs`, taken with a conditional UPDATE), and each reminder is claimed
//! by inserting its key into `reminder_claims` (unique) in the same
//! transaction that writes the notifications: whoever inserts the key sends,
//! everyone else finds it taken. Everything lives in the database, so a
//! restarted server carries on where the last one stopped.

use super::org_names;
use crate::model::{
    parse_reminder_days, reminder_due, AppError, AssessmentId, AssessmentStatus, CommitmentStatus,
    OrgId, Role,
};
use crate::server::webhooks::{self, Topic};
use crate::server::{
    db,
    entities::{
        assessment, certificate, commitment, countermeasure, evidence, job, organization,
        product_version, reminder_claim, zone_component,
    },
    notify, AppState,
};
use chrono::{Duration, NaiveDate};
use sea_orm::{
    sea_query::{Expr, OnConflict},
    ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect,
};
use std::collections::{BTreeSet, HashMap};

const JOB: &str = "reminders";

/// A reminder or escalation to send once.
#[derive(Clone, Debug)]
struct Due {
    key: String,
    org: i64,
    roles: &'static [Role],
    kind: &'static str,
    title: String,
    body: String,
    link: String,
    /// A webhook event that goes with the reminder, to these organizations.
    webhook: Option<(Vec<OrgId>, Topic, serde_json::Value)>,
}

/// One run with the job's lease: nothing happens when another instance
/// holds it. Returns the reminders and daily summaries this instance sent.
pub async fn run_once(state: &AppState, instance: &str) -> Result<usize, AppError> {
    if !take_lease(state, instance).await? {
        return Ok(0);
    }
    let sent = send_due(state, instance).await;
    // The daily summaries and the renewals due ride on the same lease and
    // schedule.
    let digests = notify::send_digests(state, instance).await;
    let renewed = super::renewals::open_due(state).await;
    release_lease(state, instance).await?;
    Ok(sent? + digests? + renewed?)
}

async fn take_lease(state: &AppState, instance: &str) -> Result<bool, AppError> {
    let now = state.clock.now();
    let txn = db::write_txn(&state.writer).await?;
    job::Entity::insert(job::ActiveModel {
        name: sea_orm::Set(JOB.into()),
        locked_until: sea_orm::Set(None),
        locked_by: sea_orm::Set(None),
        last_run_at: sea_orm::Set(None),
    })
    .on_conflict(
        OnConflict::column(job::Column::Name)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    let taken = job::Entity::update_many()
        .col_expr(
            job::Column::LockedUntil,
            Expr::value(now + Duration::minutes(10)),
        )
        .col_expr(job::Column::LockedBy, Expr::value(instance))
        .filter(job::Column::Name.eq(JOB))
        .filter(
            Condition::any()
                .add(job::Column::LockedUntil.is_null())
                .add(job::Column::LockedUntil.lt(now)),
        )
        .exec(&txn)
        .await?
        .rows_affected;
    txn.commit().await?;
    Ok(taken == 1)
}

async fn release_lease(state: &AppState, instance: &str) -> Result<(), AppError> {
    let txn = db::write_txn(&state.writer).await?;
    job::Entity::update_many()
        .col_expr(
            job::Column::LockedUntil,
            Expr::value(None::<chrono::DateTime<chrono::Utc>>),
        )
        .col_expr(job::Column::LastRunAt, Expr::value(state.clock.now()))
        .filter(job::Column::Name.eq(JOB))
        .filter(job::Column::LockedBy.eq(instance))
        .exec(&txn)
        .await?;
    Ok(txn.commit().await?)
}

/// Sends every reminder that is due today and not yet claimed. Safe to run
/// from several instances at once (see the module comment).
pub async fn send_due(state: &AppState, instance: &str) -> Result<usize, AppError> {
    let mut sent = 0;
    // Skip what was claimed in earlier runs without a write transaction
    // each (overdue commitments stay candidates on every run).
    let mut due = due(state).await?;
    let mut claimed = std::collections::HashSet::new();
    for chunk in due.chunks(500) {
        claimed.extend(
            // access: allow — system job: the reminder run over every organization.
            reminder_claim::Entity::find()
                .select_only()
                .column(reminder_claim::Column::ClaimKey)
                .filter(reminder_claim::Column::ClaimKey.is_in(chunk.iter().map(|d| d.key.clone())))
                .into_tuple::<String>()
                .all(&state.db)
                .await?,
        );
    }
    due.retain(|d| !claimed.contains(&d.key));
    for d in due {
        let txn = db::write_txn(&state.writer).await?;
        if notify::claim_once(&txn, state, &d.key, instance).await? {
            let to = notify::recipients(&txn, d.org, d.roles).await?;
            notify::notify(
                &txn,
                state,
                d.org,
                &to,
                notify::Message {
                    kind: d.kind,
                    title: &d.title,
                    body: &d.body,
                    link: &d.link,
                },
            )
            .await?;
            if let Some((orgs, topic, data)) = &d.webhook {
                webhooks::emit(&txn, state, orgs, *topic, data.clone()).await?;
            }
            sent += 1;
        }
        txn.commit().await?;
    }
    Ok(sent)
}

fn days_word(n: i64) -> String {
    match n {
        0 => "today".into(),
        1 => "tomorrow".into(),
        n => format!("in {n} days"),
    }
}

/// Everything a reminder or escalation is due for today.
async fn due(state: &AppState) -> Result<Vec<Due>, AppError> {
    let conn = &state.db;
    let today = state.clock.today();
    let settings: HashMap<i64, Vec<u16>> = organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .column(organization::Column::ReminderDays)
        .into_tuple::<(i64, String)>()
        .all(conn)
        .await?
        .into_iter()
        .map(|(id, raw)| {
            (
                id,
                parse_reminder_days(&raw).unwrap_or_else(|_| vec![30, 7, 1]),
            )
        })
        .collect();
    let horizon = today
        + Duration::days(
            settings
                .values()
                .flatten()
                .copied()
                .max()
                .map_or(30, i64::from),
        );
    let remind = |org: i64, due: NaiveDate| {
        let days = settings.get(&org).map_or(&[30, 7, 1][..], Vec::as_slice);
        reminder_due(days, due, today)
    };

    // access: allow — system job (as every query of this run).
    let commitments = commitment::Entity::find()
        .filter(commitment::Column::Status.is_in(CommitmentStatus::OPEN))
        .filter(commitment::Column::DueOn.is_not_null())
        .filter(commitment::Column::DueOn.lte(horizon))
        .all(conn)
        .await?;
    // access: allow — system job.
    let assessments = assessment::Entity::find()
        .filter(assessment::Column::Status.is_in(AssessmentStatus::ANSWERING))
        .filter(assessment::Column::DueOn.gte(today))
        .filter(assessment::Column::DueOn.lte(horizon))
        .all(conn)
        .await?;
    // access: allow — system job.
    let certs = evidence::Entity::find()
        .filter(evidence::Column::Kind.eq("certificate"))
        .filter(evidence::Column::ExpiresOn.gte(today))
        .filter(evidence::Column::ExpiresOn.lte(horizon))
        .all(conn)
        .await?;
    // access: allow — system job.
    let of_certs: HashMap<AssessmentId, assessment::Model> = assessment::Entity::find()
        .filter(
            assessment::Column::Id.is_in(
                certs
                    .iter()
                    .map(|e| e.assessment_id)
                    .collect::<BTreeSet<_>>(),
            ),
        )
        .all(conn)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let certificates: Vec<(evidence::Model, Option<assessment::Model>)> = certs
        .into_iter()
        .map(|e| {
            let a = of_certs.get(&e.assessment_id).cloned();
            (e, a)
        })
        .collect();
    // Countermeasures the owner carries itself (a supplier's follow its
    // commitment): their review dates.
    // access: allow — system job.
    let measures = countermeasure::Entity::find()
        .filter(countermeasure::Column::CommitmentId.is_null())
        .filter(countermeasure::Column::ReviewOn.lte(horizon))
        .all(conn)
        .await?;
    let zone_of: HashMap<i64, (i64, String)> = if measures.is_empty() {
        HashMap::new()
    } else {
        // access: allow — system job.
        zone_component::Entity::find()
            .select_only()
            .column(zone_component::Column::Id)
            .column(zone_component::Column::ZoneId)
            .column(zone_component::Column::Name)
            .filter(
                zone_component::Column::Id.is_in(
                    measures
                        .iter()
                        .map(|m| m.component_id)
                        .collect::<BTreeSet<_>>(),
                ),
            )
            .into_tuple::<(i64, i64, String)>()
            .all(conn)
            .await?
            .into_iter()
            .map(|(id, zone, name)| (id, (zone, name)))
            .collect()
    };
    // Certificates in suppliers' product libraries.
    // access: allow — system job.
    let held = certificate::Entity::find()
        .filter(certificate::Column::ExpiresOn.gte(today))
        .filter(certificate::Column::ExpiresOn.lte(horizon))
        .all(conn)
        .await?;
    let product_of: HashMap<i64, i64> = if held.iter().all(|c| c.product_version_id.is_none()) {
        HashMap::new()
    } else {
        // access: allow — system job.
        product_version::Entity::find()
            .select_only()
            .column(product_version::Column::Id)
            .column(product_version::Column::ProductId)
            .filter(
                product_version::Column::Id.is_in(
                    held.iter()
                        .filter_map(|c| c.product_version_id)
                        .collect::<BTreeSet<_>>(),
                ),
            )
            .into_tuple::<(i64, i64)>()
            .all(conn)
            .await?
            .into_iter()
            .collect()
    };
    let names = org_names(
        conn,
        commitments
            .iter()
            .flat_map(|c| [c.owner_org_id, c.supplier_org_id])
            .chain(
                assessments
                    .iter()
                    .flat_map(|a| [a.owner_org_id, a.supplier_org_id]),
            )
            .chain(
                certificates
                    .iter()
                    .filter_map(|(_, a)| a.as_ref())
                    .flat_map(|a| [a.owner_org_id, a.supplier_org_id]),
            )
            .collect::<BTreeSet<_>>(),
    )
    .await?;
    let name = |id: OrgId| names.get(&id).cloned().unwrap_or_default();

    let mut out = Vec::new();
    for c in &commitments {
        let Some(due_on) = c.due_on else { continue };
        if due_on < today {
            let body = format!("“{}” was due on {due_on} and is not fulfilled.", c.title);
            out.push(Due {
                key: format!("commitment:{}:{due_on}:overdue:owner", c.id),
                org: c.owner_org_id.0,
                roles: &[Role::Admin, Role::Reviewer],
                kind: "commitment.overdue",
                title: format!(
                    "Overdue commitment with {}: {}",
                    name(c.supplier_org_id),
                    c.title
                ),
                body: body.clone(),
                link: "/commitments".into(),
                // Once per commitment and due date (the owner's claim).
                webhook: Some((
                    vec![c.owner_org_id, c.supplier_org_id],
                    Topic::CommitmentOverdue,
                    serde_json::json!({
                        "commitment_id": c.id,
                        "engagement_id": c.engagement_id,
                        "due_on": due_on,
                    }),
                )),
            });
            if c.party_org_id != c.owner_org_id {
                out.push(Due {
                    key: format!("commitment:{}:{due_on}:overdue:party", c.id),
                    org: c.party_org_id.0,
                    roles: &[Role::Admin, Role::Contributor],
                    kind: "commitment.overdue",
                    title: format!(
                        "Overdue commitment to {}: {}",
                        name(c.owner_org_id),
                        c.title
                    ),
                    body: format!("{body} {} has been told.", name(c.owner_org_id)),
                    link: "/commitments".into(),
                    webhook: None,
                });
            }
        } else if let Some(d) = remind(c.party_org_id.0, due_on) {
            let roles: &'static [Role] = if c.party_org_id == c.owner_org_id {
                &[Role::Admin, Role::Reviewer, Role::Contributor]
            } else {
                &[Role::Admin, Role::Contributor]
            };
            out.push(Due {
                key: format!("commitment:{}:{due_on}:{d}d", c.id),
                org: c.party_org_id.0,
                roles,
                kind: "commitment.reminder",
                title: format!(
                    "Commitment due {}: {}",
                    days_word((due_on - today).num_days()),
                    c.title
                ),
                body: format!("“{}” is due on {due_on}.", c.title),
                link: "/commitments".into(),
                webhook: None,
            });
        }
    }
    for m in &measures {
        let Some((zone, component)) = zone_of.get(&m.component_id) else {
            continue;
        };
        let what = format!("the countermeasure for {component}: {}", m.description);
        let (key, kind, title, body) = if m.review_on < today {
            (
                format!("countermeasure:{}:{}:overdue", m.id, m.review_on),
                "countermeasure.overdue",
                format!("Countermeasure review overdue: {component}"),
                format!(
                    "The review of {what} was due on {}. Record the review and its next date in the zone.",
                    m.review_on
                ),
            )
        } else if let Some(d) = remind(m.organization_id.0, m.review_on) {
            (
                format!("countermeasure:{}:{}:{d}d", m.id, m.review_on),
                "countermeasure.reminder",
                format!(
                    "Countermeasure review due {}: {component}",
                    days_word((m.review_on - today).num_days())
                ),
                format!("Review {what} by {}.", m.review_on),
            )
        } else {
            continue;
        };
        out.push(Due {
            key,
            org: m.organization_id.0,
            roles: &[Role::Admin, Role::Reviewer, Role::Contributor],
            kind,
            title,
            body,
            link: format!("/zones/{zone}"),
            webhook: None,
        });
    }
    for c in &held {
        let Some(d) = remind(c.organization_id.0, c.expires_on) else {
            continue;
        };
        out.push(Due {
            key: format!("product-certificate:{}:{}:{d}d", c.id, c.expires_on),
            org: c.organization_id.0,
            roles: &[Role::Admin, Role::Contributor],
            kind: "certificate.reminder",
            title: format!(
                "Certificate {} expires {}",
                c.number,
                days_word((c.expires_on - today).num_days())
            ),
            body: format!(
                "The certificate {} ({}) expires on {}; record the renewed one in your product library.",
                c.number, c.issuer, c.expires_on
            ),
            link: c
                .product_version_id
                .and_then(|v| product_of.get(&v))
                .map_or_else(|| "/products".to_string(), |p| format!("/products/{p}")),
            webhook: None,
        });
    }
    for a in &assessments {
        if let Some(d) = remind(a.supplier_org_id.0, a.due_on) {
            out.push(Due {
                key: format!("assessment:{}:{}:{d}d", a.id, a.due_on),
                org: a.supplier_org_id.0,
                roles: &[Role::Admin, Role::Contributor],
                kind: "assessment.reminder",
                title: format!(
                    "Answers for {} due {}",
                    name(a.owner_org_id),
                    days_word((a.due_on - today).num_days())
                ),
                body: format!(
                    "The security questionnaire from {} is due on {}.",
                    name(a.owner_org_id),
                    a.due_on
                ),
                link: format!("/assessments/{}", a.id),
                webhook: None,
            });
        }
        // A periodic re-assessment reminds the owner that asked for it too.
        if a.renewal_of.is_some() {
            if let Some(d) = remind(a.owner_org_id.0, a.due_on) {
                out.push(Due {
                    key: format!("renewal:{}:{}:{d}d", a.id, a.due_on),
                    org: a.owner_org_id.0,
                    roles: &[Role::Admin, Role::Reviewer],
                    kind: "assessment.renewal_reminder",
                    title: format!(
                        "Re-assessment of {} due {}",
                        name(a.supplier_org_id),
                        days_word((a.due_on - today).num_days())
                    ),
                    body: format!(
                        "The periodic re-assessment of {} is due on {}; it is {} so far.",
                        name(a.supplier_org_id),
                        a.due_on,
                        a.status.label().to_lowercase()
                    ),
                    link: format!("/assessments/{}", a.id),
                    webhook: None,
                });
            }
        }
    }
    let mut relied = std::collections::HashSet::new();
    for (e, a) in &certificates {
        let (Some(a), Some(exp)) = (a, e.expires_on) else {
            continue;
        };
        if a.status == AssessmentStatus::Withdrawn {
            continue;
        }
        if let Some(cert) = e.certificate_id {
            // A certificate from the supplier's library: the library's own
            // reminder tells the supplier; the owner hears when it relied
            // on it for an accepted assessment.
            if !matches!(
                a.status,
                AssessmentStatus::Accepted | AssessmentStatus::AcceptedWithConditions
            ) {
                continue;
            }
            let Some(d) = remind(a.owner_org_id.0, exp) else {
                continue;
            };
            // Once per assessment and certificate, however many answers cite it.
            if !relied.insert((a.id, cert)) {
                continue;
            }
            out.push(Due {
                key: format!("certificate-relied:{}:{cert}:{exp}:{d}d", a.id),
                org: a.owner_org_id.0,
                roles: &[Role::Admin, Role::Reviewer],
                kind: "certificate.relied_expiring",
                title: format!(
                    "Certificate {} of {} expires {}",
                    e.title,
                    name(a.supplier_org_id),
                    days_word((exp - today).num_days())
                ),
                body: format!(
                    "Your accepted assessment of {} relies on the certificate {} ({}), which expires on {exp}. Ask {} for the renewed certificate or re-assess.",
                    name(a.supplier_org_id),
                    e.title,
                    e.issuer.as_deref().unwrap_or_default(),
                    name(a.supplier_org_id),
                ),
                link: format!("/assessments/{}", a.id),
                webhook: None,
            });
            continue;
        }
        if let Some(d) = remind(a.supplier_org_id.0, exp) {
            out.push(Due {
                key: format!("certificate:{}:{exp}:{d}d", e.id),
                org: a.supplier_org_id.0,
                roles: &[Role::Admin, Role::Contributor],
                kind: "certificate.reminder",
                title: format!(
                    "Certificate “{}” expires {}",
                    e.title,
                    days_word((exp - today).num_days())
                ),
                body: format!(
                    "The certificate record “{}” given to {} expires on {exp}; add the renewed one.",
                    e.title,
                    name(a.owner_org_id)
                ),
                link: format!("/assessments/{}", a.id),
                webhook: None,
            });
        }
    }
    Ok(out)
}

/// Runs the job every `every`, from shortly after start, for as long as
/// the server runs.
pub fn spawn(state: AppState, every: std::time::Duration) {
    let instance = format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple());
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            match run_once(&state, &instance).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(sent = n, "reminders sent"),
                Err(e) => tracing::warn!(error = %e, "reminder run failed"),
            }
        }
    });
}
