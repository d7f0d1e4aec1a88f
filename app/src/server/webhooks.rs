//! Webhooks: events queued in the transaction of the change they tell
//! about, and sent after commit by a background job on any replica.
//!
//! Deliveries follow the Standard Webhooks scheme: `webhook-id` (the same
//! on every attempt), `webhook-timestamp`, and `webhook-signature`
//! (`v1,` + base64 of HMAC-SHA256 over `id.timestamp.body`, keyed with the
//! endpoint's `whsec_` secret). A payload is thin — the event's type, time
//! and the ids it is about — so an endpoint reads details through the API
//! with its organization's token, and an event never carries more than
//! the receiving organization may see.
//!
//! A delivery is claimed by one replica at a time (a lease in its row),
//! retried with growing waits for about a day, then given up; the endpoint
//! is then marked failing and its organization's admins are told.
//! Addresses are checked when registered and every time they are resolved:
//! private, loopback and link-local targets only when configured (SSRF).

use super::{
    entities::{assessment, webhook_delivery, webhook_endpoint},
    notify, AppState,
};
use crate::model::{AppError, OrgId, Role};
use base64::{engine::general_purpose::STANDARD, Engine as _};
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::{json, Value};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// What the sealed secret is for (the sealing's associated data).
pub const SECRET_PURPOSE: &str = "webhook_endpoints.secret";

/// The events an endpoint may ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Topic {
    AssessmentSent,
    AssessmentSubmitted,
    AssessmentDecided,
    AnswerReviewChanged,
    CommentShared,
    CommitmentProposed,
    CommitmentMoved,
    CommitmentOverdue,
    MatrixAgreed,
    MatrixReopened,
}

impl Topic {
    pub const ALL: [Topic; 10] = [
        Topic::AssessmentSent,
        Topic::AssessmentSubmitted,
        Topic::AssessmentDecided,
        Topic::AnswerReviewChanged,
        Topic::CommentShared,
        Topic::CommitmentProposed,
        Topic::CommitmentMoved,
        Topic::CommitmentOverdue,
        Topic::MatrixAgreed,
        Topic::MatrixReopened,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Topic::AssessmentSent => "assessment.sent",
            Topic::AssessmentSubmitted => "assessment.submitted",
            Topic::AssessmentDecided => "assessment.decided",
            Topic::AnswerReviewChanged => "answer.review_changed",
            Topic::CommentShared => "comment.shared",
            Topic::CommitmentProposed => "commitment.proposed",
            Topic::CommitmentMoved => "commitment.moved",
            Topic::CommitmentOverdue => "commitment.overdue",
            Topic::MatrixAgreed => "matrix.agreed",
            Topic::MatrixReopened => "matrix.reopened",
        }
    }

    pub fn parse(s: &str) -> Option<Topic> {
        Topic::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// Queues `topic` about `data` for every endpoint of `orgs` that asked for
/// it, in the caller's transaction: sent once it commits, never if it
/// rolls back.
pub async fn emit<C: ConnectionTrait>(
    conn: &C,
    state: &AppState,
    orgs: &[OrgId],
    topic: Topic,
    data: Value,
) -> Result<(), AppError> {
    let mut orgs = orgs.to_vec();
    orgs.sort();
    orgs.dedup();
    let endpoints = webhook_endpoint::Entity::find()
        // access: allow — a system step: the endpoints of the organizations the change concerns.
        .filter(webhook_endpoint::Column::OrganizationId.is_in(orgs.iter().map(|o| o.0)))
        .filter(webhook_endpoint::Column::RemovedAt.is_null())
        .all(conn)
        .await?;
    let now = state.clock.now();
    let event_id = format!("msg_{}", uuid::Uuid::new_v4().simple());
    let payload = json!({
        "type": topic.as_str(),
        "timestamp": now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "data": data,
    })
    .to_string();
    for e in endpoints
        .into_iter()
        .filter(|e| e.events.split(',').any(|t| t == topic.as_str()))
    {
        webhook_delivery::ActiveModel {
            organization_id: Set(e.organization_id),
            endpoint_id: Set(e.id),
            event_id: Set(event_id.clone()),
            event_type: Set(topic.as_str().to_string()),
            payload: Set(payload.clone()),
            created_at: Set(now),
            next_attempt_at: Set(now),
            attempts: Set(0),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}

/// Queues an assessment event for both parties.
pub async fn assessment_event<C: ConnectionTrait>(
    conn: &C,
    state: &AppState,
    a: &assessment::Model,
    topic: Topic,
    status: &str,
) -> Result<(), AppError> {
    emit(
        conn,
        state,
        &[a.owner_org_id, a.supplier_org_id],
        topic,
        json!({
            "assessment_id": a.id,
            "engagement_id": a.engagement_id,
            "status": status,
        }),
    )
    .await
}

/// A new signing secret: `whsec_` and 32 random bytes in base64.
pub fn new_secret() -> String {
    let bytes: [u8; 32] = rand::random();
    format!("whsec_{}", STANDARD.encode(bytes))
}

/// The `webhook-signature` header for a message.
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &str) -> Option<String> {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap_or(secret))
        .ok()?;
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// Waits before each retry: about a day in all, then the delivery is given
/// up.
const BACKOFF_SECS: [i64; 8] = [5, 60, 300, 1800, 7200, 18000, 36000, 36000];

/// The wait after `attempts` failed attempts, or None to give up.
pub fn backoff(attempts: i32) -> Option<Duration> {
    BACKOFF_SECS
        .get(usize::try_from(attempts).ok()?.checked_sub(1)?)
        .map(|s| Duration::seconds(*s))
}

/// Whether an address may be a webhook's target: public unicast, unless
/// the configuration allows private ones.
pub fn address_allowed(ip: IpAddr, allow_private: bool) -> bool {
    if allow_private {
        return !ip.is_unspecified() && !ip.is_multicast();
    }
    match ip {
        IpAddr::V4(v4) => {
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                // Carrier-grade NAT and "this network".
                || ipnet::Ipv4Net::new(std::net::Ipv4Addr::new(100, 64, 0, 0), 10)
                    .is_ok_and(|n| n.contains(&v4))
                || v4.octets()[0] == 0)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return address_allowed(IpAddr::V4(v4), false);
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                // Unique local (fc00::/7) and link-local (fe80::/10).
                || (v6.segments()[0] & 0xfe00) == 0xfc00
                || (v6.segments()[0] & 0xffc0) == 0xfe80)
        }
    }
}

/// Checks an endpoint address as an admin typed it: https (http only to
/// loopback, and only when private targets are allowed), no credentials,
/// and no private address written out.
pub fn check_url(raw: &str, allow_private: bool) -> Result<String, AppError> {
    let bad = |m: &str| AppError::invalid("url", m);
    let raw = raw.trim();
    if raw.len() > 2000 {
        return Err(bad("Use at most 2,000 characters."));
    }
    let url = url::Url::parse(raw).map_err(|_| {
        bad("Enter the endpoint's address, e.g. https://grc.example.com/hooks/pactline.")
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "Leave credentials out of the address: requests are signed instead.",
        ));
    }
    let host = url.host().ok_or_else(|| bad("The address has no host."))?;
    let literal: Option<IpAddr> = match host {
        url::Host::Ipv4(v4) => Some(IpAddr::V4(v4)),
        url::Host::Ipv6(v6) => Some(IpAddr::V6(v6)),
        url::Host::Domain(_) => None,
    };
    let loopback = literal.is_some_and(|ip| ip.is_loopback())
        || matches!(host, url::Host::Domain(d) if d.eq_ignore_ascii_case("localhost"));
    match url.scheme() {
        "https" => {}
        "http" if allow_private && loopback => {}
        "http" => {
            return Err(bad(
                "Use https: events leave Pactline signed, but their content must travel encrypted.",
            ))
        }
        _ => return Err(bad("Use an https address.")),
    }
    if let Some(ip) = literal {
        if !address_allowed(ip, allow_private) {
            return Err(bad(
                "This address is private, loopback or link-local: Pactline sends events to public addresses only (an operator may allow private ones).",
            ));
        }
    }
    Ok(url.to_string())
}

/// Resolves host names for deliveries and keeps only allowed addresses, so
/// the address connected to is the one checked (no DNS rebinding).
struct GuardedResolver {
    allow_private: bool,
}

impl openidconnect::reqwest::dns::Resolve for GuardedResolver {
    fn resolve(
        &self,
        name: openidconnect::reqwest::dns::Name,
    ) -> openidconnect::reqwest::dns::Resolving {
        let allow = self.allow_private;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| address_allowed(a.ip(), allow))
                .collect();
            if found.is_empty() {
                return Err(format!("{host} resolves to no public address").into());
            }
            let addrs: openidconnect::reqwest::dns::Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

fn client(allow_private: bool) -> Result<openidconnect::reqwest::Client, AppError> {
    openidconnect::reqwest::Client::builder()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(10))
        .connect_timeout(std::time::Duration::from_secs(5))
        .dns_resolver(Arc::new(GuardedResolver { allow_private }))
        .user_agent("Pactline-Webhooks/1")
        .build()
        .map_err(|e| AppError::Internal {
            request_id: format!("webhook client: {e}"),
        })
}

/// How long a replica holds a delivery while it sends.
const LEASE: Duration = Duration::seconds(60);

/// Sends the deliveries that are due; returns how many were attempted.
pub async fn deliver_due(state: &AppState) -> Result<usize, AppError> {
    let now = state.clock.now();
    let due = webhook_delivery::Entity::find()
        // access: allow — the delivery job works for every organization.
        .filter(webhook_delivery::Column::DeliveredAt.is_null())
        .filter(webhook_delivery::Column::FailedAt.is_null())
        .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
        .filter(
            webhook_delivery::Column::LockedUntil
                .is_null()
                .or(webhook_delivery::Column::LockedUntil.lt(now)),
        )
        .order_by_asc(webhook_delivery::Column::NextAttemptAt)
        .limit(50)
        .all(&state.db)
        .await?;
    if due.is_empty() {
        return Ok(0);
    }
    // Their endpoints, in one query.
    let endpoints: std::collections::HashMap<i64, webhook_endpoint::Model> =
        webhook_endpoint::Entity::find()
            // access: allow — the endpoints of the deliveries found above.
            .filter(webhook_endpoint::Column::Id.is_in(due.iter().map(|d| d.endpoint_id)))
            .all(&state.db)
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
    let http = client(state.config.webhooks_allow_private)?;
    let mut n = 0;
    // Each claimed delivery is sent on its own task: a slow endpoint holds
    // up no other.
    let mut sending = tokio::task::JoinSet::new();
    for d in due {
        // The claim: one replica wins each delivery.
        let claimed = webhook_delivery::Entity::update_many()
            // access: allow — claiming a delivery found above.
            .col_expr(
                webhook_delivery::Column::LockedUntil,
                Expr::value(now + LEASE),
            )
            .filter(webhook_delivery::Column::Id.eq(d.id))
            .filter(webhook_delivery::Column::DeliveredAt.is_null())
            .filter(webhook_delivery::Column::FailedAt.is_null())
            .filter(
                webhook_delivery::Column::LockedUntil
                    .is_null()
                    .or(webhook_delivery::Column::LockedUntil.lt(now)),
            )
            .exec(&state.writer)
            .await?
            .rows_affected;
        if claimed != 1 {
            continue;
        }
        n += 1;
        let (state, http) = (state.clone(), http.clone());
        let endpoint = endpoints.get(&d.endpoint_id).cloned();
        sending.spawn(async move { attempt(&state, &http, d, endpoint).await });
    }
    while let Some(done) = sending.join_next().await {
        match done {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "a webhook delivery could not be recorded"),
            Err(e) => tracing::error!(error = %e, "a webhook delivery task failed"),
        }
    }
    Ok(n)
}

/// One attempt at a claimed delivery, and what it did.
async fn attempt(
    state: &AppState,
    http: &openidconnect::reqwest::Client,
    d: webhook_delivery::Model,
    endpoint: Option<webhook_endpoint::Model>,
) -> Result<(), AppError> {
    let outcome: Result<u16, String> = match &endpoint {
        None => Err("The endpoint is gone.".into()),
        Some(e) if e.removed_at.is_some() => Err("The endpoint was removed.".into()),
        Some(e) => send(state, http, e, &d).await,
    };
    let now = state.clock.now();
    let attempts = d.attempts + 1;
    let mut am: webhook_delivery::ActiveModel = d.clone().into();
    am.attempts = Set(attempts);
    am.last_attempt_at = Set(Some(now));
    am.locked_until = Set(None);
    let removed = endpoint.as_ref().is_none_or(|e| e.removed_at.is_some());
    match &outcome {
        Ok(status) => am.last_status = Set(Some(i32::from(*status))),
        Err(_) => am.last_status = Set(None),
    }
    am.last_error = Set(outcome
        .as_ref()
        .err()
        .map(|e| e.chars().take(500).collect()));
    let delivered = matches!(outcome, Ok(s) if (200..300).contains(&s));
    let mut gave_up = false;
    if delivered {
        am.delivered_at = Set(Some(now));
    } else if let (false, Some(wait)) = (removed, backoff(attempts)) {
        am.next_attempt_at = Set(now + wait);
    } else {
        am.failed_at = Set(Some(now));
        gave_up = !removed;
    }
    am.update(&state.writer).await?;
    let Some(e) = endpoint else { return Ok(()) };
    if delivered && e.failing_since.is_some() {
        let mut em: webhook_endpoint::ActiveModel = e.into();
        em.failing_since = Set(None);
        em.update(&state.writer).await?;
    } else if gave_up && e.failing_since.is_none() {
        mark_failing(state, e, now).await?;
    }
    Ok(())
}

/// The endpoint kept failing for a day: marked failing, admins told.
async fn mark_failing(
    state: &AppState,
    e: webhook_endpoint::Model,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let txn = super::db::write_txn(&state.writer).await?;
    let org = e.organization_id;
    let url = e.url.clone();
    let mut em: webhook_endpoint::ActiveModel = e.into();
    em.failing_since = Set(Some(now));
    em.update(&txn).await?;
    let to = notify::recipients(&txn, org.0, &[Role::Admin]).await?;
    notify::notify(
        &txn,
        state,
        org.0,
        &to,
        notify::Message {
            kind: "webhook.failing",
            title: "A webhook endpoint keeps failing",
            body: &format!(
                "Events to {url} could not be delivered for about a day and were given up. See the delivery log on the Members page, fix the endpoint, then send them again."
            ),
            link: "/members#webhooks",
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Posts the delivery to the endpoint; the status it answered, or why
/// nothing was sent or answered.
async fn send(
    state: &AppState,
    http: &openidconnect::reqwest::Client,
    e: &webhook_endpoint::Model,
    d: &webhook_delivery::Model,
) -> Result<u16, String> {
    let allow = state.config.webhooks_allow_private;
    // Checked again: the configuration may have changed since it was
    // registered (host names are checked as they resolve).
    check_url(&e.url, allow).map_err(|err| err.to_string())?;
    let secret = state
        .secrets
        .open(SECRET_PURPOSE, &e.secret_sealed)
        .map_err(|_| {
            "The endpoint's secret cannot be opened with this server's key.".to_string()
        })?;
    let timestamp = Utc::now().timestamp();
    let sig = signature(&secret, &d.event_id, timestamp, &d.payload)
        .ok_or_else(|| "The endpoint's secret is malformed.".to_string())?;
    let r = http
        .post(&e.url)
        .header("content-type", "application/json")
        .header("webhook-id", &d.event_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", sig)
        .body(d.payload.clone())
        .send()
        .await
        .map_err(|err| {
            let mut text = err.to_string();
            let mut src = std::error::Error::source(&err);
            while let Some(s) = src {
                text.push_str(&format!(": {s}"));
                src = s.source();
            }
            text
        })?;
    Ok(r.status().as_u16())
}

/// Runs the delivery job every `every`, for as long as the server runs.
pub fn spawn(state: AppState, every: std::time::Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = deliver_due(&state).await {
                tracing::warn!(error = %e, "webhook deliveries failed");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_targets_are_refused_unless_allowed() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            assert!(!address_allowed(ip, false), "{ip}");
        }
        for ip in ["93.184.216.34", "2606:4700::1111"] {
            assert!(address_allowed(ip.parse().unwrap(), false), "{ip}");
        }
        assert!(address_allowed("127.0.0.1".parse().unwrap(), true));
        assert!(check_url("https://10.0.0.5/hook", false).is_err());
        assert!(check_url("https://[::1]/hook", false).is_err());
        assert!(check_url("http://127.0.0.1:9/hook", false).is_err());
        assert!(check_url("http://127.0.0.1:9/hook", true).is_ok());
        assert!(check_url("http://grc.example.com/hook", true).is_err());
        assert!(check_url("https://user:pw@grc.example.com/hook", false).is_err());
        assert!(check_url("ftp://grc.example.com/hook", false).is_err());
        assert!(check_url("https://grc.example.com/hooks/pactline", false).is_ok());
    }

    #[test]
    fn signatures_follow_standard_webhooks() {
        // The example of the Standard Webhooks specification.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).unwrap(),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn retries_last_about_a_day() {
        let total: i64 = (1..).map_while(backoff).map(|d| d.num_seconds()).sum();
        assert!((20 * 3600..=30 * 3600).contains(&total), "{total}");
        assert_eq!(backoff(0), None);
    }
}
