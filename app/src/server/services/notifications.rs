//! In-app notifications, always written, and the e-mail that goes with each
//! one. A notification belongs to one user in one organization: a user who
//! is a member of two organizations reads each one's in its own context.

use super::ts;
use crate::model::{AppError, NotificationDto, Notifications};
use crate::server::{access, db, entities::notification, Actor, AppState};
use sea_orm::{
    sea_query::Expr, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
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
