//! An organization's webhook endpoints, for its admins: register one (its
//! signing secret shown once), list them, remove one, read each one's
//! delivery log and send a delivery again. Sending is
//! [`crate::server::webhooks`]'s job.

use crate::model::{
    AppError, NewWebhook, Permission, WebhookDeliveryDto, WebhookDto, WEBHOOK_EVENTS,
};
use crate::server::{
    access, audit, db,
    entities::{webhook_delivery, webhook_endpoint},
    webhooks::{self, Topic},
    Actor, AppState,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde_json::json;
use std::collections::HashMap;

/// The most endpoints an organization keeps.
const MAX_ENDPOINTS: usize = 20;
/// The most deliveries a log shows.
const LOG_LENGTH: u64 = 50;

fn dto(e: webhook_endpoint::Model, makers: &HashMap<i64, String>) -> WebhookDto {
    WebhookDto {
        id: e.id,
        created_by: makers.get(&e.created_by.0).cloned().unwrap_or_default(),
        events: e
            .events
            .split(',')
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect(),
        url: e.url,
        description: e.description,
        created: super::ts(e.created_at),
        failing_since: e.failing_since.map(super::ts),
    }
}

/// The organization's endpoints, newest first (admins only).
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn list(actor: &Actor, state: &AppState) -> Result<Vec<WebhookDto>, AppError> {
    actor.require(Permission::ManageMembers)?;
    let rows = access::scoped::<webhook_endpoint::Entity>(actor)
        .filter(webhook_endpoint::Column::RemovedAt.is_null())
        .order_by_desc(webhook_endpoint::Column::Id)
        .all(&state.db)
        .await?;
    let makers = super::user_emails(&state.db, rows.iter().map(|e| e.created_by)).await?;
    Ok(rows.into_iter().map(|e| dto(e, &makers)).collect())
}

/// Registers an endpoint for `events`; the answer carries its signing
/// secret, shown this once.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn create(
    actor: &Actor,
    state: &AppState,
    url: &str,
    description: &str,
    events: &[String],
) -> Result<NewWebhook, AppError> {
    actor.require(Permission::ManageMembers)?;
    let url = webhooks::check_url(url, state.config.webhooks_allow_private)?;
    let description: String = description
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    if description.chars().count() > 200 {
        return Err(AppError::invalid(
            "description",
            "Use at most 200 characters.",
        ));
    }
    let mut topics = Vec::new();
    for e in events {
        let t = Topic::parse(e.trim()).ok_or_else(|| {
            AppError::invalid(
                "events",
                format!(
                    "“{e}” is not an event; choose among {}.",
                    WEBHOOK_EVENTS.map(|(k, _)| k).join(", ")
                ),
            )
        })?;
        if !topics.contains(&t) {
            topics.push(t);
        }
    }
    if topics.is_empty() {
        return Err(AppError::invalid("events", "Choose at least one event."));
    }
    let events = topics
        .iter()
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join(",");
    let secret = webhooks::new_secret();
    let txn = db::write_txn(&state.writer).await?;
    access::lock_organization(&txn, actor).await?;
    let kept = access::scoped::<webhook_endpoint::Entity>(actor)
        .filter(webhook_endpoint::Column::RemovedAt.is_null())
        .all(&txn)
        .await?
        .len();
    if kept >= MAX_ENDPOINTS {
        return Err(AppError::invalid(
            "url",
            format!("The organization has {MAX_ENDPOINTS} endpoints; remove one first."),
        ));
    }
    let row = webhook_endpoint::ActiveModel {
        organization_id: Set(actor.org_id()),
        url: Set(url.clone()),
        description: Set(description),
        events: Set(events.clone()),
        secret_sealed: Set(state.secrets.seal(webhooks::SECRET_PURPOSE, &secret)),
        created_by: Set(actor.user_id()),
        created_at: Set(state.clock.now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::by_actor(
        &txn,
        actor,
        "webhook.created",
        "webhook_endpoint",
        row.id,
        None,
        Some(json!({"url": url, "events": events})),
    )
    .await?;
    txn.commit().await?;
    let makers = HashMap::from([(actor.user_id().0, actor.email().to_string())]);
    Ok(NewWebhook {
        secret,
        webhook: dto(row, &makers),
    })
}

/// Removes an endpoint: nothing more is sent to it.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id))]
pub async fn remove(actor: &Actor, state: &AppState, id: i64) -> Result<(), AppError> {
    actor.require(Permission::ManageMembers)?;
    let txn = db::write_txn(&state.writer).await?;
    let e = access::find_owned::<webhook_endpoint::Entity, _>(&txn, actor, id)
        .await?
        .into_inner();
    if e.removed_at.is_some() {
        return Err(AppError::NotFound);
    }
    let url = e.url.clone();
    let mut am: webhook_endpoint::ActiveModel = e.into();
    am.removed_at = Set(Some(state.clock.now()));
    am.update(&txn).await?;
    audit::by_actor(
        &txn,
        actor,
        "webhook.removed",
        "webhook_endpoint",
        id,
        Some(json!({"url": url})),
        None,
    )
    .await?;
    Ok(txn.commit().await?)
}

fn delivery_dto(d: webhook_delivery::Model) -> WebhookDeliveryDto {
    let state = if d.delivered_at.is_some() {
        "delivered"
    } else if d.failed_at.is_some() {
        "failed"
    } else {
        "pending"
    };
    WebhookDeliveryDto {
        id: d.id,
        event_id: d.event_id,
        event_type: d.event_type,
        created: super::ts(d.created_at),
        attempts: d.attempts,
        last_status: d.last_status,
        last_error: d.last_error,
        last_attempt: d.last_attempt_at.map(super::ts),
        next_attempt: (state == "pending").then(|| super::ts(d.next_attempt_at)),
        state: state.to_string(),
    }
}

/// An endpoint's latest deliveries, newest first.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id))]
pub async fn deliveries(
    actor: &Actor,
    state: &AppState,
    id: i64,
) -> Result<Vec<WebhookDeliveryDto>, AppError> {
    actor.require(Permission::ManageMembers)?;
    let e = access::find_owned::<webhook_endpoint::Entity, _>(&state.db, actor, id)
        .await?
        .into_inner();
    Ok(access::scoped::<webhook_delivery::Entity>(actor)
        .filter(webhook_delivery::Column::EndpointId.eq(e.id))
        .order_by_desc(webhook_delivery::Column::Id)
        .limit(LOG_LENGTH)
        .all(&state.db)
        .await?
        .into_iter()
        .map(delivery_dto)
        .collect())
}

/// Sends a delivery again (delivered, failed or waiting): now, with the
/// same `webhook-id`, with a fresh round of retries.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id))]
pub async fn resend(
    actor: &Actor,
    state: &AppState,
    id: i64,
) -> Result<WebhookDeliveryDto, AppError> {
    actor.require(Permission::ManageMembers)?;
    let txn = db::write_txn(&state.writer).await?;
    let d = access::find_owned::<webhook_delivery::Entity, _>(&txn, actor, id)
        .await?
        .into_inner();
    let endpoint = access::find_owned::<webhook_endpoint::Entity, _>(&txn, actor, d.endpoint_id)
        .await?
        .into_inner();
    if endpoint.removed_at.is_some() {
        return Err(AppError::NotFound);
    }
    let event = d.event_id.clone();
    let mut am: webhook_delivery::ActiveModel = d.into();
    am.delivered_at = Set(None);
    am.failed_at = Set(None);
    am.attempts = Set(0);
    am.next_attempt_at = Set(state.clock.now());
    am.locked_until = Set(None);
    let d = am.update(&txn).await?;
    audit::by_actor(
        &txn,
        actor,
        "webhook.resent",
        "webhook_delivery",
        id,
        None,
        Some(json!({"event_id": event})),
    )
    .await?;
    txn.commit().await?;
    Ok(delivery_dto(d))
}
