//! A supplier's product library: its products (components of a 4-2 type,
//! systems, service offerings), their versions, and the 62443 certificates
//! of a version or of the organization. Suppliers only; for anyone else the
//! library does not exist, and one supplier's library is invisible to every
//! other organization. Four queries per page, whatever the library's size.

use crate::model::{
    parse_name, parse_optional_date, parse_text, AppError, CertPart, Certificate, CertificateDto,
    CertificateForm, ComponentType, Permission, ProductDto, ProductForm, ProductKind,
    ProductLibrary, ProductVersionDto,
};
use crate::server::{
    access, audit, db,
    entities::{certificate, library_evidence, product, product_version},
    read_models,
    respond::unique_violation,
    Actor, AppState,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;
use std::collections::HashMap;

fn require_view(actor: &Actor) -> Result<(), AppError> {
    actor.require(Permission::ViewProducts)
}

fn require_edit(actor: &Actor) -> Result<(), AppError> {
    require_view(actor)?;
    actor.require(Permission::EditProducts)
}

/// The supplier's whole library: products by name, each with its versions
/// (newest first) and their certificates, and the organization's own
/// certificates.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn library(actor: &Actor, state: &AppState) -> Result<ProductLibrary, AppError> {
    require_view(actor)?;
    let conn = &state.db;
    let today = state.clock.today();
    let products = access::scoped::<product::Entity>(actor)
        .order_by_asc(product::Column::Name)
        .all(conn)
        .await?;
    let versions = access::scoped::<product_version::Entity>(actor)
        .order_by_desc(product_version::Column::Id)
        .all(conn)
        .await?;
    let certificates = access::scoped::<certificate::Entity>(actor)
        .order_by_desc(certificate::Column::ExpiresOn)
        .all(conn)
        .await?;
    // Each certificate's file, if one is kept.
    let files = access::scoped::<library_evidence::Entity>(actor)
        .filter(library_evidence::Column::CertificateId.is_not_null())
        .all(conn)
        .await?;
    let version_of: HashMap<i64, Option<i64>> = certificates
        .iter()
        .map(|c| (c.id, c.product_version_id))
        .collect();
    let mut certificates: Vec<CertificateDto> = certificates
        .into_iter()
        .map(|c| read_models::certificate_dto(c, today))
        .collect();
    read_models::attach_certificate_files(&mut certificates, files);
    let mut org_certificates = Vec::new();
    let mut of_version: HashMap<i64, Vec<CertificateDto>> = HashMap::new();
    for c in certificates {
        match version_of.get(&c.id).copied().flatten() {
            Some(v) => of_version.entry(v).or_default().push(c),
            None => org_certificates.push(c),
        }
    }
    let mut of_product: HashMap<i64, Vec<ProductVersionDto>> = HashMap::new();
    for v in versions {
        of_product
            .entry(v.product_id)
            .or_default()
            .push(ProductVersionDto {
                id: v.id,
                certificates: of_version.remove(&v.id).unwrap_or_default(),
                version: v.version,
                released_on: v.released_on,
                past_end_of_support: v.end_of_support.is_some_and(|d| d < today),
                end_of_support: v.end_of_support,
            });
    }
    Ok(ProductLibrary {
        products: products
            .into_iter()
            .map(|p| ProductDto {
                id: p.id,
                versions: of_product.remove(&p.id).unwrap_or_default(),
                name: p.name,
                kind: ProductKind::parse(&p.kind).unwrap_or(ProductKind::Component),
                component_type: p.component_type.as_deref().and_then(ComponentType::parse),
                description: p.description,
            })
            .collect(),
        certificates: org_certificates,
        may_edit: actor.may(Permission::EditProducts),
    })
}

/// One product of the supplier's; anyone else's is not found.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn product(actor: &Actor, state: &AppState, id: i64) -> Result<ProductDto, AppError> {
    require_view(actor)?;
    access::find_owned::<product::Entity, _>(&state.db, actor, id).await?;
    library(actor, state)
        .await?
        .products
        .into_iter()
        .find(|p| p.id == id)
        .ok_or(AppError::NotFound)
}

/// A new product, system or service offering.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn create_product(
    actor: &Actor,
    state: &AppState,
    form: &ProductForm,
) -> Result<i64, AppError> {
    require_edit(actor)?;
    let name = parse_name("name", &form.name, 200)?;
    let kind = ProductKind::parse(&form.kind).ok_or_else(|| {
        AppError::invalid(
            "kind",
            "Choose what it is: a component, a system or a service offering.",
        )
    })?;
    let component_type = match kind {
        ProductKind::Component => {
            Some(ComponentType::parse(&form.component_type).ok_or_else(|| {
                AppError::invalid(
                    "component_type",
                    "Choose the component type: SAR, EDR, HDR or NDR.",
                )
            })?)
        }
        _ => None,
    };
    let description = parse_text("description", &form.description, 2000)?;
    let txn = db::write_txn(&state.writer).await?;
    let p = product::ActiveModel {
        organization_id: Set(actor.org_id()),
        name: Set(name.clone()),
        kind: Set(kind.as_str().into()),
        component_type: Set(component_type.map(|t| t.as_str().to_string())),
        description: Set(description),
        created_by: Set(Some(actor.user_id())),
        created_at: Set(state.clock.now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if unique_violation(&e) {
            AppError::invalid(
                "name",
                format!("A product named “{name}” is already in your library."),
            )
        } else {
            e.into()
        }
    })?;
    audit::by_actor(
        &txn,
        actor,
        "product.created",
        "product",
        p.id,
        None,
        Some(json!({"name": name, "kind": kind.as_str(), "type": component_type.map(|t| t.as_str())})),
    )
    .await?;
    txn.commit().await?;
    Ok(p.id)
}

/// A new version of one of the supplier's products.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn add_version(
    actor: &Actor,
    state: &AppState,
    product_id: i64,
    version: &str,
    released_on: &str,
    end_of_support: &str,
) -> Result<i64, AppError> {
    require_edit(actor)?;
    let version = parse_name("version", version, 100)?;
    let released_on = parse_optional_date("released_on", released_on)?;
    let end_of_support = parse_optional_date("end_of_support", end_of_support)?;
    if let (Some(r), Some(e)) = (released_on, end_of_support) {
        if e < r {
            return Err(AppError::invalid(
                "end_of_support",
                "Support cannot end before the release.",
            ));
        }
    }
    let txn = db::write_txn(&state.writer).await?;
    let p = access::find_owned::<product::Entity, _>(&txn, actor, product_id)
        .await?
        .into_inner();
    let v = product_version::ActiveModel {
        organization_id: Set(actor.org_id()),
        product_id: Set(p.id),
        version: Set(version.clone()),
        released_on: Set(released_on),
        end_of_support: Set(end_of_support),
        created_at: Set(state.clock.now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if unique_violation(&e) {
            AppError::invalid(
                "version",
                format!("{} already has a version “{version}”.", p.name),
            )
        } else {
            e.into()
        }
    })?;
    // It starts with the previous version's answers.
    let copied =
        super::product_answers::copy_from_previous(&txn, actor, &v, state.clock.now()).await?;
    audit::by_actor(
        &txn,
        actor,
        "product.version_added",
        "product",
        p.id,
        None,
        Some(json!({"version": version, "released_on": released_on, "end_of_support": end_of_support, "answers_copied": copied})),
    )
    .await?;
    txn.commit().await?;
    Ok(v.id)
}

/// A certificate for a product version (3-3 for a system, 4-2 for a
/// component) or, without a version, for the organization (2-4, 4-1).
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn add_certificate(
    actor: &Actor,
    state: &AppState,
    version_id: Option<i64>,
    form: &CertificateForm,
) -> Result<i64, AppError> {
    require_edit(actor)?;
    let c = Certificate::parse(form, version_id.is_some(), state.clock.today())?;
    let txn = db::write_txn(&state.writer).await?;
    let version = match version_id {
        Some(id) => {
            let v = access::find_owned::<product_version::Entity, _>(&txn, actor, id)
                .await?
                .into_inner();
            let p = access::find_owned::<product::Entity, _>(&txn, actor, v.product_id)
                .await?
                .into_inner();
            let fits = match ProductKind::parse(&p.kind) {
                Some(ProductKind::Component) => c.part == CertPart::P4_2,
                Some(ProductKind::System) => c.part == CertPart::P3_3,
                _ => false,
            };
            if !fits {
                return Err(AppError::invalid(
                    "part",
                    format!(
                        "{} is {}: it holds {} certificates.",
                        p.name,
                        ProductKind::parse(&p.kind).map_or("a product", |k| match k {
                            ProductKind::Component => "a component",
                            ProductKind::System => "a system",
                            ProductKind::Service => "a service offering",
                        }),
                        match ProductKind::parse(&p.kind) {
                            Some(ProductKind::Component) => "4-2 (e.g. ISASecure CSA)",
                            Some(ProductKind::System) => "3-3 (e.g. ISASecure SSA)",
                            _ => "no product",
                        }
                    ),
                ));
            }
            Some(v)
        }
        None => None,
    };
    let m = certificate::ActiveModel {
        organization_id: Set(actor.org_id()),
        product_version_id: Set(version.as_ref().map(|v| v.id)),
        scheme: Set(c.scheme.as_str().into()),
        scheme_name: Set(c.scheme_name.clone()),
        part: Set(c.part.as_str().into()),
        levels: Set(c.levels.stored()),
        number: Set(c.number.clone()),
        scope: Set(c.scope.clone()),
        issuer: Set(c.issuer.clone()),
        issued_on: Set(c.issued_on),
        expires_on: Set(c.expires_on),
        created_by: Set(Some(actor.user_id())),
        created_at: Set(state.clock.now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::by_actor(
        &txn,
        actor,
        "certificate.recorded",
        "certificate",
        m.id,
        None,
        Some(json!({
            "version": version.as_ref().map(|v| v.id),
            "scheme": c.scheme.as_str(),
            "part": c.part.as_str(),
            "levels": c.levels.stored(),
            "number": c.number,
            "expires_on": c.expires_on.to_string(),
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(m.id)
}
