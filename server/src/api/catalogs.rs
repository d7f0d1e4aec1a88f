//! Catalogs (the shipped IEC 62443 catalogs and the organization's own) and
//! requirement profiles, with their versions and items.

use super::assessments::{path_id, query, PageParams};
use super::{json_with_etag, limit_of, page_by_position, Caller, Problem};
use app::model::{CatalogId, CatalogSummary, ProfileId, ProfileSummary, RequirementDto};
use app::server::{
    services::{catalogs, profiles},
    AppState,
};
use axum::{
    extract::{
        rejection::{PathRejection, QueryRejection},
        Path, Query, State,
    },
    http::HeaderMap,
    response::Response,
};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn routes() -> OpenApiRouter<crate::ServerState> {
    OpenApiRouter::new()
        .routes(routes!(list_catalogs))
        .routes(routes!(get_catalog))
        .routes(routes!(list_requirements))
        .routes(routes!(list_profiles))
        .routes(routes!(get_profile))
        .routes(routes!(list_profile_items))
}

/// A catalog of requirements.
#[derive(Serialize, ToSchema)]
pub struct Catalog {
    pub id: i64,
    /// Stable across versions, e.g. `iec62443-4-2`.
    pub key: String,
    pub name: String,
    pub version: i32,
    /// The 62443 part, e.g. `4-2`, if any.
    pub part: Option<String>,
    /// Shipped with Pactline (true) or the organization's own.
    pub shipped: bool,
    pub requirements: u64,
}

/// A catalog with what it applies to and where it comes from.
#[derive(Serialize, ToSchema)]
pub struct CatalogDetail {
    #[serde(flatten)]
    pub catalog: Catalog,
    pub applies_to: String,
    pub source: String,
    /// RFC 3339.
    pub last_modified: String,
}

/// One requirement of a catalog.
#[derive(Serialize, ToSchema)]
pub struct Requirement {
    /// Its identifier, e.g. `CR 1.1 RE(1)`.
    pub ref_id: String,
    /// requirement, enhancement, practice, …
    pub kind: String,
    /// Its group: a foundational requirement, SP area or practice.
    pub group: String,
    pub group_title: String,
    pub title: String,
    /// Pactline's one-line description (never the standard's text).
    pub description: String,
    /// The base requirement of an enhancement.
    pub parent: Option<String>,
    /// The security levels at which it is required; null when not graded.
    pub security_levels: Option<Vec<u8>>,
    /// SAR, EDR, HDR, NDR; null when it applies to any.
    pub component_types: Option<Vec<String>>,
    /// False where the sources disagree: shown as provisional.
    pub verified: bool,
}

/// One page of a catalog's requirements, in the catalog's order.
#[derive(Serialize, ToSchema)]
pub struct RequirementPage {
    pub items: Vec<Requirement>,
    pub next: Option<String>,
}

/// A requirement profile: what an asset owner asks of a kind of supplier.
#[derive(Serialize, ToSchema)]
pub struct Profile {
    pub id: i64,
    pub name: String,
    pub version: i32,
    /// draft or published.
    pub status: String,
    pub items: u64,
}

/// A profile with its description and its other versions.
#[derive(Serialize, ToSchema)]
pub struct ProfileDetail {
    #[serde(flatten)]
    pub profile: Profile,
    pub description: String,
    /// RFC 3339: publication, or creation of a draft.
    pub last_modified: String,
    /// Every version of the profile, newest first.
    pub versions: Vec<Profile>,
}

/// One requirement as a profile asks for it.
#[derive(Serialize, ToSchema)]
pub struct ProfileItem {
    pub id: i64,
    pub catalog_id: i64,
    pub catalog: String,
    pub catalog_version: i32,
    pub requirement: Requirement,
    pub section: String,
    /// security_level or maturity_level.
    pub target_kind: String,
    pub target: i16,
    /// asset_owner, product_supplier, service_provider or other.
    pub responsible_party: String,
    pub weight: i16,
    pub evidence_required: bool,
    pub parameters: String,
}

/// One page of a profile's items, in the profile's order.
#[derive(Serialize, ToSchema)]
pub struct ProfileItemPage {
    pub items: Vec<ProfileItem>,
    pub next: Option<String>,
}

/// The organization's catalogs and the shipped ones.
#[derive(Serialize, ToSchema)]
pub struct CatalogList {
    pub items: Vec<Catalog>,
}

/// The organization's profiles, every version.
#[derive(Serialize, ToSchema)]
pub struct ProfileList {
    pub items: Vec<Profile>,
}

fn catalog_json(c: CatalogSummary) -> Catalog {
    Catalog {
        id: c.id.0,
        key: c.key,
        name: c.name,
        version: c.version,
        part: c.part,
        shipped: c.shipped,
        requirements: c.requirements,
    }
}

fn requirement_json(r: RequirementDto) -> Requirement {
    Requirement {
        ref_id: r.ref_id,
        kind: r.kind,
        group: r.group,
        group_title: r.group_title,
        title: r.title,
        description: r.description,
        parent: r.parent,
        security_levels: r.sl,
        component_types: r
            .component_types
            .map(|t| t.iter().map(|c| c.as_str().to_string()).collect()),
        verified: r.verified,
    }
}

fn profile_json(p: ProfileSummary) -> Profile {
    Profile {
        id: p.id.0,
        name: p.name,
        version: p.version,
        status: p.status.as_str().to_string(),
        items: p.items,
    }
}

/// The catalogs the organization may use: Pactline's shipped IEC 62443
/// catalogs (every version) and the organization's own.
#[utoipa::path(
    get,
    path = "/api/v1/catalogs",
    tag = "catalogs",
    responses(
        (status = 200, description = "The catalogs", body = CatalogList),
        (status = 304, description = "Unchanged since the ETag sent in If-None-Match"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this token: wait Retry-After seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_catalogs(
    State(state): State<AppState>,
    Caller(actor): Caller,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let items = catalogs::list(&actor, &state)
        .await?
        .into_iter()
        .map(catalog_json)
        .collect();
    Ok(json_with_etag(&headers, &CatalogList { items }))
}

/// One catalog.
#[utoipa::path(
    get,
    path = "/api/v1/catalogs/{id}",
    tag = "catalogs",
    params(("id" = i64, Path, description = "The catalog's id")),
    responses(
        (status = 200, description = "The catalog", body = CatalogDetail),
        (status = 304, description = "Unchanged since the ETag sent in If-None-Match"),
        (status = 400, description = "The id is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such catalog, or another organization's", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this token: wait Retry-After seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn get_catalog(
    State(state): State<AppState>,
    Caller(actor): Caller,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, Problem> {
    let id = path_id(id)?;
    let c = catalogs::get(&actor, &state, CatalogId(id)).await?;
    Ok(json_with_etag(
        &headers,
        &CatalogDetail {
            catalog: catalog_json(c.summary),
            applies_to: c.applies_to,
            source: c.source,
            last_modified: c.last_modified,
        },
    ))
}

/// A catalog's requirements, in its order.
#[utoipa::path(
    get,
    path = "/api/v1/catalogs/{id}/requirements",
    tag = "catalogs",
    params(("id" = i64, Path, description = "The catalog's id"), PageParams),
    responses(
        (status = 200, description = "One page of requirements", body = RequirementPage),
        (status = 304, description = "Unchanged since the ETag sent in If-None-Match"),
        (status = 400, description = "A parameter is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such catalog, or another organization's", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this token: wait Retry-After seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_requirements(
    State(state): State<AppState>,
    Caller(actor): Caller,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
    q: Result<Query<PageParams>, QueryRejection>,
) -> Result<Response, Problem> {
    let id = path_id(id)?;
    let p = query(q)?;
    let limit = limit_of(p.limit.as_deref())?;
    let c = catalogs::get(&actor, &state, CatalogId(id)).await?;
    let (items, next) =
        page_by_position(c.requirements, p.cursor.as_deref(), limit, requirement_json)?;
    let next = next.map(|c| format!("/api/v1/catalogs/{id}/requirements?limit={limit}&cursor={c}"));
    Ok(json_with_etag(&headers, &RequirementPage { items, next }))
}

/// The organization's requirement profiles, every version.
#[utoipa::path(
    get,
    path = "/api/v1/profiles",
    tag = "profiles",
    responses(
        (status = 200, description = "The profiles", body = ProfileList),
        (status = 304, description = "Unchanged since the ETag sent in If-None-Match"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The organization is not an asset owner: it has no profiles", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this token: wait Retry-After seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_profiles(
    State(state): State<AppState>,
    Caller(actor): Caller,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let items = profiles::list(&actor, &state)
        .await?
        .into_iter()
        .map(profile_json)
        .collect();
    Ok(json_with_etag(&headers, &ProfileList { items }))
}

/// One version of a profile, with the list of its versions.
#[utoipa::path(
    get,
    path = "/api/v1/profiles/{id}",
    tag = "profiles",
    params(("id" = i64, Path, description = "The profile version's id")),
    responses(
        (status = 200, description = "The profile", body = ProfileDetail),
        (status = 304, description = "Unchanged since the ETag sent in If-None-Match"),
        (status = 400, description = "The id is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such profile, or another organization's", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this token: wait Retry-After seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn get_profile(
    State(state): State<AppState>,
    Caller(actor): Caller,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, Problem> {
    let id = path_id(id)?;
    let p = profiles::get(&actor, &state, ProfileId(id)).await?;
    let items = p.items.len() as u64;
    Ok(json_with_etag(
        &headers,
        &ProfileDetail {
            profile: Profile {
                id: p.id.0,
                name: p.name,
                version: p.version,
                status: p.status.as_str().to_string(),
                items,
            },
            description: p.description,
            last_modified: p.last_modified,
            versions: p.versions.into_iter().map(profile_json).collect(),
        },
    ))
}

/// A profile's items: each requirement with its target, responsible party,
/// weight and whether evidence is required.
#[utoipa::path(
    get,
    path = "/api/v1/profiles/{id}/items",
    tag = "profiles",
    params(("id" = i64, Path, description = "The profile version's id"), PageParams),
    responses(
        (status = 200, description = "One page of items", body = ProfileItemPage),
        (status = 304, description = "Unchanged since the ETag sent in If-None-Match"),
        (status = 400, description = "A parameter is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such profile, or another organization's", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this token: wait Retry-After seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_profile_items(
    State(state): State<AppState>,
    Caller(actor): Caller,
    headers: HeaderMap,
    id: Result<Path<i64>, PathRejection>,
    q: Result<Query<PageParams>, QueryRejection>,
) -> Result<Response, Problem> {
    let id = path_id(id)?;
    let p = query(q)?;
    let limit = limit_of(p.limit.as_deref())?;
    let profile = profiles::get(&actor, &state, ProfileId(id)).await?;
    let (items, next) =
        page_by_position(profile.items, p.cursor.as_deref(), limit, |i| ProfileItem {
            id: i.id.0,
            catalog_id: i.catalog_id.0,
            catalog: i.catalog_name,
            catalog_version: i.catalog_version,
            requirement: requirement_json(i.requirement),
            section: i.section,
            target_kind: super::assessments::target_kind_name(i.target_kind).to_string(),
            target: i.target,
            responsible_party: i.responsible_party.as_str().to_string(),
            weight: i.weight,
            evidence_required: i.evidence_required,
            parameters: i.parameters,
        })?;
    let next = next.map(|c| format!("/api/v1/profiles/{id}/items?limit={limit}&cursor={c}"));
    Ok(json_with_etag(&headers, &ProfileItemPage { items, next }))
}
