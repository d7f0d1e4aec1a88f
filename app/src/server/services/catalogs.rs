//! Requirement catalogs: the shipped IEC 62443 catalogs (loaded from data
//! files in the repository, idempotently, one version at a time) and the
//! catalogs an organization owns.

use crate::model::{
    AppError, CatalogDto, CatalogId, CatalogSummary, ComponentType, RequirementDto,
};
use crate::server::{
    access,
    audit::{self, Event, Who},
    db,
    entities::{catalog, requirement},
    respond::unique_violation,
    Actor, AppState,
};
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::json;
use std::collections::HashMap;

use crate::server::shipped::CatalogFile;
pub use crate::server::shipped::SHIPPED;

/// Loads every shipped catalog version that the database does not have yet.
/// Re-running adds nothing; a new file version is added beside the old one,
/// which profiles keep pointing at. Returns how many versions were added.
pub async fn load_shipped(
    db: &sea_orm::DatabaseConnection,
    key: &audit::AuditKey,
) -> Result<usize, DbErr> {
    load_files(db, key, SHIPPED).await
}

/// Loads catalog data files (the format of `app/data/catalogs/`): each
/// key and version once.
pub async fn load_files(
    db: &sea_orm::DatabaseConnection,
    key: &audit::AuditKey,
    files: &[&str],
) -> Result<usize, DbErr> {
    let mut added = 0;
    for text in files {
        let file: CatalogFile = serde_json::from_str(text)
            .map_err(|e| DbErr::Custom(format!("shipped catalog data: {e}")))?;
        let txn = db::write_txn(db).await?;
        // access: allow — shipped catalogs at start-up, no actor.
        let exists = catalog::Entity::find()
            .filter(catalog::Column::OwnerOrgId.is_null())
            .filter(catalog::Column::Key.eq(file.key.as_str()))
            .filter(catalog::Column::Version.eq(file.version))
            .one(&txn)
            .await?;
        if exists.is_some() {
            continue;
        }
        let cat = catalog::ActiveModel {
            owner_org_id: Set(None),
            key: Set(file.key.clone()),
            name: Set(file.name.clone()),
            version: Set(file.version),
            part: Set(file.part.clone()),
            applies_to: Set(file.applies_to.clone()),
            source: Set(file.source.clone()),
            created_at: Set(chrono::Utc::now()),
            origin: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        insert_requirements(&txn, cat.id.0, &file.requirements).await?;
        audit::record(
            &txn,
            &Who::system(key, "catalog-loader"),
            Event {
                org: None,
                action: "catalog.loaded",
                object_type: "catalog",
                object_id: cat.id.to_string(),
                before: None,
                after: Some(json!({"key": file.key, "version": file.version, "requirements": file.requirements.len()})),
            },
        )
        .await?;
        txn.commit().await?;
        added += 1;
    }
    Ok(added)
}

fn join_levels(sl: &Option<Vec<u8>>) -> Option<String> {
    sl.as_ref().map(|l| {
        l.iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(",")
    })
}

fn parse_levels(s: &Option<String>) -> Option<Vec<u8>> {
    s.as_ref()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
}

pub(crate) async fn insert_requirements<C: ConnectionTrait>(
    conn: &C,
    catalog_id: i64,
    reqs: &[RequirementDto],
) -> Result<(), DbErr> {
    // In chunks: SQLite limits the number of bound values per statement.
    for (chunk_no, chunk) in reqs.chunks(200).enumerate() {
        let rows = chunk
            .iter()
            .enumerate()
            .map(|(i, r)| requirement::ActiveModel {
                catalog_id: Set(CatalogId(catalog_id)),
                position: Set((chunk_no * 200 + i) as i32),
                ref_id: Set(r.ref_id.clone()),
                kind: Set(r.kind.clone()),
                group_code: Set(r.group.clone()),
                group_title: Set(r.group_title.clone()),
                title: Set(r.title.clone()),
                description: Set(r.description.clone()),
                parent_ref: Set(r.parent.clone()),
                sl: Set(join_levels(&r.sl)),
                component_types: Set(r
                    .component_types
                    .as_ref()
                    .map(|t| t.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(","))),
                verified: Set(r.verified),
                ..Default::default()
            });
        requirement::Entity::insert_many(rows).exec(conn).await?;
    }
    Ok(())
}

pub(crate) fn requirement_dto(r: requirement::Model) -> RequirementDto {
    RequirementDto {
        component_types: r
            .component_types
            .as_ref()
            .map(|t| t.split(',').filter_map(ComponentType::parse).collect()),
        sl: parse_levels(&r.sl),
        ref_id: r.ref_id,
        kind: r.kind,
        group: r.group_code,
        group_title: r.group_title,
        title: r.title,
        description: r.description,
        parent: r.parent_ref,
        verified: r.verified,
    }
}

#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn list(actor: &Actor, state: &AppState) -> Result<Vec<CatalogSummary>, AppError> {
    let cats = access::catalogs_readable(actor)
        .order_by_asc(catalog::Column::OwnerOrgId)
        .order_by_asc(catalog::Column::Key)
        .order_by_desc(catalog::Column::Version)
        .all(&state.db)
        .await?;
    // One grouped count for all catalogs, not a query per catalog.
    let counts: Vec<(CatalogId, i64)> = access::requirements_readable(actor)
        .select_only()
        .column(requirement::Column::CatalogId)
        .column_as(Expr::col(requirement::Column::Id).count(), "n")
        .filter(requirement::Column::CatalogId.is_in(cats.iter().map(|c| c.id)))
        .group_by(requirement::Column::CatalogId)
        .into_tuple()
        .all(&state.db)
        .await?;
    Ok(cats
        .into_iter()
        .map(|c| CatalogSummary {
            requirements: counts
                .iter()
                .find(|(id, _)| *id == c.id)
                .map(|(_, n)| *n as u64)
                .unwrap_or(0),
            id: c.id,
            key: c.key,
            name: c.name,
            version: c.version,
            part: c.part,
            shipped: c.owner_org_id.is_none(),
        })
        .collect())
}

#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn get(actor: &Actor, state: &AppState, id: CatalogId) -> Result<CatalogDto, AppError> {
    let c = access::catalog_readable(&state.db, actor, id).await?;
    let reqs = access::requirements_of(&c)
        .order_by_asc(requirement::Column::Position)
        .all(&state.db)
        .await?;
    Ok(catalog_dto(c.into_inner(), reqs))
}

fn catalog_dto(c: catalog::Model, reqs: Vec<requirement::Model>) -> CatalogDto {
    let requirements: Vec<RequirementDto> = reqs.into_iter().map(requirement_dto).collect();
    CatalogDto {
        summary: CatalogSummary {
            id: c.id,
            key: c.key,
            name: c.name,
            version: c.version,
            part: c.part,
            shipped: c.owner_org_id.is_none(),
            requirements: requirements.len() as u64,
        },
        last_modified: c
            .created_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        applies_to: c.applies_to,
        source: c.source,
        requirements,
        origin: c
            .origin
            .as_deref()
            .and_then(|o| serde_json::from_str(o).ok()),
    }
}

/// The newest version of each shipped catalog with its requirements: two
/// queries, whatever the number of catalogs and requirements. Shipped
/// catalogs are readable by every signed-in user.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn shipped_latest(actor: &Actor, state: &AppState) -> Result<Vec<CatalogDto>, AppError> {
    let all = access::catalogs_readable(actor)
        .filter(catalog::Column::OwnerOrgId.is_null())
        .order_by_asc(catalog::Column::Key)
        .order_by_desc(catalog::Column::Version)
        .all(&state.db)
        .await?;
    let mut latest: Vec<catalog::Model> = Vec::new();
    for c in all {
        if latest.last().is_none_or(|l| l.key != c.key) {
            latest.push(c);
        }
    }
    let mut reqs: HashMap<i64, Vec<requirement::Model>> = HashMap::new();
    for r in access::requirements_readable(actor)
        .filter(requirement::Column::CatalogId.is_in(latest.iter().map(|c| c.id)))
        .order_by_asc(requirement::Column::CatalogId)
        .order_by_asc(requirement::Column::Position)
        .all(&state.db)
        .await?
    {
        reqs.entry(r.catalog_id.0).or_default().push(r);
    }
    Ok(latest
        .into_iter()
        .map(|c| {
            let r = reqs.remove(&c.id.0).unwrap_or_default();
            catalog_dto(c, r)
        })
        .collect())
}

/// Creates an organization's own catalog from a validated list of
/// requirements, in one transaction.
async fn create_owned(
    actor: &Actor,
    state: &AppState,
    name: &str,
    reqs: &[RequirementDto],
    origin: Option<crate::model::OscalOrigin>,
    action: &str,
) -> Result<CatalogSummary, AppError> {
    let info = actor.request();
    let name = crate::model::parse_name("name", name, 300)?;
    let txn = db::write_txn(&state.writer).await?;
    let cat = catalog::ActiveModel {
        owner_org_id: Set(Some(actor.org_id())),
        key: Set(format!(
            "custom-{}",
            &uuid::Uuid::new_v4().simple().to_string()[..12]
        )),
        name: Set(name),
        version: Set(1),
        part: Set(None),
        applies_to: Set("product_supplier".into()),
        source: Set("Your organization's own requirements".into()),
        created_at: Set(state.clock.now()),
        origin: Set(origin.map(|o| json!(o).to_string())),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    insert_requirements(&txn, cat.id.0, reqs).await?;
    audit::record(
        &txn,
        &Who::user(actor.audit_key(), actor.user_id(), &info.request_id),
        Event {
            org: Some(actor.org_id()),
            action,
            object_type: "catalog",
            object_id: cat.id.to_string(),
            before: None,
            after: Some(json!({"name": cat.name, "requirements": reqs.len()})),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(CatalogSummary {
        id: cat.id,
        key: cat.key,
        name: cat.name,
        version: cat.version,
        part: None,
        shipped: false,
        requirements: reqs.len() as u64,
    })
}

/// Imports a CSV or .xlsx file as a new catalog of the actor's organization.
/// The whole file is checked first; any problem and nothing is written.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn import(
    actor: &Actor,
    state: &AppState,
    name: &str,
    filename: &str,
    bytes: &[u8],
) -> Result<CatalogSummary, AppError> {
    use crate::server::import as imp;
    actor.require(crate::model::Permission::EditProfiles)?;
    let is_json = filename.to_lowercase().ends_with(".json");
    let (oscal, reqs) = imp::parse_file(filename, bytes, move |f, b| {
        if is_json {
            let (title, origin, reqs) = imp::read_oscal(b)?;
            Ok((Some((title, origin)), reqs))
        } else {
            Ok((None, imp::validate(&imp::read_table(f, b)?)?))
        }
    })
    .await?;
    match oscal {
        // An OSCAL catalog keeps its identity; without a name, its title.
        Some((title, origin)) => {
            let name = if name.trim().is_empty() { &title } else { name };
            create_owned(actor, state, name, &reqs, Some(origin), "catalog.imported").await
        }
        None => create_owned(actor, state, name, &reqs, None, "catalog.imported").await,
    }
}

/// Adds one requirement, typed in by hand, to the organization's own catalog.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn add_requirement(
    actor: &Actor,
    state: &AppState,
    id: CatalogId,
    r: RequirementDto,
) -> Result<(), AppError> {
    let info = actor.request();
    actor.require(crate::model::Permission::EditProfiles)?;
    let txn = db::write_txn(&state.writer).await?;
    let cat = access::catalog_owned(&txn, actor, id).await?;
    let last: Option<Option<i32>> = access::requirements_of(&cat)
        .select_only()
        .column_as(Expr::col(requirement::Column::Position).max(), "m")
        .into_tuple::<Option<i32>>()
        .one(&txn)
        .await?;
    let next_position = last.flatten().map(|p| p + 1).unwrap_or(0);
    requirement::ActiveModel {
        catalog_id: Set(cat.id),
        position: Set(next_position),
        ref_id: Set(r.ref_id.clone()),
        kind: Set(r.kind.clone()),
        group_code: Set(r.group.clone()),
        group_title: Set(r.group_title.clone()),
        title: Set(r.title.clone()),
        description: Set(r.description.clone()),
        parent_ref: Set(None),
        sl: Set(None),
        component_types: Set(None),
        verified: Set(true),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        // ux_requirements_ref: a reference once per catalog.
        if unique_violation(&e) {
            AppError::invalid(
                "ref_id",
                format!("“{}” is already in this catalog.", r.ref_id),
            )
        } else {
            e.into()
        }
    })?;
    if cat.origin.is_some() {
        // Changed here: no longer the imported document.
        let mut am: catalog::ActiveModel = cat.clone().into_inner().into();
        am.origin = Set(None);
        am.update(&txn).await?;
    }
    audit::record(
        &txn,
        &Who::user(actor.audit_key(), actor.user_id(), &info.request_id),
        Event {
            org: Some(actor.org_id()),
            action: "catalog.requirement_added",
            object_type: "catalog",
            object_id: cat.id.to_string(),
            before: None,
            after: Some(json!({"ref_id": r.ref_id, "title": r.title})),
        },
    )
    .await?;
    Ok(txn.commit().await?)
}

/// Creates an empty catalog of the actor's organization.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn create(
    actor: &Actor,
    state: &AppState,
    name: &str,
) -> Result<CatalogSummary, AppError> {
    actor.require(crate::model::Permission::EditProfiles)?;
    create_owned(actor, state, name, &[], None, "catalog.created").await
}
