//! A draft profile's items: adding requirements from a catalog (by level
//! or picked), editing an item's target and party, removing and moving
//! items. Published versions refuse every change (see `profiles::draft`).

use super::catalogs;
use super::profiles::{draft, immutable};
use crate::model::{
    parse_level, parse_name, parse_weight, select_for_sl, AppError, CatalogId, ComponentType,
    ItemChanges, Parsed, Party, Permission, ProfileId, ProfileItemId, ProfileStatus, TargetKind,
};
use crate::server::{
    access, audit, db,
    entities::{profile, profile_item, requirement},
    Actor, AppState,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use std::collections::HashMap;

/// Adds, to a draft, the requirements of a catalog required at `sl_t` for a
/// component type (62443-4-2; no type for 3-3), or every item of a catalog
/// without security levels (2-4, 4-1, custom) with target maturity `sl_t`.
/// Items already in the profile stay as they are. Returns how many were added.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn add_from_catalog(
    actor: &Actor,
    state: &AppState,
    id: ProfileId,
    catalog_id: CatalogId,
    component_type: Option<ComponentType>,
    level: i16,
) -> Result<usize, AppError> {
    actor.require(Permission::EditProfiles)?;
    let txn = db::write_txn(&state.writer).await?;
    let p = draft(&txn, actor, id.0).await?;
    let cat = access::catalog_readable(&txn, actor, catalog_id).await?;
    let rows = access::requirements_of(&cat)
        .order_by_asc(requirement::Column::Position)
        .all(&txn)
        .await?;
    let kind = TargetKind::for_part(cat.part.as_deref());
    let dtos: Vec<_> = rows
        .iter()
        .cloned()
        .map(catalogs::requirement_dto)
        .collect();
    let chosen: Vec<&crate::model::RequirementDto> = match kind {
        TargetKind::Sl => {
            if cat.part.as_deref() == Some("4-2") && component_type.is_none() {
                return Err(AppError::invalid(
                    "component_type",
                    "Choose the component type (SAR, EDR, HDR or NDR).",
                ));
            }
            select_for_sl(&dtos, component_type, level as u8)
        }
        TargetKind::Ml => dtos.iter().collect(),
    };
    let by_ref: HashMap<&str, &requirement::Model> =
        rows.iter().map(|r| (r.ref_id.as_str(), r)).collect();
    let chosen: Vec<&requirement::Model> = chosen
        .iter()
        .filter_map(|d| by_ref.get(d.ref_id.as_str()).copied())
        .collect();
    let chosen: Vec<(&requirement::Model, i16)> = chosen.iter().map(|r| (*r, level)).collect();
    let added = crate::server::writes::append_profile_items(&txn, &p, &cat, &chosen).await?;
    audit::by_actor(
        &txn,
        actor,
        "profile.items_added",
        "profile",
        p.id,
        None,
        Some(json!({
            "catalog": cat.key, "catalog_version": cat.version,
            "component_type": component_type.map(|c| c.as_str()), "level": level, "added": added
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(added)
}

/// Adds requirements picked one by one in the catalog browser to a draft,
/// all at target `level`. Unknown identifiers are refused, naming them.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn add_picked(
    actor: &Actor,
    state: &AppState,
    id: ProfileId,
    catalog_id: CatalogId,
    ref_ids: &[String],
    level: i16,
) -> Result<usize, AppError> {
    actor.require(Permission::EditProfiles)?;
    if ref_ids.is_empty() {
        return Err(AppError::invalid(
            "ref_ids",
            "Select at least one requirement.",
        ));
    }
    if ref_ids.len() > crate::server::import::MAX_ROWS {
        return Err(AppError::invalid("ref_ids", "Select fewer requirements."));
    }
    let txn = db::write_txn(&state.writer).await?;
    let p = draft(&txn, actor, id.0).await?;
    let cat = access::catalog_readable(&txn, actor, catalog_id).await?;
    let rows = access::requirements_of(&cat)
        .order_by_asc(requirement::Column::Position)
        .all(&txn)
        .await?;
    let wanted: std::collections::HashSet<&str> = ref_ids.iter().map(|r| r.trim()).collect();
    let unknown: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|w| !rows.iter().any(|r| r.ref_id == *w))
        .collect();
    if !unknown.is_empty() {
        let mut unknown = unknown;
        unknown.sort();
        return Err(AppError::invalid(
            "ref_ids",
            format!(
                "Not in {} version {}: {}.",
                cat.name,
                cat.version,
                unknown
                    .iter()
                    .take(10)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    // In catalog order, whatever order they were picked in.
    let chosen: Vec<&requirement::Model> = rows
        .iter()
        .filter(|r| wanted.contains(r.ref_id.as_str()))
        .collect();
    let chosen: Vec<(&requirement::Model, i16)> = chosen.iter().map(|r| (*r, level)).collect();
    let added = crate::server::writes::append_profile_items(&txn, &p, &cat, &chosen).await?;
    audit::by_actor(
        &txn,
        actor,
        "profile.items_added",
        "profile",
        p.id,
        None,
        Some(json!({
            "catalog": cat.key, "catalog_version": cat.version,
            "picked": chosen.iter().map(|(r, _)| r.ref_id.as_str()).collect::<Vec<_>>(),
            "level": level, "added": added
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(added)
}

async fn item_in_draft<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    item_id: ProfileItemId,
) -> Result<(access::Editable<profile::Model>, profile_item::Model), AppError> {
    // The item is found only through a profile the actor's organization owns.
    let (p, item) = access::profile_item_owned(conn, actor, item_id).await?;
    if p.status != ProfileStatus::Draft {
        return Err(immutable(&p));
    }
    Ok((p, item.into_inner()))
}

fn item_json(i: &profile_item::Model) -> serde_json::Value {
    json!({"section": i.section, "target": i.target, "responsible_party": i.responsible_party,
           "weight": i.weight, "evidence_required": i.evidence_required, "parameters": i.parameters})
}

/// The editable fields of one item, as a form sends them.
pub struct ItemInput<'a> {
    pub section: &'a str,
    pub target: &'a str,
    pub responsible_party: &'a str,
    pub weight: &'a str,
    pub evidence_required: bool,
    pub parameters: &'a str,
}

#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, item_id = ?item_id))]
pub async fn update_item(
    actor: &Actor,
    state: &AppState,
    item_id: ProfileItemId,
    input: ItemInput<'_>,
) -> Result<(), AppError> {
    actor.require(Permission::EditProfiles)?;
    let section = parse_name("section", input.section, 200)?;
    let target = parse_level("target", input.target)?;
    let party = Party::parse(input.responsible_party)?;
    let weight = parse_weight(input.weight)?;
    let parameters = input.parameters.trim();
    if parameters.chars().count() > 2000 {
        return Err(AppError::invalid(
            "parameters",
            "Use at most 2,000 characters.",
        ));
    }
    let txn = db::write_txn(&state.writer).await?;
    let (p, item) = item_in_draft(&txn, actor, item_id).await?;
    let before = item_json(&item);
    let mut am: profile_item::ActiveModel = item.into();
    am.section = Set(section);
    am.target = Set(target);
    am.responsible_party = Set(party);
    am.weight = Set(weight);
    am.evidence_required = Set(input.evidence_required);
    am.parameters = Set(parameters.to_string());
    let after = am.update(&txn).await?;
    audit::by_actor(
        &txn,
        actor,
        "profile.item_updated",
        "profile_item",
        format!("{}/{}", p.id, after.id),
        Some(before),
        Some(item_json(&after)),
    )
    .await?;
    Ok(txn.commit().await?)
}

/// Sets the same target, party, weight or evidence flag on several items of
/// one draft at once: all of them or, when one is not (or no longer) in the
/// profile, none. One audit event lists each item before and after.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id, items = item_ids.len()))]
pub async fn bulk_update(
    actor: &Actor,
    state: &AppState,
    id: ProfileId,
    item_ids: &[ProfileItemId],
    changes: Parsed<ItemChanges>,
) -> Result<usize, AppError> {
    actor.require(Permission::EditProfiles)?;
    let mut wanted: Vec<i64> = item_ids.iter().map(|i| i.0).collect();
    wanted.sort_unstable();
    wanted.dedup();
    if wanted.is_empty() {
        return Err(AppError::invalid(
            "item_ids",
            "Select at least one requirement to change.",
        ));
    }
    if wanted.len() > crate::server::import::MAX_ROWS {
        return Err(AppError::invalid("item_ids", "Select fewer requirements."));
    }
    let txn = db::write_txn(&state.writer).await?;
    let p = draft(&txn, actor, id.0).await?;
    let changes = changes.checked()?;
    let items = access::items_of(&p)
        .filter(profile_item::Column::Id.is_in(wanted.iter().copied()))
        .order_by_asc(profile_item::Column::Position)
        .all(&txn)
        .await?;
    if items.len() != wanted.len() {
        return Err(AppError::invalid(
            "item_ids",
            format!(
                "{} of the selected requirements are no longer in this profile; reload the page and select again. Nothing was changed.",
                wanted.len() - items.len()
            ),
        ));
    }
    let mut before = Vec::with_capacity(items.len());
    let mut after = Vec::with_capacity(items.len());
    for item in items {
        before.push(json!({"id": item.id, "ref": item.requirement_id, "item": item_json(&item)}));
        let mut am: profile_item::ActiveModel = item.into();
        if let Some(t) = changes.target {
            am.target = Set(t);
        }
        if let Some(party) = changes.responsible_party {
            am.responsible_party = Set(party);
        }
        if let Some(w) = changes.weight {
            am.weight = Set(w);
        }
        if let Some(e) = changes.evidence_required {
            am.evidence_required = Set(e);
        }
        let saved = am.update(&txn).await?;
        after.push(json!({"id": saved.id, "ref": saved.requirement_id, "item": item_json(&saved)}));
    }
    let n = after.len();
    audit::by_actor(
        &txn,
        actor,
        "profile.items_bulk_updated",
        "profile",
        p.id,
        Some(json!(before)),
        Some(json!(after)),
    )
    .await?;
    txn.commit().await?;
    Ok(n)
}

#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, item_id = ?item_id))]
pub async fn remove_item(
    actor: &Actor,
    state: &AppState,
    item_id: ProfileItemId,
) -> Result<(), AppError> {
    actor.require(Permission::EditProfiles)?;
    let txn = db::write_txn(&state.writer).await?;
    let (p, item) = item_in_draft(&txn, actor, item_id).await?;
    profile_item::Entity::delete_by_id(item.id)
        .exec(&txn)
        .await?;
    audit::by_actor(
        &txn,
        actor,
        "profile.item_removed",
        "profile_item",
        format!("{}/{}", p.id, item.id),
        Some(item_json(&item)),
        None,
    )
    .await?;
    Ok(txn.commit().await?)
}

/// Moves an item one place up or down.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, item_id = ?item_id))]
pub async fn move_item(
    actor: &Actor,
    state: &AppState,
    item_id: ProfileItemId,
    up: bool,
) -> Result<(), AppError> {
    actor.require(Permission::EditProfiles)?;
    let txn = db::write_txn(&state.writer).await?;
    let (p, item) = item_in_draft(&txn, actor, item_id).await?;
    let neighbour = access::items_of(&p)
        .filter(if up {
            profile_item::Column::Position.lt(item.position)
        } else {
            profile_item::Column::Position.gt(item.position)
        })
        .order_by(
            profile_item::Column::Position,
            if up {
                sea_orm::Order::Desc
            } else {
                sea_orm::Order::Asc
            },
        )
        .one(&txn)
        .await?;
    let Some(other) = neighbour else {
        return Ok(());
    };
    let (a, b) = (item.position, other.position);
    let mut x: profile_item::ActiveModel = item.clone().into();
    x.position = Set(b);
    x.update(&txn).await?;
    let mut y: profile_item::ActiveModel = other.into();
    y.position = Set(a);
    y.update(&txn).await?;
    audit::by_actor(
        &txn,
        actor,
        "profile.item_moved",
        "profile_item",
        format!("{}/{}", p.id, item.id),
        Some(json!({"position": a})),
        Some(json!({"position": b})),
    )
    .await?;
    Ok(txn.commit().await?)
}
