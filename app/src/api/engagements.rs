//! Engagements and assessments.

use crate::model::{
    AnswerId, AnswerInput, AnswerVersionDto, AppError, AssessmentDto, AssessmentId,
    AssessmentStatus, AssessmentSummary, EngagementDto, EngagementId, EngagementSummary,
    EvidenceId, PartnerInvitationDto, PartnerInvitationSent, ProfileId, SaveOutcome, SendTo,
};
#[cfg(feature = "ssr")]
use crate::model::{Described, EvidenceLink, OrgInvite, Parsed, SendInput, SendManyInput};
#[cfg(feature = "ssr")]
use crate::server::{
    respond::as_actor,
    services::{assessments, engagements, partners},
};
use leptos::prelude::*;

#[server(endpoint = "list_engagements")]
pub async fn list_engagements() -> Result<Vec<EngagementSummary>, AppError> {
    as_actor(|actor, state| async move { engagements::list(&actor, &state).await }).await
}

#[server(endpoint = "create_engagement")]
pub async fn create_engagement(
    name: String,
    description: String,
) -> Result<EngagementId, AppError> {
    as_actor(|actor, state| async move {
        let id =
            engagements::create(&actor, &state, Described::parse(&name, &description)?).await?;
        leptos_axum::redirect(&format!("/engagements/{}", id.0));
        Ok(id)
    })
    .await
}

#[server(endpoint = "get_engagement")]
pub async fn get_engagement(engagement_id: EngagementId) -> Result<EngagementDto, AppError> {
    as_actor(|actor, state| async move { engagements::get(&actor, &state, engagement_id).await })
        .await
}

/// Invites an assessor organization into the engagement: it joins when its
/// admin accepts.
#[server(endpoint = "invite_assessor")]
pub async fn invite_assessor(
    engagement_id: EngagementId,
    name: String,
    admin_email: String,
) -> Result<PartnerInvitationSent, AppError> {
    as_actor(|actor, state| async move {
        let input = Parsed::new(OrgInvite::assessor(&name, &admin_email));
        partners::invite_assessor(&actor, &state, engagement_id, input).await
    })
    .await
}

#[server(endpoint = "list_assessor_invitations")]
pub async fn list_assessor_invitations(
    engagement_id: EngagementId,
) -> Result<Vec<PartnerInvitationDto>, AppError> {
    as_actor(
        |actor, state| async move { partners::list(&actor, &state, Some(engagement_id)).await },
    )
    .await
}

#[server(endpoint = "send_assessment")]
pub async fn send_assessment(
    engagement_id: EngagementId,
    supplier_org_id: i64,
    profile_id: ProfileId,
    due_on: String,
    message: String,
) -> Result<AssessmentId, AppError> {
    as_actor(|actor, state| async move {
        let input = SendInput::parse(&due_on, &message)?;
        engagements::send_assessment(
            &actor,
            &state,
            engagement_id,
            supplier_org_id,
            profile_id,
            input,
        )
        .await
    })
    .await
}

/// Sends one published profile version to several suppliers at once, each
/// with its own due date: all of them, or none.
#[server(endpoint = "send_assessments")]
pub async fn send_assessments(
    engagement_id: EngagementId,
    profile_id: ProfileId,
    #[server(default)] sends: Vec<SendTo>,
    message: String,
) -> Result<Vec<AssessmentId>, AppError> {
    as_actor(|actor, state| async move {
        let input = SendManyInput::parse(&sends, &message)?;
        engagements::send_assessments(
            &actor,
            &state,
            engagement_id,
            profile_id,
            &input.sends,
            &input.message,
        )
        .await
    })
    .await
}

#[server(endpoint = "list_assessments")]
pub async fn list_assessments() -> Result<Vec<AssessmentSummary>, AppError> {
    as_actor(|actor, state| async move { assessments::list(&actor, &state).await }).await
}

#[server(endpoint = "get_assessment")]
pub async fn get_assessment(assessment_id: AssessmentId) -> Result<AssessmentDto, AppError> {
    as_actor(|actor, state| async move { assessments::get(&actor, &state, assessment_id).await })
        .await
}

#[server(endpoint = "save_answer")]
pub async fn save_answer(
    answer_id: AnswerId,
    version: i32,
    answer: AnswerInput,
) -> Result<SaveOutcome, AppError> {
    as_actor(|actor, state| async move {
        assessments::save_answer(&actor, &state, answer_id, version, answer).await
    })
    .await
}

#[server(endpoint = "answer_history")]
pub async fn answer_history(answer_id: AnswerId) -> Result<Vec<AnswerVersionDto>, AppError> {
    as_actor(|actor, state| async move { assessments::history(&actor, &state, answer_id).await })
        .await
}

/// `assignee` is a user id, or empty for nobody.
#[server(endpoint = "assign_answer")]
pub async fn assign_answer(answer_id: AnswerId, assignee: String) -> Result<(), AppError> {
    as_actor(|actor, state| async move {
        let who = match assignee.trim() {
            "" => None,
            s => Some(
                s.parse::<i64>()
                    .map_err(|_| AppError::invalid("assignee", "Choose a colleague."))?,
            ),
        };
        assessments::assign(&actor, &state, answer_id, who).await
    })
    .await
}

#[server(endpoint = "prefill_answers")]
pub async fn prefill_answers(assessment_id: AssessmentId) -> Result<usize, AppError> {
    as_actor(
        |actor, state| async move { assessments::prefill(&actor, &state, assessment_id).await },
    )
    .await
}

#[server(endpoint = "submit_assessment")]
pub async fn submit_assessment(assessment_id: AssessmentId) -> Result<(), AppError> {
    as_actor(|actor, state| async move { assessments::submit(&actor, &state, assessment_id).await })
        .await
}

/// The asset owner's moves: `reopen` or `withdraw`.
#[server(endpoint = "change_assessment")]
pub async fn change_assessment(
    assessment_id: AssessmentId,
    change: String,
) -> Result<AssessmentStatus, AppError> {
    as_actor(|actor, state| async move {
        let t = match change.as_str() {
            "reopen" => crate::model::Transition::Reopen,
            "withdraw" => crate::model::Transition::Withdraw,
            _ => return Err(AppError::invalid("change", "Use reopen or withdraw.")),
        };
        assessments::transition(&actor, &state, assessment_id, t).await
    })
    .await
}

#[server(endpoint = "add_evidence_link")]
pub async fn add_evidence_link(
    answer_id: AnswerId,
    title: String,
    url: String,
) -> Result<EvidenceId, AppError> {
    as_actor(|actor, state| async move {
        let link = EvidenceLink::parse(&title, &url)?;
        assessments::add_link(&actor, &state, answer_id, link).await
    })
    .await
}

#[server(endpoint = "add_evidence_certificate")]
pub async fn add_evidence_certificate(
    answer_id: AnswerId,
    scheme: String,
    level: String,
    scope: String,
    issuer: String,
    expires_on: String,
) -> Result<EvidenceId, AppError> {
    as_actor(|actor, state| async move {
        let c = assessments::CertificateInput {
            scheme: &scheme,
            level: &level,
            scope: &scope,
            issuer: &issuer,
            expires_on: &expires_on,
        };
        assessments::add_certificate(&actor, &state, answer_id, c).await
    })
    .await
}

#[server(endpoint = "remove_evidence")]
pub async fn remove_evidence(evidence_id: EvidenceId) -> Result<(), AppError> {
    as_actor(|actor, state| async move {
        assessments::remove_evidence(&actor, &state, evidence_id).await
    })
    .await
}

/// Uploads an evidence file (multipart fields `answer_id` and `file`).
#[server(endpoint = "upload_evidence", input = server_fn::codec::MultipartFormData)]
pub async fn upload_evidence(
    data: server_fn::codec::MultipartData,
) -> Result<EvidenceId, AppError> {
    as_actor(|actor, state| async move {
        let max = assessments::MAX_EVIDENCE_BYTES;
        let (fields, filename, bytes) = crate::server::import::read_form(data, max).await?;
        let answer_id = fields
            .iter()
            .find(|(k, _)| k == "answer_id")
            .and_then(|(_, v)| v.trim().parse::<i64>().ok())
            .ok_or_else(|| AppError::invalid("answer_id", "Which answer is this evidence for?"))?;
        assessments::add_file(&actor, &state, AnswerId(answer_id), &filename, bytes).await
    })
    .await
}

/// Reads the `assessment_id` field and the file of an assessment upload.
#[cfg(feature = "ssr")]
async fn sheet_upload(
    data: server_fn::codec::MultipartData,
) -> Result<(AssessmentId, String, Vec<u8>), AppError> {
    let max = crate::server::import::MAX_FILE_BYTES;
    let (fields, filename, bytes) = crate::server::import::read_form(data, max).await?;
    let id = fields
        .iter()
        .find(|(k, _)| k == "assessment_id")
        .and_then(|(_, v)| v.trim().parse::<i64>().ok())
        .ok_or_else(|| AppError::invalid("assessment_id", "Which assessment is this file for?"))?;
    Ok((AssessmentId(id), filename, bytes))
}

/// Checks a filled-in answers workbook (multipart `assessment_id`, `file`)
/// and shows what applying it would change; nothing is written.
#[server(endpoint = "preview_answer_sheet", input = server_fn::codec::MultipartFormData)]
pub async fn preview_answer_sheet(
    data: server_fn::codec::MultipartData,
) -> Result<crate::model::SheetPreview, AppError> {
    as_actor(|actor, state| async move {
        let (id, filename, bytes) = sheet_upload(data).await?;
        crate::server::services::answer_sheets::preview(&actor, &state, id, &filename, &bytes).await
    })
    .await
}

/// Applies a filled-in answers workbook, all or nothing.
#[server(endpoint = "apply_answer_sheet", input = server_fn::codec::MultipartFormData)]
pub async fn apply_answer_sheet(data: server_fn::codec::MultipartData) -> Result<usize, AppError> {
    as_actor(|actor, state| async move {
        let (id, filename, bytes) = sheet_upload(data).await?;
        crate::server::services::answer_sheets::apply(&actor, &state, id, &filename, &bytes).await
    })
    .await
}

/// Sets (or, with an empty `every_months`, stops) how often an accepted
/// assessment is renewed; answers the date the next one is due.
#[server(endpoint = "set_renewal")]
pub async fn set_renewal(
    assessment_id: AssessmentId,
    #[server(default)] every_months: String,
) -> Result<Option<chrono::NaiveDate>, AppError> {
    as_actor(|actor, state| async move {
        crate::server::services::renewals::set_cadence(&actor, &state, assessment_id, &every_months)
            .await
    })
    .await
}
