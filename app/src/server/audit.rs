//! The audit trail: append-only and tamper-evident.
//!
//! Every state change writes one event in the same transaction as the change.
//! Events form a keyed hash chain: each event's hash is an HMAC-SHA-256, under
//! a key kept outside the database, of its content and the hash of the event
//! before it; `audit_chain` holds the newest hash. Editing or deleting an
//! event breaks every hash after it, and without the key nobody can compute
//! new ones, which `verify` finds. A head exported with `export_head` and kept
//! elsewhere also shows when the newest events were cut off.

use super::{
    config::Config,
    entities::{audit_chain, audit_event},
    tokens::sha256_hex,
};
use crate::model::{OrgId, UserId};
use chrono::{DateTime, SecondsFormat, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Arc;

/// The key the chain is hashed with: from `PACTLINE_AUDIT_KEY`, or the key
/// file (`PACTLINE_AUDIT_KEY_FILE`, by default `audit.key` in the data
/// directory), generated on first start. Never printed: `Debug` shows only
/// its fingerprint.
#[derive(Clone)]
pub struct AuditKey(Arc<[u8]>);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AuditKey({})", self.id())
    }
}

/// The fewest characters a key may have (64 hex digits: 256 bits).
const MIN_KEY_LEN: usize = 32;

impl AuditKey {
    /// A key from its text: at least 32 characters.
    pub fn new(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.len() < MIN_KEY_LEN {
            return Err(format!(
                "the audit key must have at least {MIN_KEY_LEN} characters (for example 64 hex digits from `openssl rand -hex 32`)"
            ));
        }
        Ok(AuditKey(Arc::from(text.as_bytes())))
    }

    /// A new random key (64 hex digits).
    pub fn generate() -> Self {
        let bytes: [u8; 32] = rand::random();
        AuditKey(Arc::from(hex::encode(bytes).as_bytes()))
    }

    /// The key the configuration names: `PACTLINE_AUDIT_KEY`, else the key
    /// file, which is created (readable by its owner only) when missing.
    pub fn load(config: &Config) -> Result<Self, String> {
        if let Some(k) = &config.audit_key {
            return Ok(k.clone());
        }
        let path = config
            .audit_key_file
            .clone()
            .unwrap_or_else(|| config.data_dir.join("audit.key"));
        let (text, created) = super::key_file::read_or_create(&path, "audit key", || {
            hex::encode(rand::random::<[u8; 32]>())
        })?;
        let key = Self::new(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        if created {
            tracing::warn!(
                path = %path.display(),
                key_id = %key.id(),
                "generated a new audit key; keep a copy away from this machine and the database: without it the audit trail cannot be verified"
            );
        }
        Ok(key)
    }

    fn mac(&self) -> Hmac<sha2::Sha256> {
        Hmac::<sha2::Sha256>::new_from_slice(&self.0).expect("HMAC takes keys of any length")
    }

    fn sign(&self, data: &[u8]) -> String {
        let mut m = self.mac();
        m.update(data);
        hex::encode(m.finalize().into_bytes())
    }

    /// A short name for the key: the first 16 hex digits of its HMAC of a
    /// fixed text. It tells keys apart without revealing them.
    pub fn id(&self) -> String {
        self.sign(b"pactline audit key id")[..16].to_string()
    }
}

/// Who did it, and in which request; and the key their events are hashed
/// with.
#[derive(Clone, Debug)]
pub struct Who {
    pub user_id: Option<UserId>,
    pub request_id: String,
    /// The API token the user acted through, if any.
    pub api_token_id: Option<i64>,
    key: AuditKey,
}

impl Who {
    pub fn user(key: &AuditKey, user_id: UserId, request_id: &str) -> Self {
        Who {
            user_id: Some(user_id),
            request_id: request_id.to_string(),
            api_token_id: None,
            key: key.clone(),
        }
    }
    pub fn system(key: &AuditKey, what: &str) -> Self {
        Who {
            user_id: None,
            request_id: what.to_string(),
            api_token_id: None,
            key: key.clone(),
        }
    }
    /// The signed-in actor, in the request they make.
    pub fn actor(actor: &crate::server::Actor) -> Self {
        Who {
            api_token_id: actor.api_token().map(|t| t.id),
            ..Self::user(
                actor.audit_key(),
                actor.user_id(),
                &actor.request().request_id,
            )
        }
    }
    /// Someone without an account yet, or before they are known.
    pub fn anonymous(key: &AuditKey, user_id: Option<UserId>, request_id: &str) -> Self {
        Who {
            user_id,
            request_id: request_id.to_string(),
            api_token_id: None,
            key: key.clone(),
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
    api_token: Option<i64>,
}

impl<'a> Chained<'a> {
    /// What a stored event's hash covers, after `prev`.
    fn stored(prev: &'a str, e: &'a audit_event::Model) -> Self {
        Chained {
            prev,
            seq: e.seq,
            at: &e.occurred_at,
            actor: e.actor_user_id.map(|x| x.0),
            org: e.organization_id.map(|x| x.0),
            action: &e.action,
            object_type: &e.object_type,
            object_id: &e.object_id,
            before: e.before.as_deref(),
            after: e.after.as_deref(),
            api_token: e.api_token_id,
        }
    }
}

fn event_hash(key: Hashing, e: Chained) -> String {
    // Canonical form: a JSON array, whose quoting keeps the fields apart.
    let mut fields = vec![
        serde_json::json!(e.prev),
        serde_json::json!(e.seq),
        serde_json::json!(e.at.to_rfc3339_opts(SecondsFormat::Micros, true)),
        serde_json::json!(e.actor),
        serde_json::json!(e.org),
        serde_json::json!(e.action),
        serde_json::json!(e.object_type),
        serde_json::json!(e.object_id),
        serde_json::json!(e.before),
        serde_json::json!(e.after),
    ];
    // Events made through an API token also cover the token (events
    // without one hash as they always did).
    if let Some(t) = e.api_token {
        fields.push(serde_json::json!(t));
    }
    let canonical = Value::Array(fields).to_string();
    match key {
        Hashing::Keyed(k) => k.sign(canonical.as_bytes()),
        Hashing::Unkeyed => sha256_hex(canonical.as_bytes()),
    }
}

/// How a chain's hashes are made: keyed, or plain SHA-256 as before keys.
#[derive(Clone, Copy)]
enum Hashing<'a> {
    Keyed(&'a AuditKey),
    Unkeyed,
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
        let key = Hashing::Keyed(&who.key);
        let before = ev.before.map(|v| v.to_string());
        let after = ev.after.map(|v| v.to_string());
        let actor = who.user_id.map(|u| u.0);
        let org = ev.org.map(|o| o.0);
        let hash = event_hash(
            key,
            Chained {
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
                api_token: who.api_token_id,
            },
        );
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
            api_token_id: Set(who.api_token_id),
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
    action: &'a str,
    object_type: &'a str,
    object_id: impl ToString,
    before: Option<Value>,
    after: Option<Value>,
) -> (Who, Event<'a>) {
    (
        Who::actor(actor),
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
    let (who, ev) = actor_event(actor, action, object_type, object_id, before, after);
    record(conn, &who, ev)
        .await
        .map_err(crate::server::respond::internal)
}

/// Events read at a time when the whole chain is walked.
const PAGE: u64 = 2_000;

/// Walks the chain in order, re-computing every hash with `hashing`.
/// `Ok(n)`: n events, all matching, ending at the head; `Err(seq)`: the
/// first event that does not match (or n + 1 when the head does not).
/// `each` sees every event and the hash it should have.
async fn walk<C: ConnectionTrait>(
    conn: &C,
    hashing: Hashing<'_>,
    mut each: impl FnMut(&audit_event::Model),
) -> Result<Result<u64, i64>, DbErr> {
    let mut prev = "0".repeat(64);
    let mut count: i64 = 0;
    loop {
        let events = audit_event::Entity::find()
            .filter(audit_event::Column::Seq.gt(count))
            .order_by_asc(audit_event::Column::Seq)
            .limit(PAGE)
            .all(conn)
            .await?;
        let Some(last) = events.last().map(|e| e.seq) else {
            break;
        };
        for e in &events {
            let expected = event_hash(hashing, Chained::stored(&prev, e));
            if e.seq != count + 1 || e.prev_hash != prev || e.hash != expected {
                return Ok(Err(std::cmp::min(e.seq, count + 1)));
            }
            each(e);
            prev = expected;
            count += 1;
        }
        if last != count {
            return Ok(Err(count + 1));
        }
    }
    let head = audit_chain::Entity::find_by_id(1).one(conn).await?;
    match head {
        Some(h) if h.head_hash == prev && h.seq == count => Ok(Ok(count as u64)),
        _ => Ok(Err(count + 1)),
    }
}

/// Re-computes the whole chain with `key`. Returns the number of events, or
/// the sequence number of the first event that does not match.
pub async fn verify<C: ConnectionTrait>(
    conn: &C,
    key: &AuditKey,
) -> Result<Result<u64, i64>, DbErr> {
    walk(conn, Hashing::Keyed(key), |_| {}).await
}

/// Makes sure the chain is hashed with `key`, at start-up. A chain written
/// before keys existed is checked as it was (plain SHA-256) and, only if it
/// is intact, re-computed with the key (recorded as an event). A chain keyed
/// with another key is refused: the configured key is not the one it was
/// written with.
pub async fn bind_key(db: &sea_orm::DatabaseConnection, key: &AuditKey) -> Result<(), String> {
    let db_err = |e: DbErr| format!("audit trail: {e}");
    let current = audit_chain::Entity::find_by_id(1)
        .one(db)
        .await
        .map_err(db_err)?
        .ok_or("audit trail: the chain head is missing")?;
    match current.key_id.as_deref() {
        Some(id) if id == key.id() => return Ok(()),
        Some(id) => {
            return Err(format!(
                "the audit key (PACTLINE_AUDIT_KEY or the key file) is not the one this audit trail was written with: the trail's key is {id}, the configured one {}",
                key.id()
            ))
        }
        None => {}
    }
    let txn = super::db::write_txn(db).await.map_err(db_err)?;
    // Lock the head, so that two replicas starting at once re-key once.
    let head = audit_chain::Entity::update_many()
        .col_expr(
            audit_chain::Column::Seq,
            Expr::col(audit_chain::Column::Seq),
        )
        .exec_with_returning(&txn)
        .await
        .map_err(db_err)?
        .into_iter()
        .next()
        .ok_or("audit trail: the chain head is missing")?;
    if head.key_id.is_some() {
        txn.rollback().await.map_err(db_err)?;
        return Box::pin(bind_key(db, key)).await;
    }
    let mut events = Vec::new();
    if let Err(seq) = walk(&txn, Hashing::Unkeyed, |e| events.push(e.clone()))
        .await
        .map_err(db_err)?
    {
        return Err(format!(
            "the audit trail is broken at event {seq}; it was not re-keyed (run `pactline audit verify` and investigate before starting)"
        ));
    }
    let mut prev = "0".repeat(64);
    for e in &events {
        let hash = event_hash(Hashing::Keyed(key), Chained::stored(&prev, e));
        audit_event::ActiveModel {
            id: Set(e.id),
            prev_hash: Set(std::mem::replace(&mut prev, hash.clone())),
            hash: Set(hash),
            ..Default::default()
        }
        .update(&txn)
        .await
        .map_err(db_err)?;
    }
    audit_chain::Entity::update_many()
        .col_expr(audit_chain::Column::HeadHash, Expr::value(prev))
        .col_expr(audit_chain::Column::KeyId, Expr::value(key.id()))
        .exec(&txn)
        .await
        .map_err(db_err)?;
    if !events.is_empty() {
        record(
            &txn,
            &Who::system(key, "start-up"),
            Event {
                org: None,
                action: "audit.keyed",
                object_type: "audit_chain",
                object_id: key.id(),
                before: None,
                after: Some(serde_json::json!({ "events": events.len() })),
            },
        )
        .await
        .map_err(db_err)?;
        tracing::warn!(
            events = events.len(),
            key_id = %key.id(),
            "the audit trail was hashed without a key; re-computed it with the configured key"
        );
    }
    txn.commit().await.map_err(db_err)
}

/// The chain's head, signed with the key, to keep away from the database:
/// `verify_head` later shows whether the chain still contains it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct SignedHead {
    pub format: String,
    pub seq: i64,
    pub hash: String,
    pub exported_at: DateTime<Utc>,
    pub key_id: String,
    pub signature: String,
}

const HEAD_FORMAT: &str = "pactline-audit-head/1";

fn head_signature(key: &AuditKey, seq: i64, hash: &str, at: &DateTime<Utc>) -> String {
    let text = serde_json::json!([
        HEAD_FORMAT,
        seq,
        hash,
        at.to_rfc3339_opts(SecondsFormat::Micros, true)
    ])
    .to_string();
    key.sign(text.as_bytes())
}

/// The current head, signed.
pub async fn export_head<C: ConnectionTrait>(
    conn: &C,
    key: &AuditKey,
) -> Result<SignedHead, DbErr> {
    let head = audit_chain::Entity::find_by_id(1)
        .one(conn)
        .await?
        .ok_or_else(|| DbErr::Custom("audit chain head missing".into()))?;
    let exported_at =
        DateTime::<Utc>::from_timestamp_micros(Utc::now().timestamp_micros()).expect("valid time");
    Ok(SignedHead {
        format: HEAD_FORMAT.into(),
        seq: head.seq,
        signature: head_signature(key, head.seq, &head.head_hash, &exported_at),
        hash: head.head_hash,
        exported_at,
        key_id: key.id(),
    })
}

/// What `verify_head` found wrong.
#[derive(Debug, PartialEq, Eq)]
pub enum HeadProblem {
    /// The file was not signed with this key, or was edited.
    BadSignature,
    /// The chain itself does not verify, from this event on.
    Broken(i64),
    /// The chain ends before the exported head: events were cut off.
    Truncated { events: u64, head: i64 },
    /// The event at the head's position is not the one exported.
    Rewritten(i64),
}

impl std::fmt::Display for HeadProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HeadProblem::BadSignature => write!(f, "the head file is not signed with this audit key (or was edited)"),
            HeadProblem::Broken(seq) => write!(f, "audit trail broken at event {seq}"),
            HeadProblem::Truncated { events, head } => write!(
                f,
                "audit trail truncated: it has {events} events, but the exported head is event {head}"
            ),
            HeadProblem::Rewritten(seq) => write!(
                f,
                "audit trail rewritten: event {seq} is not the one the exported head names"
            ),
        }
    }
}

/// Verifies the chain and that it still contains `head`.
pub async fn verify_head<C: ConnectionTrait>(
    conn: &C,
    key: &AuditKey,
    head: &SignedHead,
) -> Result<Result<u64, HeadProblem>, DbErr> {
    let expected = head_signature(key, head.seq, &head.hash, &head.exported_at);
    if head.format != HEAD_FORMAT || !constant_time_eq(&expected, &head.signature) {
        return Ok(Err(HeadProblem::BadSignature));
    }
    let events = match verify(conn, key).await? {
        Ok(n) => n,
        Err(seq) => return Ok(Err(HeadProblem::Broken(seq))),
    };
    if head.seq == 0 {
        return Ok(Ok(events));
    }
    if (events as i64) < head.seq {
        return Ok(Err(HeadProblem::Truncated {
            events,
            head: head.seq,
        }));
    }
    let at = audit_event::Entity::find()
        .filter(audit_event::Column::Seq.eq(head.seq))
        .one(conn)
        .await?;
    match at {
        Some(e) if e.hash == head.hash => Ok(Ok(events)),
        _ => Ok(Err(HeadProblem::Rewritten(head.seq))),
    }
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
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
            api_token: None,
        };
        let key = AuditKey::new(&"k".repeat(32)).unwrap();
        let h = Hashing::Keyed(&key);
        let base = event_hash(h, e);
        assert_eq!(base, event_hash(h, e));
        let other = AuditKey::new(&"j".repeat(32)).unwrap();
        assert_ne!(base, event_hash(Hashing::Keyed(&other), e));
        assert_ne!(base, event_hash(Hashing::Unkeyed, e));
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
            Chained {
                api_token: Some(7),
                ..e
            },
        ] {
            assert_ne!(base, event_hash(h, changed));
        }
    }
}
