//! Services hold the rules, one module per context. Each public function
//! takes `&Actor` first (or is explicitly anonymous) and returns DTOs.

pub mod admin;
pub mod answer_sheets;
pub mod api_tokens;
pub mod assessments;
pub mod auth;
pub mod autosave;
pub mod calendar;
pub mod catalogs;
pub mod commitment_exports;
pub mod commitments;
pub mod comparison;
pub mod dashboard;
pub mod engagements;
pub mod evidence_files;
pub mod exports;
pub mod invitations;
pub mod library_evidence;
pub mod matrix;
pub mod members;
pub mod notifications;
pub mod partners;
pub mod passkeys;
pub mod product_answers;
pub mod product_shares;
pub mod products;
pub mod profile_import;
pub mod profile_items;
pub mod profiles;
pub mod program;
pub mod reminder_settings;
pub mod reminders;
pub mod renewals;
pub mod reviews;
pub mod second_factor;
pub mod sessions;
pub mod single_sign_on;
pub mod suppliers;
pub mod webhooks;
pub mod zones;

use crate::model::{AppError, OrgId, UserId};
use crate::server::entities::{organization, user};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;

/// Organization names by id, in one query.
pub(crate) async fn org_names<C: ConnectionTrait>(
    conn: &C,
    ids: impl IntoIterator<Item = OrgId>,
) -> Result<HashMap<OrgId, String>, AppError> {
    Ok(organization::Entity::find()
        .filter(organization::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect())
}

/// Users' display names by id, in one query.
pub(crate) async fn user_names<C: ConnectionTrait>(
    conn: &C,
    ids: impl IntoIterator<Item = UserId>,
) -> Result<HashMap<UserId, String>, AppError> {
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}

/// Users' e-mail addresses by id, in one query (the makers of an
/// organization's own tokens and endpoints, shown to its admins).
pub(crate) async fn user_emails<C: ConnectionTrait>(
    conn: &C,
    ids: impl IntoIterator<Item = UserId>,
) -> Result<HashMap<i64, String>, AppError> {
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|u| (u.id.0, u.email))
        .collect())
}

/// How times are shown: minutes, UTC, unambiguous.
pub fn ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}
