//! Assessments and their answers, as either party (or an engagement's
//! assessor) may read them.

use super::{after_of, cursor_for, json_with_etag, limit_of, page_by_position, Caller, Problem};
use app::model::{AnswerDto, AssessmentId, AssessmentStatus, EngagementId, OrgId};
use app::server::{
    entities::assessment,
    services::assessments::{self as service, AssessmentFilter},
    AppState,
};
use axum::{
    extract::{rejection::QueryRejection, Path, Query, State},
    http::HeaderMap,
    response::Response,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<crate::ServerState> {
    OpenApiRouter::new()
        .routes(routes!(list_assessments))
        .routes(routes!(get_assessment))
        .routes(routes!(list_answers))
        .routes(routes!(oscal_results))
}

/// One assessment: a profile sent by an asset owner to one supplier.
#[derive(Serialize, ToSchema)]
pub struct Assessment {
    pub id: i64,
    pub engagement_id: i64,
    pub engagement: String,
    pub owner_org_id: i64,
    pub owner: String,
    pub supplier_org_id: i64,
    pub supplier: String,
    pub profile_id: i64,
    pub profile: String,
    pub profile_version: i32,
    /// sent, in_progress, submitted, under_review, changes_requested,
    /// accepted, accepted_with_conditions, rejected or withdrawn.
    pub status: String,
    pub due_on: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    pub progress: Progress,
}

/// How far the supplier's answers are.
#[derive(Serialize, ToSchema)]
pub struct Progress {
    /// Requirements to answer.
    pub total: u64,
    pub answered: u64,
    /// Answers that need evidence and have none yet.
    pub evidence_missing: u64,
}

/// One page of assessments.
#[derive(Serialize, ToSchema)]
pub struct AssessmentPage {
    pub items: Vec<Assessment>,
    /// The next page, or null on the last one.
    pub next: Option<String>,
}

/// A supplier's answer to one requirement.
#[derive(Serialize, ToSchema)]
pub struct Answer {
    pub id: i64,
    /// The requirement's identifier, e.g. `CR 1.1 RE(1)`.
    pub requirement: String,
    pub requirement_title: String,
    pub section: String,
    /// security_level or maturity_level, and the level asked for.
    pub target_kind: String,
    pub target: i16,
    /// Who is responsible: supplier, asset_owner or shared.
    pub responsible_party: String,
    pub evidence_required: bool,
    /// meets, meets_with_compensating_countermeasure, partially_meets,
    /// does_not_meet, planned, not_applicable, by_other_party; null while
    /// unanswered.
    pub compliance: Option<String>,
    pub countermeasure: String,
    pub planned_on: Option<NaiveDate>,
    pub na_reason: String,
    pub other_party: String,
    pub claimed_level: Option<i16>,
    pub statement: String,
    pub responsibility_accepted: Option<bool>,
    /// Changes with every save: send it back when changing the answer.
    pub version: i32,
    /// The asset owner's verdict: accepted, rejected or
    /// clarification_requested; null until reviewed.
    pub review: Option<String>,
    pub evidence: Vec<Evidence>,
}

/// Evidence attached to an answer: a file, a link or a certificate.
#[derive(Serialize, ToSchema)]
pub struct Evidence {
    pub id: i64,
    /// file, link or certificate.
    pub kind: String,
    pub title: String,
    pub content_type: Option<String>,
    pub size_bytes: Option<i64>,
    /// Where a link points.
    pub url: Option<String>,
    /// Where a file downloads from (with the same token).
    pub download: Option<String>,
    pub expires_on: Option<String>,
}

/// One page of answers, in the profile's order.
#[derive(Serialize, ToSchema)]
pub struct AnswerPage {
    pub items: Vec<Answer>,
    pub next: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Only assessments in this status.
    #[param(value_type = Option<String>, pattern = "^(sent|in_progress|submitted|under_review|changes_requested|accepted|accepted_with_conditions|rejected|withdrawn)$")]
    status: Option<String>,
    /// Only assessments of this supplier (organization id).
    #[param(value_type = Option<i64>)]
    supplier: Option<String>,
    /// Only assessments of this engagement.
    #[param(value_type = Option<i64>)]
    engagement: Option<String>,
    /// Only assessments due on or before this day.
    #[param(value_type = Option<NaiveDate>)]
    due_before: Option<String>,
    /// Only assessments due on or after this day.
    #[param(value_type = Option<NaiveDate>)]
    due_after: Option<String>,
    /// Items per page (50 when absent).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// Where the page starts: the cursor of the `next` link.
    #[param(value_type = Option<String>, pattern = "^[A-Za-z0-9_-]*$")]
    cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page (50 when absent).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    /// Where the page starts: the cursor of the `next` link.
    #[param(value_type = Option<String>, pattern = "^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
}

pub(super) fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, Problem> {
    q.map(|Query(t)| t).map_err(|e| {
        Problem::bad_parameter("query", format!("The query string is malformed: {e}."))
    })
}

pub(super) fn id_param(field: &str, v: Option<&str>) -> Result<Option<i64>, Problem> {
    match v {
        None => Ok(None),
        Some(s) => s.parse::<i64>().map(Some).map_err(|_| {
            Problem::bad_parameter(field, format!("`{field}` is an id: a whole number."))
        }),
    }
}

fn day_param(field: &str, v: Option<&str>) -> Result<Option<NaiveDate>, Problem> {
    match v {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| Problem::bad_parameter(field, format!("`{field}` is a day: YYYY-MM-DD."))),
    }
}

fn assessment_json(a: assessment::Model, s: app::model::AssessmentSummary) -> Assessment {
    Assessment {
        id: a.id.0,
        engagement_id: a.engagement_id.0,
        engagement: s.engagement,
        owner_org_id: a.owner_org_id.0,
        owner: s.owner,
        supplier_org_id: a.supplier_org_id.0,
        supplier: s.supplier,
        profile_id: a.profile_id.0,
        profile: s.profile,
        profile_version: s.profile_version,
        status: a.status.as_str().to_string(),
        due_on: a.due_on,
        created_at: a.created_at,
        submitted_at: a.submitted_at,
        decided_at: a.decided_at,
        progress: Progress {
            total: s.progress.total,
            answered: s.progress.answered,
            evidence_missing: s.progress.evidence_missing,
        },
    }
}

/// The assessments the organization sent (asset owner), was sent
/// (supplier) or assesses (assessor), by id.
#[utoipa::path(
    get,
    path = "/api/v1/assessments",
    tag = "assessments",
    params(ListParams),
    responses(
        (status = 200, description = "One page of assessments", body = AssessmentPage),
        (status = 304, description = "Unchanged since the ETag sent in If-None-Match"),
        (status = 400, description = "A parameter is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this token: wait Retry-After seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_assessments(
    State(state): State<AppState>,
    Caller(actor): Caller,
    headers: HeaderMap,
    q: Result<Query<ListParams>, QueryRejection>,
) -> Result<Response, Problem> {
    let p = query(q)?;
    let status = match p.status.as_deref() {
        None => None,
        Some(s) => Some(AssessmentStatus::parse(s).ok_or_else(|| {
            Problem::bad_parameter(
                "status",
                format!(
                    "`status` is one of {}.",
                    AssessmentStatus::ALL.map(|s| s.as_str()).join(", ")
                ),
            )
        })?),
    };
    let filter = AssessmentFilter {
        status,
        supplier: id_param("supplier", p.supplier.as_deref())?.map(OrgId),
        engagement: id_param("engagement", p.engagement.as_deref())?.map(EngagementId),
        due_before: day_param("due_before", p.due_before.as_deref())?,
        due_after: day_param("due_after", p.due_after.as_deref())?,
    };
    let limit = limit_of(p.limit.as_deref())?;
    let after = after_of(p.cursor.as_deref())?;
    let (rows, more) = service::page(&actor, &state, &filter, after, limit).await?;
    let next = match (more, rows.last()) {
        (true, Some((a, _))) => {
            let mut url = url::form_urlencoded::Serializer::new(String::new());
            for (k, v) in [
                ("status", &p.status),
                ("supplier", &p.supplier),
                ("engagement", &p.engagement),
                ("due_before", &p.due_before),
                ("due_after", &p.due_after),
            ] {
                if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                    url.append_pair(k, v);
                }
            }
            url.append_pair("limit", &limit.to_string());
            url.append_pair("cursor", &cursor_for(a.id.0));
            Some(format!("/api/v1/assessments?{}", url.finish()))
        }
        _ => None,
    };
    let items = rows
        .into_iter()
        .map(|(a, s)| assessment_json(a, s))
        .collect();
    Ok(json_with_etag(&headers, &AssessmentPage { items, next }))
}

/// One assessment with its progress.
#[utoipa::path(
    get,
    path = "/api/v1/assessments/{id}",
    tag = "assessments",
    params(("id" = i64, Path, description = "The assessment's id")),
    responses(
        (status = 200, description = "The assessment", body = Assessment),
        (status = 304, description = "Unchanged since the ETag sent in If-None-Match"),
        (status = 400, description = "The id is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this token: wait Retry-After seconds", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such assessment, or not the organization's", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn get_assessment(
    State(state): State<AppState>,
    Caller(actor): Caller,
    headers: HeaderMap,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Result<Response, Problem> {
    let id = path_id(id)?;
    let (a, s) = service::one(&actor, &state, AssessmentId(id)).await?;
    Ok(json_with_etag(&headers, &assessment_json(a, s)))
}

pub(super) fn path_id(
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Result<i64, Problem> {
    id.map(|Path(i)| i)
        .map_err(|_| Problem::bad_parameter("id", "The id in the path is a whole number."))
}

/// A target's kind as the API names it.
pub(super) fn target_kind_name(t: app::model::TargetKind) -> &'static str {
    match t {
        app::model::TargetKind::Sl => "security_level",
        app::model::TargetKind::Ml => "maturity_level",
    }
}

fn answer_json(x: AnswerDto) -> Answer {
    Answer {
        id: x.id.0,
        requirement: x.requirement.ref_id,
        requirement_title: x.requirement.title,
        section: x.section,
        target_kind: target_kind_name(x.target_kind).to_string(),
        target: x.target,
        responsible_party: x.responsible_party.as_str().to_string(),
        evidence_required: x.evidence_required,
        compliance: x.fields.compliance.map(|c| c.as_str().to_string()),
        countermeasure: x.fields.countermeasure,
        planned_on: x.fields.planned_on,
        na_reason: x.fields.na_reason,
        other_party: x.fields.other_party,
        claimed_level: x.fields.claimed_level,
        statement: x.fields.statement,
        responsibility_accepted: x.fields.responsibility_accepted,
        version: x.version,
        review: x.review.map(|r| r.as_str().to_string()),
        evidence: x
            .evidence
            .into_iter()
            .map(|e| Evidence {
                id: e.id.0,
                // Files, and certificate records that carry the file.
                download: e
                    .size_bytes
                    .is_some()
                    .then(|| format!("/api/v1/evidence/{}", e.id.0)),
                kind: e.kind,
                title: e.title,
                content_type: e.content_type,
                size_bytes: e.size_bytes,
                url: e.url,
                expires_on: e.expires_on,
            })
            .collect(),
    }
}

/// The assessment's answers with their evidence and review verdicts, in
/// the profile's order.
#[utoipa::path(
    get,
    path = "/api/v1/assessments/{id}/answers",
    tag = "assessments",
    params(("id" = i64, Path, description = "The assessment's id"), PageParams),
    responses(
        (status = 200, description = "One page of answers", body = AnswerPage),
        (status = 304, description = "Unchanged since the ETag sent in If-None-Match"),
        (status = 400, description = "A parameter is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this token: wait Retry-After seconds", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such assessment, or not the organization's", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_answers(
    State(state): State<AppState>,
    Caller(actor): Caller,
    headers: HeaderMap,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    q: Result<Query<PageParams>, QueryRejection>,
) -> Result<Response, Problem> {
    let id = path_id(id)?;
    let p = query(q)?;
    let limit = limit_of(p.limit.as_deref())?;
    // The cursor of answers is a position in the profile's order.
    let answers = service::answers(&actor, &state, AssessmentId(id)).await?;
    let (items, next) = page_by_position(answers, p.cursor.as_deref(), limit, answer_json)?;
    let next = next.map(|c| format!("/api/v1/assessments/{id}/answers?limit={limit}&cursor={c}"));
    Ok(json_with_etag(&headers, &AnswerPage { items, next }))
}

/// The assessment as an OSCAL 1.1 assessment-results document: the
/// profile's requirements as reviewed controls, an observation per answer
/// (with its evidence as links), a finding per requirement not met or met
/// only with a compensating countermeasure, the review verdicts and the
/// decision.
#[utoipa::path(
    get,
    path = "/api/v1/assessments/{id}/oscal",
    tag = "assessments",
    params(("id" = i64, Path, description = "The assessment's id")),
    responses(
        (status = 200, description = "The OSCAL assessment results", body = Object),
        (status = 304, description = "Unchanged since the ETag sent in If-None-Match"),
        (status = 400, description = "The id is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such assessment, or not the organization's", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this token: wait Retry-After seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn oscal_results(
    State(state): State<AppState>,
    Caller(actor): Caller,
    headers: HeaderMap,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Result<Response, Problem> {
    let id = path_id(id)?;
    let d = app::server::services::exports::assessment_results(&actor, &state, AssessmentId(id))
        .await?;
    let doc: serde_json::Value =
        serde_json::from_slice(&d.bytes).map_err(app::server::respond::internal)?;
    Ok(json_with_etag(&headers, &doc))
}
