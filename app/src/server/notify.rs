//! Telling people: who the members of an organization with given roles are,
//! and a notification in the app plus an e-mail through the outbox for each.
//! Every use case that tells someone goes through here.

use crate::model::{AppError, OrgId, Role, UserId};
use crate::server::{
    entities::{assessment, membership, notification, user},
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

/// Which side of an assessment hears about an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Party {
    Owner,
    Supplier,
}

/// Something that happened to an assessment that someone must act on or
/// would want to know. [`Event::audience`] is the one table of who hears of
/// what; every such event reaches its audience in the app and by e-mail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// The supplier submitted its answers (the first time).
    Submitted,
    /// The supplier submitted again after changes were asked for.
    Resubmitted,
    /// Submitting made commitments of the supplier's planned answers.
    PlannedCommitments,
    /// A reviewer rejected an answer.
    AnswerRejected,
    /// A reviewer asked for clarification of an answer.
    ClarificationRequested,
    /// The owner sent the assessment back for changes.
    ChangesRequested,
    /// A comment the owner shared with the supplier.
    OwnerComment,
    /// A comment of the supplier's.
    SupplierComment,
    /// The owner decided on the assessment.
    Decided,
    /// A condition of the decision became a proposed commitment.
    ConditionCommitment,
}

impl Event {
    pub const ALL: [Event; 10] = [
        Event::Submitted,
        Event::Resubmitted,
        Event::PlannedCommitments,
        Event::AnswerRejected,
        Event::ClarificationRequested,
        Event::ChangesRequested,
        Event::OwnerComment,
        Event::SupplierComment,
        Event::Decided,
        Event::ConditionCommitment,
    ];

    /// The notification's kind, as stored and shown.
    pub fn kind(self) -> &'static str {
        match self {
            Event::Submitted => "assessment.submitted",
            Event::Resubmitted => "assessment.resubmitted",
            Event::PlannedCommitments => "commitment.planned",
            Event::AnswerRejected => "review.rejected",
            Event::ClarificationRequested => "review.clarification",
            Event::ChangesRequested => "assessment.changes_requested",
            Event::OwnerComment | Event::SupplierComment => "comment.shared",
            Event::Decided => "assessment.decided",
            Event::ConditionCommitment => "commitment.condition",
        }
    }

    /// Who hears of it: the side and the roles on that side. Viewers read
    /// but act on nothing, so they are not told.
    pub fn audience(self) -> (Party, &'static [Role]) {
        const REVIEWERS: &[Role] = &[Role::Admin, Role::Reviewer];
        const ANSWERERS: &[Role] = &[Role::Admin, Role::Contributor];
        match self {
            Event::Submitted
            | Event::Resubmitted
            | Event::PlannedCommitments
            | Event::SupplierComment => (Party::Owner, REVIEWERS),
            Event::AnswerRejected
            | Event::ClarificationRequested
            | Event::ChangesRequested
            | Event::OwnerComment
            | Event::Decided
            | Event::ConditionCommitment => (Party::Supplier, ANSWERERS),
        }
    }
}

/// Tells an event's audience about assessment `a`; `link` defaults to the
/// assessment's page.
pub async fn assessment_event<C: ConnectionTrait>(
    conn: &C,
    state: &AppState,
    event: Event,
    a: &assessment::Model,
    title: &str,
    body: &str,
    link: Option<&str>,
) -> Result<(), AppError> {
    let (party, roles) = event.audience();
    let org = match party {
        Party::Owner => a.owner_org_id,
        Party::Supplier => a.supplier_org_id,
    };
    let to = recipients(conn, org.0, roles).await?;
    let page = format!("/assessments/{}", a.id);
    notify(
        conn,
        state,
        org.0,
        &to,
        Message {
            kind: event.kind(),
            title,
            body,
            link: link.unwrap_or(&page),
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_has_an_audience_that_acts() {
        for e in Event::ALL {
            let (_, roles) = e.audience();
            assert!(roles.contains(&Role::Admin), "{e:?}");
            assert!(!roles.contains(&Role::Viewer), "{e:?}");
        }
    }
}
