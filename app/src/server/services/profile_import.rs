//! Importing a profile from a table or an OSCAL profile: every row checked
//! and every catalog and requirement resolved before the draft is written.

use crate::model::{parse_name, AppError, CatalogId, Party, Permission, ProfileId, TargetKind};
use crate::server::writes::insert_profile_draft as insert_draft;
use crate::server::{
    access, audit, db,
    entities::{catalog, profile_item, requirement},
    Actor, AppState,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use std::collections::HashMap;

/// Imports a profile file (.csv or .xlsx as the export writes it, or an
/// OSCAL profile .json) as a new draft profile. Every row is checked, and
/// its catalog and requirement resolved among the catalogs the organization
/// may use, before anything is written; one transaction.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
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
                CatalogRef::Id(id) => cats.iter().find(|c| c.id == CatalogId(*id)),
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
    let by_ref: HashMap<(CatalogId, &str), &requirement::Model> = reqs
        .iter()
        .map(|r| ((r.catalog_id, r.ref_id.as_str()), r))
        .collect();
    let by_token: HashMap<(CatalogId, String), &requirement::Model> = reqs
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
    let p = insert_draft(&txn, actor, name, "", state.clock.now()).await?;
    let rows: Vec<profile_item::ActiveModel> = items
        .iter()
        .enumerate()
        .map(
            |(i, (req, section, kind, r, party))| profile_item::ActiveModel {
                profile_id: Set(p.id),
                requirement_id: Set(*req),
                position: Set(i as i32),
                section: Set(section.clone()),
                target_kind: Set(*kind),
                target: Set(r.target),
                responsible_party: Set(*party),
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
    Ok(p.id)
}
