//! A supplier changes an answer: the version it last read goes in
//! `If-Match`; a save made meanwhile by someone else is never overwritten
//! (412 with both versions).

use super::{Caller, Problem};
use app::model::{AnswerId, AnswerInput, SaveOutcome};
use app::server::{services::assessments as service, AppState};
use axum::{
    extract::{rejection::JsonRejection, Path, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<crate::ServerState> {
    OpenApiRouter::new().routes(routes!(put_answer))
}

/// An answer as a supplier writes it. Absent fields are empty; which ones
/// a compliance needs is checked as in the browser.
#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct AnswerChange {
    /// meets, meets_with_compensating_countermeasure, partially_meets,
    /// does_not_meet, planned, not_applicable or by_other_party; null or
    /// absent to leave the requirement unanswered.
    #[serde(default)]
    #[schema(
        pattern = "^(meets|meets_with_compensating_countermeasure|partially_meets|does_not_meet|planned|not_applicable|by_other_party)$"
    )]
    pub compliance: Option<String>,
    #[serde(default)]
    pub countermeasure: Option<String>,
    /// For planned: by when.
    #[serde(default)]
    pub planned_on: Option<NaiveDate>,
    #[serde(default)]
    pub na_reason: Option<String>,
    #[serde(default)]
    pub other_party: Option<String>,
    /// 1 to 4.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 4)]
    pub claimed_level: Option<i16>,
    #[serde(default)]
    pub statement: Option<String>,
    #[serde(default)]
    pub responsibility_accepted: Option<bool>,
}

/// The answer saved, with its new version.
#[derive(Serialize, ToSchema)]
pub struct AnswerSaved {
    pub id: i64,
    pub version: i32,
}

/// The answer as someone else saved it meanwhile (nothing was written).
#[derive(Serialize, ToSchema)]
pub struct AnswerConflict {
    #[serde(flatten)]
    pub problem: Problem,
    /// The version now stored: send it in If-Match to write over it.
    pub current_version: i32,
    pub saved_by: String,
    /// The stored answer's fields.
    pub current: serde_json::Value,
    /// What this request tried to write.
    pub yours: serde_json::Value,
}

/// The stored answer's fields with every key present (empty ones as `""`
/// or `null`), as the API documents them: the pages' compact form of the
/// same fields leaves empty ones out.
fn stored_fields(f: &app::model::AnswerFields) -> serde_json::Value {
    serde_json::json!({
        "compliance": f.compliance.map(|c| c.as_str()),
        "countermeasure": f.countermeasure,
        "planned_on": f.planned_on,
        "na_reason": f.na_reason,
        "other_party": f.other_party,
        "claimed_level": f.claimed_level,
        "statement": f.statement,
        "responsibility_accepted": f.responsibility_accepted,
    })
}

impl IntoResponse for AnswerConflict {
    fn into_response(self) -> Response {
        let mut r = (StatusCode::PRECONDITION_FAILED, Json(&self)).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        r.headers_mut().insert(
            header::ETAG,
            HeaderValue::from_str(&format!("\"{}\"", self.current_version))
                .expect("a number is a valid header value"),
        );
        r
    }
}

/// The version `If-Match` names: `"3"` (the answer's `version`).
fn expected_version(headers: &HeaderMap) -> Result<i32, Problem> {
    let Some(v) = headers.get(header::IF_MATCH) else {
        return Err(Problem::new(
            StatusCode::PRECONDITION_REQUIRED,
            "if-match-required",
            "Send the answer's version as you last read it in `If-Match` (e.g. `If-Match: \"3\"`), so that nobody's save is overwritten unseen.",
        ));
    };
    v.to_str()
        .ok()
        .map(|s| s.trim().trim_start_matches("W/").trim_matches('"'))
        .and_then(|s| s.parse::<i32>().ok())
        .filter(|n| *n >= 0)
        .ok_or_else(|| {
            Problem::bad_parameter(
                "If-Match",
                "`If-Match` holds the answer's version, a whole number in quotes: `\"3\"`.",
            )
        })
}

fn text(v: Option<String>) -> String {
    v.unwrap_or_default()
}

/// Changes one answer of an assessment sent to the organization (a
/// supplier's contributor token; not once submitted).
#[utoipa::path(
    put,
    path = "/api/v1/answers/{id}",
    tag = "answers",
    params(
        ("id" = i64, Path, description = "The answer's id"),
        ("If-Match" = Option<String>, Header, pattern = r#"^(W/)?"[0-9]{1,9}"$"#, description = "The answer's version as last read, in quotes: \"3\" (428 without it)"),
    ),
    request_body = AnswerChange,
    responses(
        (status = 200, description = "Saved", body = AnswerSaved),
        (status = 400, description = "A parameter or the body is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this token: wait Retry-After seconds", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read-only token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such answer, or not the organization's to change", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The assessment no longer takes changes", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Someone saved the answer meanwhile; nothing was written", body = AnswerConflict, content_type = "application/problem+json"),
        (status = 422, description = "The answer is incomplete or inconsistent", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "No If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn put_answer(
    State(state): State<AppState>,
    Caller(actor): Caller,
    headers: HeaderMap,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    body: Result<Json<AnswerChange>, JsonRejection>,
) -> Result<Response, Problem> {
    let id = super::assessments::path_id(id)?;
    let expected = expected_version(&headers)?;
    let Json(change) = body.map_err(|e| {
        Problem::bad_parameter(
            "body",
            format!("The body is not an answer as JSON: {}", e.body_text()),
        )
    })?;
    let input = AnswerInput {
        compliance: text(change.compliance),
        countermeasure: text(change.countermeasure),
        planned_on: change.planned_on.map(|d| d.to_string()).unwrap_or_default(),
        na_reason: text(change.na_reason),
        other_party: text(change.other_party),
        claimed_level: change
            .claimed_level
            .map(|n| n.to_string())
            .unwrap_or_default(),
        statement: text(change.statement),
        responsibility_accepted: match change.responsibility_accepted {
            Some(true) => "yes".into(),
            Some(false) => "no".into(),
            None => String::new(),
        },
    };
    match service::save_answer(&actor, &state, AnswerId(id), expected, input).await? {
        SaveOutcome::Saved { version } => {
            let mut r = Json(AnswerSaved { id, version }).into_response();
            r.headers_mut().insert(
                header::ETAG,
                HeaderValue::from_str(&format!("\"{version}\"")).expect("a number is a valid header value"),
            );
            Ok(r)
        }
        SaveOutcome::Conflict {
            theirs,
            theirs_version,
            saved_by,
            yours,
        } => Ok(AnswerConflict {
            problem: Problem::new(
                StatusCode::PRECONDITION_FAILED,
                "changed-meanwhile",
                format!("{saved_by} saved this answer meanwhile (version {theirs_version}); nothing was written. Compare, then send again with `If-Match: \"{theirs_version}\"`."),
            ),
            current_version: theirs_version,
            saved_by,
            current: stored_fields(&theirs),
            yours: serde_json::to_value(&*yours).unwrap_or_default(),
        }
        .into_response()),
    }
}
