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

/// What an event's hash covers: every field, and the hash before it.
#[derive(Clone, Copy)]
struct Chained<'a> {
    prev: &'a str,
    seq: i64,
    at: &'a DateTime<Utc>,
    actor: Option<i64>,
    org: Option<i64>,
    action: &'a str,
    object_type: &'a str,
    object_id: &'a str,
    before: Option<&'a str>,
    after: Option<&'a str>,
}

fn event_hash(e: Chained) -> String {
    // Canonical form: a JSON array, whose quoting keeps the fields apart.
    let canonical = serde_json::json!([
        e.prev,
        e.seq,
        e.at.to_rfc3339_opts(SecondsFormat::Micros, true),
        e.actor,
        e.org,
        e.action,
        e.object_type,
        e.object_id,
        e.before,
        e.after
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
        let hash = event_hash(Chained {
            prev: &prev,
            seq,
            at: &now,
            actor,
            org,
            action: ev.action,
            object_type: ev.object_type,
            object_id: &ev.object_id,
            before: before.as_deref(),
            after: after.as_deref(),
        });
        rows.push(audit_event::ActiveModel {
            seq: Set(seq),
            occurred_at: Set(now),
            actor_user_id: Set(actor.map(UserId)),
            organization_id: Set(org.map(OrgId)),
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
pub async fn by_actor<C: ConnectionTrait>(
    conn: &C,
    actor: &crate::server::Actor,
    action: &str,
    object_type: &str,
    object_id: impl ToString,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<(), crate::model::AppError> {
    let (who, ev) = actor_event(
        actor,
        &actor.request().request_id,
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
        let expected = event_hash(Chained {
            prev: &prev,
            seq: e.seq,
            at: &e.occurred_at,
            actor: e.actor_user_id.map(|x| x.0),
            org: e.organization_id.map(|x| x.0),
            action: &e.action,
            object_type: &e.object_type,
            object_id: &e.object_id,
            before: e.before.as_deref(),
            after: e.after.as_deref(),
        });
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
        let later = at + chrono::Duration::microseconds(1);
        let e = Chained {
            prev: "p",
            seq: 1,
            at: &at,
            actor: Some(1),
            org: Some(2),
            action: "a",
            object_type: "t",
            object_id: "o",
            before: Some("{}"),
            after: None,
        };
        let base = event_hash(e);
        assert_eq!(base, event_hash(e));
        for changed in [
            Chained { prev: "q", ..e },
            Chained { seq: 2, ..e },
            Chained { at: &later, ..e },
            Chained { actor: None, ..e },
            Chained { org: Some(3), ..e },
            Chained { action: "b", ..e },
            Chained {
                object_type: "u",
                ..e
            },
            Chained {
                object_id: "p",
                ..e
            },
            Chained {
                before: None,
                after: Some("{}"),
                ..e
            },
        ] {
            assert_ne!(base, event_hash(changed));
        }
    }
}
