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
