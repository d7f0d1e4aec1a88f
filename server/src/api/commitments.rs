//! Commitments between an asset owner and a supplier, and their moves
//! (agree, start, fulfil with closure evidence, verify, reject, waive).

use super::{json_with_etag, limit_of, page_by_position, Caller, Problem};
use app::model::{
    CommitmentAction, CommitmentDto, CommitmentId, CommitmentMove, EngagementId, Parsed,
};
use app::server::{services::commitments as service, AppState};
use axum::{
    extract::{
        rejection::{JsonRejection, PathRejection, QueryRejection},
        Path, Query, State,
    },
    http::HeaderMap,
    response::Response,
    Json,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<crate::ServerState> {
    OpenApiRouter::new()
        .routes(routes!(list_commitments))
        .routes(routes!(move_commitment))
}

/// A promise one party made the other, with where it stands.
#[derive(Serialize, ToSchema)]
pub struct Commitment {
    pub id: i64,
    pub engagement_id: i64,
    pub engagement: String,
    pub owner: String,
    /// The organization that made the promise.
    pub party: String,
    pub supplier: String,
    /// The requirement it answers, if any (e.g. `SR 1.1`).
    pub requirement: Option<String>,
    pub title: String,
    pub due_on: Option<NaiveDate>,
    /// proposed, agreed, in_progress, fulfilled, verified or waived.
    pub status: String,
    pub overdue: bool,
    /// review_condition, planned_answer or manual.
    pub source: String,
    pub closure_note: String,
    pub closure_link: String,
    pub waive_reason: String,
    /// The moves the token's organization may make next.
    pub actions: Vec<String>,
}

/// One page of commitments, soonest due first.
#[derive(Serialize, ToSchema)]
pub struct CommitmentPage {
    pub items: Vec<Commitment>,
    pub next: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommitmentParams {
    /// Only the commitments of this engagement.
    #[param(value_type = Option<i64>)]
    engagement: Option<String>,
    /// Items per page (50 when absent).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// Where the page starts: the cursor of the `next` link.
    #[param(value_type = Option<String>, pattern = "^[A-Za-z0-9_-]*$")]
    cursor: Option<String>,
}

/// A move of a commitment.
#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitmentMoveRequest {
    /// agree, start, fulfil, verify, reject or waive.
    #[schema(pattern = "^(agree|start|fulfil|verify|reject|waive)$")]
    pub action: String,
    /// Why (reject, waive), or a note on the closure (fulfil).
    #[serde(default)]
    pub note: Option<String>,
    /// Where the closure evidence is (fulfil).
    #[serde(default)]
    pub link: Option<String>,
}

fn commitment_json(c: CommitmentDto) -> Commitment {
    Commitment {
        id: c.id.0,
        engagement_id: c.engagement_id.0,
        engagement: c.engagement,
        owner: c.owner,
        party: c.party,
        supplier: c.supplier,
        requirement: c.requirement,
        title: c.title,
        due_on: c.due_on,
        status: c.status.as_str().to_string(),
        overdue: c.overdue,
        source: c.source.as_str().to_string(),
        closure_note: c.closure_note,
        closure_link: c.closure_link,
        waive_reason: c.waive_reason,
        actions: c.actions.iter().map(|a| a.as_str().to_string()).collect(),
    }
}

/// The commitments of the engagements the organization is a party to (or
/// assesses), soonest due first.
#[utoipa::path(
    get,
    path = "/api/v1/commitments",
    tag = "commitments",
    params(CommitmentParams),
    responses(
        (status = 200, description = "One page of commitments", body = CommitmentPage),
        (status = 304, description = "Unchanged since the ETag sent in If-None-Match"),
        (status = 400, description = "A parameter is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such engagement, or not the organization's", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this token: wait Retry-After seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_commitments(
    State(state): State<AppState>,
    Caller(actor): Caller,
    headers: HeaderMap,
    q: Result<Query<CommitmentParams>, QueryRejection>,
) -> Result<Response, Problem> {
    let p = super::assessments::query(q)?;
    let engagement = super::assessments::id_param("engagement", p.engagement.as_deref())?;
    let limit = limit_of(p.limit.as_deref())?;
    let all = service::list(&actor, &state, engagement.map(EngagementId)).await?;
    let (items, next) = page_by_position(all, p.cursor.as_deref(), limit, commitment_json)?;
    let next = next.map(|c| {
        let filter = engagement
            .map(|e| format!("engagement={e}&"))
            .unwrap_or_default();
        format!("/api/v1/commitments?{filter}limit={limit}&cursor={c}")
    });
    Ok(json_with_etag(&headers, &CommitmentPage { items, next }))
}

/// Moves a commitment: the side that did not propose it agrees; the
/// promising party starts and fulfils it (with a link to the closure
/// evidence); the other side verifies or sends it back (with a reason);
/// the asset owner may waive it (with a reason).
#[utoipa::path(
    post,
    path = "/api/v1/commitments/{id}/moves",
    tag = "commitments",
    params(("id" = i64, Path, description = "The commitment's id"), super::IdempotencyKey),
    request_body = CommitmentMoveRequest,
    responses(
        (status = 200, description = "The commitment after the move", body = Commitment),
        (status = 400, description = "A parameter or the body is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read-only token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such commitment, or not the organization's to move", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The move does not apply to the commitment as it stands, or the key's request is still being handled", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A reason or the closure link is missing, or the Idempotency-Key was used for another request", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this token: wait Retry-After seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn move_commitment(
    State(state): State<AppState>,
    Caller(actor): Caller,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<CommitmentMoveRequest>, JsonRejection>,
) -> Result<Json<Commitment>, Problem> {
    let id = super::assessments::path_id(id)?;
    let Json(m) = body.map_err(|e| {
        Problem::bad_parameter(
            "body",
            format!("The body is not a move as JSON: {}", e.body_text()),
        )
    })?;
    let action = CommitmentAction::parse(m.action.trim())?;
    let details = Parsed::new(CommitmentMove::parse(
        action,
        m.note.as_deref().unwrap_or_default(),
        m.link.as_deref().unwrap_or_default(),
    ));
    let c = service::act(&actor, &state, CommitmentId(id), action, details).await?;
    Ok(Json(commitment_json(c)))
}
