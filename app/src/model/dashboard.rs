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
    /// When, exactly (for the API).
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub read: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notifications {
    pub unread: u64,
    pub items: Vec<NotificationDto>,
}

/// A kind of notification a user sets e-mail for: each stored notification
/// kind belongs to one (see [`MailTopic::of`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::DeriveValueType))]
#[cfg_attr(
    feature = "ssr",
    sea_orm(
        value_type = "String",
        column_type = "Text",
        from_str = "crate::model::from_name",
        to_str = "crate::model::name"
    )
)]
#[serde(rename_all = "snake_case")]
pub enum MailTopic {
    Questionnaires,
    Reviews,
    Commitments,
    Matrix,
    Certificates,
}

impl MailTopic {
    pub const ALL: [MailTopic; 5] = [
        MailTopic::Questionnaires,
        MailTopic::Reviews,
        MailTopic::Commitments,
        MailTopic::Matrix,
        MailTopic::Certificates,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MailTopic::Questionnaires => "questionnaires",
            MailTopic::Reviews => "reviews",
            MailTopic::Commitments => "commitments",
            MailTopic::Matrix => "matrix",
            MailTopic::Certificates => "certificates",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MailTopic::Questionnaires => "Questionnaires",
            MailTopic::Reviews => "Reviews and comments",
            MailTopic::Commitments => "Commitments",
            MailTopic::Matrix => "Responsibility matrix",
            MailTopic::Certificates => "Certificates",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            MailTopic::Questionnaires => {
                "Sent, submitted, sent back for changes, decided; due-date reminders"
            }
            MailTopic::Reviews => "Answers rejected or to clarify, shared comments",
            MailTopic::Commitments => "Proposed, moved, due soon, overdue",
            MailTopic::Matrix => "Proposals, agreement, re-opening",
            MailTopic::Certificates => "Certificate records about to expire",
        }
    }

    /// The topic of a stored notification kind; `None` for a kind no topic
    /// covers (its e-mail always goes out at once).
    pub fn of(kind: &str) -> Option<MailTopic> {
        let head = kind.split('.').next().unwrap_or(kind);
        match (head, kind) {
            (_, "assessment.reminder") | ("assessment", _) => Some(MailTopic::Questionnaires),
            ("review" | "comment", _) => Some(MailTopic::Reviews),
            // A countermeasure's review date is the owner's own commitment.
            ("commitment" | "countermeasure", _) => Some(MailTopic::Commitments),
            ("matrix", _) => Some(MailTopic::Matrix),
            ("certificate", _) => Some(MailTopic::Certificates),
            _ => None,
        }
    }

    pub fn parse(s: &str) -> Option<MailTopic> {
        Self::ALL.into_iter().find(|t| t.as_str() == s.trim())
    }
}

/// When a user's e-mail about a topic goes out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::DeriveValueType))]
#[cfg_attr(
    feature = "ssr",
    sea_orm(
        value_type = "String",
        column_type = "Text",
        from_str = "crate::model::from_name",
        to_str = "crate::model::name"
    )
)]
#[serde(rename_all = "snake_case")]
pub enum MailDelivery {
    /// One e-mail per notification, at once.
    #[default]
    Immediate,
    /// One summary a day of the day before.
    Daily,
    /// The notification in the app only.
    Never,
}

impl MailDelivery {
    pub const ALL: [MailDelivery; 3] = [
        MailDelivery::Immediate,
        MailDelivery::Daily,
        MailDelivery::Never,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MailDelivery::Immediate => "immediate",
            MailDelivery::Daily => "daily",
            MailDelivery::Never => "never",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MailDelivery::Immediate => "E-mail at once",
            MailDelivery::Daily => "Daily summary",
            MailDelivery::Never => "No e-mail (in the app only)",
        }
    }

    pub fn parse(s: &str) -> Result<MailDelivery, super::AppError> {
        Self::ALL
            .into_iter()
            .find(|d| d.as_str() == s.trim())
            .ok_or_else(|| {
                super::AppError::invalid("delivery", "Choose immediate, daily or never.")
            })
    }
}

/// A user's choice for each topic, in [`MailTopic::ALL`]'s order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailPreferences {
    pub topics: Vec<(MailTopic, MailDelivery)>,
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
    /// Accepted assessments with a cadence, the next due soonest first.
    pub renewals: Vec<RenewalDue>,
}

/// An accepted assessment due for renewal, as the portfolio lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenewalDue {
    pub assessment: super::AssessmentId,
    pub supplier: String,
    pub profile: String,
    pub renews_on: NaiveDate,
    /// The renewal, once opened.
    pub opened: Option<super::AssessmentId>,
    /// Due within the next 90 days or past, and not opened.
    pub soon: bool,
}

/// What a supplier owes, per asset owner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwedTo {
    pub owner: String,
    pub assessments_open: i64,
    pub next_assessment_due: Option<NaiveDate>,
    pub commitments: Vec<CommitmentDto>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_notification_kind_has_its_topic() {
        for (kind, topic) in [
            ("assessment.sent", MailTopic::Questionnaires),
            ("assessment.submitted", MailTopic::Questionnaires),
            ("assessment.reminder", MailTopic::Questionnaires),
            ("assessment.renewal_reminder", MailTopic::Questionnaires),
            ("assessment.renewal_opened", MailTopic::Questionnaires),
            ("assessment.decided", MailTopic::Questionnaires),
            ("review.rejected", MailTopic::Reviews),
            ("review.clarification", MailTopic::Reviews),
            ("comment.shared", MailTopic::Reviews),
            ("commitment", MailTopic::Commitments),
            ("commitment.overdue", MailTopic::Commitments),
            ("commitment.planned", MailTopic::Commitments),
            ("matrix", MailTopic::Matrix),
            ("certificate.reminder", MailTopic::Certificates),
            ("countermeasure.reminder", MailTopic::Commitments),
            ("countermeasure.overdue", MailTopic::Commitments),
        ] {
            assert_eq!(MailTopic::of(kind), Some(topic), "{kind}");
        }
        assert_eq!(MailTopic::of("partner.accepted"), None);
        for t in MailTopic::ALL {
            assert_eq!(MailTopic::parse(t.as_str()), Some(t));
        }
        for d in MailDelivery::ALL {
            assert_eq!(MailDelivery::parse(d.as_str()).unwrap(), d);
        }
        assert!(MailDelivery::parse("hourly").is_err());
    }
}
