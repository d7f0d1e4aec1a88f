//! `Idempotency-Key` on the REST API's creating POSTs: the first request
//! with a key acts and its answer is kept a day; the same request sent
//! again with the same key (by the same token) gets that answer back, a
//! different request with it is refused, and one sent while the first is
//! still being handled is told so. Keys belong to one token: another
//! token's key of the same spelling is another key.

use super::{access, db, entities::idempotency_key, Actor, AppState};
use crate::model::AppError;
use chrono::Duration;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

/// How long a key and its answer are kept.
pub const KEPT_FOR: Duration = Duration::hours(24);

/// What to do with a request that carries a key.
#[derive(Debug, PartialEq, Eq)]
pub enum Begin {
    /// First seen: handle it, then `finish` (or `forget`) the key.
    Proceed(i64),
    /// Seen and answered: send this answer again.
    Replay {
        status: u16,
        content_type: String,
        body: String,
    },
    /// The key was used for another request.
    Mismatch,
    /// The first request with the key is still being handled.
    InFlight,
}

/// Claims `key` for a request of the actor's token with digest `hash`.
pub async fn begin(
    actor: &Actor,
    state: &AppState,
    key: &str,
    hash: &str,
) -> Result<Begin, AppError> {
    let Some(token) = actor.api_token() else {
        return Err(AppError::NotFound);
    };
    let now = state.clock.now();
    let txn = db::write_txn(&state.writer).await?;
    let found = access::scoped::<idempotency_key::Entity>(actor)
        .filter(idempotency_key::Column::ApiTokenId.eq(token.id))
        .filter(idempotency_key::Column::IdemKey.eq(key))
        .one(&txn)
        .await?;
    if let Some(k) = found {
        if k.created_at > now - KEPT_FOR {
            return Ok(if k.request_hash != hash {
                Begin::Mismatch
            } else if let (Some(status), Some(body)) = (k.status, k.response_body) {
                Begin::Replay {
                    status: status as u16,
                    content_type: k.content_type.unwrap_or_default(),
                    body,
                }
            } else {
                Begin::InFlight
            });
        }
        // Older than a day: the key is free again.
        idempotency_key::Entity::delete_by_id(k.id)
            .exec(&txn)
            .await?;
    }
    let row = idempotency_key::ActiveModel {
        organization_id: Set(actor.org_id()),
        api_token_id: Set(token.id),
        idem_key: Set(key.to_string()),
        request_hash: Set(hash.to_string()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    match row {
        Ok(r) => {
            txn.commit().await?;
            Ok(Begin::Proceed(r.id))
        }
        // The same key claimed at this moment by another request (another
        // replica): that one acts.
        Err(e)
            if matches!(
                e.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ) =>
        {
            Ok(Begin::InFlight)
        }
        Err(e) => Err(e.into()),
    }
}

/// Keeps the answer given to the request of key row `id`.
pub async fn finish(
    state: &AppState,
    id: i64,
    status: u16,
    content_type: &str,
    body: String,
) -> Result<(), AppError> {
    idempotency_key::ActiveModel {
        id: Set(id),
        status: Set(Some(i32::from(status))),
        content_type: Set(Some(content_type.chars().take(100).collect())),
        response_body: Set(Some(body)),
        ..Default::default()
    }
    .update(&state.writer)
    .await?;
    Ok(())
}

/// Frees the key of row `id`: its request failed in a way worth retrying
/// (a server error, a rate limit), so the next one with it acts.
pub async fn forget(state: &AppState, id: i64) -> Result<(), AppError> {
    idempotency_key::Entity::delete_by_id(id)
        .exec(&state.writer)
        .await?;
    Ok(())
}

/// Deletes the keys older than a day.
pub async fn purge(state: &AppState) -> Result<u64, sea_orm::DbErr> {
    Ok(idempotency_key::Entity::delete_many()
        // access: allow — a system job over every organization's expired keys.
        .filter(idempotency_key::Column::CreatedAt.lt(state.clock.now() - KEPT_FOR))
        .exec(&state.writer)
        .await?
        .rows_affected)
}
