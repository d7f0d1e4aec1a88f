//! Engagements and assessments: ids, the status machine, the sides, and the
//! DTOs that cross the wire (the answer rules are in `answer`).

use super::{
    AnswerFields, AnswerId, AnswerInput, AppError, AssessmentId, EngagementId, EvidenceId, Party,
    ProfileId, RequirementDto, TargetKind, UserId,
};
use serde::{Deserialize, Serialize};

/// Where an assessment stands (DOMAIN.md).
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
pub enum AssessmentStatus {
    Sent,
    InProgress,
    Submitted,
    UnderReview,
    ChangesRequested,
    Accepted,
    AcceptedWithConditions,
    Rejected,
    Withdrawn,
}

/// Something that moves an assessment, and who does it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transition {
    /// The supplier saves its first answer.
    Start,
    /// The supplier submits its answers.
    Submit,
    /// The asset owner unlocks a submitted assessment for more answers.
    Reopen,
    /// The asset owner starts reviewing.
    BeginReview,
    /// The asset owner asks for changes.
    RequestChanges,
    Accept,
    AcceptWithConditions,
    Reject,
    /// The asset owner takes the assessment back.
    Withdraw,
}

/// Which side of an assessment the actor is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Owner,
    Supplier,
    /// An assessor the asset owner invited into the engagement: reads
    /// everything, writes internal comments, changes nothing else.
    Assessor,
}

impl AssessmentStatus {
    pub const ALL: [AssessmentStatus; 9] = [
        AssessmentStatus::Sent,
        AssessmentStatus::InProgress,
        AssessmentStatus::Submitted,
        AssessmentStatus::UnderReview,
        AssessmentStatus::ChangesRequested,
        AssessmentStatus::Accepted,
        AssessmentStatus::AcceptedWithConditions,
        AssessmentStatus::Rejected,
        AssessmentStatus::Withdrawn,
    ];

    /// The statuses in which the supplier still answers (and may edit).
    pub const ANSWERING: [AssessmentStatus; 3] = [
        AssessmentStatus::Sent,
        AssessmentStatus::InProgress,
        AssessmentStatus::ChangesRequested,
    ];

    /// The statuses whose answers were submitted and stay as submitted.
    pub const SUBMITTED: [AssessmentStatus; 5] = [
        AssessmentStatus::Submitted,
        AssessmentStatus::UnderReview,
        AssessmentStatus::Accepted,
        AssessmentStatus::AcceptedWithConditions,
        AssessmentStatus::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AssessmentStatus::Sent => "sent",
            AssessmentStatus::InProgress => "in_progress",
            AssessmentStatus::Submitted => "submitted",
            AssessmentStatus::UnderReview => "under_review",
            AssessmentStatus::ChangesRequested => "changes_requested",
            AssessmentStatus::Accepted => "accepted",
            AssessmentStatus::AcceptedWithConditions => "accepted_with_conditions",
            AssessmentStatus::Rejected => "rejected",
            AssessmentStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AssessmentStatus::Sent => "Sent",
            AssessmentStatus::InProgress => "In progress",
            AssessmentStatus::Submitted => "Submitted",
            AssessmentStatus::UnderReview => "Under review",
            AssessmentStatus::ChangesRequested => "Changes requested",
            AssessmentStatus::Accepted => "Accepted",
            AssessmentStatus::AcceptedWithConditions => "Accepted with conditions",
            AssessmentStatus::Rejected => "Rejected",
            AssessmentStatus::Withdrawn => "Withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Whether the supplier may change answers and evidence.
    pub fn supplier_may_edit(self) -> bool {
        Self::ANSWERING.contains(&self)
    }

    /// The status after `t` done by `side`, or why it cannot happen. This is
    /// the only place that knows the assessment's life cycle.
    pub fn next(self, t: Transition, side: Side) -> Result<AssessmentStatus, AppError> {
        use AssessmentStatus as S;
        use Transition as T;
        let owner_only = matches!(
            t,
            T::Reopen
                | T::BeginReview
                | T::RequestChanges
                | T::Accept
                | T::AcceptWithConditions
                | T::Reject
                | T::Withdraw
        );
        if owner_only && side != Side::Owner {
            return Err(AppError::NotFound);
        }
        if matches!(t, T::Start | T::Submit) && side != Side::Supplier {
            return Err(AppError::Conflict(
                "Only the supplier answers and submits an assessment.".into(),
            ));
        }
        let to = match (self, t) {
            (S::Sent, T::Start) => S::InProgress,
            // Saving again changes nothing.
            (S::InProgress | S::ChangesRequested, T::Start) => self,
            (S::Sent | S::InProgress | S::ChangesRequested, T::Submit) => S::Submitted,
            (S::Submitted | S::UnderReview, T::Reopen) => S::InProgress,
            (S::Submitted, T::BeginReview) => S::UnderReview,
            (S::UnderReview, T::RequestChanges) => S::ChangesRequested,
            (S::UnderReview, T::Accept) => S::Accepted,
            (S::UnderReview, T::AcceptWithConditions) => S::AcceptedWithConditions,
            (S::UnderReview, T::Reject) => S::Rejected,
            (
                S::Sent | S::InProgress | S::Submitted | S::UnderReview | S::ChangesRequested,
                T::Withdraw,
            ) => S::Withdrawn,
            (from, t) => {
                return Err(AppError::Conflict(format!(
                    "An assessment that is {} cannot be {}.",
                    from.label().to_lowercase(),
                    match t {
                        T::Start => "answered",
                        T::Submit => "submitted",
                        T::Reopen => "reopened",
                        T::BeginReview => "taken into review",
                        T::RequestChanges => "sent back for changes",
                        T::Accept | T::AcceptWithConditions => "accepted",
                        T::Reject => "rejected",
                        T::Withdraw => "withdrawn",
                    }
                )))
            }
        };
        Ok(to)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceDto {
    pub id: EvidenceId,
    /// "file", "link" or "certificate".
    pub kind: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_bytes: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_on: Option<String>,
}

/// One answer as the assessment page and its server functions carry it;
/// empty and absent fields are left out of what travels.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerDto {
    pub id: AnswerId,
    pub requirement: RequirementDto,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub section: String,
    pub target_kind: TargetKind,
    pub target: i16,
    pub responsible_party: Party,
    pub weight: i16,
    pub evidence_required: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub parameters: String,
    #[serde(default)]
    pub fields: AnswerFields,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee_id: Option<i64>,
    pub version: i32,
    /// The asset owner's verdict, once reviewed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<super::ReviewStatus>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<EvidenceDto>,
    /// In a renewal: whether the answer differs from the accepted one it
    /// renews.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since_last: Option<bool>,
}

/// One supplier of a questionnaire sent to several: who, and by when
/// (YYYY-MM-DD, as a date field sends it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendTo {
    pub supplier_org_id: i64,
    pub due_on: String,
}

/// Which answers the assessment page shows: a section (requirement group),
/// a state, and who it is assigned to. Empty means "any". Pure, so the page
/// and its tests agree.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AnswerFilter {
    pub group: String,
    /// "", "unanswered", "answered", "evidence" (evidence missing),
    /// "clarification" or "rejected".
    pub state: String,
    /// "", "-" (unassigned) or the assignee's name.
    pub assignee: String,
}

impl AnswerFilter {
    pub fn admits(
        &self,
        group: &str,
        fields: &AnswerFields,
        evidence_missing: bool,
        review: Option<super::ReviewStatus>,
        assignee: Option<&str>,
    ) -> bool {
        use super::ReviewStatus as R;
        let group_ok = self.group.is_empty() || self.group == group;
        let state_ok = match self.state.as_str() {
            "unanswered" => fields.compliance.is_none(),
            "answered" => fields.compliance.is_some(),
            "evidence" => evidence_missing,
            "clarification" => review == Some(R::ClarificationRequested),
            "rejected" => review == Some(R::Rejected),
            _ => true,
        };
        let assignee_ok = match self.assignee.as_str() {
            "" => true,
            "-" => assignee.is_none(),
            name => assignee == Some(name),
        };
        group_ok && state_ok && assignee_ok
    }
}

/// Progress of one assessment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub total: u64,
    pub answered: u64,
    pub evidence_missing: u64,
}

impl Progress {
    pub fn percent(&self) -> u64 {
        (self.answered * 100).checked_div(self.total).unwrap_or(0)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentSummary {
    pub id: AssessmentId,
    pub engagement_id: EngagementId,
    pub engagement: String,
    pub owner: String,
    pub supplier: String,
    pub profile: String,
    pub profile_version: i32,
    pub status: AssessmentStatus,
    pub due_on: String,
    pub progress: Progress,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentDto {
    pub summary: AssessmentSummary,
    pub profile_id: ProfileId,
    pub message: String,
    /// The side the viewer is on.
    pub side: Side,
    /// What the viewer may do with it (see `model::abilities`).
    pub abilities: crate::model::AssessmentAbilities,
    pub answers: Vec<AnswerDto>,
    /// The supplier's members answers can be assigned to (supplier side only).
    pub colleagues: Vec<(UserId, String)>,
    /// The rationale of the asset owner's decision, once decided.
    pub decision: Option<String>,
    /// The supplier's product version the answers are about ("HX-500 4.2"),
    /// once the supplier bound it.
    pub product: Option<String>,
    /// The supplier's product versions to fill from (id, "name version"),
    /// for its editors while it answers.
    pub product_versions: Vec<(i64, String)>,
    /// The bound version's certificates and those the answers cite.
    pub certificates: Vec<crate::model::CertificateDto>,
    /// Recurring re-assessment: its cadence and what it renews.
    pub renewal: RenewalDto,
    /// What the owner's zone model says the assessment is about ("HX-500
    /// 4.2"), for the supplier to bind the right product version.
    pub named: Vec<String>,
}

/// An assessment's place in its recurring re-assessment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenewalDto {
    /// Months between assessments, once the owner set a cadence.
    pub every_months: Option<i32>,
    /// When the next assessment is due (it opens 30 days before).
    pub renews_on: Option<chrono::NaiveDate>,
    /// The next assessment, once opened.
    pub next: Option<AssessmentId>,
    /// The accepted assessment this one renews.
    pub renews: Option<AssessmentId>,
    /// Answers changed / unchanged since the renewed assessment.
    pub changed: usize,
    pub unchanged: usize,
    /// The owner may set or stop the cadence (accepted, not renewed yet).
    pub may_set: bool,
}

/// How many days before the renewal date the next assessment opens.
pub const RENEWAL_LEAD_DAYS: i64 = 30;

/// The date the next assessment is due: `months` after the decision.
pub fn renewal_date(decided_on: chrono::NaiveDate, months: u32) -> Option<chrono::NaiveDate> {
    decided_on.checked_add_months(chrono::Months::new(months))
}

/// Whether the next assessment opens today: from `RENEWAL_LEAD_DAYS` before
/// its due date on.
pub fn renewal_opens(renews_on: chrono::NaiveDate, today: chrono::NaiveDate) -> bool {
    today >= renews_on - chrono::Duration::days(RENEWAL_LEAD_DAYS)
}

/// The renewal's due date: its date, or two weeks from opening when the
/// cadence was set late.
pub fn renewal_due(renews_on: chrono::NaiveDate, today: chrono::NaiveDate) -> chrono::NaiveDate {
    renews_on.max(today + chrono::Duration::days(14))
}

/// A cadence as a form sends it: 1 to 60 months, or empty to stop.
pub fn parse_cadence(raw: &str) -> Result<Option<u32>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match raw.parse::<u32>() {
        Ok(n) if (1..=60).contains(&n) => Ok(Some(n)),
        _ => Err(AppError::invalid(
            "every_months",
            "Give the months between assessments, 1 to 60, or leave it empty to stop.",
        )),
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngagementSummary {
    pub id: EngagementId,
    pub name: String,
    pub description: String,
    pub assessments: u64,
    pub created: String,
    /// The asset owner's name when the caller is an invited assessor.
    pub assessing_for: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngagementDto {
    pub id: EngagementId,
    pub name: String,
    pub description: String,
    pub assessments: Vec<AssessmentSummary>,
    /// Owner or Assessor (suppliers never load an engagement).
    pub side: Side,
    pub owner: String,
    /// The assessor organizations invited into the engagement.
    pub assessors: Vec<String>,
}

/// The outcome of saving an answer: saved, or someone else saved first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SaveOutcome {
    Saved {
        version: i32,
    },
    /// Nothing was written: `theirs` is the answer as it now stands (with
    /// its version), `yours` what this save tried to write.
    Conflict {
        theirs: Box<AnswerFields>,
        theirs_version: i32,
        saved_by: String,
        yours: Box<AnswerInput>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerVersionDto {
    pub version: i32,
    pub fields: AnswerFields,
    pub saved_by: String,
    pub saved_at: String,
}

/// One answer the upload would change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetChange {
    pub row: usize,
    pub answer_id: AnswerId,
    pub ref_id: String,
    /// Field, value now, value from the file.
    pub fields: Vec<(String, String, String)>,
    #[serde(skip)]
    pub version: i32,
    #[serde(skip)]
    pub input: AnswerInput,
}

/// What an upload would do: the changes, or every problem.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetPreview {
    pub rows: usize,
    pub unchanged: usize,
    pub changes: Vec<SheetChange>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{check_answer, Compliance};
    use AssessmentStatus as S;
    use Transition as T;

    #[test]
    fn the_answer_filter_combines_section_state_and_assignee() {
        use crate::model::ReviewStatus;
        let empty = AnswerFields::default();
        let met = AnswerFields {
            compliance: Some(Compliance::Meets),
            ..Default::default()
        };
        let any = AnswerFilter::default();
        assert!(any.admits("CR 1", &empty, false, None, None));
        let f = |group: &str, state: &str, assignee: &str| AnswerFilter {
            group: group.into(),
            state: state.into(),
            assignee: assignee.into(),
        };
        assert!(f("CR 1", "", "").admits("CR 1", &met, false, None, None));
        assert!(!f("CR 2", "", "").admits("CR 1", &met, false, None, None));
        assert!(f("", "unanswered", "").admits("CR 1", &empty, false, None, None));
        assert!(!f("", "unanswered", "").admits("CR 1", &met, false, None, None));
        assert!(f("", "answered", "").admits("CR 1", &met, false, None, None));
        assert!(f("", "evidence", "").admits("CR 1", &met, true, None, None));
        assert!(!f("", "evidence", "").admits("CR 1", &met, false, None, None));
        let clar = Some(ReviewStatus::ClarificationRequested);
        assert!(f("", "clarification", "").admits("CR 1", &met, false, clar, None));
        assert!(!f("", "rejected", "").admits("CR 1", &met, false, clar, None));
        assert!(f("", "", "-").admits("CR 1", &met, false, None, None));
        assert!(!f("", "", "-").admits("CR 1", &met, false, None, Some("Hugo")));
        assert!(f("", "", "Hugo").admits("CR 1", &met, false, None, Some("Hugo")));
        assert!(!f("CR 1", "unanswered", "Hugo").admits("CR 1", &met, false, None, Some("Hugo")));
    }

    #[test]
    fn the_life_cycle_follows_domain_md() {
        let path = [
            (S::Sent, T::Start, Side::Supplier, S::InProgress),
            (S::InProgress, T::Submit, Side::Supplier, S::Submitted),
            (S::Submitted, T::BeginReview, Side::Owner, S::UnderReview),
            (
                S::UnderReview,
                T::RequestChanges,
                Side::Owner,
                S::ChangesRequested,
            ),
            (S::ChangesRequested, T::Submit, Side::Supplier, S::Submitted),
            (S::Submitted, T::Reopen, Side::Owner, S::InProgress),
            (
                S::UnderReview,
                T::AcceptWithConditions,
                Side::Owner,
                S::AcceptedWithConditions,
            ),
            (S::UnderReview, T::Accept, Side::Owner, S::Accepted),
            (S::UnderReview, T::Reject, Side::Owner, S::Rejected),
            (S::Sent, T::Withdraw, Side::Owner, S::Withdrawn),
            (S::Sent, T::Submit, Side::Supplier, S::Submitted),
        ];
        for (from, t, side, to) in path {
            assert_eq!(from.next(t, side).unwrap(), to, "{from:?} {t:?}");
        }
    }

    #[test]
    fn illegal_transitions_are_refused_with_a_reason() {
        for (from, t) in [
            (S::Submitted, T::Submit),
            (S::Submitted, T::Start),
            (S::Accepted, T::Withdraw),
            (S::Withdrawn, T::Reopen),
            (S::Sent, T::Accept),
            (S::Rejected, T::Submit),
        ] {
            let side = if matches!(t, T::Start | T::Submit) {
                Side::Supplier
            } else {
                Side::Owner
            };
            match from.next(t, side) {
                Err(AppError::Conflict(m)) => {
                    assert!(m.starts_with("An assessment that is"), "{m}")
                }
                other => panic!("{from:?} {t:?}: {other:?}"),
            }
        }
        // A supplier cannot do the owner's part, nor the owner the supplier's.
        assert_eq!(
            S::Submitted.next(T::Reopen, Side::Supplier),
            Err(AppError::NotFound)
        );
        assert!(S::Sent.next(T::Submit, Side::Owner).is_err());
        assert!(S::Submitted.supplier_may_edit().eq(&false));
        assert!(S::ChangesRequested.supplier_may_edit());
    }

    fn input(compliance: &str) -> AnswerInput {
        AnswerInput {
            compliance: compliance.into(),
            ..Default::default()
        }
    }

    #[test]
    fn answers_need_what_their_claim_implies() {
        let field = |e: AppError| e.field_names();
        assert_eq!(check_answer(&input("")).unwrap(), AnswerFields::default());
        assert_eq!(
            check_answer(&input("meets")).unwrap().compliance,
            Some(Compliance::Meets)
        );
        assert_eq!(
            field(check_answer(&input("meets_with_compensating_countermeasure")).unwrap_err()),
            ["countermeasure"]
        );
        assert_eq!(
            field(check_answer(&input("planned")).unwrap_err()),
            ["planned_on"]
        );
        assert_eq!(
            field(check_answer(&input("not_applicable")).unwrap_err()),
            ["na_reason"]
        );
        assert_eq!(
            field(check_answer(&input("by_other_party")).unwrap_err()),
            ["other_party"]
        );
        assert_eq!(
            field(check_answer(&input("sort of")).unwrap_err()),
            ["compliance"]
        );
        let ok = check_answer(&AnswerInput {
            compliance: "Planned".into(),
            planned_on: "2027-03-31".into(),
            claimed_level: "SL-T 2".into(),
            responsibility_accepted: "yes".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(ok.planned_on.unwrap().to_string(), "2027-03-31");
        assert_eq!(ok.claimed_level, Some(2));
        assert_eq!(
            check_answer(&ok.to_input()).unwrap(),
            ok,
            "round trip through text"
        );
        let bad = check_answer(&AnswerInput {
            compliance: "planned".into(),
            planned_on: "31/03/2027".into(),
            claimed_level: "7".into(),
            responsibility_accepted: "maybe".into(),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(
            bad.field_names(),
            [
                "planned_on",
                "claimed_level",
                "responsibility_accepted",
                "planned_on"
            ]
        );
    }
}

#[cfg(test)]
mod renewal_tests {
    use super::*;

    fn d(s: &str) -> chrono::NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_next_assessment_is_due_months_after_the_decision_and_opens_thirty_days_before() {
        assert_eq!(renewal_date(d("2026-01-31"), 12), Some(d("2027-01-31")));
        // The end of a shorter month.
        assert_eq!(renewal_date(d("2026-01-31"), 1), Some(d("2026-02-28")));
        let on = d("2027-01-31");
        assert!(!renewal_opens(on, d("2026-12-31")));
        assert!(renewal_opens(on, d("2027-01-01")));
        assert!(renewal_opens(on, d("2027-03-01")));
        assert_eq!(renewal_due(on, d("2027-01-01")), on);
        assert_eq!(renewal_due(on, d("2027-01-25")), d("2027-02-08"));
    }

    #[test]
    fn a_cadence_is_one_to_sixty_months_or_none() {
        assert_eq!(parse_cadence("12").unwrap(), Some(12));
        assert_eq!(parse_cadence(" ").unwrap(), None);
        for bad in ["0", "61", "-1", "twelve", "1.5"] {
            assert!(parse_cadence(bad).is_err(), "{bad}");
        }
    }
}
