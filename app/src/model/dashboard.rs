//! The home pages' DTOs: notifications, the asset owner's portfolio and
//! what a supplier owes.

use super::CommitmentDto;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// An in-app notification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationDto {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: String,
    pub created: String,
    pub read: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notifications {
    pub unread: u64,
    pub items: Vec<NotificationDto>,
}

/// One supplier's row of the SL-gap heatmap: per group (FR, SP area), the
/// levels missing (required − reached, 0 when met), or None when the
/// supplier answered nothing in that group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeatRow {
    pub supplier: String,
    pub gaps: Vec<Option<i16>>,
    pub total: i64,
}

/// Something for this week's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttentionItem {
    pub what: String,
    pub detail: String,
    pub link: String,
    pub due_on: Option<NaiveDate>,
    pub overdue: bool,
}

/// The asset owner's home page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Portfolio {
    pub suppliers: i64,
    /// (status, assessments), every status listed.
    pub by_status: Vec<(super::AssessmentStatus, i64)>,
    pub open_commitments: i64,
    pub overdue_commitments: i64,
    pub groups: Vec<String>,
    /// The suppliers with the largest gaps first (at most 50).
    pub heatmap: Vec<HeatRow>,
    /// Suppliers with submitted answers in the heatmap's data.
    pub heatmap_suppliers: i64,
    pub attention: Vec<AttentionItem>,
}

/// What a supplier owes, per asset owner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwedTo {
    pub owner: String,
    pub assessments_open: i64,
    pub next_assessment_due: Option<NaiveDate>,
    pub commitments: Vec<CommitmentDto>,
}
