//! Services hold the rules, one module per context. Each public function
//! takes `&Actor` first (or is explicitly anonymous) and returns DTOs.

pub mod admin;
pub mod answer_sheets;
pub mod assessments;
pub mod auth;
pub mod catalogs;
pub mod comparison;
pub mod engagements;
pub mod evidence_files;
pub mod exports;
pub mod invitations;
pub mod members;
pub mod profiles;
pub mod reviews;
pub mod suppliers;

use chrono::{DateTime, Utc};

/// How times are shown: minutes, UTC, unambiguous.
pub fn ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}
