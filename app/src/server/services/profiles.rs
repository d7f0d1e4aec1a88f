//! Security profiles: an asset owner's selection of requirements with a
//! target per item. Drafts are edited; a published version never changes
//! again, and editing it means starting the next version as a draft.

use super::{catalogs, ts};
use crate::model::{
    AppError, CatalogId, Described, Permission, ProfileDto, ProfileId, ProfileItemDto,
    ProfileStatus, ProfileSummary, RequirementId,
};
use crate::server::{
    access,
    access::{find_owned, scoped},
    audit, db,
    entities::{catalog, profile, profile_item, requirement},
    Actor, AppState,
};
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::json;
use std::collections::HashMap;

pub(super) fn summary(p: &profile::Model, items: u64) -> ProfileSummary {
    ProfileSummary {
        id: p.id,
        name: p.name.clone(),
        version: p.version,
        status: p.status,
        items,
        updated: ts(p.published_at.unwrap_or(p.created_at)),
    }
}

async fn item_counts<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    ids: impl IntoIterator<Item = ProfileId>,
) -> Result<HashMap<ProfileId, u64>, AppError> {
    let rows: Vec<(ProfileId, i64)> = access::items_of_own_profiles(actor)
        .select_only()
        .column(profile_item::Column::ProfileId)
        .column_as(Expr::col(profile_item::Column::Id).count(), "n")
        .filter(profile_item::Column::ProfileId.is_in(ids))
        .group_by(profile_item::Column::ProfileId)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows.into_iter().map(|(id, n)| (id, n as u64)).collect())
}

#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn list(actor: &Actor, state: &AppState) -> Result<Vec<ProfileSummary>, AppError> {
    actor.require(Permission::ViewProfiles)?;
    let rows = scoped::<profile::Entity>(actor)
        .order_by_asc(profile::Column::Name)
        .order_by_desc(profile::Column::Version)
        .all(&state.db)
        .await?;
    let counts = item_counts(&state.db, actor, rows.iter().map(|p| p.id)).await?;
    Ok(rows
        .iter()
        .map(|p| summary(p, counts.get(&p.id).copied().unwrap_or(0)))
        .collect())
}

#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn create(
    actor: &Actor,
    state: &AppState,
    input: Described,
) -> Result<ProfileId, AppError> {
    actor.require(Permission::EditProfiles)?;
    let txn = db::write_txn(&state.writer).await?;
    let p = crate::server::writes::insert_profile_draft(
        &txn,
        actor,
        input.name,
        &input.description,
        state.clock.now(),
    )
    .await?;
    audit::by_actor(
        &txn,
        actor,
        "profile.created",
        "profile",
        p.id,
        None,
        Some(json!({"name": p.name, "version": 1})),
    )
    .await?;
    txn.commit().await?;
    Ok(p.id)
}

/// The profile with its items. A constant number of queries, whatever the
/// number of items: profile, versions, items, their requirements, catalogs.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn get(actor: &Actor, state: &AppState, id: ProfileId) -> Result<ProfileDto, AppError> {
    actor.require(Permission::ViewProfiles)?;
    let db = &state.db;
    let p = find_owned::<profile::Entity, _>(db, actor, id).await?;
    let versions = scoped::<profile::Entity>(actor)
        .filter(profile::Column::Lineage.eq(p.lineage.as_str()))
        .order_by_desc(profile::Column::Version)
        .all(db)
        .await?;
    let items = access::items_of(&p)
        .order_by_asc(profile_item::Column::Position)
        .all(db)
        .await?;
    let reqs: HashMap<RequirementId, requirement::Model> = access::requirements_readable(actor)
        .filter(requirement::Column::Id.is_in(items.iter().map(|i| i.requirement_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let cats: HashMap<CatalogId, (String, i32)> = access::catalogs_readable(actor)
        .filter(catalog::Column::Id.is_in(reqs.values().map(|r| r.catalog_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, (c.name, c.version)))
        .collect();
    let n = items.len() as u64;
    Ok(ProfileDto {
        id: p.id,
        name: p.name.clone(),
        description: p.description.clone(),
        version: p.version,
        status: p.status,
        published_at: p.published_at.map(ts),
        last_modified: p
            .published_at
            .unwrap_or(p.created_at)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        versions: versions
            .iter()
            .map(|v| summary(v, if v.id == p.id { n } else { 0 }))
            .collect(),
        items: items
            .into_iter()
            .filter_map(|i| {
                let r = reqs.get(&i.requirement_id)?.clone();
                Some(ProfileItemDto {
                    id: i.id,
                    catalog_id: r.catalog_id,
                    catalog_name: cats
                        .get(&r.catalog_id)
                        .map(|c| c.0.clone())
                        .unwrap_or_default(),
                    catalog_version: cats.get(&r.catalog_id).map(|c| c.1).unwrap_or(0),
                    requirement: catalogs::requirement_dto(r),
                    section: i.section,
                    target_kind: i.target_kind,
                    target: i.target,
                    responsible_party: i.responsible_party,
                    weight: i.weight,
                    evidence_required: i.evidence_required,
                    parameters: i.parameters,
                })
            })
            .collect(),
    })
}

pub(super) fn immutable(p: &profile::Model) -> AppError {
    AppError::Conflict(format!(
        "Version {} of {} is published and cannot change. Start a new version to edit it.",
        p.version, p.name
    ))
}

pub(super) async fn draft<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: i64,
) -> Result<access::Editable<profile::Model>, AppError> {
    // Locked: publishing takes the same lock, so no edit lands in a version
    // after it was published.
    let p = access::find_owned_for_update::<profile::Entity, _>(conn, actor, ProfileId(id)).await?;
    if p.status != ProfileStatus::Draft {
        return Err(immutable(&p));
    }
    Ok(p)
}

/// Publishes a draft: from now on this version never changes.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn publish(actor: &Actor, state: &AppState, id: ProfileId) -> Result<(), AppError> {
    actor.require(Permission::EditProfiles)?;
    let txn = db::write_txn(&state.writer).await?;
    let p = draft(&txn, actor, id.0).await?;
    let n = item_counts(&txn, actor, [p.id])
        .await?
        .get(&p.id)
        .copied()
        .unwrap_or(0);
    if n == 0 {
        return Err(AppError::invalid(
            "profile",
            "Add at least one requirement before publishing.",
        ));
    }
    let now = state.clock.now();
    let claimed = profile::Entity::update_many()
        .col_expr(
            profile::Column::Status,
            Expr::value(ProfileStatus::Published.as_str()),
        )
        .col_expr(profile::Column::PublishedAt, Expr::value(Some(now)))
        .filter(profile::Column::Id.eq(p.id))
        .filter(profile::Column::Status.eq(ProfileStatus::Draft))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(immutable(&p));
    }
    audit::by_actor(
        &txn,
        actor,
        "profile.published",
        "profile",
        p.id,
        Some(json!({"status": "draft"})),
        Some(json!({"status": "published", "version": p.version, "items": n})),
    )
    .await?;
    Ok(txn.commit().await?)
}

/// Starts the next version of a published profile as a draft copy.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn new_version(
    actor: &Actor,
    state: &AppState,
    id: ProfileId,
) -> Result<ProfileId, AppError> {
    actor.require(Permission::EditProfiles)?;
    let txn = db::write_txn(&state.writer).await?;
    let p = find_owned::<profile::Entity, _>(&txn, actor, id).await?;
    let versions = scoped::<profile::Entity>(actor)
        .filter(profile::Column::Lineage.eq(p.lineage.as_str()))
        .all(&txn)
        .await?;
    if let Some(d) = versions.iter().find(|v| v.status == ProfileStatus::Draft) {
        return Err(AppError::Conflict(format!(
            "Version {} is already a draft; edit that one.",
            d.version
        )));
    }
    let version = versions.iter().map(|v| v.version).max().unwrap_or(0) + 1;
    let copy = profile::ActiveModel {
        owner_org_id: Set(actor.org_id()),
        lineage: Set(p.lineage.clone()),
        version: Set(version),
        name: Set(p.name.clone()),
        description: Set(p.description.clone()),
        status: Set(ProfileStatus::Draft),
        created_by: Set(Some(actor.user_id())),
        created_at: Set(state.clock.now()),
        published_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let items = access::items_of(&p).all(&txn).await?;
    let copies: Vec<profile_item::ActiveModel> = items
        .into_iter()
        .map(|i| profile_item::ActiveModel {
            profile_id: Set(copy.id),
            requirement_id: Set(i.requirement_id),
            position: Set(i.position),
            section: Set(i.section),
            target_kind: Set(i.target_kind),
            target: Set(i.target),
            responsible_party: Set(i.responsible_party),
            weight: Set(i.weight),
            evidence_required: Set(i.evidence_required),
            parameters: Set(i.parameters),
            ..Default::default()
        })
        .collect();
    for chunk in copies.chunks(150) {
        profile_item::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await?;
    }
    audit::by_actor(
        &txn,
        actor,
        "profile.version_started",
        "profile",
        copy.id,
        Some(json!({"from": p.id, "version": p.version})),
        Some(json!({"version": version})),
    )
    .await?;
    txn.commit().await?;
    Ok(copy.id)
}

/// Compares two versions of the same profile.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn compare(
    actor: &Actor,
    state: &AppState,
    from: ProfileId,
    to: ProfileId,
) -> Result<crate::model::ProfileDiff, AppError> {
    let a = get(actor, state, from).await?;
    let b = get(actor, state, to).await?;
    if !a.versions.iter().any(|v| v.id == b.id) {
        return Err(AppError::invalid(
            "other",
            "Compare two versions of the same profile.",
        ));
    }
    let (added, removed, changed) = crate::model::diff_items(&a.items, &b.items);
    Ok(crate::model::ProfileDiff {
        name: b.name,
        from_version: a.version,
        to_version: b.version,
        added,
        removed,
        changed,
    })
}
