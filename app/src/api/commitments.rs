//! Commitments, the responsibility matrix, notifications, reminder settings,
//! the calendar feed and the home-page dashboards.

use crate::model::{
    AppError, AssessmentId, CommitmentDto, CommitmentId, EngagementId, Matrix, Notifications,
    OwedTo, Portfolio,
};
#[cfg(feature = "ssr")]
use crate::model::{Assignment, CommitmentMove, NewCommitmentInput, Parsed};
#[cfg(feature = "ssr")]
use crate::server::{
    respond::as_actor,
    services::{calendar, commitments, dashboard, matrix, notifications, reminder_settings},
};
use leptos::prelude::*;

/// Every commitment the caller may read, or those of one engagement.
#[server(endpoint = "list_commitments")]
pub async fn list_commitments(
    engagement_id: Option<EngagementId>,
) -> Result<Vec<CommitmentDto>, AppError> {
    as_actor(|actor, state| async move { commitments::list(&actor, &state, engagement_id).await })
        .await
}

/// A commitment written by hand for an assessment's owner and supplier.
/// `promisor`: supplier or owner; `requirement`: a ref id or empty;
/// `due_on`: YYYY-MM-DD or empty.
#[server(endpoint = "create_commitment")]
pub async fn create_commitment(
    assessment_id: AssessmentId,
    promisor: String,
    requirement: String,
    title: String,
    due_on: String,
) -> Result<CommitmentId, AppError> {
    as_actor(|actor, state| async move {
        let input = NewCommitmentInput::parse(&promisor, &requirement, &title, &due_on)?;
        commitments::create(&actor, &state, assessment_id, input).await
    })
    .await
}

/// `action`: agree, start, fulfil (needs `link` to the closure evidence),
/// verify, reject or waive (both need `note`, the reason).
#[server(endpoint = "commitment_action")]
pub async fn commitment_action(
    commitment_id: CommitmentId,
    action: String,
    note: String,
    link: String,
) -> Result<CommitmentDto, AppError> {
    as_actor(|actor, state| async move {
        let action = crate::model::CommitmentAction::parse(action.trim())?;
        let details = Parsed::new(CommitmentMove::parse(action, &note, &link));
        commitments::act(&actor, &state, commitment_id, action, details).await
    })
    .await
}

#[server(endpoint = "get_matrix")]
pub async fn get_matrix(engagement_id: EngagementId) -> Result<Matrix, AppError> {
    as_actor(|actor, state| async move { matrix::matrix(&actor, &state, engagement_id).await })
        .await
}

/// The asset owner sets who carries a requirement: `column` is an
/// organization id (the owner's, a supplier's) or 0 for another party;
/// `duty` responsible, shared (with `split`) or none.
#[server(endpoint = "assign_responsibility")]
pub async fn assign_responsibility(
    engagement_id: EngagementId,
    requirement_id: i64,
    column: i64,
    duty: String,
    split: String,
) -> Result<Matrix, AppError> {
    as_actor(|actor, state| async move {
        let input = Parsed::new(Assignment::parse(&duty, &split));
        matrix::assign(&actor, &state, engagement_id, requirement_id, column, input).await
    })
    .await
}

/// A supplier's answer for its column: `stance` accept, or propose with
/// `duty`, `split` and a `note`.
#[server(endpoint = "respond_responsibility")]
pub async fn respond_responsibility(
    engagement_id: EngagementId,
    requirement_id: i64,
    stance: String,
    duty: String,
    split: String,
    note: String,
) -> Result<Matrix, AppError> {
    as_actor(|actor, state| async move {
        let input = matrix::RowInput {
            requirement_id,
            stance: &stance,
            duty: &duty,
            split: &split,
            note: &note,
        };
        matrix::respond(&actor, &state, engagement_id, input).await
    })
    .await
}

#[server(endpoint = "list_notifications")]
pub async fn list_notifications() -> Result<Notifications, AppError> {
    as_actor(|actor, state| async move { notifications::list(&actor, &state).await }).await
}

#[server(endpoint = "unread_notifications")]
pub async fn unread_notifications() -> Result<u64, AppError> {
    as_actor(|actor, state| async move { notifications::unread(&actor, &state).await }).await
}

/// Marks one notification read, or all when `id` is empty.
#[server(endpoint = "mark_notifications_read")]
pub async fn mark_notifications_read(id: Option<i64>) -> Result<(), AppError> {
    as_actor(|actor, state| async move { notifications::mark_read(&actor, &state, id).await }).await
}

/// The caller's e-mail choice for each kind of notification.
#[server(endpoint = "get_mail_preferences")]
pub async fn get_mail_preferences() -> Result<crate::model::MailPreferences, AppError> {
    as_actor(|actor, state| async move { notifications::mail_preferences(&actor, &state).await })
        .await
}

/// Sets the caller's e-mail choice per topic: each field is named after a
/// topic (`questionnaires`, `reviews`, `commitments`, `matrix`,
/// `certificates`) and holds `immediate`, `daily` or `never`; a topic not
/// sent stays as it is.
#[server(endpoint = "set_mail_preferences")]
pub async fn set_mail_preferences(
    #[server(default)] questionnaires: String,
    #[server(default)] reviews: String,
    #[server(default)] commitments: String,
    #[server(default)] matrix: String,
    #[server(default)] certificates: String,
) -> Result<crate::model::MailPreferences, AppError> {
    use crate::model::{MailDelivery, MailTopic};
    as_actor(|actor, state| async move {
        let mut choices = Vec::new();
        for (topic, raw) in [
            (MailTopic::Questionnaires, &questionnaires),
            (MailTopic::Reviews, &reviews),
            (MailTopic::Commitments, &commitments),
            (MailTopic::Matrix, &matrix),
            (MailTopic::Certificates, &certificates),
        ] {
            if !raw.trim().is_empty() {
                let d = MailDelivery::parse(raw).map_err(|_| {
                    AppError::invalid(topic.as_str(), "Choose immediate, daily or never.")
                })?;
                choices.push((topic, d));
            }
        }
        if choices.is_empty() {
            return Err(AppError::invalid(
                "questionnaires",
                "Choose at least one topic's e-mail.",
            ));
        }
        notifications::set_mail_preferences(&actor, &state, &choices).await
    })
    .await
}

/// The organization's reminder days, e.g. "30, 7, 1".
#[server(endpoint = "get_reminder_days")]
pub async fn get_reminder_days() -> Result<String, AppError> {
    as_actor(|actor, state| async move { reminder_settings::reminder_days(&actor, &state).await })
        .await
}

#[server(endpoint = "set_reminder_days")]
pub async fn set_reminder_days(days: String) -> Result<String, AppError> {
    as_actor(|actor, state| async move {
        let days = crate::model::parse_reminder_days(&days)?;
        reminder_settings::set_reminder_days(&actor, &state, days).await
    })
    .await
}

/// A new private calendar address for the caller (the previous one stops
/// working). Shown once.
#[server(endpoint = "create_calendar_feed")]
pub async fn create_calendar_feed() -> Result<String, AppError> {
    as_actor(|actor, state| async move { calendar::create_feed(&actor, &state).await }).await
}

#[server(endpoint = "get_portfolio")]
pub async fn get_portfolio() -> Result<Portfolio, AppError> {
    as_actor(|actor, state| async move { dashboard::portfolio(&actor, &state).await }).await
}

#[server(endpoint = "get_owed")]
pub async fn get_owed() -> Result<Vec<OwedTo>, AppError> {
    as_actor(|actor, state| async move { dashboard::owed(&actor, &state).await }).await
}
