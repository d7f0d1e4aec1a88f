//! The asset owner's own security program (IEC 62443-2-1:2024): ratings,
//! their history, traces to supplier-side requirements.

#[cfg(feature = "ssr")]
use crate::model::RatingFields;
use crate::model::{AppError, ProgramOverview, ProgramRequirementDto, RatingForm};
#[cfg(feature = "ssr")]
use crate::server::{respond::as_actor, services::program};
use leptos::prelude::*;

/// Every program requirement with its rating, the roll-up per element and
/// the suppliers' part in each element's traced requirements.
#[server(endpoint = "security_program")]
pub async fn security_program() -> Result<ProgramOverview, AppError> {
    as_actor(|actor, state| async move { program::overview(&actor, &state).await }).await
}

/// One program requirement (`ORG 1.1`): rating, history, trace, suppliers.
#[server(endpoint = "program_requirement")]
pub async fn program_requirement(ref_id: String) -> Result<ProgramRequirementDto, AppError> {
    as_actor(|actor, state| async move { program::requirement(&actor, &state, &ref_id).await })
        .await
}

/// Saves a rating (`rating[target_ml]`, `rating[achieved_ml]`,
/// `rating[owner_user_id]`, `rating[evidence]`, `rating[note]`,
/// `rating[carried_by]`); `version` is the one the form was loaded with (0
/// for a requirement never rated). Answers the new version.
#[server(endpoint = "rate_program_requirement")]
pub async fn rate_program_requirement(
    ref_id: String,
    #[server(default)] rating: RatingForm,
    version: i32,
) -> Result<i32, AppError> {
    as_actor(|actor, state| async move {
        let fields = RatingFields::parse(
            &rating.target_ml,
            &rating.achieved_ml,
            &rating.owner_user_id,
            &rating.evidence,
            &rating.note,
            &rating.carried_by,
        )?;
        program::rate(&actor, &state, &ref_id, fields, version).await
    })
    .await
}

/// Replaces a program requirement's trace (`trace`: one `<part> <id>` per
/// line), or goes back to Pactline's starting trace when `reset` is sent.
/// Answers how many requirements it traces.
#[server(endpoint = "set_program_trace")]
pub async fn set_program_trace(
    ref_id: String,
    #[server(default)] trace: String,
    #[server(default)] reset: String,
) -> Result<usize, AppError> {
    as_actor(|actor, state| async move {
        program::set_trace(&actor, &state, &ref_id, &trace, !reset.is_empty()).await
    })
    .await
}
