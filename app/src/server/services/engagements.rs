//! Engagements and the assessments sent in them, as the asset owner runs
//! them; assessors the owner invites into one engagement read it too.
//! Suppliers never load an engagement: they see their own assessments only
//! (see `assessments`).

use super::ts;
use crate::model::{
    AppError, AssessmentId, AssessmentStatus, Described, EngagementDto, EngagementId,
    EngagementSummary, OrgId, OrgKind, Permission, ProfileStatus, SendInput,
};
use crate::server::{
    access::{self, find_owned, scoped},
    audit, db,
    entities::{
        answer, assessment, engagement, engagement_assessor, organization, profile, supplier_link,
    },
    notify, read_models,
    respond::unique_violation,
    Actor, AppState,
};
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::json;
use std::collections::HashMap;

/// The asset owner's engagements, or those an assessor was invited into.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn list(actor: &Actor, state: &AppState) -> Result<Vec<EngagementSummary>, AppError> {
    let org = actor.org_id().0;
    let (owner, assessor) = (
        actor.kinds().contains(&OrgKind::AssetOwner),
        actor.kinds().contains(&OrgKind::Assessor),
    );
    if !owner && !assessor {
        return Err(AppError::NotFound);
    }
    let rows = access::engagements_readable(actor)
        .order_by_desc(engagement::Column::CreatedAt)
        .all(&state.db)
        .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<EngagementId> = rows.iter().map(|e| e.id).collect();
    let counts: Vec<(EngagementId, i64)> = access::assessments_readable(actor)
        .select_only()
        .column(assessment::Column::EngagementId)
        .column_as(Expr::col(assessment::Column::Id).count(), "n")
        .filter(assessment::Column::EngagementId.is_in(ids))
        .group_by(assessment::Column::EngagementId)
        .into_tuple()
        .all(&state.db)
        .await?;
    let owners: HashMap<OrgId, String> =
        super::org_names(&state.db, rows.iter().map(|e| e.owner_org_id)).await?;
    Ok(rows
        .into_iter()
        .map(|e| EngagementSummary {
            id: e.id,
            assessments: counts
                .iter()
                .find(|(id, _)| *id == e.id)
                .map(|(_, n)| *n as u64)
                .unwrap_or(0),
            assessing_for: (e.owner_org_id != OrgId(org))
                .then(|| owners.get(&e.owner_org_id).cloned().unwrap_or_default()),
            name: e.name,
            description: e.description,
            created: ts(e.created_at),
        })
        .collect())
}

#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn create(
    actor: &Actor,
    state: &AppState,
    input: Described,
) -> Result<EngagementId, AppError> {
    actor.require(Permission::ManageEngagements)?;
    let Described { name, description } = input;
    let txn = db::write_txn(&state.writer).await?;
    let e = engagement::ActiveModel {
        owner_org_id: Set(actor.org_id()),
        name: Set(name),
        description: Set(description),
        created_by: Set(Some(actor.user_id())),
        created_at: Set(state.clock.now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::by_actor(
        &txn,
        actor,
        "engagement.created",
        "engagement",
        e.id,
        None,
        Some(json!({"name": e.name})),
    )
    .await?;
    txn.commit().await?;
    Ok(e.id)
}

#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn get(
    actor: &Actor,
    state: &AppState,
    id: EngagementId,
) -> Result<EngagementDto, AppError> {
    let (e, side) = access::engagement(&state.db, actor, id).await?;
    let rows = access::assessments_in(actor, &e, side)
        .order_by_asc(assessment::Column::Id)
        .all(&state.db)
        .await?;
    let assessor_orgs: Vec<OrgId> = access::assessors_of(&e)
        .select_only()
        .column(engagement_assessor::Column::AssessorOrgId)
        .into_tuple()
        .all(&state.db)
        .await?;
    let names: HashMap<OrgId, String> = super::org_names(
        &state.db,
        assessor_orgs.iter().copied().chain([e.owner_org_id]),
    )
    .await?;
    let mut assessors: Vec<String> = assessor_orgs
        .iter()
        .filter_map(|o| names.get(o).cloned())
        .collect();
    assessors.sort();
    Ok(EngagementDto {
        id: e.id,
        name: e.name.clone(),
        description: e.description.clone(),
        assessments: read_models::assessment_summaries(&state.db, rows).await?,
        side,
        owner: names.get(&e.owner_org_id).cloned().unwrap_or_default(),
        assessors,
    })
}

async fn is_linked<C: ConnectionTrait>(
    conn: &C,
    e: &access::Readable<engagement::Model>,
    org: i64,
) -> Result<bool, AppError> {
    Ok(access::assessors_of(e)
        .filter(engagement_assessor::Column::AssessorOrgId.eq(org))
        .one(conn)
        .await?
        .is_some())
}

/// Sends a published profile version to a supplier in an engagement: the
/// assessment and one empty answer per item, in one transaction; the
/// supplier's admins and contributors are told.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, engagement_id = ?engagement_id))]
pub async fn send_assessment(
    actor: &Actor,
    state: &AppState,
    engagement_id: EngagementId,
    supplier_org_id: i64,
    profile_id: crate::model::ProfileId,
    input: SendInput,
) -> Result<AssessmentId, AppError> {
    let SendInput { due_on, message } = input;
    let sent = send_assessments(
        actor,
        state,
        engagement_id,
        profile_id,
        &[(supplier_org_id, due_on)],
        &message,
    )
    .await?;
    Ok(sent[0])
}

/// Sends one published profile version to several suppliers of an
/// engagement at once, each with its own due date and assessment: all of
/// them in one transaction, or none when one cannot be sent (the error
/// names it). Each supplier's admins and contributors are told.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, engagement_id = ?engagement_id, suppliers = sends.len()))]
pub async fn send_assessments(
    actor: &Actor,
    state: &AppState,
    engagement_id: EngagementId,
    profile_id: crate::model::ProfileId,
    sends: &[(i64, chrono::NaiveDate)],
    message: &str,
) -> Result<Vec<AssessmentId>, AppError> {
    send_about(
        actor,
        state,
        engagement_id,
        profile_id,
        sends,
        message,
        None,
    )
    .await
}

/// [`send_assessments`], each assessment bound to `about`, a product
/// version the supplier shared with the owner (checked by the caller).
pub(crate) async fn send_about(
    actor: &Actor,
    state: &AppState,
    engagement_id: EngagementId,
    profile_id: crate::model::ProfileId,
    sends: &[(i64, chrono::NaiveDate)],
    message: &str,
    about: Option<i64>,
) -> Result<Vec<AssessmentId>, AppError> {
    actor.require(Permission::ManageEngagements)?;
    if sends.is_empty() {
        return Err(AppError::invalid(
            "supplier",
            "Choose at least one supplier.",
        ));
    }
    if sends.len() > MAX_SENDS {
        return Err(AppError::invalid(
            "supplier",
            format!("Send to at most {MAX_SENDS} suppliers at once."),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    if !sends.iter().all(|(s, _)| seen.insert(*s)) {
        return Err(AppError::invalid(
            "supplier",
            "Each supplier can be chosen once.",
        ));
    }
    if sends.iter().any(|(_, due)| *due < state.clock.today()) {
        return Err(AppError::invalid("due_on", "The due date is in the past."));
    }
    let txn = db::write_txn(&state.writer).await?;
    let e = find_owned::<engagement::Entity, _>(&txn, actor, engagement_id).await?;
    let p = match find_owned::<profile::Entity, _>(&txn, actor, profile_id).await {
        Err(AppError::NotFound) => {
            Err(AppError::invalid("profile", "Choose one of your profiles."))
        }
        other => other,
    }?;
    if p.status != ProfileStatus::Published {
        return Err(AppError::invalid(
            "profile",
            "Only a published profile version can be sent; publish it first.",
        ));
    }
    // Only the organization's own suppliers.
    let ids: Vec<i64> = sends.iter().map(|(s, _)| *s).collect();
    let linked: Vec<i64> = scoped::<supplier_link::Entity>(actor)
        .filter(supplier_link::Column::SupplierOrgId.is_in(ids.iter().copied()))
        .select_only()
        .column(supplier_link::Column::SupplierOrgId)
        .into_tuple()
        .all(&txn)
        .await?;
    if ids.iter().any(|s| !linked.contains(s)) {
        return Err(AppError::invalid(
            "supplier",
            "Choose one of your suppliers.",
        ));
    }
    let items = access::items_of(&p).all(&txn).await?;
    let owner = organization::Entity::find_by_id(actor.org_id())
        .one(&txn)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let mut sent = Vec::with_capacity(sends.len());
    for &(supplier_org_id, due) in sends {
        let supplier = organization::Entity::find_by_id(OrgId(supplier_org_id))
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound)?;
        if is_linked(&txn, &e, supplier_org_id).await? {
            return Err(AppError::invalid(
                "supplier",
                format!(
                    "{} assesses this engagement; an assessor cannot also answer in it.",
                    supplier.name
                ),
            ));
        }
        let a = assessment::ActiveModel {
            engagement_id: Set(e.id),
            owner_org_id: Set(actor.org_id()),
            supplier_org_id: Set(OrgId(supplier_org_id)),
            profile_id: Set(p.id),
            status: Set(AssessmentStatus::Sent),
            due_on: Set(due),
            message: Set(message.to_string()),
            created_by: Set(Some(actor.user_id())),
            created_at: Set(state.clock.now()),
            submitted_at: Set(None),
            decision_rationale: Set(None),
            decided_by: Set(None),
            decided_at: Set(None),
            product_version_id: Set(about),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|err| {
            // ux_assessments_round: one assessment per engagement, supplier
            // and profile version.
            if unique_violation(&err) {
                AppError::Conflict(format!(
                    "This profile version was already sent to {} in this engagement. Nothing was sent.",
                    supplier.name
                ))
            } else {
                err.into()
            }
        })?;
        let rows: Vec<answer::ActiveModel> = items
            .iter()
            .map(|i| answer::ActiveModel {
                assessment_id: Set(a.id),
                profile_item_id: Set(i.id),
                requirement_id: Set(i.requirement_id),
                supplier_org_id: Set(OrgId(supplier_org_id)),
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
                .await?;
        }
        read_models::recount_progress(&txn, &[a.id]).await?;
        audit::by_actor(
            &txn,
            actor,
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
        let body = format!(
            "{owner} sent {} a security questionnaire: “{}” (version {}), {} requirements, due {due}.{}{}",
            supplier.name,
            p.name,
            p.version,
            items.len(),
            if message.is_empty() { "" } else { "\n\n" },
            message,
        );
        notify::assessment_event(
            &txn,
            state,
            notify::Event::Sent,
            &a,
            &format!("{owner}: security questionnaire due {due}"),
            &body,
            None,
        )
        .await?;
        crate::server::webhooks::assessment_event(
            &txn,
            state,
            &a,
            crate::server::webhooks::Topic::AssessmentSent,
            "sent",
        )
        .await?;
        sent.push(a.id);
    }
    txn.commit().await?;
    Ok(sent)
}

/// How many suppliers one send may reach.
pub const MAX_SENDS: usize = 50;
