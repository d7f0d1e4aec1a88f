//! The asset owner's review: comments on answers (internal ones never reach
//! a supplier), a verdict per answer, and the decision on an assessment.

use super::assessments::{path_id, query, PageParams};
use super::{json_with_etag, limit_of, page_by_position, Caller, Problem};
use app::model::{parse_verdict, AnswerId, AppError, AssessmentId, DecisionInput, NewComment};
use app::server::{services::reviews, AppState};
use axum::{
    extract::{
        rejection::{JsonRejection, PathRejection, QueryRejection},
        Path, Query, State,
    },
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<crate::ServerState> {
    OpenApiRouter::new()
        .routes(routes!(list_comments))
        .routes(routes!(add_comment))
        .routes(routes!(review_answer))
        .routes(routes!(begin_review))
        .routes(routes!(request_changes))
        .routes(routes!(decide))
}

/// A comment on an answer.
#[derive(Serialize, ToSchema)]
pub struct Comment {
    pub id: i64,
    pub answer_id: i64,
    /// The author's organization.
    pub organization: String,
    pub author: String,
    /// shared (both sides read it) or internal (the asset owner's side
    /// only).
    pub visibility: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// One page of an assessment's comments, oldest first.
#[derive(Serialize, ToSchema)]
pub struct CommentPage {
    pub items: Vec<Comment>,
    pub next: Option<String>,
}

/// A comment to add.
#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCommentRequest {
    /// shared or internal. Suppliers write shared comments only,
    /// assessors internal ones only.
    #[schema(pattern = "^(shared|internal)$")]
    pub visibility: String,
    /// 1 to 5,000 characters.
    pub body: String,
}

/// A reviewer's verdict on an answer.
#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerdictRequest {
    /// accepted, rejected or clarification_requested.
    #[schema(pattern = "^(accepted|rejected|clarification_requested)$")]
    pub status: String,
}

/// The verdict recorded.
#[derive(Serialize, ToSchema)]
pub struct Verdict {
    pub answer_id: i64,
    pub status: String,
}

/// The decision on an assessment under review.
#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// accept, accept_with_conditions or reject.
    #[schema(pattern = "^(accept|accept_with_conditions|reject)$")]
    pub decision: String,
    /// Why: 1 to 10,000 characters.
    pub rationale: String,
    /// For accept_with_conditions: each becomes a commitment the supplier
    /// is asked to make.
    #[serde(default)]
    pub conditions: Vec<ConditionRequest>,
    /// Decide although answers are not reviewed or await clarification.
    #[serde(default)]
    pub despite_open: bool,
}

/// One condition of an acceptance.
#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConditionRequest {
    /// What the supplier is to do: one line, at most 500 characters.
    pub title: String,
    pub due_on: Option<NaiveDate>,
}

/// The assessment's status after the decision.
#[derive(Serialize, ToSchema)]
pub struct Decision {
    pub assessment_id: i64,
    /// accepted, accepted_with_conditions or rejected.
    pub status: String,
}

pub(super) fn body<T>(b: Result<Json<T>, JsonRejection>, what: &str) -> Result<T, Problem> {
    b.map(|Json(t)| t).map_err(|e| {
        Problem::bad_parameter(
            "body",
            format!("The body is not {what} as JSON: {}", e.body_text()),
        )
    })
}

/// The comments on an assessment's answers, oldest first: all of them for
/// the asset owner and its assessors, the shared ones for the supplier.
#[utoipa::path(
    get,
    path = "/api/v1/assessments/{id}/comments",
    tag = "reviews",
    params(("id" = i64, Path, description = "The assessment's id"), PageParams),
    responses(
        (status = 200, description = "One page of comments", body = CommentPage),
        (status = 304, description = "Unchanged since the ETag sent in If-None-Match"),
        (status = 400, description = "A parameter is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such assessment, or not the organization's", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this token: wait Retry-After seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_comments(
    State(state): State<AppState>,
    Caller(actor): Caller,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
    q: Result<Query<PageParams>, QueryRejection>,
) -> Result<Response, Problem> {
    let id = path_id(id)?;
    let p = query(q)?;
    let limit = limit_of(p.limit.as_deref())?;
    let all = reviews::comments(&actor, &state, AssessmentId(id)).await?;
    let (items, next) = page_by_position(all, p.cursor.as_deref(), limit, |c| Comment {
        id: c.id,
        answer_id: c.answer_id.0,
        organization: c.organization,
        author: c.author,
        visibility: c.visibility.as_str().to_string(),
        body: c.body,
        created_at: c.created_at,
    })?;
    let next = next.map(|c| format!("/api/v1/assessments/{id}/comments?limit={limit}&cursor={c}"));
    Ok(json_with_etag(&headers, &CommentPage { items, next }))
}

/// Adds a comment to an answer's thread. A shared comment tells the other
/// side; an internal one stays with the asset owner and its assessors.
#[utoipa::path(
    post,
    path = "/api/v1/answers/{id}/comments",
    tag = "reviews",
    params(("id" = i64, Path, description = "The answer's id"), super::IdempotencyKey),
    request_body = NewCommentRequest,
    responses(
        (status = 201, description = "The comment is added", body = Comment),
        (status = 400, description = "A parameter or the body is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read-only token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such answer, or not the organization's to comment on", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A request with this Idempotency-Key is still being handled", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The comment is empty or too long, or its visibility is not the organization's to choose", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this token: wait Retry-After seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn add_comment(
    State(state): State<AppState>,
    Caller(actor): Caller,
    id: Result<Path<i64>, PathRejection>,
    b: Result<Json<NewCommentRequest>, JsonRejection>,
) -> Result<Response, Problem> {
    let id = path_id(id)?;
    let c = body(b, "a comment")?;
    let comment = NewComment::parse(&c.visibility, &c.body)?;
    let stored = reviews::add_comment(&actor, &state, AnswerId(id), comment).await?;
    Ok((
        StatusCode::CREATED,
        Json(Comment {
            id: stored.id,
            answer_id: stored.answer_id.0,
            organization: stored.organization,
            author: stored.author,
            visibility: stored.visibility.as_str().to_string(),
            body: stored.body,
            created_at: stored.created_at,
        }),
    )
        .into_response())
}

/// Records the asset owner's verdict on an answer (the assessment must be
/// under review).
#[utoipa::path(
    put,
    path = "/api/v1/answers/{id}/review",
    tag = "reviews",
    params(("id" = i64, Path, description = "The answer's id")),
    request_body = VerdictRequest,
    responses(
        (status = 200, description = "The verdict is recorded", body = Verdict),
        (status = 400, description = "A parameter or the body is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read-only token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such answer, or not the organization's to review", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The assessment is not under review", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The verdict is not one of the three", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this token: wait Retry-After seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn review_answer(
    State(state): State<AppState>,
    Caller(actor): Caller,
    id: Result<Path<i64>, PathRejection>,
    b: Result<Json<VerdictRequest>, JsonRejection>,
) -> Result<Json<Verdict>, Problem> {
    let id = path_id(id)?;
    let v = body(b, "a verdict")?;
    let verdict = parse_verdict(v.status.trim())?;
    reviews::review_answer(&actor, &state, AnswerId(id), verdict).await?;
    Ok(Json(Verdict {
        answer_id: id,
        status: verdict.as_str().to_string(),
    }))
}

/// The assessment's status after a step of the review.
#[derive(Serialize, ToSchema)]
pub struct ReviewStep {
    pub assessment_id: i64,
    /// under_review or changes_requested.
    pub status: String,
}

/// Starts the review of a submitted assessment (its answers stop changing).
#[utoipa::path(
    post,
    path = "/api/v1/assessments/{id}/review",
    tag = "reviews",
    params(("id" = i64, Path, description = "The assessment's id"), super::IdempotencyKey),
    responses(
        (status = 200, description = "The review has begun", body = ReviewStep),
        (status = 400, description = "A parameter is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read-only token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such assessment, or not the organization's to review", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The assessment is not submitted, or the key's request is still being handled", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The Idempotency-Key was used for another request", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this token: wait Retry-After seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn begin_review(
    State(state): State<AppState>,
    Caller(actor): Caller,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<ReviewStep>, Problem> {
    let id = path_id(id)?;
    let status = reviews::begin(&actor, &state, AssessmentId(id)).await?;
    Ok(Json(ReviewStep {
        assessment_id: id,
        status: status.as_str().to_string(),
    }))
}

/// Sends the assessment back to the supplier for the answers rejected or
/// awaiting clarification.
#[utoipa::path(
    post,
    path = "/api/v1/assessments/{id}/changes-requested",
    tag = "reviews",
    params(("id" = i64, Path, description = "The assessment's id"), super::IdempotencyKey),
    responses(
        (status = 200, description = "Sent back to the supplier", body = ReviewStep),
        (status = 400, description = "A parameter is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read-only token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such assessment, or not the organization's to review", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The assessment is not under review, or the key's request is still being handled", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No answer is rejected or awaits clarification", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this token: wait Retry-After seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn request_changes(
    State(state): State<AppState>,
    Caller(actor): Caller,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<ReviewStep>, Problem> {
    let id = path_id(id)?;
    let status = reviews::request_changes(&actor, &state, AssessmentId(id)).await?;
    Ok(Json(ReviewStep {
        assessment_id: id,
        status: status.as_str().to_string(),
    }))
}

/// Decides an assessment under review: accept, accept with conditions
/// (each a commitment proposed to the supplier) or reject, with the
/// rationale.
#[utoipa::path(
    post,
    path = "/api/v1/assessments/{id}/decision",
    tag = "reviews",
    params(("id" = i64, Path, description = "The assessment's id"), super::IdempotencyKey),
    request_body = DecisionRequest,
    responses(
        (status = 200, description = "The decision is recorded", body = Decision),
        (status = 400, description = "A parameter or the body is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read-only token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such assessment, or not the organization's to decide", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The assessment is not under review, or the key's request is still being handled", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The rationale or a condition is missing or malformed, or answers are still open", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this token: wait Retry-After seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn decide(
    State(state): State<AppState>,
    Caller(actor): Caller,
    id: Result<Path<i64>, PathRejection>,
    b: Result<Json<DecisionRequest>, JsonRejection>,
) -> Result<Json<Decision>, Problem> {
    let id = path_id(id)?;
    let d = body(b, "a decision")?;
    let mut lines = String::new();
    for (i, c) in d.conditions.iter().enumerate() {
        if c.title.chars().any(char::is_control) {
            return Err(Problem::from(AppError::invalid(
                "conditions",
                format!(
                    "Condition {}: write it on one line, without control characters.",
                    i + 1
                ),
            )));
        }
        let due = c.due_on.map(|d| d.to_string()).unwrap_or_default();
        lines.push_str(&format!("{} | {due}\n", c.title));
    }
    let decision =
        DecisionInput::parse(&d.decision, &d.rationale, &lines)?.despite_open(d.despite_open);
    let status = reviews::decide(&actor, &state, AssessmentId(id), decision).await?;
    Ok(Json(Decision {
        assessment_id: id,
        status: status.as_str().to_string(),
    }))
}
