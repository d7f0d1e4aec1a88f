//! In-app notifications, always written, and the e-mail that goes with each
//! one. A notification belongs to one user in one organization: a user who
//! is a member of two organizations reads each one's in its own context.

use super::ts;
use crate::model::{AppError, NotificationDto, Notifications, OrgId, Role};
use crate::server::{
    db,
    entities::{membership, notification, user},
    mail::Mail,
    respond::internal,
    Actor, AppState,
};
use chrono::Utc;
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

/// Someone to tell: user id and e-mail address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipient {
    pub user_id: i64,
    pub email: String,
}

/// The active members of `org` with one of `roles`.
pub async fn recipients<C: ConnectionTrait>(
    conn: &C,
    org: i64,
    roles: &[Role],
) -> Result<Vec<Recipient>, AppError> {
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
        .order_by_asc(user::Column::Id)
        .all(conn)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|u| Recipient {
            user_id: u.id,
            email: u.email,
        })
        .collect())
}

/// What to tell.
pub struct Message<'a> {
    pub kind: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    /// A path inside Pactline, e.g. "/commitments".
    pub link: &'a str,
}

/// Tells each recipient, members of `org`: a notification in the app and an
/// e-mail (recorded in the outbox, delivered when SMTP is configured).
pub async fn notify<C: ConnectionTrait>(
    conn: &C,
    state: &AppState,
    org: i64,
    to: &[Recipient],
    m: Message<'_>,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let title: String = m.title.chars().take(300).collect();
    for r in to {
        notification::ActiveModel {
            user_id: Set(r.user_id),
            org_id: Set(org),
            kind: Set(m.kind.into()),
            title: Set(title.clone()),
            body: Set(m.body.into()),
            link: Set(m.link.into()),
            created_at: Set(now),
            read_at: Set(None),
            ..Default::default()
        }
        .insert(conn)
        .await
        .map_err(internal)?;
        let body = format!("{}\n\nOpen: {}{}\n", m.body, state.config.base_url, m.link);
        state
            .mailer
            .send(
                conn,
                Some(OrgId(org)),
                m.kind,
                Mail {
                    to: r.email.clone(),
                    subject: format!("Pactline: {title}"),
                    body: body.clone(),
                },
                &body,
            )
            .await
            .map_err(internal)?;
    }
    Ok(())
}

/// The caller's latest notifications in its current organization.
pub async fn list(actor: &Actor, state: &AppState) -> Result<Notifications, AppError> {
    let mine = notification::Entity::find()
        .filter(notification::Column::UserId.eq(actor.user_id().0))
        .filter(notification::Column::OrgId.eq(actor.org_id().0));
    let unread = mine
        .clone()
        .filter(notification::Column::ReadAt.is_null())
        .count(&state.db)
        .await
        .map_err(internal)?;
    let items = mine
        .order_by_desc(notification::Column::Id)
        .limit(100)
        .all(&state.db)
        .await
        .map_err(internal)?
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
pub async fn unread(actor: &Actor, state: &AppState) -> Result<u64, AppError> {
    notification::Entity::find()
        .filter(notification::Column::UserId.eq(actor.user_id().0))
        .filter(notification::Column::OrgId.eq(actor.org_id().0))
        .filter(notification::Column::ReadAt.is_null())
        .count(&state.db)
        .await
        .map_err(internal)
}

/// Marks one of the caller's notifications read, or all of them (`None`).
/// Someone else's notification is simply not found.
pub async fn mark_read(actor: &Actor, state: &AppState, id: Option<i64>) -> Result<(), AppError> {
    let txn = db::write_txn(&state.writer).await.map_err(internal)?;
    let mut q = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(Utc::now()))
        .filter(notification::Column::UserId.eq(actor.user_id().0))
        .filter(notification::Column::OrgId.eq(actor.org_id().0))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(id) = id {
        q = q.filter(notification::Column::Id.eq(id));
    }
    let done = q.exec(&txn).await.map_err(internal)?;
    if id.is_some() && done.rows_affected == 0 {
        let exists = notification::Entity::find_by_id(id.unwrap_or_default())
            .filter(notification::Column::UserId.eq(actor.user_id().0))
            .filter(notification::Column::OrgId.eq(actor.org_id().0))
            .count(&txn)
            .await
            .map_err(internal)?;
        if exists == 0 {
            return Err(AppError::NotFound);
        }
    }
    txn.commit().await.map_err(internal)
}
