//! Security profiles.

#[cfg(feature = "ssr")]
use crate::model::{parse_level, Described, ItemChanges, Parsed};
use crate::model::{AppError, CatalogId, ProfileDto, ProfileId, ProfileItemId, ProfileSummary};
#[cfg(feature = "ssr")]
use crate::server::{
    respond::as_actor,
    services::{profile_import, profile_items, profile_items::ItemInput, profiles},
};
use leptos::prelude::*;

#[server(endpoint = "list_profiles")]
pub async fn list_profiles() -> Result<Vec<ProfileSummary>, AppError> {
    as_actor(|actor, state| async move { profiles::list(&actor, &state).await }).await
}

#[server(endpoint = "create_profile")]
pub async fn create_profile(name: String, description: String) -> Result<ProfileId, AppError> {
    as_actor(|actor, state| async move {
        let id = profiles::create(&actor, &state, Described::parse(&name, &description)?).await?;
        leptos_axum::redirect(&format!("/profiles/{}", id.0));
        Ok(id)
    })
    .await
}

#[server(endpoint = "get_profile")]
pub async fn get_profile(profile_id: ProfileId) -> Result<ProfileDto, AppError> {
    as_actor(|actor, state| async move { profiles::get(&actor, &state, profile_id).await }).await
}

/// `component_type` is empty for catalogs without component types.
#[server(endpoint = "add_profile_items")]
pub async fn add_profile_items(
    profile_id: ProfileId,
    catalog_id: CatalogId,
    component_type: String,
    level: String,
) -> Result<usize, AppError> {
    as_actor(|actor, state| async move {
        let ct = crate::model::ComponentType::parse(&component_type);
        let level = parse_level("level", &level)?;
        profile_items::add_from_catalog(&actor, &state, profile_id, catalog_id, ct, level).await
    })
    .await
}

#[server(endpoint = "update_profile_item")]
pub async fn update_profile_item(
    item_id: ProfileItemId,
    section: String,
    target: String,
    responsible_party: String,
    weight: String,
    evidence_required: Option<String>,
    parameters: String,
) -> Result<(), AppError> {
    as_actor(|actor, state| async move {
        let input = ItemInput {
            section: &section,
            target: &target,
            responsible_party: &responsible_party,
            weight: &weight,
            evidence_required: evidence_required.is_some(),
            parameters: &parameters,
        };
        profile_items::update_item(&actor, &state, item_id, input).await
    })
    .await
}

/// Sets target, party, weight or evidence flag on several items of a draft
/// at once; an empty field leaves each item's own value. Returns how many
/// items changed.
#[server(endpoint = "bulk_update_profile_items")]
pub async fn bulk_update_profile_items(
    profile_id: ProfileId,
    #[server(default)] item_ids: Vec<ProfileItemId>,
    target: String,
    responsible_party: String,
    weight: String,
    evidence_required: String,
) -> Result<usize, AppError> {
    as_actor(|actor, state| async move {
        let changes = Parsed::new(ItemChanges::parse(
            &target,
            &responsible_party,
            &weight,
            &evidence_required,
        ));
        profile_items::bulk_update(&actor, &state, profile_id, &item_ids, changes).await
    })
    .await
}

#[server(endpoint = "remove_profile_item")]
pub async fn remove_profile_item(item_id: ProfileItemId) -> Result<(), AppError> {
    as_actor(
        |actor, state| async move { profile_items::remove_item(&actor, &state, item_id).await },
    )
    .await
}

#[server(endpoint = "move_profile_item")]
pub async fn move_profile_item(item_id: ProfileItemId, direction: String) -> Result<(), AppError> {
    as_actor(|actor, state| async move {
        profile_items::move_item(&actor, &state, item_id, direction == "up").await
    })
    .await
}

#[server(endpoint = "publish_profile")]
pub async fn publish_profile(profile_id: ProfileId) -> Result<(), AppError> {
    as_actor(|actor, state| async move { profiles::publish(&actor, &state, profile_id).await })
        .await
}

#[server(endpoint = "new_profile_version")]
pub async fn new_profile_version(profile_id: ProfileId) -> Result<ProfileId, AppError> {
    as_actor(|actor, state| async move {
        let id = profiles::new_version(&actor, &state, profile_id).await?;
        leptos_axum::redirect(&format!("/profiles/{}", id.0));
        Ok(id)
    })
    .await
}

#[server(endpoint = "compare_profiles")]
pub async fn compare_profiles(
    profile_id: ProfileId,
    other_id: ProfileId,
) -> Result<crate::model::ProfileDiff, AppError> {
    as_actor(
        |actor, state| async move { profiles::compare(&actor, &state, other_id, profile_id).await },
    )
    .await
}

/// Imports a profile file (multipart fields `name` and `file`: .csv or .xlsx
/// as exported, or an OSCAL profile .json) as a new draft profile.
#[server(endpoint = "import_profile", input = server_fn::codec::MultipartFormData)]
pub async fn import_profile(data: server_fn::codec::MultipartData) -> Result<ProfileId, AppError> {
    as_actor(|actor, state| async move {
        let (name, filename, bytes) = crate::server::import::read_upload(data).await?;
        profile_import::import(&actor, &state, &name, &filename, &bytes).await
    })
    .await
}

/// Adds requirements picked in the catalog browser to a draft profile.
#[server(endpoint = "add_profile_requirements")]
pub async fn add_profile_requirements(
    profile_id: ProfileId,
    catalog_id: CatalogId,
    ref_ids: Vec<String>,
    level: String,
) -> Result<usize, AppError> {
    as_actor(|actor, state| async move {
        let level = parse_level("level", &level)?;
        profile_items::add_picked(&actor, &state, profile_id, catalog_id, &ref_ids, level).await
    })
    .await
}
