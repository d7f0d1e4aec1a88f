//! Engagements: the owner's, an assessor's by invitation, a supplier's
//! through its live assessment; and what hangs off one (its assessments,
//! assessors, responsibility matrix cells).

use super::*;

/// The engagements the assessor organization `org` was invited into, as a
/// subquery for `IN (…)`.
pub fn engagements_assessed_by(org: OrgId) -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(engagement_assessor::Column::EngagementId)
        .from(engagement_assessor::Entity)
        .and_where(engagement_assessor::Column::AssessorOrgId.eq(org))
        .to_owned()
}

/// Whether the actor's organization was invited into the engagement as
/// assessor.
pub async fn is_assessor<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    engagement_id: EngagementId,
) -> Result<bool, AppError> {
    if !actor.kinds().contains(&OrgKind::Assessor) {
        return Ok(false);
    }
    Ok(engagement_assessor::Entity::find()
        .filter(engagement_assessor::Column::EngagementId.eq(engagement_id))
        .filter(engagement_assessor::Column::AssessorOrgId.eq(actor.org_id().0))
        .one(conn)
        .await?
        .is_some())
}

/// An engagement the actor may open as its owner (an asset owner) or as an
/// assessor invited into it, with that side. Anything else is `NotFound`.
pub async fn engagement<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: EngagementId,
) -> Result<(Readable<engagement::Model>, Side), AppError> {
    let e = engagement::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    if e.owner_org_id == actor.org_id() && actor.kinds().contains(&OrgKind::AssetOwner) {
        return Ok((readable(e), Side::Owner));
    }
    if is_assessor(conn, actor, e.id).await? {
        return Ok((readable(e), Side::Assessor));
    }
    Err(AppError::NotFound)
}

/// [`engagement`], or for a supplier with a live (not withdrawn) assessment
/// in it, the engagement on the supplier's side.
pub async fn engagement_with_supplier<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: EngagementId,
) -> Result<(Readable<engagement::Model>, Side), AppError> {
    match engagement(conn, actor, id).await {
        Err(AppError::NotFound) => {
            let mine = assessment::Entity::find()
                .filter(assessment::Column::EngagementId.eq(id))
                .filter(assessment::Column::SupplierOrgId.eq(actor.org_id().0))
                .filter(assessment::Column::Status.ne(AssessmentStatus::Withdrawn))
                .one(conn)
                .await?;
            if mine.is_none() {
                return Err(AppError::NotFound);
            }
            let e = engagement::Entity::find_by_id(id)
                .one(conn)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok((readable(e), Side::Supplier))
        }
        other => other,
    }
}

// What hangs off a readable engagement.

/// The assessments of an engagement the actor sees on its side: all of them
/// for the owner and its assessors, the supplier's own for a supplier.
pub fn assessments_in(
    actor: &Actor,
    e: &Readable<engagement::Model>,
    side: Side,
) -> Select<assessment::Entity> {
    let q = assessment::Entity::find()
        .filter(assessment::Column::OwnerOrgId.eq(e.owner_org_id))
        .filter(assessment::Column::EngagementId.eq(e.id));
    match side {
        Side::Supplier => q.filter(assessment::Column::SupplierOrgId.eq(actor.org_id().0)),
        Side::Owner | Side::Assessor => q,
    }
}

/// [`assessments_in`] without the withdrawn ones, by id: the columns of the
/// comparison and the responsibility matrix.
pub async fn live_assessments_in<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    e: &Readable<engagement::Model>,
    side: Side,
) -> Result<Vec<Readable<assessment::Model>>, AppError> {
    Ok(assessments_in(actor, e, side)
        .filter(assessment::Column::Status.ne(AssessmentStatus::Withdrawn))
        .order_by_asc(assessment::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(readable)
        .collect())
}

/// The assessor organizations invited into an engagement.
pub fn assessors_of(e: &Readable<engagement::Model>) -> Select<engagement_assessor::Entity> {
    engagement_assessor::Entity::find().filter(engagement_assessor::Column::EngagementId.eq(e.id))
}

/// The stored cells of an engagement's responsibility matrix.
pub fn responsibilities_of(e: &Readable<engagement::Model>) -> Select<responsibility::Entity> {
    responsibility::Entity::find().filter(responsibility::Column::EngagementId.eq(e.id))
}

/// Engagements the actor may open: its own (an asset owner) and those it
/// was invited into as assessor.
pub fn engagements_readable(actor: &Actor) -> Select<engagement::Entity> {
    let org = actor.org_id().0;
    let mut any = Condition::any();
    if actor.kinds().contains(&OrgKind::AssetOwner) {
        any = any.add(engagement::Column::OwnerOrgId.eq(org));
    }
    if actor.kinds().contains(&OrgKind::Assessor) {
        any = any.add(engagement::Column::Id.in_subquery(engagements_assessed_by(OrgId(org))));
    }
    // Neither kind: nothing (an empty `any` would match every row).
    any = any.add(sea_orm::sea_query::Expr::cust("1 = 0"));
    engagement::Entity::find().filter(any)
}
