//! The asset owner's own security program (IEC 62443-2-1:2024): ratings of
//! its program requirements by maturity level, the roll-up per security
//! program element (SPE), the trace to supplier-side requirements, and what
//! suppliers did about the traced requirements. The rules here are pure.

use super::{AppError, Compliance, OrgId, UserId};
use serde::{Deserialize, Serialize};

/// The supplier-side parts a program requirement may be traced to.
pub const TRACE_PARTS: [&str; 4] = ["2-4", "3-3", "4-1", "4-2"];

/// At most this many supplier-side requirements per program requirement.
pub const TRACE_MAX: usize = 400;

/// Which parties help the asset owner carry a program requirement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CarriedBy {
    /// The owner alone.
    Owner,
    ServiceProviders,
    ProductSuppliers,
    /// Service providers and product suppliers.
    Both,
}

impl CarriedBy {
    pub const ALL: [CarriedBy; 4] = [
        CarriedBy::Owner,
        CarriedBy::ServiceProviders,
        CarriedBy::ProductSuppliers,
        CarriedBy::Both,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CarriedBy::Owner => "owner",
            CarriedBy::ServiceProviders => "service_providers",
            CarriedBy::ProductSuppliers => "product_suppliers",
            CarriedBy::Both => "both",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CarriedBy::Owner => "The asset owner alone",
            CarriedBy::ServiceProviders => "With service providers",
            CarriedBy::ProductSuppliers => "With product suppliers",
            CarriedBy::Both => "With service providers and product suppliers",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s.trim())
    }

    /// What a trace suggests: service providers where it reaches 2-4 or
    /// 3-3, product suppliers where it reaches 4-1 or 4-2.
    pub fn from_trace<'a>(parts: impl IntoIterator<Item = &'a str>) -> Self {
        let (mut sp, mut ps) = (false, false);
        for p in parts {
            match p {
                "2-4" | "3-3" => sp = true,
                "4-1" | "4-2" => ps = true,
                _ => {}
            }
        }
        match (sp, ps) {
            (false, false) => CarriedBy::Owner,
            (true, false) => CarriedBy::ServiceProviders,
            (false, true) => CarriedBy::ProductSuppliers,
            (true, true) => CarriedBy::Both,
        }
    }
}

/// A maturity level from a form: empty is "not rated", otherwise 1–4
/// (written `2` or `ML2`).
pub fn parse_ml(field: &str, raw: &str) -> Result<Option<i16>, AppError> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let digits = s
        .strip_prefix("ML")
        .or_else(|| s.strip_prefix("ml"))
        .unwrap_or(s)
        .trim();
    match digits.parse::<i16>() {
        Ok(n @ 1..=4) => Ok(Some(n)),
        _ => Err(AppError::invalid(
            field,
            "Choose a maturity level from ML1 to ML4, or leave it empty.",
        )),
    }
}

/// A rating as the owner saves it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingFields {
    pub target_ml: Option<i16>,
    pub achieved_ml: Option<i16>,
    pub owner_user_id: Option<UserId>,
    #[serde(default)]
    pub evidence: String,
    #[serde(default)]
    pub note: String,
    /// `None`: as the trace suggests.
    pub carried_by: Option<CarriedBy>,
}

/// A rating as a form sends it (fields `rating[target_ml]`, …), unchecked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RatingForm {
    pub target_ml: String,
    pub achieved_ml: String,
    pub owner_user_id: String,
    pub evidence: String,
    pub note: String,
    pub carried_by: String,
}

/// Evidence and note are free text of at most this many characters.
pub const RATING_TEXT_MAX: usize = 4000;

impl RatingFields {
    /// Checks what a form sent; the error names the field to fix.
    pub fn parse(
        target_ml: &str,
        achieved_ml: &str,
        owner_user_id: &str,
        evidence: &str,
        note: &str,
        carried_by: &str,
    ) -> Result<Self, AppError> {
        let target_ml = parse_ml("target_ml", target_ml)?;
        let achieved_ml = parse_ml("achieved_ml", achieved_ml)?;
        let owner_user_id = match owner_user_id.trim() {
            "" => None,
            s => Some(UserId(s.parse().map_err(|_| {
                AppError::invalid("owner_user_id", "Choose a member of your organization.")
            })?)),
        };
        let text = |field: &str, v: &str| -> Result<String, AppError> {
            let v = v.trim();
            if v.chars().count() > RATING_TEXT_MAX {
                return Err(AppError::invalid(
                    field,
                    format!(
                        "Keep this under {RATING_TEXT_MAX} characters; link to longer documents."
                    ),
                ));
            }
            if v.chars()
                .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
            {
                return Err(AppError::invalid(
                    field,
                    "Remove the control characters from this text.",
                ));
            }
            Ok(v.to_string())
        };
        let carried_by = match carried_by.trim() {
            "" | "default" => None,
            s => Some(CarriedBy::parse(s).ok_or_else(|| {
                AppError::invalid(
                    "carried_by",
                    "Choose who helps carry it: the owner alone, service providers, product suppliers or both.",
                )
            })?),
        };
        Ok(RatingFields {
            target_ml,
            achieved_ml,
            owner_user_id,
            evidence: text("evidence", evidence)?,
            note: text("note", note)?,
            carried_by,
        })
    }
}

/// One supplier-side requirement a program requirement is traced to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TraceTarget {
    pub part: String,
    pub ref_id: String,
}

impl TraceTarget {
    pub fn line(&self) -> String {
        format!("{} {}", self.part, self.ref_id)
    }
}

/// Reads a trace as the owner writes it: one `<part> <id>` per line (for
/// example `4-2 CR 3.10` or `2-4 SP.11.01 BR`), blank lines ignored,
/// repeats kept once. `title_of(part, id)` says whether the requirement
/// exists. The error names every line to fix.
pub fn parse_trace(
    text: &str,
    title_of: impl Fn(&str, &str) -> Option<String>,
) -> Result<Vec<TraceTarget>, AppError> {
    let mut out: Vec<TraceTarget> = Vec::new();
    let mut problems = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let Some((part, id)) = line.split_once(char::is_whitespace) else {
            problems.push(format!(
                "line {}: write the part and the requirement, e.g. '4-2 CR 3.10'",
                n + 1
            ));
            continue;
        };
        let (part, id) = (
            part.trim(),
            id.split_whitespace().collect::<Vec<_>>().join(" "),
        );
        if !TRACE_PARTS.contains(&part) {
            problems.push(format!(
                "line {}: '{}' is not a supplier-side part (use {})",
                n + 1,
                part.chars().take(20).collect::<String>(),
                TRACE_PARTS.join(", ")
            ));
            continue;
        }
        if title_of(part, &id).is_none() {
            problems.push(format!(
                "line {}: IEC 62443-{part} has no requirement '{}'",
                n + 1,
                id.chars().take(40).collect::<String>()
            ));
            continue;
        }
        let t = TraceTarget {
            part: part.to_string(),
            ref_id: id,
        };
        if !out.contains(&t) {
            out.push(t);
        }
    }
    if !problems.is_empty() {
        problems.truncate(10);
        return Err(AppError::invalid(
            "trace",
            format!("Fix the trace: {}.", problems.join("; ")),
        ));
    }
    if out.len() > TRACE_MAX {
        return Err(AppError::invalid(
            "trace",
            format!("Trace at most {TRACE_MAX} requirements to one program requirement."),
        ));
    }
    Ok(out)
}

/// What a supplier's answer says about a traced requirement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coverage {
    /// Met, met with a compensating countermeasure, not applicable, or
    /// carried by another party.
    Met,
    /// Partially met, not met, or planned.
    Gap,
}

pub fn coverage_of(c: Compliance) -> Coverage {
    match c {
        Compliance::Meets
        | Compliance::MeetsWithCompensatingCountermeasure
        | Compliance::NotApplicable
        | Compliance::ByOtherParty => Coverage::Met,
        Compliance::PartiallyMeets | Compliance::DoesNotMeet | Compliance::Planned => Coverage::Gap,
    }
}

/// One supplier's part in a set of traced requirements.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplierCoverage {
    pub supplier_id: OrgId,
    pub supplier: String,
    /// Traced requirements the supplier answered, met, left a gap on.
    pub answered: u32,
    pub met: u32,
    pub gaps: u32,
    /// Commitments on traced requirements: open (not fulfilled, verified or
    /// waived) and, of those, past their due date.
    pub open_commitments: u32,
    pub overdue_commitments: u32,
}

/// A program requirement as the program page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramRow {
    pub ref_id: String,
    pub title: String,
    /// The group (`ORG 1`) and its title.
    pub group: String,
    pub group_title: String,
    /// The element (`SPE 1`) and its title.
    pub spe: String,
    pub spe_title: String,
    pub verified: bool,
    pub target_ml: Option<i16>,
    pub achieved_ml: Option<i16>,
    pub owner: Option<String>,
    pub carried_by: CarriedBy,
    pub traced: u32,
}

impl ProgramRow {
    /// Rated: both a target and an achieved level.
    pub fn rated(&self) -> Option<(i16, i16)> {
        self.target_ml.zip(self.achieved_ml)
    }
}

/// Ratings rolled up per security program element.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpeRollup {
    pub spe: String,
    pub title: String,
    pub requirements: u32,
    /// Requirements with a target and an achieved level; the means are
    /// over these.
    pub rated: u32,
    pub mean_target: Option<f64>,
    pub mean_achieved: Option<f64>,
    /// Rated requirements whose achieved level is below the target.
    pub below_target: u32,
    /// Suppliers with answers or commitments on the element's traced
    /// requirements.
    pub suppliers: Vec<SupplierCoverage>,
}

fn mean(values: &[i16]) -> Option<f64> {
    (!values.is_empty()).then(|| {
        let m = values.iter().map(|v| f64::from(*v)).sum::<f64>() / values.len() as f64;
        (m * 10.0).round() / 10.0
    })
}

/// The roll-up per element, in the order the rows come (the catalog's).
pub fn rollup(rows: &[ProgramRow]) -> Vec<SpeRollup> {
    let mut out: Vec<SpeRollup> = Vec::new();
    let mut targets: Vec<Vec<i16>> = Vec::new();
    let mut achieved: Vec<Vec<i16>> = Vec::new();
    for r in rows {
        let i = match out.iter().position(|s| s.spe == r.spe) {
            Some(i) => i,
            None => {
                out.push(SpeRollup {
                    spe: r.spe.clone(),
                    title: r.spe_title.clone(),
                    requirements: 0,
                    rated: 0,
                    mean_target: None,
                    mean_achieved: None,
                    below_target: 0,
                    suppliers: Vec::new(),
                });
                targets.push(Vec::new());
                achieved.push(Vec::new());
                out.len() - 1
            }
        };
        out[i].requirements += 1;
        if let Some((t, a)) = r.rated() {
            out[i].rated += 1;
            targets[i].push(t);
            achieved[i].push(a);
            if a < t {
                out[i].below_target += 1;
            }
        }
    }
    for (i, s) in out.iter_mut().enumerate() {
        s.mean_target = mean(&targets[i]);
        s.mean_achieved = mean(&achieved[i]);
    }
    out
}

/// The program page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProgramOverview {
    pub elements: Vec<SpeRollup>,
    pub rows: Vec<ProgramRow>,
    pub may_rate: bool,
}

/// A supplier-side requirement of a trace, with its title.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceLine {
    pub part: String,
    pub ref_id: String,
    pub title: String,
}

/// A rating as it was saved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingVersionDto {
    pub version: i32,
    pub target_ml: Option<i16>,
    pub achieved_ml: Option<i16>,
    pub owner: Option<String>,
    pub evidence: String,
    pub note: String,
    pub carried_by: Option<CarriedBy>,
    pub saved_by: String,
    pub saved_at: String,
}

/// One program requirement with its rating, history, trace and suppliers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProgramRequirementDto {
    pub row: ProgramRow,
    pub description: String,
    pub evidence: String,
    pub note: String,
    pub owner_user_id: Option<UserId>,
    /// As the owner chose it (`None`: as the trace suggests).
    pub carried_by_choice: Option<CarriedBy>,
    /// 0 while never rated; send it back when saving.
    pub version: i32,
    /// Active members who may own the requirement.
    pub members: Vec<(UserId, String)>,
    pub history: Vec<RatingVersionDto>,
    pub trace: Vec<TraceLine>,
    /// The owner edited the trace (otherwise it is Pactline's starting trace).
    pub trace_edited: bool,
    pub suppliers: Vec<SupplierCoverage>,
    pub may_rate: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(spe: &str, t: Option<i16>, a: Option<i16>) -> ProgramRow {
        ProgramRow {
            ref_id: "X 1.1".into(),
            title: String::new(),
            group: "X 1".into(),
            group_title: String::new(),
            spe: spe.into(),
            spe_title: format!("{spe} title"),
            verified: false,
            target_ml: t,
            achieved_ml: a,
            owner: None,
            carried_by: CarriedBy::Owner,
            traced: 0,
        }
    }

    #[test]
    fn rollup_counts_only_rated_requirements_in_the_means() {
        let rows = [
            row("SPE 1", Some(3), Some(2)),
            row("SPE 1", Some(2), Some(2)),
            row("SPE 1", Some(4), None),
            row("SPE 1", None, None),
            row("SPE 2", None, None),
        ];
        let r = rollup(&rows);
        assert_eq!(r.len(), 2);
        assert_eq!(
            (r[0].requirements, r[0].rated, r[0].below_target),
            (4, 2, 1)
        );
        assert_eq!(r[0].mean_target, Some(2.5));
        assert_eq!(r[0].mean_achieved, Some(2.0));
        assert_eq!((r[1].requirements, r[1].rated), (1, 0));
        assert_eq!(r[1].mean_target, None);
    }

    #[test]
    fn means_round_to_one_decimal() {
        let rows = [
            row("S", Some(1), Some(1)),
            row("S", Some(1), Some(1)),
            row("S", Some(2), Some(1)),
        ];
        assert_eq!(rollup(&rows)[0].mean_target, Some(1.3));
    }

    #[test]
    fn maturity_levels_from_forms() {
        assert_eq!(parse_ml("t", "").unwrap(), None);
        assert_eq!(parse_ml("t", " 3 ").unwrap(), Some(3));
        assert_eq!(parse_ml("t", "ML2").unwrap(), Some(2));
        for bad in ["0", "5", "ML9", "two", "-1", "1.5"] {
            let e = parse_ml("target_ml", bad).unwrap_err();
            assert!(e.to_string().contains("ML1 to ML4"), "{bad}: {e}");
        }
    }

    #[test]
    fn rating_fields_name_what_to_fix() {
        let ok = RatingFields::parse("2", "1", "", " see ISMS manual ", "", "").unwrap();
        assert_eq!(ok.evidence, "see ISMS manual");
        assert_eq!(ok.carried_by, None);
        let e = RatingFields::parse("2", "1", "x", "", "", "").unwrap_err();
        assert_eq!(e.field_names(), ["owner_user_id"]);
        let e = RatingFields::parse("2", "1", "", "", "", "vendors").unwrap_err();
        assert_eq!(e.field_names(), ["carried_by"]);
        let long = "a".repeat(RATING_TEXT_MAX + 1);
        let e = RatingFields::parse("", "", "", &long, "", "").unwrap_err();
        assert_eq!(e.field_names(), ["evidence"]);
        let e = RatingFields::parse("", "", "", "", "bell\u{7}", "").unwrap_err();
        assert_eq!(e.field_names(), ["note"]);
    }

    fn known(part: &str, id: &str) -> Option<String> {
        [("4-2", "CR 3.10"), ("2-4", "SP.11.01 BR"), ("4-1", "SUM-1")]
            .iter()
            .find(|(p, i)| *p == part && *i == id)
            .map(|_| "t".to_string())
    }

    #[test]
    fn a_trace_is_read_line_by_line_and_each_bad_line_is_named() {
        let t = parse_trace("4-2 CR 3.10\n\n  2-4   SP.11.01  BR \n4-2 CR 3.10\n", known).unwrap();
        assert_eq!(
            t.iter().map(TraceTarget::line).collect::<Vec<_>>(),
            ["4-2 CR 3.10", "2-4 SP.11.01 BR"]
        );
        let e = parse_trace("4-2 CR 3.10\n4-2 CR 9.9\n2-1 ORG 1.1\nnonsense", known).unwrap_err();
        let m = e.to_string();
        assert!(
            m.contains("line 2: IEC 62443-4-2 has no requirement 'CR 9.9'"),
            "{m}"
        );
        assert!(
            m.contains("line 3: '2-1' is not a supplier-side part"),
            "{m}"
        );
        assert!(m.contains("line 4: write the part"), "{m}");
        assert_eq!(e.field_names(), ["trace"]);
        assert_eq!(parse_trace("", known).unwrap(), vec![]);
    }

    #[test]
    fn the_trace_suggests_who_carries_it() {
        assert_eq!(CarriedBy::from_trace([]), CarriedBy::Owner);
        assert_eq!(CarriedBy::from_trace(["2-4"]), CarriedBy::ServiceProviders);
        assert_eq!(
            CarriedBy::from_trace(["4-1", "4-2"]),
            CarriedBy::ProductSuppliers
        );
        assert_eq!(CarriedBy::from_trace(["4-2", "2-4"]), CarriedBy::Both);
    }

    #[test]
    fn coverage_follows_the_claim() {
        assert_eq!(coverage_of(Compliance::Meets), Coverage::Met);
        assert_eq!(coverage_of(Compliance::ByOtherParty), Coverage::Met);
        assert_eq!(coverage_of(Compliance::Planned), Coverage::Gap);
        assert_eq!(coverage_of(Compliance::PartiallyMeets), Coverage::Gap);
    }
}
