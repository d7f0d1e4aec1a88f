//! An answer to one requirement: the compliance claims, the fields each one
//! asks for, and the rules that check them before anything is saved.

use super::{AnswerDto, AppError, FieldError};
use serde::{Deserialize, Serialize};

/// A supplier's compliance claim for one requirement.
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
pub enum Compliance {
    Meets,
    MeetsWithCompensatingCountermeasure,
    PartiallyMeets,
    DoesNotMeet,
    Planned,
    NotApplicable,
    ByOtherParty,
}

impl Compliance {
    pub const ALL: [Compliance; 7] = [
        Compliance::Meets,
        Compliance::MeetsWithCompensatingCountermeasure,
        Compliance::PartiallyMeets,
        Compliance::DoesNotMeet,
        Compliance::Planned,
        Compliance::NotApplicable,
        Compliance::ByOtherParty,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Compliance::Meets => "meets",
            Compliance::MeetsWithCompensatingCountermeasure => {
                "meets_with_compensating_countermeasure"
            }
            Compliance::PartiallyMeets => "partially_meets",
            Compliance::DoesNotMeet => "does_not_meet",
            Compliance::Planned => "planned",
            Compliance::NotApplicable => "not_applicable",
            Compliance::ByOtherParty => "by_other_party",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Compliance::Meets => "Meets",
            Compliance::MeetsWithCompensatingCountermeasure => {
                "Meets with compensating countermeasure"
            }
            Compliance::PartiallyMeets => "Partially meets",
            Compliance::DoesNotMeet => "Does not meet",
            Compliance::Planned => "Planned",
            Compliance::NotApplicable => "Not applicable",
            Compliance::ByOtherParty => "By another party",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s || c.label().eq_ignore_ascii_case(s))
    }

    /// Whether evidence is expected for this claim when the profile asks for it.
    pub fn needs_evidence(self) -> bool {
        !matches!(self, Compliance::NotApplicable | Compliance::ByOtherParty)
    }
}

/// The fields of an answer as a supplier edits them (text, as forms and
/// spreadsheets send them).
/// A field left out reads as empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AnswerInput {
    pub compliance: String,
    pub countermeasure: String,
    /// YYYY-MM-DD, for `planned`.
    pub planned_on: String,
    pub na_reason: String,
    pub other_party: String,
    /// 1–4 or empty.
    pub claimed_level: String,
    pub statement: String,
    /// "yes", "no" or empty.
    pub responsibility_accepted: String,
}

/// An answer's fields once checked. Empty fields are left out of what
/// travels (most of a questionnaire's fields are), and read back as empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compliance: Option<Compliance>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub countermeasure: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planned_on: Option<chrono::NaiveDate>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub na_reason: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub other_party: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claimed_level: Option<i16>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub statement: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsibility_accepted: Option<bool>,
}

impl AnswerFields {
    /// The answer in a few words, as a change notice reads it: "Meets (SL
    /// 2)", "Partially meets", "unanswered".
    pub fn brief(&self) -> String {
        match (self.compliance, self.claimed_level) {
            (None, _) => "unanswered".to_string(),
            (Some(c), Some(l)) => format!("{} (SL {l})", c.label()),
            (Some(c), None) => c.label().to_string(),
        }
    }
}

impl AnswerFields {
    /// The fields back as text, e.g. to fill a form.
    pub fn to_input(&self) -> AnswerInput {
        AnswerInput {
            compliance: self
                .compliance
                .map(|c| c.as_str().to_string())
                .unwrap_or_default(),
            countermeasure: self.countermeasure.clone(),
            planned_on: self.planned_on.map(|d| d.to_string()).unwrap_or_default(),
            na_reason: self.na_reason.clone(),
            other_party: self.other_party.clone(),
            claimed_level: self
                .claimed_level
                .map(|l| l.to_string())
                .unwrap_or_default(),
            statement: self.statement.clone(),
            responsibility_accepted: match self.responsibility_accepted {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => String::new(),
            },
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == AnswerFields::default()
    }
}

const TEXT_MAX: usize = 10_000;

/// Checks an answer: each rule names the field to fix. A draft may be
/// incomplete (no compliance yet); the rules that tie fields together apply
/// as soon as the claim is chosen.
pub fn check_answer(input: &AnswerInput) -> Result<AnswerFields, AppError> {
    let mut errors: Vec<FieldError> = Vec::new();
    let mut err = |field: &str, message: &str| {
        errors.push(FieldError {
            field: field.into(),
            message: message.into(),
        })
    };
    let t = |s: &str| s.trim().to_string();
    let compliance = match input.compliance.trim() {
        "" => None,
        raw => match Compliance::parse(raw) {
            Some(c) => Some(c),
            None => {
                err("compliance", "Choose one of the listed answers.");
                None
            }
        },
    };
    let out = AnswerFields {
        compliance,
        countermeasure: t(&input.countermeasure),
        planned_on: match input.planned_on.trim() {
            "" => None,
            raw => match chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    err("planned_on", "Use a date like 2027-03-31.");
                    None
                }
            },
        },
        na_reason: t(&input.na_reason),
        other_party: t(&input.other_party),
        claimed_level: match input.claimed_level.trim() {
            "" => None,
            raw => match super::parse_level("claimed_level", raw) {
                Ok(l) => Some(l),
                Err(_) => {
                    err(
                        "claimed_level",
                        "Choose a level from 1 to 4, or leave it empty.",
                    );
                    None
                }
            },
        },
        statement: t(&input.statement),
        responsibility_accepted: match input.responsibility_accepted.trim().to_lowercase().as_str()
        {
            "" => None,
            "yes" | "true" | "on" => Some(true),
            "no" | "false" | "off" => Some(false),
            _ => {
                err("responsibility_accepted", "Use yes or no.");
                None
            }
        },
    };
    for (field, value) in [
        ("countermeasure", &out.countermeasure),
        ("na_reason", &out.na_reason),
        ("statement", &out.statement),
    ] {
        if value.chars().count() > TEXT_MAX {
            err(field, "Use at most 10,000 characters.");
        }
    }
    if out.other_party.chars().count() > 200 {
        err("other_party", "Use at most 200 characters.");
    }
    match out.compliance {
        Some(Compliance::MeetsWithCompensatingCountermeasure) if out.countermeasure.is_empty() => {
            err(
                "countermeasure",
                "Describe the compensating countermeasure.",
            )
        }
        Some(Compliance::Planned) if out.planned_on.is_none() => {
            err("planned_on", "Give the date by which it will be met.")
        }
        Some(Compliance::NotApplicable) if out.na_reason.is_empty() => {
            err("na_reason", "Say why it does not apply.")
        }
        Some(Compliance::ByOtherParty) if out.other_party.is_empty() => err(
            "other_party",
            "Name who meets it (the asset owner or another supplier).",
        ),
        _ => {}
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(AppError::Validation {
            message: errors[0].message.clone(),
            fields: errors,
        })
    }
}

/// What keeps an assessment from being submitted: answers missing, and
/// answers whose item requires evidence but has none.
pub fn incomplete<'a>(
    answers: impl IntoIterator<Item = &'a AnswerDto>,
) -> (Vec<String>, Vec<String>) {
    let mut unanswered = Vec::new();
    let mut no_evidence = Vec::new();
    for a in answers {
        match a.fields.compliance {
            None => unanswered.push(a.requirement.ref_id.clone()),
            Some(c) if a.evidence_required && c.needs_evidence() && a.evidence.is_empty() => {
                no_evidence.push(a.requirement.ref_id.clone())
            }
            _ => {}
        }
    }
    (unanswered, no_evidence)
}
