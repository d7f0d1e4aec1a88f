//! Engagements and the assessments sent in them, as the asset owner runs
//! them. Suppliers never load an engagement: they see their own assessments
//! only (see `assessments`).

use super::{assessments, ts};
use crate::model::{
    parse_name, AppError, AssessmentId, AssessmentStatus, EngagementDto, EngagementId,
    EngagementSummary, OrgKind, Permission, ProfileStatus, Role,
};
use crate::server::{
    audit, db,
    entities::{
        answer, assessment, engagement, membership, organization, profile, profile_item,
        supplier_link, user,
    },
    mail::Mail,
    respond::internal,
    scoped::{find_owned, scoped, TenantScoped},
    session::RequestInfo,
    Actor, AppState,
};
use chrono::{NaiveDate, Utc};
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::json;

impl TenantScoped for engagement::Entity {
    fn org_column() -> Self::Column {
        engagement::Column::OwnerOrgId
    }
}

fn require_owner(actor: &Actor) -> Result<(), AppError> {
    if actor.kinds().contains(&OrgKind::AssetOwner) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

pub async fn list(actor: &Actor, state: &AppState) -> Result<Vec<EngagementSummary>, AppError> {
    require_owner(actor)?;
    let rows = scoped::<engagement::Entity>(actor)
        .order_by_desc(engagement::Column::CreatedAt)
        .all(&state.db)
        .await
        .map_err(internal)?;
    let counts: Vec<(i64, i64)> = assessment::Entity::find()
        .select_only()
        .column(assessment::Column::EngagementId)
        .column_as(Expr::col(assessment::Column::Id).count(), "n")
        .filter(assessment::Column::OwnerOrgId.eq(actor.org_id().0))
        .group_by(assessment::Column::EngagementId)
        .into_tuple()
        .all(&state.db)
        .await
        .map_err(internal)?;
    Ok(rows
        .into_iter()
        .map(|e| EngagementSummary {
            id: EngagementId(e.id),
            assessments: counts
                .iter()
                .find(|(id, _)| *id == e.id)
                .map(|(_, n)| *n as u64)
                .unwrap_or(0),
            name: e.name,
            description: e.description,
            created: ts(e.created_at),
        })
        .collect())
}

pub async fn create(
    actor: &Actor,
    state: &AppState,
    name: &str,
    description: &str,
    info: &RequestInfo,
) -> Result<EngagementId, AppError> {
    actor.require(Permission::ManageEngagements)?;
    let name = parse_name("name", name, 200)?;
    let description = description.trim();
    if description.chars().count() > 2000 {
        return Err(AppError::invalid(
            "description",
            "Use at most 2,000 characters.",
        ));
    }
    let txn = db::write_txn(&state.writer).await.map_err(internal)?;
    let e = engagement::ActiveModel {
        owner_org_id: Set(actor.org_id().0),
        name: Set(name),
        description: Set(description.to_string()),
        created_by: Set(Some(actor.user_id().0)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(internal)?;
    audit::by_actor(
        &txn,
        actor,
        &info.request_id,
        "engagement.created",
        "engagement",
        e.id,
        None,
        Some(json!({"name": e.name})),
    )
    .await?;
    txn.commit().await.map_err(internal)?;
    Ok(EngagementId(e.id))
}

pub async fn get(
    actor: &Actor,
    state: &AppState,
    id: EngagementId,
) -> Result<EngagementDto, AppError> {
    require_owner(actor)?;
    let e = find_owned::<engagement::Entity, _>(&state.db, actor, id.0).await?;
    let rows = assessment::Entity::find()
        .filter(assessment::Column::OwnerOrgId.eq(actor.org_id().0))
        .filter(assessment::Column::EngagementId.eq(e.id))
        .order_by_asc(assessment::Column::Id)
        .all(&state.db)
        .await
        .map_err(internal)?;
    Ok(EngagementDto {
        id: EngagementId(e.id),
        name: e.name,
        description: e.description,
        assessments: assessments::summaries(&state.db, rows).await?,
    })
}

/// The e-mail addresses of an organization's active members with one of
/// `roles`.
pub(crate) async fn member_emails<C: ConnectionTrait>(
    conn: &C,
    org: i64,
    roles: &[Role],
) -> Result<Vec<String>, AppError> {
    let members = membership::Entity::find()
        .filter(membership::Column::OrganizationId.eq(org))
        .filter(membership::Column::IsActive.eq(true))
        .filter(membership::Column::Role.is_in(roles.iter().map(|r| r.as_str())))
        .all(conn)
        .await
        .map_err(internal)?;
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(members.iter().map(|m| m.user_id)))
        .filter(user::Column::IsActive.eq(true))
        .all(conn)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|u| u.email)
        .collect())
}

/// Sends a published profile version to a supplier in an engagement: the
/// assessment and one empty answer per item, in one transaction; the
/// supplier's admins and contributors are told.
#[allow(clippy::too_many_arguments)]
pub async fn send_assessment(
    actor: &Actor,
    state: &AppState,
    engagement_id: EngagementId,
    supplier_org_id: i64,
    profile_id: crate::model::ProfileId,
    due_on: &str,
    message: &str,
    info: &RequestInfo,
) -> Result<AssessmentId, AppError> {
    actor.require(Permission::ManageEngagements)?;
    let due = NaiveDate::parse_from_str(due_on.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::invalid("due_on", "Choose a due date."))?;
    if due < Utc::now().date_naive() {
        return Err(AppError::invalid("due_on", "The due date is in the past."));
    }
    let message = message.trim();
    if message.chars().count() > 4000 {
        return Err(AppError::invalid(
            "message",
            "Use at most 4,000 characters.",
        ));
    }
    let txn = db::write_txn(&state.writer).await.map_err(internal)?;
    let e = find_owned::<engagement::Entity, _>(&txn, actor, engagement_id.0).await?;
    // Only the organization's own suppliers, only its own published profiles.
    scoped::<supplier_link::Entity>(actor)
        .filter(supplier_link::Column::SupplierOrgId.eq(supplier_org_id))
        .one(&txn)
        .await
        .map_err(internal)?
        .ok_or_else(|| AppError::invalid("supplier", "Choose one of your suppliers."))?;
    let p = scoped::<profile::Entity>(actor)
        .filter(profile::Column::Id.eq(profile_id.0))
        .one(&txn)
        .await
        .map_err(internal)?
        .ok_or_else(|| AppError::invalid("profile", "Choose one of your profiles."))?;
    if ProfileStatus::parse(&p.status) != ProfileStatus::Published {
        return Err(AppError::invalid(
            "profile",
            "Only a published profile version can be sent; publish it first.",
        ));
    }
    let taken = assessment::Entity::find()
        .filter(assessment::Column::EngagementId.eq(e.id))
        .filter(assessment::Column::SupplierOrgId.eq(supplier_org_id))
        .filter(assessment::Column::ProfileId.eq(p.id))
        .one(&txn)
        .await
        .map_err(internal)?;
    if taken.is_some() {
        return Err(AppError::Conflict(
            "This profile version was already sent to this supplier in this engagement.".into(),
        ));
    }
    let supplier = organization::Entity::find_by_id(supplier_org_id)
        .one(&txn)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    let now = Utc::now();
    let a = assessment::ActiveModel {
        engagement_id: Set(e.id),
        owner_org_id: Set(actor.org_id().0),
        supplier_org_id: Set(supplier_org_id),
        profile_id: Set(p.id),
        status: Set(AssessmentStatus::Sent.as_str().into()),
        due_on: Set(due),
        message: Set(message.to_string()),
        created_by: Set(Some(actor.user_id().0)),
        created_at: Set(now),
        submitted_at: Set(None),
        decision_rationale: Set(None),
        decided_by: Set(None),
        decided_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(internal)?;
    let items = profile_item::Entity::find()
        .filter(profile_item::Column::ProfileId.eq(p.id))
        .all(&txn)
        .await
        .map_err(internal)?;
    let rows: Vec<answer::ActiveModel> = items
        .iter()
        .map(|i| answer::ActiveModel {
            assessment_id: Set(a.id),
            profile_item_id: Set(i.id),
            requirement_id: Set(i.requirement_id),
            supplier_org_id: Set(supplier_org_id),
            compliance: Set(None),
            countermeasure: Set(String::new()),
            planned_on: Set(None),
            na_reason: Set(String::new()),
            other_party: Set(String::new()),
            claimed_level: Set(None),
            statement: Set(String::new()),
            responsibility_accepted: Set(None),
            assignee_id: Set(None),
            version: Set(0),
            updated_by: Set(None),
            updated_at: Set(None),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(100) {
        answer::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await
            .map_err(internal)?;
    }
    audit::by_actor(
        &txn,
        actor,
        &info.request_id,
        "assessment.sent",
        "assessment",
        a.id,
        None,
        Some(json!({
            "engagement": e.id, "supplier": supplier_org_id, "profile": p.id,
            "profile_version": p.version, "items": items.len(), "due_on": due.to_string()
        })),
    )
    .await?;
    let owner = organization::Entity::find_by_id(actor.org_id().0)
        .one(&txn)
        .await
        .map_err(internal)?
        .map(|o| o.name)
        .unwrap_or_default();
    let link = format!("{}/assessments/{}", state.config.base_url, a.id);
    for to in member_emails(&txn, supplier.id, &[Role::Admin, Role::Contributor]).await? {
        let body = format!(
            "{owner} sent {} a security questionnaire: “{}” (version {}), {} requirements, due {due}.\n\n{}{}Open it: {link}\n",
            supplier.name,
            p.name,
            p.version,
            items.len(),
            message,
            if message.is_empty() { "" } else { "\n\n" },
        );
        state
            .mailer
            .send(
                &txn,
                Some(crate::model::OrgId(supplier.id)),
                "assessment.sent",
                Mail {
                    to,
                    subject: format!("{owner}: security questionnaire due {due}"),
                    body: body.clone(),
                },
                &body,
            )
            .await
            .map_err(internal)?;
    }
    txn.commit().await.map_err(internal)?;
    Ok(AssessmentId(a.id))
}
