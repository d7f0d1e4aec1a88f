//! Requirement catalogs.

use crate::model::{AppError, CatalogDto, CatalogId, CatalogSummary};
#[cfg(feature = "ssr")]
use crate::server::{respond::as_actor, services::catalogs};
use leptos::prelude::*;

#[server(endpoint = "list_catalogs")]
pub async fn list_catalogs() -> Result<Vec<CatalogSummary>, AppError> {
    as_actor(|actor, state| async move { catalogs::list(&actor, &state).await }).await
}

#[server(endpoint = "get_catalog")]
pub async fn get_catalog(catalog_id: CatalogId) -> Result<CatalogDto, AppError> {
    as_actor(|actor, state| async move { catalogs::get(&actor, &state, catalog_id).await }).await
}

#[server(endpoint = "create_catalog")]
pub async fn create_catalog(name: String) -> Result<CatalogSummary, AppError> {
    as_actor(|actor, state| async move {
        let c = catalogs::create(&actor, &state, &name).await?;
        leptos_axum::redirect(&format!("/catalogs/{}", c.id.0));
        Ok(c)
    })
    .await
}

#[server(endpoint = "add_catalog_requirement")]
pub async fn add_catalog_requirement(
    catalog_id: CatalogId,
    ref_id: String,
    title: String,
    description: String,
    group: String,
) -> Result<(), AppError> {
    as_actor(|actor, state| async move {
        let r = crate::server::import::validate_one(&ref_id, &title, &description, &group)?;
        catalogs::add_requirement(&actor, &state, catalog_id, r).await
    })
    .await
}

/// Imports a CSV or .xlsx file (multipart fields `name` and `file`) as a new
/// catalog of the organization.
#[server(endpoint = "import_catalog", input = server_fn::codec::MultipartFormData)]
pub async fn import_catalog(
    data: server_fn::codec::MultipartData,
) -> Result<CatalogSummary, AppError> {
    as_actor(|actor, state| async move {
        let (name, filename, bytes) = crate::server::import::read_upload(data).await?;
        catalogs::import(&actor, &state, &name, &filename, &bytes).await
    })
    .await
}

/// The newest version of every shipped catalog, with all requirements.
#[server(endpoint = "browse_shipped")]
pub async fn browse_shipped() -> Result<Vec<CatalogDto>, AppError> {
    as_actor(|actor, state| async move { catalogs::shipped_latest(&actor, &state).await }).await
}
