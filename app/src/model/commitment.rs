//! Commitments (dated promises tied to requirements) and their reminders:
//! the rules and the DTOs that cross the wire.

use super::{AppError, CommitmentId, EngagementId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Where a commitment stands (DOMAIN.md). `overdue` is not a status: it is
/// derived from the due date (`Commitment::is_overdue`).
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
pub enum CommitmentStatus {
    Proposed,
    Agreed,
    InProgress,
    Fulfilled,
    Verified,
    Waived,
}

/// What moves a commitment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitmentAction {
    /// The side that did not propose it accepts it.
    Agree,
    /// The promising party starts the work.
    Start,
    /// The promising party says it is done, with closure evidence.
    Fulfil,
    /// The other side checks the closure evidence and confirms.
    Verify,
    /// The other side finds the closure insufficient: back to work.
    Reject,
    /// The asset owner lets the commitment go, with a reason.
    Waive,
}

/// How the actor's organization stands to a commitment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitmentRole {
    /// The actor's organization made the promise.
    pub promises: bool,
    /// The actor's organization proposed it.
    pub proposed: bool,
    /// The actor's organization is the engagement's asset owner.
    pub owner: bool,
}

impl CommitmentStatus {
    pub const ALL: [CommitmentStatus; 6] = [
        CommitmentStatus::Proposed,
        CommitmentStatus::Agreed,
        CommitmentStatus::InProgress,
        CommitmentStatus::Fulfilled,
        CommitmentStatus::Verified,
        CommitmentStatus::Waived,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CommitmentStatus::Proposed => "proposed",
            CommitmentStatus::Agreed => "agreed",
            CommitmentStatus::InProgress => "in_progress",
            CommitmentStatus::Fulfilled => "fulfilled",
            CommitmentStatus::Verified => "verified",
            CommitmentStatus::Waived => "waived",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CommitmentStatus::Proposed => "Proposed",
            CommitmentStatus::Agreed => "Agreed",
            CommitmentStatus::InProgress => "In progress",
            CommitmentStatus::Fulfilled => "Fulfilled",
            CommitmentStatus::Verified => "Verified",
            CommitmentStatus::Waived => "Waived",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Still a promise to keep: the due date matters.
    pub fn is_open(self) -> bool {
        Self::OPEN.contains(&self)
    }

    /// The statuses that still count as open.
    pub const OPEN: [CommitmentStatus; 3] = [
        CommitmentStatus::Proposed,
        CommitmentStatus::Agreed,
        CommitmentStatus::InProgress,
    ];

    /// The status after `a` by an organization standing as `role`, or why
    /// it cannot happen. The only place that knows the commitment life cycle.
    pub fn next(self, a: CommitmentAction, role: CommitmentRole) -> Result<Self, AppError> {
        use CommitmentAction as A;
        use CommitmentStatus as S;
        let who = match a {
            A::Agree if role.proposed => Err("The other side agrees to a commitment you proposed."),
            A::Start | A::Fulfil if !role.promises => {
                Err("Only the party that made the promise reports progress on it.")
            }
            A::Verify | A::Reject if role.promises => {
                Err("The other side verifies a commitment, not the party that made it.")
            }
            A::Waive if !role.owner => Err("Only the asset owner waives a commitment."),
            _ => Ok(()),
        };
        who.map_err(|m| AppError::Conflict(m.into()))?;
        let to = match (self, a) {
            (S::Proposed, A::Agree) => S::Agreed,
            (S::Agreed, A::Start) => S::InProgress,
            (S::Agreed | S::InProgress, A::Fulfil) => S::Fulfilled,
            (S::Fulfilled, A::Verify) => S::Verified,
            (S::Fulfilled, A::Reject) => S::InProgress,
            (S::Proposed | S::Agreed | S::InProgress | S::Fulfilled, A::Waive) => S::Waived,
            (from, a) => {
                return Err(AppError::Conflict(format!(
                    "A commitment that is {} cannot be {}.",
                    from.label().to_lowercase(),
                    match a {
                        A::Agree => "agreed",
                        A::Start => "started",
                        A::Fulfil => "fulfilled",
                        A::Verify => "verified",
                        A::Reject => "sent back",
                        A::Waive => "waived",
                    }
                )))
            }
        };
        Ok(to)
    }
}

impl CommitmentAction {
    pub fn parse(s: &str) -> Result<Self, AppError> {
        Ok(match s {
            "agree" => CommitmentAction::Agree,
            "start" => CommitmentAction::Start,
            "fulfil" => CommitmentAction::Fulfil,
            "verify" => CommitmentAction::Verify,
            "reject" => CommitmentAction::Reject,
            "waive" => CommitmentAction::Waive,
            _ => {
                return Err(AppError::invalid(
                    "action",
                    "Choose agree, start, fulfil, verify, reject or waive.",
                ))
            }
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CommitmentAction::Agree => "agree",
            CommitmentAction::Start => "start",
            CommitmentAction::Fulfil => "fulfil",
            CommitmentAction::Verify => "verify",
            CommitmentAction::Reject => "reject",
            CommitmentAction::Waive => "waive",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CommitmentAction::Agree => "Agree",
            CommitmentAction::Start => "Start work",
            CommitmentAction::Fulfil => "Mark fulfilled",
            CommitmentAction::Verify => "Verify",
            CommitmentAction::Reject => "Send back",
            CommitmentAction::Waive => "Waive",
        }
    }
}

/// Whether an open commitment is past its due date on `today`.
pub fn is_overdue(status: CommitmentStatus, due_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    status.is_open() && due_on.is_some_and(|d| d < today)
}

/// One commitment as both sides see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitmentDto {
    pub id: CommitmentId,
    pub engagement_id: EngagementId,
    pub engagement: String,
    pub owner: String,
    /// The organization that made the promise.
    pub party: String,
    /// The supplier the commitment is between the owner and.
    pub supplier: String,
    pub requirement: Option<String>,
    pub title: String,
    pub due_on: Option<NaiveDate>,
    pub status: CommitmentStatus,
    pub overdue: bool,
    pub source: CommitmentSource,
    pub closure_note: String,
    pub closure_link: String,
    pub waive_reason: String,
    /// What the caller's organization may do next.
    pub actions: Vec<CommitmentAction>,
    pub updated: String,
}

impl CommitmentDto {
    pub fn status_label(&self) -> String {
        if self.overdue {
            format!("{} · overdue", self.status.label())
        } else {
            self.status.label().to_string()
        }
    }
}

/// Where a commitment came from.
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
pub enum CommitmentSource {
    /// A condition of an "accepted with conditions" decision.
    ReviewCondition,
    /// A supplier's "planned" answer, with its date.
    PlannedAnswer,
    /// Written by hand on the commitments page.
    Manual,
    /// A compensating countermeasure for a legacy component, carried by
    /// the party responsible for it.
    CompensatingCountermeasure,
}

impl CommitmentSource {
    pub const ALL: [CommitmentSource; 4] = [
        CommitmentSource::ReviewCondition,
        CommitmentSource::PlannedAnswer,
        CommitmentSource::Manual,
        CommitmentSource::CompensatingCountermeasure,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CommitmentSource::ReviewCondition => "review_condition",
            CommitmentSource::PlannedAnswer => "planned_answer",
            CommitmentSource::Manual => "manual",
            CommitmentSource::CompensatingCountermeasure => "compensating_countermeasure",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CommitmentSource::ReviewCondition => "Review condition",
            CommitmentSource::PlannedAnswer => "Planned answer",
            CommitmentSource::Manual => "Written by hand",
            CommitmentSource::CompensatingCountermeasure => "Compensating countermeasure",
        }
    }
}

/// The days before a due date on which reminders go out, most distant
/// first: "30, 7, 1" by default, per organization.
pub fn parse_reminder_days(raw: &str) -> Result<Vec<u16>, AppError> {
    let mut days = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let d: u16 = part.parse().map_err(|_| {
            AppError::invalid(
                "reminder_days",
                format!("“{part}” is not a number of days; write e.g. 30, 7, 1."),
            )
        })?;
        if d == 0 || d > 365 {
            return Err(AppError::invalid(
                "reminder_days",
                "Each reminder is between 1 and 365 days before the due date.",
            ));
        }
        if !days.contains(&d) {
            days.push(d);
        }
    }
    if days.len() > 6 {
        return Err(AppError::invalid(
            "reminder_days",
            "Give at most six reminder days.",
        ));
    }
    days.sort_unstable_by(|a, b| b.cmp(a));
    Ok(days)
}

/// Which reminder is due for something due on `due` seen on `today`: the
/// smallest configured day count that is still at least the days left
/// (so a commitment made five days ahead gets the 7-day reminder once, not
/// the 30-day one too). `None` when no reminder applies yet or the date
/// has passed.
pub fn reminder_due(days: &[u16], due: NaiveDate, today: NaiveDate) -> Option<u16> {
    let left = (due - today).num_days();
    if left < 0 {
        return None;
    }
    days.iter().copied().filter(|d| i64::from(*d) >= left).min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Clock, FixedClock};

    fn role(promises: bool, proposed: bool, owner: bool) -> CommitmentRole {
        CommitmentRole {
            promises,
            proposed,
            owner,
        }
    }

    #[test]
    fn a_commitment_goes_from_proposed_to_verified() {
        use CommitmentAction as A;
        use CommitmentStatus as S;
        // The owner proposed it (a review condition); the supplier promises.
        let supplier = role(true, false, false);
        let owner = role(false, true, true);
        let s = S::Proposed.next(A::Agree, supplier).unwrap();
        assert_eq!(s, S::Agreed);
        let s = s.next(A::Start, supplier).unwrap();
        assert_eq!(s, S::InProgress);
        let s = s.next(A::Fulfil, supplier).unwrap();
        assert_eq!(s, S::Fulfilled);
        assert_eq!(s.next(A::Reject, owner).unwrap(), S::InProgress);
        assert_eq!(s.next(A::Verify, owner).unwrap(), S::Verified);
        assert_eq!(S::Agreed.next(A::Fulfil, supplier).unwrap(), S::Fulfilled);
    }

    #[test]
    fn illegal_moves_are_refused_with_a_reason() {
        use CommitmentAction as A;
        use CommitmentStatus as S;
        let supplier = role(true, true, false);
        let owner = role(false, false, true);
        // Who may not.
        let msg = |e: AppError| e.to_string();
        assert!(msg(S::Proposed.next(A::Agree, supplier).unwrap_err()).contains("other side"));
        assert!(msg(S::Agreed.next(A::Start, owner).unwrap_err()).contains("made the promise"));
        assert!(msg(S::Fulfilled.next(A::Verify, supplier).unwrap_err()).contains("other side"));
        assert!(msg(S::Agreed.next(A::Waive, supplier).unwrap_err()).contains("asset owner"));
        // When it may not.
        assert_eq!(
            msg(S::Proposed.next(A::Fulfil, supplier).unwrap_err()),
            "A commitment that is proposed cannot be fulfilled."
        );
        assert!(S::Verified.next(A::Waive, owner).is_err());
        assert!(S::Waived.next(A::Agree, owner).is_err());
        assert!(S::Agreed.next(A::Verify, owner).is_err());
        assert_eq!(S::InProgress.next(A::Waive, owner).unwrap(), S::Waived);
        // The owner's own promise: it starts and fulfils; the supplier verifies.
        let own = role(true, true, true);
        let other = role(false, false, false);
        assert_eq!(S::Proposed.next(A::Agree, other).unwrap(), S::Agreed);
        assert_eq!(S::Agreed.next(A::Start, own).unwrap(), S::InProgress);
        assert_eq!(S::Fulfilled.next(A::Verify, other).unwrap(), S::Verified);
    }

    #[test]
    fn overdue_is_derived_from_the_clock() {
        let clock = FixedClock::at(NaiveDate::from_ymd_opt(2027, 3, 31).unwrap());
        let due = NaiveDate::from_ymd_opt(2027, 3, 31);
        assert!(!is_overdue(CommitmentStatus::Agreed, due, clock.today()));
        clock.set(NaiveDate::from_ymd_opt(2027, 4, 1).unwrap());
        assert!(is_overdue(CommitmentStatus::Agreed, due, clock.today()));
        assert!(is_overdue(CommitmentStatus::Proposed, due, clock.today()));
        assert!(!is_overdue(CommitmentStatus::Fulfilled, due, clock.today()));
        assert!(!is_overdue(CommitmentStatus::Waived, due, clock.today()));
        assert!(!is_overdue(
            CommitmentStatus::InProgress,
            None,
            clock.today()
        ));
    }

    #[test]
    fn reminder_days_are_checked_and_the_right_one_is_due() {
        assert_eq!(parse_reminder_days("1, 30,7").unwrap(), vec![30, 7, 1]);
        assert_eq!(parse_reminder_days("7,7").unwrap(), vec![7]);
        assert!(parse_reminder_days("soon").is_err());
        assert!(parse_reminder_days("0").is_err());
        assert!(parse_reminder_days("400").is_err());
        assert!(parse_reminder_days("1,2,3,4,5,6,7").is_err());
        let d = |m, day| NaiveDate::from_ymd_opt(2027, m, day).unwrap();
        let days = [30, 7, 1];
        assert_eq!(reminder_due(&days, d(3, 31), d(1, 1)), None);
        assert_eq!(reminder_due(&days, d(3, 31), d(3, 1)), Some(30));
        assert_eq!(reminder_due(&days, d(3, 31), d(3, 26)), Some(7));
        assert_eq!(reminder_due(&days, d(3, 31), d(3, 30)), Some(1));
        assert_eq!(reminder_due(&days, d(3, 31), d(3, 31)), Some(1));
        assert_eq!(reminder_due(&days, d(3, 31), d(4, 1)), None);
    }
}
