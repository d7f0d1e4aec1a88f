//! Outgoing e-mail.
//!
//! Every message is recorded in the `outbox` table (with its secret links
//! withheld) so admins can see what was sent. Delivery goes through SMTP
//! (lettre) when configured; otherwise the message, link included, is written
//! to the server log, where the operator of a small installation finds it.

use super::{config::SmtpConfig, config::SmtpSecurity, entities::outbox};
use crate::model::OrgId;
use chrono::Utc;
use lettre::{
    message::Mailbox, transport::smtp::authentication::Credentials, AsyncSmtpTransport,
    AsyncTransport, Message, Tokio1Executor,
};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
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
        let mut builder = builder.port(c.port);
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

    /// Records the message in the outbox (with `redacted` in place of the body)
    /// and delivers it. Delivery failures are recorded, not raised: the action
    /// that sent the mail has happened either way.
    pub async fn send<C: ConnectionTrait>(
        &self,
        conn: &C,
        org: Option<OrgId>,
        purpose: &str,
        mail: Mail,
        redacted: &str,
    ) -> Result<(), DbErr> {
        let row = outbox::ActiveModel {
            organization_id: Set((org.map(|o| o.0)).map(OrgId)),
            purpose: Set(purpose.to_string()),
            recipient: Set(mail.to.clone()),
            subject: Set(mail.subject.chars().take(300).collect()),
            body: Set(redacted.to_string()),
            created_at: Set(Utc::now()),
            sent_at: Set(None),
            last_error: Set(None),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        let outcome = self.deliver(&mail).await;
        let mut row: outbox::ActiveModel = row.into();
        match outcome {
            Ok(true) => row.sent_at = Set(Some(Utc::now())),
            Ok(false) => {
                row.last_error = Set(Some(
                    "No SMTP server configured; written to the server log.".into(),
                ))
            }
            Err(e) => {
                tracing::warn!(purpose, error = %e, "mail delivery failed");
                row.last_error = Set(Some(e));
            }
        }
        row.update(conn).await?;
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
