//! Outgoing e-mail.
//!
//! Every message is recorded in the `outbox` table (with its secret links
//! withheld) so admins can see what was sent, in the same transaction as
//! the change it tells about: no mail for a change that rolled back, and
//! no write waits for a mail server. [`deliver_due`] sends what is due once
//! the transaction has committed (the server runs it every second), through SMTP (lettre) when configured; otherwise the message,
//! link included, is written to the server log, where the operator of a
//! small installation finds it. A failed delivery is tried again after 1,
//! 5 and 30 minutes, 2 and 8 hours, then given up on; each try claims the
//! row first, so two replicas never send one message twice. The body
//! waits in `pending_body` until then and is cleared after.

use super::{config::SmtpConfig, config::SmtpSecurity, db, entities::outbox};
use crate::model::{Clock, OrgId};
use chrono::{DateTime, Duration, Utc};
use lettre::{
    message::Mailbox, transport::smtp::authentication::Credentials, AsyncSmtpTransport,
    AsyncTransport, Message, Tokio1Executor,
};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::sync::{Arc, Mutex};

/// One message as handed to delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

#[derive(Clone)]
pub enum Mailer {
    Smtp {
        transport: Arc<AsyncSmtpTransport<Tokio1Executor>>,
        from: Mailbox,
    },
    /// No SMTP server: messages go to the server log.
    Log,
    /// Messages kept in memory, for tests that follow e-mailed links.
    Memory(Arc<Mutex<Vec<Mail>>>),
}

impl Mailer {
    pub fn from_config(smtp: Option<&SmtpConfig>) -> Result<Self, String> {
        let Some(c) = smtp else {
            return Ok(Mailer::Log);
        };
        let builder = match c.security {
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&c.host),
            SmtpSecurity::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&c.host),
            SmtpSecurity::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(
                &c.host,
            )),
        }
        .map_err(|e| format!("SMTP_HOST {}: {e}", c.host))?;
        let mut builder = builder
            .port(c.port)
            .timeout(Some(std::time::Duration::from_secs(20)));
        if let (Some(u), Some(p)) = (&c.username, &c.password) {
            builder = builder.credentials(Credentials::new(u.clone(), p.clone()));
        }
        let from: Mailbox = c
            .from
            .parse()
            .map_err(|e| format!("SMTP_FROM {:?}: {e}", c.from))?;
        Ok(Mailer::Smtp {
            transport: Arc::new(builder.build()),
            from,
        })
    }

    pub fn memory() -> (Self, Arc<Mutex<Vec<Mail>>>) {
        let store = Arc::new(Mutex::new(Vec::new()));
        (Mailer::Memory(store.clone()), store)
    }

    /// Whether messages reach their recipients. When they do not, secret links
    /// are shown to the admin who caused them instead.
    pub fn delivers(&self) -> bool {
        !matches!(self, Mailer::Log)
    }

    /// Queues the message in the outbox, inside the caller's transaction:
    /// `redacted` is what admins see, the body itself waits in
    /// `pending_body` for [`deliver_due`] after the transaction commits. A
    /// slow or broken mail server never holds a write open.
    pub async fn send<C: ConnectionTrait>(
        &self,
        conn: &C,
        org: Option<OrgId>,
        purpose: &str,
        mail: Mail,
        redacted: &str,
    ) -> Result<(), DbErr> {
        let now = Utc::now();
        // Due at once: a message nobody has tried yet is always due.
        outbox::ActiveModel {
            organization_id: Set(org),
            purpose: Set(purpose.to_string()),
            recipient: Set(mail.to),
            subject: Set(mail.subject.chars().take(300).collect()),
            body: Set(redacted.to_string()),
            created_at: Set(now),
            sent_at: Set(None),
            last_error: Set(None),
            pending_body: Set(Some(mail.body)),
            attempts: Set(0),
            next_attempt_at: Set(Some(now)),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        Ok(())
    }

    async fn deliver(&self, mail: &Mail) -> Result<bool, String> {
        match self {
            Mailer::Smtp { transport, from } => {
                let to: Mailbox = mail.to.parse().map_err(|e| format!("recipient: {e}"))?;
                let msg = Message::builder()
                    .from(from.clone())
                    .to(to)
                    .subject(&mail.subject)
                    .body(mail.body.clone())
                    .map_err(|e| e.to_string())?;
                transport.send(msg).await.map_err(|e| e.to_string())?;
                Ok(true)
            }
            Mailer::Log => {
                tracing::info!(
                    target: "pactline::mail",
                    to = %mail.to,
                    subject = %mail.subject,
                    "no SMTP configured; message follows:\n{}",
                    mail.body
                );
                Ok(false)
            }
            Mailer::Memory(store) => {
                store.lock().expect("mail store").push(mail.clone());
                Ok(true)
            }
        }
    }
}

/// Pauses before the second, third, … delivery attempt; after the last one
/// the message is given up on.
const RETRY_AFTER_MINUTES: [i64; 5] = [1, 5, 30, 120, 480];

/// How long a claimed message is left to its sender before another may try.
const CLAIM_MINUTES: i64 = 5;

/// Delivers every queued message that is due at `now`, oldest first, and
/// records each outcome. Returns how many were tried. Runs outside any
/// transaction: each message is claimed first (its attempt counted and its
/// next attempt pushed into the future, only if nobody else did so), then
/// sent, then settled. A new message is due at once; one whose sender died
/// while holding it is tried again when the claim runs out.
pub async fn deliver_due(
    db: &DatabaseConnection,
    writer: &DatabaseConnection,
    mailer: &Mailer,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    // Only messages still to deliver have a next attempt (it is cleared with
    // the body), so the index on it holds just those: the outbox's history
    // is never scanned.
    let due = outbox::Entity::find() // access: allow — the delivery job, for every organization
        .filter(outbox::Column::NextAttemptAt.is_not_null())
        .filter(
            Condition::any()
                .add(outbox::Column::Attempts.eq(0))
                .add(outbox::Column::NextAttemptAt.lte(now)),
        )
        .order_by_asc(outbox::Column::Id)
        .limit(BATCH)
        .all(db)
        .await?;
    let mut tried = 0;
    for row in due {
        let Some(body) = row.pending_body.clone() else {
            continue;
        };
        let attempts = row.attempts + 1;
        let claimed = {
            let txn = db::write_txn(writer).await?;
            let n = outbox::Entity::update_many()
                .col_expr(outbox::Column::Attempts, Expr::value(attempts))
                .col_expr(
                    outbox::Column::NextAttemptAt,
                    Expr::value(Some(now + Duration::minutes(CLAIM_MINUTES))),
                )
                .filter(outbox::Column::Id.eq(row.id))
                .filter(outbox::Column::Attempts.eq(row.attempts))
                .filter(outbox::Column::PendingBody.is_not_null())
                .exec(&txn)
                .await?
                .rows_affected;
            txn.commit().await?;
            n == 1
        };
        if !claimed {
            continue;
        }
        tried += 1;
        let mail = Mail {
            to: row.recipient.clone(),
            subject: row.subject.clone(),
            body,
        };
        let outcome = mailer.deliver(&mail).await;
        let mut settle = outbox::ActiveModel {
            id: Set(row.id),
            ..Default::default()
        };
        match outcome {
            Ok(true) => {
                settle.sent_at = Set(Some(now));
                settle.last_error = Set(None);
                settle.pending_body = Set(None);
                settle.next_attempt_at = Set(None);
            }
            Ok(false) => {
                settle.last_error = Set(Some(
                    "No SMTP server configured; written to the server log.".into(),
                ));
                settle.pending_body = Set(None);
                settle.next_attempt_at = Set(None);
            }
            Err(e) => {
                tracing::warn!(purpose = %row.purpose, attempts, error = %e, "mail delivery failed");
                match RETRY_AFTER_MINUTES.get(row.attempts as usize) {
                    Some(m) => {
                        settle.last_error = Set(Some(format!(
                            "Attempt {attempts} failed, trying again: {e}"
                        )));
                        settle.next_attempt_at = Set(Some(now + Duration::minutes(*m)));
                    }
                    None => {
                        settle.last_error =
                            Set(Some(format!("Gave up after {attempts} attempts: {e}")));
                        settle.pending_body = Set(None);
                        settle.next_attempt_at = Set(None);
                    }
                }
            }
        }
        let txn = db::write_txn(writer).await?;
        settle.update(&txn).await?;
        txn.commit().await?;
    }
    Ok(tried)
}

/// How many messages one run of [`deliver_due`] takes on.
const BATCH: u64 = 50;

/// Runs [`deliver_due`] every second for as long as the server runs.
pub fn spawn_delivery(
    db: DatabaseConnection,
    writer: DatabaseConnection,
    mailer: Mailer,
    clock: Arc<dyn Clock>,
) {
    tokio::spawn(async move {
        loop {
            match deliver_due(&db, &writer, &mailer, clock.now()).await {
                // More may be due: go on at once.
                Ok(n) if n as u64 == BATCH => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "mail delivery job failed"),
            }
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
    });
}
