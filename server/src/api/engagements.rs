//! Engagements (an asset owner's procurement or service contract with its
//! suppliers) and their responsibility matrix.

use super::assessments::path_id;
use super::{json_with_etag, Caller, Problem};
use app::model::{EngagementId, Matrix, Stance};
use app::server::{
    services::{engagements, matrix},
    AppState,
};
use axum::{
    extract::{rejection::PathRejection, Path, State},
    http::HeaderMap,
    response::Response,
};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<crate::ServerState> {
    OpenApiRouter::new()
        .routes(routes!(list_engagements))
        .routes(routes!(get_engagement))
        .routes(routes!(get_matrix))
}

/// An engagement the organization runs (asset owner) or assesses.
#[derive(Serialize, ToSchema)]
pub struct Engagement {
    pub id: i64,
    pub name: String,
    pub description: String,
    /// How many assessments it holds.
    pub assessments: u64,
    /// The asset owner's name when the organization is an invited assessor.
    pub assessing_for: Option<String>,
}

/// The engagements, newest first.
#[derive(Serialize, ToSchema)]
pub struct EngagementList {
    pub items: Vec<Engagement>,
}

/// An engagement with its assessments and assessors.
#[derive(Serialize, ToSchema)]
pub struct EngagementDetail {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub owner: String,
    /// owner or assessor: the organization's side.
    pub side: String,
    /// The assessor organizations invited into it.
    pub assessors: Vec<String>,
    pub assessments: Vec<EngagementAssessment>,
}

/// An assessment of the engagement, in short (the whole one is at
/// `/api/v1/assessments/{id}`).
#[derive(Serialize, ToSchema)]
pub struct EngagementAssessment {
    pub id: i64,
    pub supplier: String,
    pub profile: String,
    pub profile_version: i32,
    pub status: String,
}

/// Who carries each requirement of the engagement: the asset owner, each
/// supplier, or another party. A supplier's token sees its own column only.
#[derive(Serialize, ToSchema)]
pub struct ResponsibilityMatrix {
    pub engagement_id: i64,
    pub engagement: String,
    /// owner, supplier or assessor: the organization's side.
    pub side: String,
    pub columns: Vec<MatrixColumn>,
    pub rows: Vec<MatrixRow>,
    /// Every row is agreed.
    pub agreed: bool,
}

/// A party of the matrix.
#[derive(Serialize, ToSchema)]
pub struct MatrixColumn {
    /// The organization's id; 0 for "other".
    pub org_id: i64,
    pub name: String,
    /// asset_owner, product_supplier, service_provider or other.
    pub party: String,
}

/// A requirement and each party's duty on it.
#[derive(Serialize, ToSchema)]
pub struct MatrixRow {
    pub requirement_id: i64,
    pub ref_id: String,
    pub title: String,
    /// The profile's responsible party.
    pub default_party: String,
    /// unassigned, disagreement, pending or agreed.
    pub state: String,
    /// One per column, in the columns' order.
    pub cells: Vec<MatrixCell>,
}

/// One party's duty on one requirement.
#[derive(Serialize, ToSchema)]
pub struct MatrixCell {
    /// responsible, shared or none.
    pub duty: String,
    /// How a shared duty is split.
    pub split: String,
    /// A supplier's answer to its duty: pending, accepted or proposed;
    /// null in the owner's and "other" columns.
    pub stance: Option<String>,
    /// What the supplier proposes instead (stance proposed).
    pub proposed_duty: Option<String>,
    pub proposed_split: Option<String>,
    pub note: String,
}

/// The engagements the organization runs or assesses. Suppliers see their
/// assessments instead (`/api/v1/assessments`).
#[utoipa::path(
    get,
    path = "/api/v1/engagements",
    tag = "engagements",
    responses(
        (status = 200, description = "The engagements", body = EngagementList),
        (status = 304, description = "Unchanged since the ETag sent in If-None-Match"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The organization is a supplier: it reads its assessments instead", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this token: wait Retry-After seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_engagements(
    State(state): State<AppState>,
    Caller(actor): Caller,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let items = engagements::list(&actor, &state)
        .await?
        .into_iter()
        .map(|e| Engagement {
            id: e.id.0,
            name: e.name,
            description: e.description,
            assessments: e.assessments,
            assessing_for: e.assessing_for,
        })
        .collect();
    Ok(json_with_etag(&headers, &EngagementList { items }))
}

/// One engagement with its assessments.
#[utoipa::path(
    get,
    path = "/api/v1/engagements/{id}",
    tag = "engagements",
    params(("id" = i64, Path, description = "The engagement's id")),
    responses(
        (status = 200, description = "The engagement", body = EngagementDetail),
        (status = 304, description = "Unchanged since the ETag sent in If-None-Match"),
        (status = 400, description = "The id is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such engagement, or not the organization's", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this token: wait Retry-After seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn get_engagement(
    State(state): State<AppState>,
    Caller(actor): Caller,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, Problem> {
    let id = path_id(id)?;
    let e = engagements::get(&actor, &state, EngagementId(id)).await?;
    Ok(json_with_etag(
        &headers,
        &EngagementDetail {
            id: e.id.0,
            name: e.name,
            description: e.description,
            owner: e.owner,
            side: side_name(e.side).to_string(),
            assessors: e.assessors,
            assessments: e
                .assessments
                .into_iter()
                .map(|a| EngagementAssessment {
                    id: a.id.0,
                    supplier: a.supplier,
                    profile: a.profile,
                    profile_version: a.profile_version,
                    status: a.status.as_str().to_string(),
                })
                .collect(),
        },
    ))
}

fn side_name(s: app::model::Side) -> &'static str {
    match s {
        app::model::Side::Owner => "owner",
        app::model::Side::Supplier => "supplier",
        app::model::Side::Assessor => "assessor",
    }
}

fn matrix_json(m: Matrix) -> ResponsibilityMatrix {
    ResponsibilityMatrix {
        engagement_id: m.engagement_id.0,
        engagement: m.engagement,
        side: side_name(m.side).to_string(),
        agreed: m.agreed_at.is_some(),
        columns: m
            .columns
            .into_iter()
            .map(|c| MatrixColumn {
                org_id: c.org,
                name: c.name,
                party: c.kind.as_str().to_string(),
            })
            .collect(),
        rows: m
            .rows
            .into_iter()
            .map(|r| MatrixRow {
                requirement_id: r.requirement_id,
                ref_id: r.ref_id,
                title: r.title,
                default_party: r.default_party.as_str().to_string(),
                state: r.state.as_str().to_string(),
                cells: r
                    .cells
                    .into_iter()
                    .map(|c| {
                        let (stance, proposed_duty, proposed_split) = match c.stance {
                            None => (None, None, None),
                            Some(Stance::Pending) => (Some("pending"), None, None),
                            Some(Stance::Accepted) => (Some("accepted"), None, None),
                            Some(Stance::Proposed { duty, split }) => (
                                Some("proposed"),
                                Some(duty.as_str().to_string()),
                                Some(split),
                            ),
                        };
                        MatrixCell {
                            duty: c.duty.as_str().to_string(),
                            split: c.split,
                            stance: stance.map(str::to_string),
                            proposed_duty,
                            proposed_split,
                            note: c.note,
                        }
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// The engagement's responsibility matrix (who carries each requirement).
#[utoipa::path(
    get,
    path = "/api/v1/engagements/{id}/matrix",
    tag = "engagements",
    params(("id" = i64, Path, description = "The engagement's id")),
    responses(
        (status = 200, description = "The matrix", body = ResponsibilityMatrix),
        (status = 304, description = "Unchanged since the ETag sent in If-None-Match"),
        (status = 400, description = "The id is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such engagement, or not the organization's", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this token: wait Retry-After seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn get_matrix(
    State(state): State<AppState>,
    Caller(actor): Caller,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, Problem> {
    let id = path_id(id)?;
    let m = matrix::matrix(&actor, &state, EngagementId(id)).await?;
    Ok(json_with_etag(&headers, &matrix_json(m)))
}
