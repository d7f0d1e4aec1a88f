//! Telling people: who the members of an organization with given roles are,
//! and a notification in the app plus an e-mail through the outbox for each.
//! Every use case that tells someone goes through here.

use crate::model::{AppError, MailDelivery, MailTopic, OrgId, Role, UserId};
use crate::server::{
    db,
    entities::{assessment, mail_preference, membership, notification, reminder_claim, user},
    mail::Mail,
    AppState,
};
use sea_orm::{
    sea_query::{Expr, OnConflict},
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use std::collections::HashMap;

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

/// How each of `users` wants e-mail about `kind`: their own choice for its
/// topic, or at once.
async fn deliveries<C: ConnectionTrait>(
    conn: &C,
    users: &[i64],
    kind: &str,
) -> Result<HashMap<i64, MailDelivery>, AppError> {
    let Some(topic) = MailTopic::of(kind) else {
        return Ok(HashMap::new());
    };
    Ok(mail_preference::Entity::find()
        .filter(mail_preference::Column::UserId.is_in(users.iter().copied()))
        .filter(mail_preference::Column::Topic.eq(topic))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.user_id.0, p.delivery))
        .collect())
}

/// Tells each recipient, members of `org`: a notification in the app and,
/// as each recipient chose for the notification's topic, an e-mail at once
/// (recorded in the outbox, delivered when SMTP is configured), a line in
/// tomorrow's summary ([`send_digests`]), or nothing more.
pub async fn notify<C: ConnectionTrait>(
    conn: &C,
    state: &AppState,
    org: i64,
    to: &[Recipient],
    m: Message<'_>,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let title: String = m.title.chars().take(300).collect();
    let users: Vec<i64> = to.iter().map(|r| r.user_id).collect();
    let chosen = deliveries(conn, &users, m.kind).await?;
    for r in to {
        let delivery = chosen.get(&r.user_id).copied().unwrap_or_default();
        notification::ActiveModel {
            user_id: Set(UserId(r.user_id)),
            org_id: Set(OrgId(org)),
            kind: Set(m.kind.into()),
            title: Set(title.clone()),
            body: Set(m.body.into()),
            link: Set(m.link.into()),
            created_at: Set(now),
            read_at: Set(None),
            digest_pending: Set(delivery == MailDelivery::Daily),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        if delivery != MailDelivery::Immediate {
            continue;
        }
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

/// Sends each user who chose a daily summary for some topic one e-mail with
/// their notifications of the days before today (UTC) that waited for it.
/// Each user's summary of a day is claimed in `reminder_claims` in the same
/// transaction that writes it, so two replicas never send it twice; what a
/// deactivated user was waiting for is dropped without mail. Returns how
/// many summaries went out.
pub async fn send_digests(state: &AppState, instance: &str) -> Result<usize, AppError> {
    let today = state.clock.today();
    let start = today
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc();
    // access: allow — system job: the summaries of every user.
    let users: Vec<i64> = notification::Entity::find()
        .select_only()
        .column(notification::Column::UserId)
        .distinct()
        .filter(notification::Column::DigestPending.eq(true))
        .filter(notification::Column::CreatedAt.lt(start))
        .into_tuple()
        .all(&state.db)
        .await?;
    let mut sent = 0;
    for uid in users {
        let txn = db::write_txn(&state.writer).await?;
        if !claim_once(&txn, state, &format!("digest:{uid}:{today}"), instance).await? {
            continue;
        }
        // access: allow — system job: this user's waiting notifications.
        let waiting = notification::Entity::find()
            .filter(notification::Column::UserId.eq(uid))
            .filter(notification::Column::DigestPending.eq(true))
            .filter(notification::Column::CreatedAt.lt(start))
            .order_by_asc(notification::Column::Id)
            .all(&txn)
            .await?;
        notification::Entity::update_many()
            .col_expr(notification::Column::DigestPending, Expr::value(false))
            .filter(notification::Column::Id.is_in(waiting.iter().map(|n| n.id)))
            .exec(&txn)
            .await?;
        // access: allow — system job: the summary's recipient.
        let to = user::Entity::find_by_id(UserId(uid))
            .filter(user::Column::IsActive.eq(true))
            .one(&txn)
            .await?;
        if let (Some(to), false) = (to, waiting.is_empty()) {
            let body = digest_body(&waiting, &state.config.base_url);
            state
                .mailer
                .send(
                    &txn,
                    Some(waiting[0].org_id),
                    "digest",
                    Mail {
                        to: to.email,
                        subject: match waiting.len() {
                            1 => "Pactline: your daily summary (1 notification)".to_string(),
                            n => format!("Pactline: your daily summary ({n} notifications)"),
                        },
                        body: body.clone(),
                    },
                    &body,
                )
                .await?;
            sent += 1;
        }
        txn.commit().await?;
    }
    Ok(sent)
}

/// Claims `key` for good, inside the caller's transaction: true for the one
/// caller (of every replica) whose claim landed, false for everyone after.
/// A job that must do something once (a reminder, a day's summary) claims
/// it in the transaction that does it.
pub async fn claim_once<C: ConnectionTrait>(
    conn: &C,
    state: &AppState,
    key: &str,
    instance: &str,
) -> Result<bool, AppError> {
    let claimed = reminder_claim::Entity::insert(reminder_claim::ActiveModel {
        claim_key: Set(key.to_string()),
        claimed_by: Set(instance.chars().take(100).collect()),
        claimed_at: Set(state.clock.now()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::column(reminder_claim::Column::ClaimKey)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(claimed == 1)
}

/// One line and link per notification, oldest first.
fn digest_body(waiting: &[notification::Model], base_url: &str) -> String {
    let mut body =
        String::from("What happened in Pactline that you chose to hear about once a day:\n\n");
    for n in waiting {
        body.push_str(&format!(
            "- {} ({})\n  {}\n  Open: {base_url}{}\n\n",
            n.title,
            n.created_at.format("%Y-%m-%d %H:%M UTC"),
            n.body.lines().next().unwrap_or_default(),
            n.link
        ));
    }
    body.push_str("Choose which e-mail you get on the Notifications page.\n");
    body
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
    /// The owner sent the supplier a questionnaire.
    Sent,
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
    pub const ALL: [Event; 11] = [
        Event::Sent,
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
            Event::Sent => "assessment.sent",
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
            Event::Sent
            | Event::AnswerRejected
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
