//! The asset owner's systems, zones and conduits (IEC 62443-3-2).

use crate::model::{AppError, ComponentForm, CountermeasureForm, ProfileId, ZoneDetail, ZoneModel};
#[cfg(feature = "ssr")]
use crate::server::{respond::as_actor, services::zones};
use leptos::prelude::*;

/// Every system with its zones (target, reach, components) and conduits.
#[server(endpoint = "zones_and_conduits")]
pub async fn zones_and_conduits() -> Result<ZoneModel, AppError> {
    as_actor(|actor, state| async move { zones::model(&actor, &state).await }).await
}

/// One zone: target, reach, components, the conduits that touch it.
#[server(endpoint = "get_zone")]
pub async fn get_zone(zone_id: i64) -> Result<ZoneDetail, AppError> {
    as_actor(|actor, state| async move { zones::zone(&actor, &state, zone_id).await }).await
}

#[server(endpoint = "create_system")]
pub async fn create_system(
    name: String,
    #[server(default)] description: String,
) -> Result<i64, AppError> {
    as_actor(|actor, state| async move {
        zones::create_system(&actor, &state, &name, &description).await
    })
    .await
}

/// A zone with its SL-T vector (`sl_t`: seven levels, FR1 to FR7).
#[server(endpoint = "create_zone")]
pub async fn create_zone(
    system_id: i64,
    name: String,
    #[server(default)] description: String,
    sl_t: String,
) -> Result<i64, AppError> {
    as_actor(|actor, state| async move {
        zones::create_zone(&actor, &state, system_id, &name, &description, &sl_t).await
    })
    .await
}

#[server(endpoint = "set_zone_target")]
pub async fn set_zone_target(zone_id: i64, sl_t: String) -> Result<(), AppError> {
    as_actor(
        |actor, state| async move { zones::set_zone_target(&actor, &state, zone_id, &sl_t).await },
    )
    .await
}

/// A conduit between two zones of one system, with its SL-T vector.
#[server(endpoint = "create_conduit")]
pub async fn create_conduit(
    system_id: i64,
    name: String,
    #[server(default)] description: String,
    from_zone_id: i64,
    to_zone_id: i64,
    sl_t: String,
) -> Result<i64, AppError> {
    as_actor(|actor, state| async move {
        zones::create_conduit(
            &actor,
            &state,
            system_id,
            &name,
            &description,
            from_zone_id,
            to_zone_id,
            &sl_t,
        )
        .await
    })
    .await
}

/// A component in a zone (`component[name]`, `component[component_type]`,
/// `component[supplier_org_id]`, `component[product]`, `component[version]`,
/// `component[in_service_since]`, `component[end_of_support]`,
/// `component[assessment_id]`).
#[server(endpoint = "add_component")]
pub async fn add_component(
    zone_id: i64,
    #[server(default)] component: ComponentForm,
) -> Result<i64, AppError> {
    as_actor(|actor, state| async move {
        zones::add_component(&actor, &state, zone_id, &component).await
    })
    .await
}

/// Marks a component legacy (`legacy=yes`) or no longer (anything else).
#[server(endpoint = "set_component_legacy")]
pub async fn set_component_legacy(
    component_id: i64,
    #[server(default)] legacy: String,
) -> Result<(), AppError> {
    as_actor(|actor, state| async move {
        zones::set_component_legacy(&actor, &state, component_id, legacy == "yes").await
    })
    .await
}

/// A draft profile for components of a zone, selected per FR at the zone's
/// SL-T vector.
#[server(endpoint = "profile_from_zone")]
pub async fn profile_from_zone(
    zone_id: i64,
    component_type: String,
    #[server(default)] name: String,
) -> Result<ProfileId, AppError> {
    as_actor(|actor, state| async move {
        zones::profile_from_zone(&actor, &state, zone_id, &component_type, &name).await
    })
    .await
}

/// Records a compensating countermeasure for a legacy component
/// (`countermeasure[frs]`, `[requirements]`, `[description]`, `[location]`,
/// `[conduit_id]` (on a conduit), `[responsible_org_id]` (empty: the
/// owner), `[review_on]`, `[residual_gap]`).
#[server(endpoint = "add_countermeasure")]
pub async fn add_countermeasure(
    component_id: i64,
    #[server(default)] countermeasure: CountermeasureForm,
) -> Result<i64, AppError> {
    as_actor(|actor, state| async move {
        zones::add_countermeasure(&actor, &state, component_id, &countermeasure).await
    })
    .await
}

/// An owner admin accepts a zone's gap in one FR (`fr`: e.g. FR3) with a
/// reason until a date.
#[server(endpoint = "accept_zone_risk")]
pub async fn accept_zone_risk(
    zone_id: i64,
    fr: String,
    #[server(default)] reason: String,
    #[server(default)] accepted_until: String,
) -> Result<i64, AppError> {
    as_actor(|actor, state| async move {
        zones::accept_risk(&actor, &state, zone_id, &fr, &reason, &accepted_until).await
    })
    .await
}

/// The owner records a review of a countermeasure it carries itself: what
/// it found and the next review date.
#[server(endpoint = "review_countermeasure")]
pub async fn review_countermeasure(
    countermeasure_id: i64,
    #[server(default)] finding: String,
    #[server(default)] next_review_on: String,
) -> Result<(), AppError> {
    as_actor(|actor, state| async move {
        zones::review_countermeasure(&actor, &state, countermeasure_id, &finding, &next_review_on)
            .await
    })
    .await
}
