//! Product answer sets a supplier shared with an asset owner: the owner
//! reads the set, its certificates and its changes only through a share
//! that names it and is not revoked. Everything hangs off a
//! [`Readable`] share, so a revoked set is gone at once.

use super::*;
use crate::server::entities::{
    certificate, library_evidence, product, product_answer, product_share, product_share_change,
    product_version,
};

/// The answer sets shared with the actor's organization, not revoked.
pub fn shared_with_us(actor: &Actor) -> Select<product_share::Entity> {
    product_share::Entity::find()
        .filter(product_share::Column::OwnerOrgId.eq(actor.org_id().0))
        .filter(product_share::Column::RevokedAt.is_null())
}

/// One share the actor's organization may read as the asset owner it is
/// shared with; a revoked one, or anyone else's, is not found.
pub async fn share_readable<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: i64,
) -> Result<Readable<product_share::Model>, AppError> {
    if !actor.may(Permission::ViewSharedProducts) {
        return Err(AppError::NotFound);
    }
    shared_with_us(actor)
        .filter(product_share::Column::Id.eq(id))
        .one(conn)
        .await
        .found_readable()
}

/// The product version a share is about, and its product.
pub async fn shared_version<C: ConnectionTrait>(
    conn: &C,
    s: &Readable<product_share::Model>,
) -> Result<(product_version::Model, product::Model), AppError> {
    let v = product_version::Entity::find_by_id(s.product_version_id)
        .filter(product_version::Column::OrganizationId.eq(s.organization_id.0))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let p = product::Entity::find_by_id(v.product_id)
        .filter(product::Column::OrganizationId.eq(s.organization_id.0))
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((v, p))
}

/// The answers of the shared version.
pub fn shared_answers(s: &Readable<product_share::Model>) -> Select<product_answer::Entity> {
    product_answer::Entity::find()
        .filter(product_answer::Column::OrganizationId.eq(s.organization_id.0))
        .filter(product_answer::Column::ProductVersionId.eq(s.product_version_id))
}

/// The certificates that go with the shared version: its own and the
/// supplier's organization-wide ones.
pub fn shared_certificates(s: &Readable<product_share::Model>) -> Select<certificate::Entity> {
    certificate::Entity::find()
        .filter(certificate::Column::OrganizationId.eq(s.organization_id.0))
        .filter(
            Condition::any()
                .add(certificate::Column::ProductVersionId.eq(s.product_version_id))
                .add(certificate::Column::ProductVersionId.is_null()),
        )
}

/// What changed in the shared set since it was shared with the owner.
pub fn changes_of_share(
    s: &Readable<product_share::Model>,
) -> Select<product_share_change::Entity> {
    product_share_change::Entity::find()
        .filter(product_share_change::Column::OrganizationId.eq(s.organization_id.0))
        .filter(product_share_change::Column::ShareId.eq(s.id))
}

/// The certificates an assessment shows to both of its parties and its
/// assessors: those of the product version the supplier bound it to, and
/// those its answers cite as evidence (fill from product). The supplier's
/// other certificates stay in its library.
pub fn certificates_of_assessment(a: &Readable<assessment::Model>) -> Select<certificate::Entity> {
    use sea_orm::sea_query::Query;
    let mut any = Condition::any().add(
        certificate::Column::Id.in_subquery(
            Query::select()
                .column(evidence::Column::CertificateId)
                .from(evidence::Entity)
                .and_where(evidence::Column::AssessmentId.eq(a.id.0))
                .and_where(evidence::Column::CertificateId.is_not_null())
                .to_owned(),
        ),
    );
    if let Some(v) = a.product_version_id {
        any = any.add(certificate::Column::ProductVersionId.eq(v));
    }
    certificate::Entity::find()
        .filter(certificate::Column::OrganizationId.eq(a.supplier_org_id.0))
        .filter(any)
}

/// The owner's assessments (not withdrawn) that the supplier of a shared
/// version bound to that version, oldest first.
pub async fn assessments_about_share<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    s: &Readable<product_share::Model>,
) -> Result<Vec<Readable<assessment::Model>>, AppError> {
    Ok(assessment::Entity::find()
        .filter(assessment::Column::OwnerOrgId.eq(actor.org_id().0))
        .filter(assessment::Column::SupplierOrgId.eq(s.organization_id.0))
        .filter(assessment::Column::ProductVersionId.eq(s.product_version_id))
        .filter(assessment::Column::Status.ne(AssessmentStatus::Withdrawn))
        .order_by_asc(assessment::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(readable)
        .collect())
}

/// The certificates the columns of a comparison show: per assessment those
/// of its bound product version and those its answers cite, in one query
/// for all of them (each its supplier's own).
pub fn certificates_of_assessments(
    list: &[Readable<assessment::Model>],
) -> Select<certificate::Entity> {
    use sea_orm::sea_query::Query;
    let bound: Vec<i64> = list.iter().filter_map(|a| a.product_version_id).collect();
    certificate::Entity::find()
        .filter(certificate::Column::OrganizationId.is_in(list.iter().map(|a| a.supplier_org_id.0)))
        .filter(
            Condition::any()
                .add(certificate::Column::ProductVersionId.is_in(bound))
                .add(
                    certificate::Column::Id.in_subquery(
                        Query::select()
                            .column(evidence::Column::CertificateId)
                            .from(evidence::Entity)
                            .and_where(
                                evidence::Column::AssessmentId.is_in(list.iter().map(|a| a.id.0)),
                            )
                            .and_where(evidence::Column::CertificateId.is_not_null())
                            .to_owned(),
                    ),
                ),
        )
}

/// The shares [`shared_with_us`] lists, as capabilities (an asset owner
/// with the right to read them; nobody else has any), newest first.
pub async fn shares_readable<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
) -> Result<Vec<Readable<product_share::Model>>, AppError> {
    if !actor.may(Permission::ViewSharedProducts) {
        return Err(AppError::NotFound);
    }
    Ok(shared_with_us(actor)
        .order_by_desc(product_share::Column::SharedAt)
        .all(conn)
        .await?
        .into_iter()
        .map(readable)
        .collect())
}

/// The versions several shares are about, and their products, in two
/// queries.
pub async fn shared_versions<C: ConnectionTrait>(
    conn: &C,
    list: &[Readable<product_share::Model>],
) -> Result<(Vec<product_version::Model>, Vec<product::Model>), AppError> {
    let versions: Vec<product_version::Model> = product_version::Entity::find()
        .filter(product_version::Column::Id.is_in(list.iter().map(|s| s.product_version_id)))
        .all(conn)
        .await?
        .into_iter()
        .filter(|v| {
            list.iter()
                .any(|s| s.product_version_id == v.id && s.organization_id == v.organization_id)
        })
        .collect();
    let products = product::Entity::find()
        .filter(product::Column::Id.is_in(versions.iter().map(|v| v.product_id)))
        .all(conn)
        .await?
        .into_iter()
        .filter(|p| {
            versions
                .iter()
                .any(|v| v.product_id == p.id && v.organization_id == p.organization_id)
        })
        .collect();
    Ok((versions, products))
}

/// The changes of several shares not asked about yet.
pub fn open_changes_of_shares(
    list: &[Readable<product_share::Model>],
) -> Select<product_share_change::Entity> {
    product_share_change::Entity::find()
        .filter(product_share_change::Column::ShareId.is_in(list.iter().map(|s| s.id)))
        .filter(product_share_change::Column::AskedAt.is_null())
}

/// The library evidence of a shared set: files and links on the shared
/// version's answers, and the files of the certificates that go with it
/// ([`shared_certificates`]).
pub fn shared_evidence(s: &Readable<product_share::Model>) -> Select<library_evidence::Entity> {
    use sea_orm::sea_query::Query;
    let org = s.organization_id.0;
    library_evidence::Entity::find()
        .filter(library_evidence::Column::OrganizationId.eq(org))
        .filter(
            Condition::any()
                .add(
                    library_evidence::Column::ProductAnswerId.in_subquery(
                        Query::select()
                            .column(product_answer::Column::Id)
                            .from(product_answer::Entity)
                            .and_where(product_answer::Column::OrganizationId.eq(org))
                            .and_where(
                                product_answer::Column::ProductVersionId.eq(s.product_version_id),
                            )
                            .to_owned(),
                    ),
                )
                .add(
                    library_evidence::Column::CertificateId.in_subquery(
                        Query::select()
                            .column(certificate::Column::Id)
                            .from(certificate::Entity)
                            .and_where(certificate::Column::OrganizationId.eq(org))
                            .cond_where(
                                Condition::any()
                                    .add(
                                        certificate::Column::ProductVersionId
                                            .eq(s.product_version_id),
                                    )
                                    .add(certificate::Column::ProductVersionId.is_null()),
                            )
                            .to_owned(),
                    ),
                ),
        )
}

/// One piece of library evidence the actor may read: its own
/// organization's library (for those who may see it), or a set shared
/// with its organization and not revoked. Anything else is not found.
pub async fn library_evidence_readable<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: i64,
) -> Result<Readable<library_evidence::Model>, AppError> {
    if actor.may(Permission::ViewProducts) {
        if let Some(own) = library_evidence::Entity::find_by_id(id)
            .filter(library_evidence::Column::OrganizationId.eq(actor.org_id().0))
            .one(conn)
            .await?
        {
            return Ok(readable(own));
        }
    }
    let shares = match shares_readable(conn, actor).await {
        Err(AppError::NotFound) => Vec::new(),
        other => other?,
    };
    for s in shares {
        if let Some(e) = shared_evidence(&s)
            .filter(library_evidence::Column::Id.eq(id))
            .one(conn)
            .await?
        {
            return Ok(readable(e));
        }
    }
    Err(AppError::NotFound)
}
