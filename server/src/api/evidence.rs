//! Evidence: a supplier uploads a file or adds a link to an answer; either
//! party of the assessment (and its assessors) downloads files. The
//! answers list (`/api/v1/assessments/{id}/answers`) lists each answer's
//! evidence.

use super::assessments::{path_id, query};
use super::reviews::body;
use super::{Caller, Problem};
use app::model::{AnswerId, EvidenceId, EvidenceLink};
use app::server::{services::assessments as service, AppState};
use axum::{
    body::Bytes,
    extract::{
        rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection},
        Path, Query, State,
    },
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<crate::ServerState> {
    OpenApiRouter::new()
        .routes(routes!(upload_file))
        .routes(routes!(add_link))
        .routes(routes!(download))
}

/// Evidence added to an answer.
#[derive(Serialize, ToSchema)]
pub struct EvidenceAdded {
    pub id: i64,
    pub answer_id: i64,
    /// file or link.
    pub kind: String,
    /// Where a file downloads from (with a token).
    pub download: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// The file's name; its extension must match its content (PDF, image,
    /// text, office document, archive).
    #[param(value_type = String, min_length = 1, max_length = 255)]
    filename: Option<String>,
}

/// A link to add as evidence.
#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkRequest {
    /// What it is; the link's host when empty.
    #[serde(default)]
    pub title: String,
    /// An http or https address.
    pub url: String,
}

fn added(id: EvidenceId, answer: i64, kind: &str) -> Response {
    (
        StatusCode::CREATED,
        Json(EvidenceAdded {
            id: id.0,
            answer_id: answer,
            kind: kind.to_string(),
            download: (kind == "file").then(|| format!("/api/v1/evidence/{}", id.0)),
        }),
    )
        .into_response()
}

/// Uploads a file (at most 10 MiB) as evidence of an answer the
/// organization may still change. The body is the file itself.
#[utoipa::path(
    post,
    path = "/api/v1/answers/{id}/evidence",
    tag = "evidence",
    params(("id" = i64, Path, description = "The answer's id"), UploadParams, super::IdempotencyKey),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file's bytes"),
    responses(
        (status = 201, description = "The file is attached", body = EvidenceAdded),
        (status = 400, description = "A parameter is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read-only token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such answer, or not the organization's to change", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The answer can no longer change, or the key's request is still being handled", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than 10 MiB"),
        (status = 422, description = "The file is empty, of a kind not accepted, not what its name says, or over the organization's quota", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this token: wait Retry-After seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn upload_file(
    State(state): State<AppState>,
    Caller(actor): Caller,
    id: Result<Path<i64>, PathRejection>,
    q: Result<Query<UploadParams>, QueryRejection>,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let id = path_id(id)?;
    let p = query(q)?;
    let filename = p
        .filename
        .filter(|f| !f.trim().is_empty() && f.len() <= 255)
        .ok_or_else(|| {
            Problem::bad_parameter(
                "filename",
                "Name the file in `filename` (1 to 255 characters), e.g. `certificate.pdf`.",
            )
        })?;
    let bytes = bytes.map_err(|e| {
        Problem::new(
            e.status(),
            "bad-request",
            format!("The file could not be read: {}", e.body_text()),
        )
    })?;
    let e = service::add_file(&actor, &state, AnswerId(id), &filename, bytes.to_vec()).await?;
    Ok(added(e, id, "file"))
}

/// Adds a link (http or https) as evidence of an answer the organization
/// may still change.
#[utoipa::path(
    post,
    path = "/api/v1/answers/{id}/links",
    tag = "evidence",
    params(("id" = i64, Path, description = "The answer's id"), super::IdempotencyKey),
    request_body = LinkRequest,
    responses(
        (status = 201, description = "The link is attached", body = EvidenceAdded),
        (status = 400, description = "A parameter or the body is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read-only token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such answer, or not the organization's to change", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The answer can no longer change, or the key's request is still being handled", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The address or title is not acceptable", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this token: wait Retry-After seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn add_link(
    State(state): State<AppState>,
    Caller(actor): Caller,
    id: Result<Path<i64>, PathRejection>,
    b: Result<Json<LinkRequest>, JsonRejection>,
) -> Result<Response, Problem> {
    let id = path_id(id)?;
    let l = body(b, "a link")?;
    let link = EvidenceLink::parse(&l.title, &l.url)?;
    let e = service::add_link(&actor, &state, AnswerId(id), link).await?;
    Ok(added(e, id, "link"))
}

/// Downloads an evidence file, for the two organizations of its assessment
/// and the owner's assessors.
#[utoipa::path(
    get,
    path = "/api/v1/evidence/{id}",
    tag = "evidence",
    params(("id" = i64, Path, description = "The evidence's id")),
    responses(
        (status = 200, description = "The file, as uploaded: its type is one an upload is checked against (PDF, PNG, JPEG, zip, Office, plain text)", content(
            ("application/pdf"),
            ("image/png"),
            ("image/jpeg"),
            ("application/zip"),
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            ("text/plain"),
            ("application/octet-stream"),
        )),
        (status = 400, description = "The id is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such file, or not the organization's to read", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this token: wait Retry-After seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn download(
    State(state): State<AppState>,
    Caller(actor): Caller,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, Problem> {
    let id = path_id(id)?;
    let (name, content_type, bytes) = service::download(&actor, &state, EvidenceId(id)).await?;
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    if let Ok(v) = HeaderValue::from_str(&crate::routes::attachment(&name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(r)
}
