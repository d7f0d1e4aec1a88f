//! Security profiles: an asset owner's selection of requirements with a
//! target per item. Drafts are edited; a published version never changes
//! again, and editing it means starting the next version as a draft.

use super::{catalogs, ts};
use crate::model::{
    parse_level, parse_name, select_for_sl, AppError, CatalogId, ComponentType, Party, Permission,
    ProfileDto, ProfileId, ProfileItemDto, ProfileItemId, ProfileStatus, ProfileSummary,
    TargetKind,
};
use crate::server::{
    access,
    access::{find_owned, scoped},
    audit, db,
    entities::{catalog, profile, profile_item, requirement},
    respond::internal,
    Actor, AppState,
};
use chrono::Utc;
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::json;
use std::collections::HashMap;

fn summary(p: &profile::Model, items: u64) -> ProfileSummary {
    ProfileSummary {
        id: ProfileId(p.id),
        name: p.name.clone(),
        version: p.version,
        status: ProfileStatus::parse(&p.status),
        items,
        updated: ts(p.published_at.unwrap_or(p.created_at)),
    }
}

async fn item_counts<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, u64>, AppError> {
    let rows: Vec<(i64, i64)> = access::items_of_own_profiles(actor)
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

pub async fn create(
    actor: &Actor,
    state: &AppState,
    name: &str,
    description: &str,
) -> Result<ProfileId, AppError> {
    actor.require(Permission::EditProfiles)?;
    let name = parse_name("name", name, 200)?;
    let description = description.trim();
    if description.chars().count() > 2000 {
        return Err(AppError::invalid(
            "description",
            "Use at most 2,000 characters.",
        ));
    }
    let txn = db::write_txn(&state.writer).await?;
    let p = insert_draft(&txn, actor, name, description).await?;
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
    Ok(ProfileId(p.id))
}

/// A new profile lineage: version 1, a draft.
async fn insert_draft<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    name: String,
    description: &str,
) -> Result<profile::Model, AppError> {
    profile::ActiveModel {
        owner_org_id: Set(actor.org_id().0),
        lineage: Set(uuid::Uuid::new_v4().to_string()),
        version: Set(1),
        name: Set(name),
        description: Set(description.to_string()),
        status: Set(ProfileStatus::Draft.as_str().into()),
        created_by: Set(Some(actor.user_id().0)),
        created_at: Set(Utc::now()),
        published_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await
    .map_err(internal)
}

/// Imports a profile file (.csv or .xlsx as the export writes it, or an
/// OSCAL profile .json) as a new draft profile. Every row is checked, and
/// its catalog and requirement resolved among the catalogs the organization
/// may use, before anything is written; one transaction.
pub async fn import(
    actor: &Actor,
    state: &AppState,
    name: &str,
    filename: &str,
    bytes: &[u8],
) -> Result<ProfileId, AppError> {
    use crate::server::import::{self as imp, CatalogRef, RowErrors};
    actor.require(Permission::EditProfiles)?;
    let is_json = filename.to_lowercase().ends_with(".json");
    let (title, rows) = imp::parse_file(filename, bytes, move |f, b| {
        if is_json {
            imp::read_oscal_profile(b)
        } else {
            Ok((
                String::new(),
                imp::validate_profile(&imp::read_table(f, b)?)?,
            ))
        }
    })
    .await?;
    let name = match (name.trim(), title.trim()) {
        ("", "") => return Err(AppError::invalid("name", "Name the profile.")),
        ("", t) => t.to_string(),
        (n, _) => n.to_string(),
    };
    let name = parse_name("name", &name, 200)?;
    let cats = access::catalogs_readable(actor).all(&state.db).await?;
    let mut errors = RowErrors::default();
    // Each row's catalog, by name (newest version unless one is given) or id.
    let resolved: Vec<Option<&catalog::Model>> = rows
        .iter()
        .map(|r| {
            let found = match &r.catalog {
                CatalogRef::Named { name, version } => cats
                    .iter()
                    .filter(|c| {
                        c.name.eq_ignore_ascii_case(name) || c.key.eq_ignore_ascii_case(name)
                    })
                    .filter(|c| version.is_none_or(|v| c.version == v))
                    .max_by_key(|c| c.version),
                CatalogRef::Id(id) => cats.iter().find(|c| c.id == *id),
            };
            if found.is_none() {
                // The caller's own text is not echoed: the row and column say
                // where, and nothing in the answer depends on other tenants.
                let msg = match &r.catalog {
                    CatalogRef::Named {
                        version: Some(v), ..
                    } => format!(
                        "No catalog with this name or key and version {v} is available to you."
                    ),
                    CatalogRef::Named { .. } => {
                        "No catalog with this name or key is available to you.".to_string()
                    }
                    CatalogRef::Id(id) => {
                        format!("The catalog of this control (id {id}) is not available to you.")
                    }
                };
                errors.add(r.row, "catalog", msg);
            }
            found
        })
        .collect();
    let reqs = access::requirements_readable(actor)
        .filter(requirement::Column::CatalogId.is_in(resolved.iter().flatten().map(|c| c.id)))
        .all(&state.db)
        .await?;
    let by_ref: HashMap<(i64, &str), &requirement::Model> = reqs
        .iter()
        .map(|r| ((r.catalog_id, r.ref_id.as_str()), r))
        .collect();
    let by_token: HashMap<(i64, String), &requirement::Model> = reqs
        .iter()
        .map(|r| ((r.catalog_id, crate::server::oscal::token(&r.ref_id)), r))
        .collect();
    let mut seen = std::collections::HashSet::new();
    let mut items = Vec::new();
    for (r, cat) in rows.iter().zip(&resolved) {
        let Some(cat) = cat else { continue };
        let req = match r.catalog {
            CatalogRef::Id(_) => by_token.get(&(cat.id, r.ref_id.clone())).copied(),
            CatalogRef::Named { .. } => by_ref.get(&(cat.id, r.ref_id.as_str())).copied(),
        };
        let Some(req) = req else {
            errors.add(
                r.row,
                "ref_id",
                format!(
                    "“{}” is not in {} version {}.",
                    r.ref_id, cat.name, cat.version
                ),
            );
            continue;
        };
        if !seen.insert(req.id) {
            errors.add(
                r.row,
                "ref_id",
                format!("“{}” appears more than once.", req.ref_id),
            );
            continue;
        }
        let kind = TargetKind::for_part(cat.part.as_deref());
        if r.target_kind.is_some_and(|k| k != kind) {
            errors.add(
                r.row,
                "target_kind",
                format!(
                    "{} rates items by {}; use “{}”.",
                    cat.name,
                    if kind == TargetKind::Sl {
                        "security level (SL-T)"
                    } else {
                        "maturity level (ML)"
                    },
                    kind.as_str()
                ),
            );
            continue;
        }
        let party = r
            .party
            .unwrap_or_else(|| Party::parse(&cat.applies_to).unwrap_or(Party::ProductSupplier));
        let section = if r.section.is_empty() {
            format!("{} · {}", req.group_code, req.group_title)
        } else {
            r.section.clone()
        };
        items.push((req.id, section, kind, r, party));
    }
    errors.into_result(())?;
    let txn = db::write_txn(&state.writer).await?;
    let p = insert_draft(&txn, actor, name, "").await?;
    let rows: Vec<profile_item::ActiveModel> = items
        .iter()
        .enumerate()
        .map(
            |(i, (req, section, kind, r, party))| profile_item::ActiveModel {
                profile_id: Set(p.id),
                requirement_id: Set(*req),
                position: Set(i as i32),
                section: Set(section.clone()),
                target_kind: Set(kind.as_str().into()),
                target: Set(r.target),
                responsible_party: Set(party.as_str().into()),
                weight: Set(r.weight),
                evidence_required: Set(r.evidence_required),
                parameters: Set(r.parameters.clone()),
                ..Default::default()
            },
        )
        .collect();
    for chunk in rows.chunks(150) {
        profile_item::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await?;
    }
    audit::by_actor(
        &txn,
        actor,
        "profile.imported",
        "profile",
        p.id,
        None,
        Some(json!({
            "name": p.name, "version": 1, "items": items.len(),
            "file": filename.chars().take(200).collect::<String>()
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(ProfileId(p.id))
}

/// The profile with its items. A constant number of queries, whatever the
/// number of items: profile, versions, items, their requirements, catalogs.
pub async fn get(actor: &Actor, state: &AppState, id: ProfileId) -> Result<ProfileDto, AppError> {
    actor.require(Permission::ViewProfiles)?;
    let db = &state.db;
    let p = find_owned::<profile::Entity, _>(db, actor, id.0).await?;
    let versions = scoped::<profile::Entity>(actor)
        .filter(profile::Column::Lineage.eq(p.lineage.as_str()))
        .order_by_desc(profile::Column::Version)
        .all(db)
        .await?;
    let items = access::items_of(&p)
        .order_by_asc(profile_item::Column::Position)
        .all(db)
        .await?;
    let reqs: HashMap<i64, requirement::Model> = access::requirements_readable(actor)
        .filter(requirement::Column::Id.is_in(items.iter().map(|i| i.requirement_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let cats: HashMap<i64, (String, i32)> = access::catalogs_readable(actor)
        .filter(catalog::Column::Id.is_in(reqs.values().map(|r| r.catalog_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, (c.name, c.version)))
        .collect();
    let n = items.len() as u64;
    Ok(ProfileDto {
        id: ProfileId(p.id),
        name: p.name.clone(),
        description: p.description.clone(),
        version: p.version,
        status: ProfileStatus::parse(&p.status),
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
                    id: ProfileItemId(i.id),
                    catalog_id: CatalogId(r.catalog_id),
                    catalog_name: cats
                        .get(&r.catalog_id)
                        .map(|c| c.0.clone())
                        .unwrap_or_default(),
                    catalog_version: cats.get(&r.catalog_id).map(|c| c.1).unwrap_or(0),
                    requirement: catalogs::requirement_dto(r),
                    section: i.section,
                    target_kind: TargetKind::parse(&i.target_kind),
                    target: i.target,
                    responsible_party: Party::parse(&i.responsible_party).unwrap_or(Party::Other),
                    weight: i.weight,
                    evidence_required: i.evidence_required,
                    parameters: i.parameters,
                })
            })
            .collect(),
    })
}

fn immutable(p: &profile::Model) -> AppError {
    AppError::Conflict(format!(
        "Version {} of {} is published and cannot change. Start a new version to edit it.",
        p.version, p.name
    ))
}

async fn draft<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: i64,
) -> Result<access::Editable<profile::Model>, AppError> {
    let p = find_owned::<profile::Entity, _>(conn, actor, id).await?;
    if ProfileStatus::parse(&p.status) != ProfileStatus::Draft {
        return Err(immutable(&p));
    }
    Ok(p)
}

/// Adds, to a draft, the requirements of a catalog required at `sl_t` for a
/// component type (62443-4-2; no type for 3-3), or every item of a catalog
/// without security levels (2-4, 4-1, custom) with target maturity `sl_t`.
/// Items already in the profile stay as they are. Returns how many were added.
pub async fn add_from_catalog(
    actor: &Actor,
    state: &AppState,
    id: ProfileId,
    catalog_id: CatalogId,
    component_type: Option<ComponentType>,
    level: &str,
) -> Result<usize, AppError> {
    actor.require(Permission::EditProfiles)?;
    let level = parse_level("level", level)?;
    let txn = db::write_txn(&state.writer).await?;
    let p = draft(&txn, actor, id.0).await?;
    let cat = access::catalog_readable(&txn, actor, catalog_id.0).await?;
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
    let added = append_items(&txn, &p, &cat, &chosen, level).await?;
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

/// Appends requirements of one catalog to a draft with target `level`,
/// skipping those already in it. Returns how many were added.
async fn append_items<C: ConnectionTrait>(
    conn: &C,
    p: &access::Readable<profile::Model>,
    cat: &catalog::Model,
    chosen: &[&requirement::Model],
    level: i16,
) -> Result<usize, AppError> {
    let existing: Vec<i64> = access::items_of(p)
        .select_only()
        .column(profile_item::Column::RequirementId)
        .into_tuple()
        .all(conn)
        .await?;
    let next = existing.len() as i32;
    let kind = TargetKind::for_part(cat.part.as_deref());
    let party = Party::parse(&cat.applies_to).unwrap_or(Party::ProductSupplier);
    let new: Vec<profile_item::ActiveModel> = chosen
        .iter()
        .filter(|r| !existing.contains(&r.id))
        .enumerate()
        .map(|(i, r)| profile_item::ActiveModel {
            profile_id: Set(p.id),
            requirement_id: Set(r.id),
            position: Set(next + i as i32),
            section: Set(format!("{} · {}", r.group_code, r.group_title)),
            target_kind: Set(kind.as_str().into()),
            target: Set(level),
            responsible_party: Set(party.as_str().into()),
            weight: Set(1),
            evidence_required: Set(false),
            parameters: Set(String::new()),
            ..Default::default()
        })
        .collect();
    let added = new.len();
    for chunk in new.chunks(150) {
        profile_item::Entity::insert_many(chunk.to_vec())
            .exec(conn)
            .await?;
    }
    Ok(added)
}

/// Adds requirements picked one by one in the catalog browser to a draft,
/// all at target `level`. Unknown identifiers are refused, naming them.
pub async fn add_picked(
    actor: &Actor,
    state: &AppState,
    id: ProfileId,
    catalog_id: CatalogId,
    ref_ids: &[String],
    level: &str,
) -> Result<usize, AppError> {
    actor.require(Permission::EditProfiles)?;
    let level = parse_level("level", level)?;
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
    let cat = access::catalog_readable(&txn, actor, catalog_id.0).await?;
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
    let added = append_items(&txn, &p, &cat, &chosen, level).await?;
    audit::by_actor(
        &txn,
        actor,
        "profile.items_added",
        "profile",
        p.id,
        None,
        Some(json!({
            "catalog": cat.key, "catalog_version": cat.version,
            "picked": chosen.iter().map(|r| r.ref_id.as_str()).collect::<Vec<_>>(),
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
    let (p, item) = access::profile_item_owned(conn, actor, item_id.0).await?;
    if ProfileStatus::parse(&p.status) != ProfileStatus::Draft {
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
    let weight = match input.weight.trim().parse::<i16>() {
        Ok(w @ 0..=100) => w,
        _ => {
            return Err(AppError::invalid(
                "weight",
                "Use a whole number from 0 to 100.",
            ))
        }
    };
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
    am.responsible_party = Set(party.as_str().into());
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

/// Publishes a draft: from now on this version never changes.
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
    let now = Utc::now();
    let claimed = profile::Entity::update_many()
        .col_expr(
            profile::Column::Status,
            Expr::value(ProfileStatus::Published.as_str()),
        )
        .col_expr(profile::Column::PublishedAt, Expr::value(Some(now)))
        .filter(profile::Column::Id.eq(p.id))
        .filter(profile::Column::Status.eq(ProfileStatus::Draft.as_str()))
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
pub async fn new_version(
    actor: &Actor,
    state: &AppState,
    id: ProfileId,
) -> Result<ProfileId, AppError> {
    actor.require(Permission::EditProfiles)?;
    let txn = db::write_txn(&state.writer).await?;
    let p = find_owned::<profile::Entity, _>(&txn, actor, id.0).await?;
    let versions = scoped::<profile::Entity>(actor)
        .filter(profile::Column::Lineage.eq(p.lineage.as_str()))
        .all(&txn)
        .await?;
    if let Some(d) = versions
        .iter()
        .find(|v| ProfileStatus::parse(&v.status) == ProfileStatus::Draft)
    {
        return Err(AppError::Conflict(format!(
            "Version {} is already a draft; edit that one.",
            d.version
        )));
    }
    let version = versions.iter().map(|v| v.version).max().unwrap_or(0) + 1;
    let copy = profile::ActiveModel {
        owner_org_id: Set(actor.org_id().0),
        lineage: Set(p.lineage.clone()),
        version: Set(version),
        name: Set(p.name.clone()),
        description: Set(p.description.clone()),
        status: Set(ProfileStatus::Draft.as_str().into()),
        created_by: Set(Some(actor.user_id().0)),
        created_at: Set(Utc::now()),
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
    Ok(ProfileId(copy.id))
}

/// Compares two versions of the same profile.
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
