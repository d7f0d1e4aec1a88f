//! The signed-in user's own sessions: where they are signed in, and ending
//! any or all of the others. A session is named outside the server by a
//! short reference (see `session::session_ref`), looked up only among the
//! sessions of the user asking: anyone else's is simply not found.

use super::{org_names, ts};
use crate::model::{browser_label, AppError, SessionDto};
use crate::server::{
    access, audit, db,
    entities::session as stored,
    session::{self, session_ref},
    Actor, AppState,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

/// The caller's sessions that have not expired, the current one marked,
/// most recently used first.
#[tracing::instrument(skip_all, fields(user = actor.user_id().0))]
pub async fn list(actor: &Actor, state: &AppState) -> Result<Vec<SessionDto>, AppError> {
    let rows = access::sessions_mine(actor)
        .filter(stored::Column::ExpiresAt.gt(chrono::Utc::now()))
        .order_by_desc(stored::Column::LastSeenAt)
        .all(&state.db)
        .await?;
    let names = org_names(&state.db, rows.iter().map(|r| r.organization_id)).await?;
    Ok(rows
        .into_iter()
        .map(|r| SessionDto {
            id: session_ref(&r.id_hash),
            organization: names.get(&r.organization_id).cloned().unwrap_or_default(),
            started: ts(r.created_at),
            last_seen: ts(r.last_seen_at),
            client_addr: r.client_addr,
            browser: browser_label(&r.user_agent),
            current: r.id_hash == actor.session_hash(),
        })
        .collect())
}

/// Ends one of the caller's other sessions. The current one is ended by
/// signing out.
#[tracing::instrument(skip_all, fields(user = actor.user_id().0))]
pub async fn end(actor: &Actor, state: &AppState, reference: &str) -> Result<(), AppError> {
    let reference = reference.trim();
    if reference.len() != 16 || !reference.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let txn = db::write_txn(&state.writer).await?;
    let mine = access::sessions_mine(actor)
        .filter(stored::Column::IdHash.starts_with(reference.to_ascii_lowercase()))
        .all(&txn)
        .await?;
    let [row] = mine.as_slice() else {
        return Err(AppError::NotFound);
    };
    if row.id_hash == actor.session_hash() {
        return Err(AppError::invalid(
            "session",
            "This is the session you are using: sign out to end it.",
        ));
    }
    stored::Entity::delete_by_id(row.id_hash.clone())
        .exec(&txn)
        .await?;
    audit::by_actor(
        &txn,
        actor,
        "session.ended_by_user",
        "user",
        actor.user_id().0,
        None,
        Some(json!({"session": reference, "client_addr": row.client_addr})),
    )
    .await?;
    Ok(txn.commit().await?)
}

/// Ends every session of the caller but the current one; returns how many.
#[tracing::instrument(skip_all, fields(user = actor.user_id().0))]
pub async fn end_others(actor: &Actor, state: &AppState) -> Result<u64, AppError> {
    let txn = db::write_txn(&state.writer).await?;
    let ended =
        session::destroy_for_user(&txn, actor.user_id(), Some(actor.session_hash())).await?;
    audit::by_actor(
        &txn,
        actor,
        "session.others_ended_by_user",
        "user",
        actor.user_id().0,
        None,
        Some(json!({"ended": ended})),
    )
    .await?;
    txn.commit().await?;
    Ok(ended)
}
