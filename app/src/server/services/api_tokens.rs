//! API tokens: an organization's admins make them for scripts and other
//! systems (`/api/v1`). A token acts with the role chosen for it (never
//! admin), may be limited to reading, expires within a year, and is shown
//! once; the database keeps its SHA-256 (tokens are 256 random bits, so a
//! slow hash would add nothing but latency to every call). A token lives as
//! long as its maker stays an active admin of the organization.

use crate::model::{ApiTokenDto, AppError, NewApiToken, Permission, Role};
use crate::server::{access, audit, db, entities::api_token, tokens, Actor, AppState};
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;
use std::collections::HashMap;

const NAME_MAX: usize = 80;
/// The longest a token may live.
pub const MAX_DAYS: i64 = 365;
/// The most tokens (active or not) an organization keeps listed.
const MAX_TOKENS: usize = 200;

fn state_of(t: &api_token::Model, now: chrono::DateTime<Utc>) -> &'static str {
    if t.revoked_at.is_some() {
        "revoked"
    } else if now >= t.expires_at {
        "expired"
    } else {
        "active"
    }
}

fn dto(
    t: api_token::Model,
    makers: &HashMap<i64, String>,
    now: chrono::DateTime<Utc>,
) -> ApiTokenDto {
    ApiTokenDto {
        id: t.id,
        state: state_of(&t, now).to_string(),
        created_by: makers.get(&t.created_by.0).cloned().unwrap_or_default(),
        name: t.name,
        role: t.role,
        read_only: t.read_only,
        prefix: t.prefix,
        created: super::ts(t.created_at),
        expires: super::ts(t.expires_at),
        last_used: t.last_used_at.map(super::ts),
    }
}

/// The organization's tokens, newest first (admins only).
#[tracing::instrument(skip_all, fields(org = actor.org_id().0))]
pub async fn list(actor: &Actor, state: &AppState) -> Result<Vec<ApiTokenDto>, AppError> {
    actor.require(Permission::ManageMembers)?;
    let rows = access::scoped::<api_token::Entity>(actor)
        .order_by_desc(api_token::Column::Id)
        .all(&state.db)
        .await?;
    let makers = super::user_emails(&state.db, rows.iter().map(|t| t.created_by)).await?;
    let now = state.clock.now();
    Ok(rows.into_iter().map(|t| dto(t, &makers, now)).collect())
}

/// Checks what an admin asked for; the clear message says what to fix.
fn check(name: &str, role: &str, read_only: bool, days: i64) -> Result<(String, Role), AppError> {
    let name: String = name.trim().chars().filter(|c| !c.is_control()).collect();
    if name.is_empty() || name.chars().count() > NAME_MAX {
        return Err(AppError::invalid(
            "name",
            format!("Name the token in 1 to {NAME_MAX} characters, e.g. “Procurement reports”."),
        ));
    }
    let role = match Role::parse(role) {
        Ok(r @ (Role::Viewer | Role::Contributor | Role::Reviewer)) => r,
        // An admin token only reads: what admins see (the audit log), never
        // what they change.
        Ok(Role::Admin) if read_only => Role::Admin,
        Ok(Role::Admin) => {
            return Err(AppError::invalid(
                "role",
                "A token acting as admin must be read-only (it may read the audit log); admin changes need a person.",
            ))
        }
        _ => {
            return Err(AppError::invalid(
                "role",
                "A token acts as a viewer, contributor, reviewer or (read-only) admin.",
            ))
        }
    };
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(AppError::invalid(
            "days",
            format!("A token lives 1 to {MAX_DAYS} days."),
        ));
    }
    Ok((name, role))
}

/// Makes a token; its secret is in the answer and nowhere else.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0))]
pub async fn create(
    actor: &Actor,
    state: &AppState,
    name: &str,
    role: &str,
    read_only: bool,
    days: i64,
) -> Result<NewApiToken, AppError> {
    actor.require(Permission::ManageMembers)?;
    let (name, role) = check(name, role, read_only, days)?;
    let secret = tokens::new_api_token();
    let now = state.clock.now();
    let txn = db::write_txn(&state.writer).await?;
    access::lock_organization(&txn, actor).await?;
    let listed = access::scoped::<api_token::Entity>(actor)
        .filter(api_token::Column::RevokedAt.is_null())
        .filter(api_token::Column::ExpiresAt.gt(now))
        .all(&txn)
        .await?
        .len();
    if listed >= MAX_TOKENS {
        return Err(AppError::invalid(
            "name",
            format!("The organization has {MAX_TOKENS} active tokens; revoke one first."),
        ));
    }
    let row = api_token::ActiveModel {
        organization_id: Set(actor.org_id()),
        name: Set(name.clone()),
        role: Set(role),
        read_only: Set(read_only),
        token_hash: Set(tokens::hash_token(&secret)),
        prefix: Set(secret.chars().take(12).collect()),
        created_by: Set(actor.user_id()),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(days)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::by_actor(
        &txn,
        actor,
        "api_token.created",
        "api_token",
        row.id,
        None,
        Some(json!({
            "name": name,
            "role": role.as_str(),
            "read_only": read_only,
            "expires_at": row.expires_at.to_rfc3339(),
        })),
    )
    .await?;
    txn.commit().await?;
    let makers = HashMap::from([(actor.user_id().0, actor.email().to_string())]);
    Ok(NewApiToken {
        secret,
        token: dto(row, &makers, now),
    })
}

/// Revokes a token at once: its next call is refused.
#[tracing::instrument(skip_all, fields(org = actor.org_id().0, id))]
pub async fn revoke(
    actor: &Actor,
    state: &AppState,
    id: i64,
) -> Result<Vec<ApiTokenDto>, AppError> {
    actor.require(Permission::ManageMembers)?;
    let txn = db::write_txn(&state.writer).await?;
    let t = access::find_owned::<api_token::Entity, _>(&txn, actor, id)
        .await?
        .into_inner();
    if t.revoked_at.is_none() {
        let name = t.name.clone();
        let mut am: api_token::ActiveModel = t.into();
        am.revoked_at = Set(Some(state.clock.now()));
        am.update(&txn).await?;
        audit::by_actor(
            &txn,
            actor,
            "api_token.revoked",
            "api_token",
            id,
            Some(json!({"name": name})),
            None,
        )
        .await?;
    }
    txn.commit().await?;
    list(actor, state).await
}
