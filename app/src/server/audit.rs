//! The audit trail: append-only and tamper-evident.
//!
//! Every state change writes one event in the same transaction as the change.
//! Events form a hash chain: each event's hash covers its content and the hash
//! of the event before it, and `audit_chain` holds the newest hash. Editing or
//! deleting an event breaks every hash after it, which `verify` finds.

use super::{
    entities::{audit_chain, audit_event},
    tokens::sha256_hex,
};
use crate::model::{OrgId, UserId};
use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ConnectionTrait, DbErr, EntityTrait, QueryOrder, Set,
};
use serde_json::Value;

/// Who did it, and in which request.
#[derive(Clone, Debug)]
pub struct Who {
    pub user_id: Option<UserId>,
    pub request_id: String,
}

impl Who {
    pub fn user(user_id: UserId, request_id: &str) -> Self {
        Who {
            user_id: Some(user_id),
            request_id: request_id.to_string(),
        }
    }
    pub fn system(what: &str) -> Self {
        Who {
            user_id: None,
            request_id: what.to_string(),
        }
    }
}

pub struct Event<'a> {
    pub org: Option<OrgId>,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

#[allow(clippy::too_many_arguments)]
fn event_hash(
    prev: &str,
    seq: i64,
    at: &DateTime<Utc>,
    actor: Option<i64>,
    org: Option<i64>,
    action: &str,
    object_type: &str,
    object_id: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> String {
    // Canonical form: fields joined by a separator that cannot occur unescaped
    // in JSON or identifiers.
    let canonical = serde_json::json!([
        prev,
        seq,
        at.to_rfc3339_opts(SecondsFormat::Micros, true),
        actor,
        org,
        action,
        object_type,
        object_id,
        before,
        after
    ])
    .to_string();
    sha256_hex(canonical.as_bytes())
}

/// Appends one event. Call it inside the transaction that makes the change.
pub async fn record<C: ConnectionTrait>(conn: &C, who: &Who, ev: Event<'_>) -> Result<(), DbErr> {
    record_all(conn, vec![(who.clone(), ev)]).await
}

/// Appends events in order, as `record` would one after the other, with
/// three statements for all of them (the batched autosave's case).
pub async fn record_all<C: ConnectionTrait>(
    conn: &C,
    events: Vec<(Who, Event<'_>)>,
) -> Result<(), DbErr> {
    let Ok(n @ 1..) = i64::try_from(events.len()) else {
        return Ok(());
    };
    // Taking the chain head with an UPDATE first locks it (row lock on
    // PostgreSQL, write lock on SQLite), so concurrent events queue up and
    // never fork the chain. It reserves the sequence numbers of all events.
    let head = audit_chain::Entity::update_many()
        .col_expr(
            audit_chain::Column::Seq,
            Expr::col(audit_chain::Column::Seq).add(n),
        )
        .exec_with_returning(conn)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| DbErr::Custom("audit chain head missing".into()))?;
    // Microsecond precision, so that what is hashed is what both databases store.
    let now =
        DateTime::<Utc>::from_timestamp_micros(Utc::now().timestamp_micros()).expect("valid time");
    let mut prev = head.head_hash;
    let mut rows = Vec::with_capacity(events.len());
    for (seq, (who, ev)) in (head.seq - n + 1..).zip(events) {
        let before = ev.before.map(|v| v.to_string());
        let after = ev.after.map(|v| v.to_string());
        let actor = who.user_id.map(|u| u.0);
        let org = ev.org.map(|o| o.0);
        let hash = event_hash(
            &prev,
            seq,
            &now,
            actor,
            org,
            ev.action,
            ev.object_type,
            &ev.object_id,
            before.as_deref(),
            after.as_deref(),
        );
        rows.push(audit_event::ActiveModel {
            seq: Set(seq),
            occurred_at: Set(now),
            actor_user_id: Set(actor),
            organization_id: Set(org),
            action: Set(ev.action.to_string()),
            object_type: Set(ev.object_type.to_string()),
            object_id: Set(ev.object_id),
            before: Set(before),
            after: Set(after),
            request_id: Set(who.request_id.chars().take(64).collect()),
            prev_hash: Set(std::mem::replace(&mut prev, hash.clone())),
            hash: Set(hash),
            ..Default::default()
        });
    }
    audit_event::Entity::insert_many(rows)
        .exec_without_returning(conn)
        .await?;
    audit_chain::Entity::update_many()
        .col_expr(audit_chain::Column::HeadHash, Expr::value(prev))
        .exec(conn)
        .await?;
    Ok(())
}

/// The event `by_actor` records, for callers that gather several and
/// record them together with `record_all`.
pub fn actor_event<'a>(
    actor: &crate::server::Actor,
    request_id: &str,
    action: &'a str,
    object_type: &'a str,
    object_id: impl ToString,
    before: Option<Value>,
    after: Option<Value>,
) -> (Who, Event<'a>) {
    (
        Who::user(actor.user_id(), request_id),
        Event {
            org: Some(actor.org_id()),
            action,
            object_type,
            object_id: object_id.to_string(),
            before,
            after,
        },
    )
}

/// Appends an event by the signed-in actor in their own organization: the
/// common case for services, inside the transaction that makes the change.
#[allow(clippy::too_many_arguments)]
pub async fn by_actor<C: ConnectionTrait>(
    conn: &C,
    actor: &crate::server::Actor,
    request_id: &str,
    action: &str,
    object_type: &str,
    object_id: impl ToString,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<(), crate::model::AppError> {
    let (who, ev) = actor_event(
        actor,
        request_id,
        action,
        object_type,
        object_id,
        before,
        after,
    );
    record(conn, &who, ev)
        .await
        .map_err(crate::server::respond::internal)
}

/// Re-computes the whole chain. Returns the number of events, or the sequence
/// number of the first event that does not match.
pub async fn verify<C: ConnectionTrait>(conn: &C) -> Result<Result<u64, i64>, DbErr> {
    let events = audit_event::Entity::find()
        .order_by_asc(audit_event::Column::Seq)
        .all(conn)
        .await?;
    let mut prev = "0".repeat(64);
    for (i, e) in events.iter().enumerate() {
        let expected = event_hash(
            &prev,
            e.seq,
            &e.occurred_at,
            e.actor_user_id,
            e.organization_id,
            &e.action,
            &e.object_type,
            &e.object_id,
            e.before.as_deref(),
            e.after.as_deref(),
        );
        if e.seq != i as i64 + 1 || e.prev_hash != prev || e.hash != expected {
            return Ok(Err(e.seq));
        }
        prev = expected;
    }
    let head = audit_chain::Entity::find_by_id(1).one(conn).await?;
    match head {
        Some(h) if h.head_hash == prev && h.seq == events.len() as i64 => {
            Ok(Ok(events.len() as u64))
        }
        _ => Ok(Err(events.len() as i64 + 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_covers_every_field() {
        let at = Utc::now();
        let base = event_hash(
            "p",
            1,
            &at,
            Some(1),
            Some(2),
            "a",
            "t",
            "o",
            Some("{}"),
            None,
        );
        assert_ne!(
            base,
            event_hash(
                "q",
                1,
                &at,
                Some(1),
                Some(2),
                "a",
                "t",
                "o",
                Some("{}"),
                None
            )
        );
        assert_ne!(
            base,
            event_hash(
                "p",
                2,
                &at,
                Some(1),
                Some(2),
                "a",
                "t",
                "o",
                Some("{}"),
                None
            )
        );
        assert_ne!(
            base,
            event_hash("p", 1, &at, None, Some(2), "a", "t", "o", Some("{}"), None)
        );
        assert_ne!(
            base,
            event_hash(
                "p",
                1,
                &at,
                Some(1),
                Some(3),
                "a",
                "t",
                "o",
                Some("{}"),
                None
            )
        );
        assert_ne!(
            base,
            event_hash(
                "p",
                1,
                &at,
                Some(1),
                Some(2),
                "b",
                "t",
                "o",
                Some("{}"),
                None
            )
        );
        assert_ne!(
            base,
            event_hash(
                "p",
                1,
                &at,
                Some(1),
                Some(2),
                "a",
                "t",
                "o",
                None,
                Some("{}")
            )
        );
        assert_eq!(
            base,
            event_hash(
                "p",
                1,
                &at,
                Some(1),
                Some(2),
                "a",
                "t",
                "o",
                Some("{}"),
                None
            )
        );
    }
}
