//! In-app notifications, always written, and the e-mail that goes with each
//! one. A notification belongs to one user in one organization: a user who
//! is a member of two organizations reads each one's in its own context.

use super::ts;
use crate::model::{
    AppError, MailDelivery, MailPreferences, MailTopic, NotificationDto, Notifications,
};
use crate::server::{
    access, audit, db,
    entities::{mail_preference, notification},
    Actor, AppState,
};
use sea_orm::{
    sea_query::{Expr, OnConflict},
    ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

/// The caller's latest notifications in its current organization.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn list(actor: &Actor, state: &AppState) -> Result<Notifications, AppError> {
    let mine = access::notifications_mine(actor);
    let unread = mine
        .clone()
        .filter(notification::Column::ReadAt.is_null())
        .count(&state.db)
        .await?;
    let items = mine
        .order_by_desc(notification::Column::Id)
        .limit(100)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|n| NotificationDto {
            id: n.id,
            kind: n.kind,
            title: n.title,
            body: n.body,
            link: n.link,
            created: ts(n.created_at),
            created_at: n.created_at,
            read: n.read_at.is_some(),
        })
        .collect();
    Ok(Notifications { unread, items })
}

/// How many of the caller's notifications are unread.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0))]
pub async fn unread(actor: &Actor, state: &AppState) -> Result<u64, AppError> {
    Ok(access::notifications_mine(actor)
        .filter(notification::Column::ReadAt.is_null())
        .count(&state.db)
        .await?)
}

/// Marks one of the caller's notifications read, or all of them (`None`).
/// Someone else's notification is simply not found.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, user = actor.user_id().0, id = ?id))]
pub async fn mark_read(actor: &Actor, state: &AppState, id: Option<i64>) -> Result<(), AppError> {
    let txn = db::write_txn(&state.writer).await?;
    let mut q = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(state.clock.now()))
        .filter(notification::Column::UserId.eq(actor.user_id().0))
        .filter(notification::Column::OrgId.eq(actor.org_id().0))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(id) = id {
        q = q.filter(notification::Column::Id.eq(id));
    }
    let done = q.exec(&txn).await?;
    if id.is_some() && done.rows_affected == 0 {
        let exists = access::notifications_mine(actor)
            .filter(notification::Column::Id.eq(id.unwrap_or_default()))
            .count(&txn)
            .await?;
        if exists == 0 {
            return Err(AppError::NotFound);
        }
    }
    Ok(txn.commit().await?)
}

/// The caller's e-mail choice for each topic (at once, unless they chose
/// otherwise). A user's choice holds in every organization they belong to.
#[tracing::instrument(skip_all, fields(user = actor.user_id().0))]
pub async fn mail_preferences(
    actor: &Actor,
    state: &AppState,
) -> Result<MailPreferences, AppError> {
    let chosen = access::mail_preferences_mine(actor).all(&state.db).await?;
    Ok(MailPreferences {
        topics: MailTopic::ALL
            .into_iter()
            .map(|t| {
                let d = chosen
                    .iter()
                    .find(|p| p.topic == t)
                    .map_or(MailDelivery::default(), |p| p.delivery);
                (t, d)
            })
            .collect(),
    })
}

/// Sets the caller's e-mail choice for every topic given; the others stay.
#[tracing::instrument(skip_all, fields(user = actor.user_id().0))]
pub async fn set_mail_preferences(
    actor: &Actor,
    state: &AppState,
    choices: &[(MailTopic, MailDelivery)],
) -> Result<MailPreferences, AppError> {
    let before = mail_preferences(actor, state).await?;
    let txn = db::write_txn(&state.writer).await?;
    for &(topic, delivery) in choices {
        mail_preference::Entity::insert(mail_preference::ActiveModel {
            user_id: Set(actor.user_id()),
            topic: Set(topic),
            delivery: Set(delivery),
            updated_at: Set(state.clock.now()),
        })
        .on_conflict(
            OnConflict::columns([
                mail_preference::Column::UserId,
                mail_preference::Column::Topic,
            ])
            .update_columns([
                mail_preference::Column::Delivery,
                mail_preference::Column::UpdatedAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    }
    let as_json = |p: &[(MailTopic, MailDelivery)]| {
        serde_json::Value::Object(
            p.iter()
                .map(|(t, d)| (t.as_str().to_string(), d.as_str().into()))
                .collect(),
        )
    };
    audit::by_actor(
        &txn,
        actor,
        "account.mail_preferences",
        "user",
        actor.user_id().0,
        Some(as_json(&before.topics)),
        Some(as_json(choices)),
    )
    .await?;
    txn.commit().await?;
    mail_preferences(actor, state).await
}
