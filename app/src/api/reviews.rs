//! Procurement review.

#[cfg(feature = "ssr")]
use crate::model::{parse_verdict, DecisionInput, NewComment};
use crate::model::{
    AnswerId, AppError, AssessmentId, AssessmentStatus, CommentDto, Comparison, EngagementId,
    GapAnalysis,
};
#[cfg(feature = "ssr")]
use crate::server::{
    respond::as_actor,
    services::{comparison, reviews},
};
use leptos::prelude::*;

#[server(endpoint = "begin_review")]
pub async fn begin_review(assessment_id: AssessmentId) -> Result<AssessmentStatus, AppError> {
    as_actor(|actor, state| async move { reviews::begin(&actor, &state, assessment_id).await })
        .await
}

/// `status`: accepted, rejected or clarification_requested.
#[server(endpoint = "review_answer")]
pub async fn review_answer(answer_id: AnswerId, status: String) -> Result<(), AppError> {
    as_actor(|actor, state| async move {
        reviews::review_answer(&actor, &state, answer_id, parse_verdict(&status)?).await
    })
    .await
}

#[server(endpoint = "list_comments")]
pub async fn list_comments(assessment_id: AssessmentId) -> Result<Vec<CommentDto>, AppError> {
    as_actor(|actor, state| async move { reviews::comments(&actor, &state, assessment_id).await })
        .await
}

/// `visibility`: shared (the supplier reads it) or internal.
#[server(endpoint = "add_comment")]
pub async fn add_comment(
    answer_id: AnswerId,
    visibility: String,
    body: String,
) -> Result<(), AppError> {
    as_actor(|actor, state| async move {
        let comment = NewComment::parse(&visibility, &body)?;
        reviews::add_comment(&actor, &state, answer_id, comment)
            .await
            .map(|_| ())
    })
    .await
}

#[server(endpoint = "request_changes")]
pub async fn request_changes(assessment_id: AssessmentId) -> Result<AssessmentStatus, AppError> {
    as_actor(
        |actor, state| async move { reviews::request_changes(&actor, &state, assessment_id).await },
    )
    .await
}

/// `decision`: accept, accept_with_conditions or reject; `conditions` one
/// per line, "text | YYYY-MM-DD".
#[server(endpoint = "decide_assessment")]
pub async fn decide_assessment(
    assessment_id: AssessmentId,
    decision: String,
    rationale: String,
    conditions: String,
    /// "yes" to decide although answers are not reviewed or await
    /// clarification (a checkbox: absent otherwise).
    #[server(default)]
    despite_open: Option<String>,
) -> Result<AssessmentStatus, AppError> {
    as_actor(|actor, state| async move {
        let decision = DecisionInput::parse(&decision, &rationale, &conditions)?
            .despite_open(despite_open.as_deref() == Some("yes"));
        reviews::decide(&actor, &state, assessment_id, decision).await
    })
    .await
}

#[server(endpoint = "get_gap")]
pub async fn get_gap(assessment_id: AssessmentId) -> Result<GapAnalysis, AppError> {
    as_actor(|actor, state| async move { reviews::gap(&actor, &state, assessment_id).await }).await
}

/// The engagement's suppliers side by side (asset owner and assessors).
#[server(endpoint = "compare_suppliers")]
pub async fn compare_suppliers(engagement_id: EngagementId) -> Result<Comparison, AppError> {
    as_actor(
        |actor, state| async move { comparison::comparison(&actor, &state, engagement_id).await },
    )
    .await
}
