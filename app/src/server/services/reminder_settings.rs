//! An organization's reminder settings: how many days before a due date
//! its members are reminded.
use crate::model::{parse_reminder_days, AppError, Permission};
use crate::server::{audit, db, entities::organization, Actor, AppState};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::json;

/// The organization's reminder days, as the form shows them.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn reminder_days(actor: &Actor, state: &AppState) -> Result<String, AppError> {
    let o = organization::Entity::find_by_id(actor.org_id())
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(parse_reminder_days(&o.reminder_days)
        .unwrap_or_default()
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", "))
}

/// Admins set the days before a due date on which their organization's
/// people are reminded.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn set_reminder_days(
    actor: &Actor,
    state: &AppState,
    days: Vec<u16>,
) -> Result<String, AppError> {
    actor.require(Permission::ManageMembers)?;
    if days.is_empty() {
        return Err(AppError::invalid(
            "reminder_days",
            "Give at least one number of days, e.g. 30, 7, 1.",
        ));
    }
    let stored = days
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let txn = db::write_txn(&state.writer).await?;
    let o = organization::Entity::find_by_id(actor.org_id())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let before = o.reminder_days.clone();
    let mut am: organization::ActiveModel = o.into();
    am.reminder_days = Set(stored.clone());
    am.update(&txn).await?;
    audit::by_actor(
        &txn,
        actor,
        "organization.reminders_set",
        "organization",
        actor.org_id().0,
        Some(json!({"days": before})),
        Some(json!({"days": stored})),
    )
    .await?;
    txn.commit().await?;
    Ok(stored.replace(',', ", "))
}
