//! Telling people: who the members of an organization with given roles are,
//! and a notification in the app plus an e-mail through the outbox for each.
//! Every use case that tells someone goes through here.

use crate::model::{AppError, OrgId, Role, UserId};
use crate::server::{
    entities::{membership, notification, user},
    mail::Mail,
    AppState,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
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
        .filter(membership::Column::Role.is_in(roles.iter().copied()))
        .all(conn)
        .await?;
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(members.iter().map(|m| m.user_id)))
        .filter(user::Column::IsActive.eq(true))
        .order_by_asc(user::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|u| Recipient {
            user_id: u.id.0,
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
            user_id: Set(UserId(r.user_id)),
            org_id: Set(OrgId(org)),
            kind: Set(m.kind.into()),
            title: Set(title.clone()),
            body: Set(m.body.into()),
            link: Set(m.link.into()),
            created_at: Set(now),
            read_at: Set(None),
            ..Default::default()
        }
        .insert(conn)
        .await?;
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
            .await?;
    }
    Ok(())
}

/// The e-mail addresses of an organization's active members with one of
/// `roles`.
pub async fn member_emails<C: ConnectionTrait>(
    conn: &C,
    org: i64,
    roles: &[Role],
) -> Result<Vec<String>, AppError> {
    Ok(recipients(conn, org, roles)
        .await?
        .into_iter()
        .map(|r| r.email)
        .collect())
}
