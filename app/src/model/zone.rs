//! Zones and conduits (IEC 62443-3-2): a target security level per
//! foundational requirement (an SL-T vector, FR1–FR7), the requirements a
//! component or system must meet for such a vector, what a zone reaches per
//! FR from its components, and the state of each gap. Pure rules, unit
//! tested against the shipped catalogs.

use super::{select_for_sl, AppError, AssessmentId, ComponentType, OrgId, RequirementDto};
use serde::{Deserialize, Serialize};

/// A security level per foundational requirement, FR1 first; each 1–4.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SlVector(pub [u8; 7]);

impl SlVector {
    /// The same level in every FR.
    pub fn uniform(sl: u8) -> Self {
        SlVector([sl; 7])
    }

    /// Reads `2,2,3,1,2,1,2`, `(2, 2, 3, 1, 2, 1, 2)` or `SL-T (2,2,3,1,2,1,2)`;
    /// the error says what to fix.
    pub fn parse(field: &str, raw: &str) -> Result<Self, AppError> {
        let bad = |why: &str| {
            AppError::invalid(
                field,
                format!("{why} Write seven levels, FR1 to FR7, each 1 to 4, e.g. 2,2,3,1,2,1,2."),
            )
        };
        let s = raw.trim();
        let s = s
            .strip_prefix("SL-T")
            .or_else(|| s.strip_prefix("sl-t"))
            .unwrap_or(s)
            .trim()
            .trim_start_matches('(')
            .trim_end_matches(')');
        let parts: Vec<&str> = s.split([',', ' ']).filter(|p| !p.is_empty()).collect();
        if parts.len() != 7 {
            return Err(bad(&format!("{} levels given.", parts.len())));
        }
        let mut v = [0u8; 7];
        for (i, p) in parts.iter().enumerate() {
            match p.parse::<u8>() {
                Ok(l @ 1..=4) => v[i] = l,
                _ => {
                    return Err(bad(&format!(
                        "FR{}: '{}' is not a level from 1 to 4.",
                        i + 1,
                        p.chars().take(10).collect::<String>()
                    )))
                }
            }
        }
        Ok(SlVector(v))
    }

    /// The level for FR `fr` (1–7).
    pub fn fr(&self, fr: u8) -> u8 {
        self.0[usize::from(fr.clamp(1, 7)) - 1]
    }
}

impl std::fmt::Display for SlVector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(u8::to_string).collect();
        write!(f, "({})", parts.join(", "))
    }
}

/// The foundational requirement (1–7) a 3-3 or 4-2 requirement belongs to.
pub fn fr_of(r: &RequirementDto) -> Option<u8> {
    let n = r.group.strip_prefix("FR")?.parse::<u8>().ok()?;
    (1..=7).contains(&n).then_some(n)
}

/// The requirements a component of type `ct` (or, with `None`, a system
/// under 3-3) must meet for the SL-T vector `v`: per FR, the selection
/// `select_for_sl` makes at that FR's level. A vector equal in every FR
/// gives exactly the single-level selection.
pub fn select_for_vector(
    requirements: &[RequirementDto],
    ct: Option<ComponentType>,
    v: SlVector,
) -> Vec<&RequirementDto> {
    requirements
        .iter()
        .filter(|r| {
            fr_of(r)
                .is_some_and(|fr| !select_for_sl(std::slice::from_ref(*r), ct, v.fr(fr)).is_empty())
        })
        .collect()
}

/// What a zone reaches per FR: the lowest capability (SL-C) among its
/// components, a component without an accepted assessment counting as 0
/// (nothing shown). `None` for a zone without components.
pub fn zone_reach(components: &[[Option<u8>; 7]]) -> Option<[u8; 7]> {
    if components.is_empty() {
        return None;
    }
    let mut reach = [4u8; 7];
    for c in components {
        for (fr, level) in c.iter().enumerate() {
            reach[fr] = reach[fr].min(level.unwrap_or(0));
        }
    }
    Some(reach)
}

/// One FR of a zone or conduit against its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GapState {
    /// Reached.
    Met,
    /// Below target, nothing recorded.
    Open,
    /// Below target, a compensating countermeasure stands in.
    Compensated,
    /// Below target, an owner admin accepted the risk until a date.
    Accepted,
}

/// The state of one FR: met when reached; otherwise compensated when a
/// countermeasure stands in for it, accepted while a risk acceptance has
/// not expired (`accepted_until` is the last day it holds), open otherwise.
pub fn gap_state(
    target: u8,
    reached: u8,
    compensated: bool,
    accepted_until: Option<chrono::NaiveDate>,
    today: chrono::NaiveDate,
) -> GapState {
    if reached >= target {
        GapState::Met
    } else if compensated {
        GapState::Compensated
    } else if accepted_until.is_some_and(|d| d >= today) {
        GapState::Accepted
    } else {
        GapState::Open
    }
}

/// A component in a zone, with what its accepted assessment shows per FR.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentDto {
    pub id: i64,
    pub zone_id: i64,
    pub name: String,
    pub component_type: ComponentType,
    pub supplier_org_id: Option<OrgId>,
    pub supplier: Option<String>,
    pub product: String,
    pub version: String,
    pub in_service_since: Option<chrono::NaiveDate>,
    pub end_of_support: Option<chrono::NaiveDate>,
    pub assessment_id: Option<AssessmentId>,
    /// Marked legacy by the owner.
    pub legacy: bool,
    /// Its end of support has passed.
    pub past_end_of_support: bool,
    /// SL-C per FR from its accepted assessment (`None`: not shown).
    pub sl_c: [Option<u8>; 7],
    /// Some FR's SL-C is below the zone's SL-T.
    pub below_target: bool,
    pub countermeasures: Vec<CountermeasureDto>,
    /// The supplier's compensating countermeasures (CCSC) in the linked
    /// assessment's answers.
    pub supplier_countermeasures: Vec<SupplierCountermeasureDto>,
}

/// Where a compensating countermeasure is implemented.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CountermeasureLocation {
    Component,
    ZoneBoundary,
    Conduit,
}

impl CountermeasureLocation {
    pub const ALL: [CountermeasureLocation; 3] = [
        CountermeasureLocation::Component,
        CountermeasureLocation::ZoneBoundary,
        CountermeasureLocation::Conduit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CountermeasureLocation::Component => "component",
            CountermeasureLocation::ZoneBoundary => "zone_boundary",
            CountermeasureLocation::Conduit => "conduit",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CountermeasureLocation::Component => "On the component",
            CountermeasureLocation::ZoneBoundary => "At the zone boundary",
            CountermeasureLocation::Conduit => "On a conduit",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == s.trim())
    }
}

/// A compensating countermeasure recorded for a legacy component.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountermeasureDto {
    pub id: i64,
    pub frs: Vec<u8>,
    pub requirements: String,
    pub description: String,
    pub location: CountermeasureLocation,
    /// The conduit it is implemented on (location conduit): id and name.
    pub conduit: Option<(i64, String)>,
    pub responsible_org_id: OrgId,
    pub responsible: String,
    pub review_on: chrono::NaiveDate,
    /// The review date has passed.
    pub review_overdue: bool,
    pub residual_gap: String,
    /// The state of the commitment the responsible party carries it as.
    pub commitment: Option<super::CommitmentStatus>,
    /// The owner's reviews of it, newest first (owner-carried only).
    pub reviews: Vec<CountermeasureReviewDto>,
}

/// One review of an owner-carried countermeasure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountermeasureReviewDto {
    pub reviewed_on: chrono::NaiveDate,
    pub finding: String,
    pub next_review_on: chrono::NaiveDate,
    pub reviewed_by: String,
}

/// A requirement the supplier answered as met with a compensating
/// countermeasure (CCSC) in the assessment linked to a component.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplierCountermeasureDto {
    pub requirement: String,
    pub title: String,
    pub countermeasure: String,
    /// The FR of the requirement, when it has one.
    pub fr: Option<u8>,
}

/// A compensating countermeasure as a form sends it (`countermeasure[…]`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CountermeasureForm {
    pub frs: String,
    pub requirements: String,
    pub description: String,
    pub location: String,
    /// The conduit, when `location` is `conduit`.
    pub conduit_id: String,
    pub responsible_org_id: String,
    pub review_on: String,
    pub residual_gap: String,
}

/// An owner admin accepted a zone's gap in one FR until a date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskAcceptanceDto {
    pub fr: u8,
    pub reason: String,
    pub accepted_until: chrono::NaiveDate,
    pub accepted_by: String,
    pub expired: bool,
}

/// The FRs a countermeasure stands in for: `3,4` or `FR3 FR4`, each 1–7,
/// at least one.
pub fn parse_frs(raw: &str) -> Result<Vec<u8>, AppError> {
    let bad = || {
        AppError::invalid(
            "frs",
            "Name the foundational requirements it stands in for, e.g. FR3, FR4 (1 to 7).",
        )
    };
    let mut out = Vec::new();
    for part in raw
        .split([',', ' ', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let n = part
            .strip_prefix("FR")
            .or_else(|| part.strip_prefix("fr"))
            .unwrap_or(part)
            .parse::<u8>()
            .map_err(|_| bad())?;
        if !(1..=7).contains(&n) {
            return Err(bad());
        }
        if !out.contains(&n) {
            out.push(n);
        }
    }
    if out.is_empty() {
        return Err(bad());
    }
    out.sort();
    Ok(out)
}

/// A zone: its target, what its components reach, and each FR's state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoneDto {
    pub id: i64,
    pub system_id: i64,
    pub name: String,
    pub description: String,
    pub sl_t: SlVector,
    /// `None` while the zone has no components.
    pub reach: Option<[u8; 7]>,
    /// Per FR (empty without components).
    pub states: Vec<GapState>,
    pub components: Vec<ComponentDto>,
    pub acceptances: Vec<RiskAcceptanceDto>,
}

/// A conduit: its target against what its two zones reach (the lower).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConduitDto {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub from_zone: i64,
    pub from_name: String,
    pub to_zone: i64,
    pub to_name: String,
    pub sl_t: SlVector,
    pub reach: Option<[u8; 7]>,
    pub states: Vec<GapState>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemDto {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub zones: Vec<ZoneDto>,
    pub conduits: Vec<ConduitDto>,
}

/// The owner's zone model, with what its forms offer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoneModel {
    pub systems: Vec<SystemDto>,
    pub may_edit: bool,
    /// The owner's suppliers (id, name).
    pub suppliers: Vec<(OrgId, String)>,
    /// The owner's assessments a component may be linked to (id, label).
    pub assessments: Vec<(AssessmentId, String)>,
}

/// One zone, its system's name, the conduits that touch it, and what the
/// forms offer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoneDetail {
    pub system: String,
    pub zone: ZoneDto,
    pub conduits: Vec<ConduitDto>,
    pub may_edit: bool,
    pub suppliers: Vec<(OrgId, String)>,
    pub assessments: Vec<(AssessmentId, String)>,
}

/// A component as a form sends it (fields `component[name]`, …), unchecked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ComponentForm {
    pub name: String,
    pub component_type: String,
    pub supplier_org_id: String,
    pub product: String,
    pub version: String,
    pub in_service_since: String,
    pub end_of_support: String,
    pub assessment_id: String,
}

/// Per FR, the state of a target against a reach, given the FRs a
/// countermeasure stands in for and the last day of each FR's risk
/// acceptance.
pub fn states_of(
    sl_t: SlVector,
    reach: Option<[u8; 7]>,
    compensated: [bool; 7],
    accepted_until: [Option<chrono::NaiveDate>; 7],
    today: chrono::NaiveDate,
) -> Vec<GapState> {
    match reach {
        None => Vec::new(),
        Some(r) => (0..7)
            .map(|i| gap_state(sl_t.0[i], r[i], compensated[i], accepted_until[i], today))
            .collect(),
    }
}

/// A conduit reaches per FR the lower of its two zones.
pub fn conduit_reach(a: Option<[u8; 7]>, b: Option<[u8; 7]>) -> Option<[u8; 7]> {
    let (a, b) = (a?, b?);
    Some(std::array::from_fn(|i| a[i].min(b[i])))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[derive(Deserialize)]
    struct File {
        requirements: Vec<RequirementDto>,
    }

    fn catalog(name: &str) -> Vec<RequirementDto> {
        let path = format!(
            "{}/data/catalogs/{name}.v1.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let f: File = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        f.requirements
    }

    fn ids<'a>(v: impl IntoIterator<Item = &'a RequirementDto>) -> BTreeSet<String> {
        v.into_iter().map(|r| r.ref_id.clone()).collect()
    }

    #[test]
    fn vectors_are_read_in_the_usual_spellings_and_bad_ones_named() {
        let v = SlVector([2, 2, 3, 1, 2, 1, 2]);
        for s in [
            "2,2,3,1,2,1,2",
            "(2, 2, 3, 1, 2, 1, 2)",
            "SL-T (2,2,3,1,2,1,2)",
            " 2 2 3 1 2 1 2 ",
        ] {
            assert_eq!(SlVector::parse("sl_t", s).unwrap(), v, "{s}");
        }
        assert_eq!(v.to_string(), "(2, 2, 3, 1, 2, 1, 2)");
        let e = SlVector::parse("sl_t", "2,2,5,1,2,1,2").unwrap_err();
        assert!(e.to_string().contains("FR3: '5'"), "{e}");
        assert_eq!(e.field_names(), ["sl_t"]);
        assert!(SlVector::parse("sl_t", "0,1,1,1,1,1,1")
            .unwrap_err()
            .to_string()
            .contains("FR1"));
        assert!(SlVector::parse("sl_t", "2,2,2")
            .unwrap_err()
            .to_string()
            .contains("3 levels"));
        assert!(SlVector::parse("sl_t", "").is_err());
    }

    #[test]
    fn an_equal_vector_gives_exactly_the_single_level_selection() {
        for file in ["iec-62443-4-2", "iec-62443-3-3"] {
            let reqs = catalog(file);
            let types: Vec<Option<ComponentType>> = if file.ends_with("4-2") {
                ComponentType::ALL.into_iter().map(Some).collect()
            } else {
                vec![None]
            };
            for ct in types {
                for sl in 1..=4 {
                    assert_eq!(
                        ids(select_for_vector(&reqs, ct, SlVector::uniform(sl))),
                        ids(select_for_sl(&reqs, ct, sl)),
                        "{file} {ct:?} SL {sl}"
                    );
                }
            }
        }
    }

    #[test]
    fn each_fr_is_selected_at_its_own_level() {
        let reqs = catalog("iec-62443-4-2");
        let ct = Some(ComponentType::EDR);
        let v = SlVector([2, 2, 3, 1, 2, 1, 2]);
        let got = ids(select_for_vector(&reqs, ct, v));
        for fr in 1..=7u8 {
            let of_fr: Vec<RequirementDto> = reqs
                .iter()
                .filter(|r| fr_of(r) == Some(fr))
                .cloned()
                .collect();
            let want = ids(select_for_sl(&of_fr, ct, v.fr(fr)));
            let have: BTreeSet<String> = got
                .iter()
                .filter(|id| of_fr.iter().any(|r| &r.ref_id == *id))
                .cloned()
                .collect();
            assert_eq!(have, want, "FR{fr}");
        }
        // FR3's enhancements first required at SL 3 are in; FR4's
        // requirements from SL 2 are not (FR4 is at SL 1).
        assert!(got.contains("CR 3.4 RE(2)"), "required from SL 3");
        assert!(got.contains("EDR 3.11 RE(1)"), "required from SL 3");
        assert!(got.contains("CR 4.1"), "required from SL 1");
        assert!(!got.contains("CR 4.2"), "CR 4.2 is required from SL 2 only");
        // Raising one FR adds only that FR's requirements.
        let higher = ids(select_for_vector(
            &reqs,
            ct,
            SlVector([2, 2, 4, 1, 2, 1, 2]),
        ));
        let added: Vec<_> = higher.difference(&got).collect();
        assert!(!added.is_empty());
        for id in added {
            let r = reqs.iter().find(|r| &r.ref_id == id).unwrap();
            assert_eq!(fr_of(r), Some(3), "{id}");
        }
        // The 3-3 system requirements likewise.
        let sys = catalog("iec-62443-3-3");
        let v = SlVector([1, 1, 1, 1, 3, 1, 1]);
        let got = select_for_vector(&sys, None, v);
        assert!(got
            .iter()
            .all(|r| fr_of(r) == Some(5) || r.min_sl() == Some(1)));
        assert!(got
            .iter()
            .any(|r| fr_of(r) == Some(5) && r.min_sl() == Some(3)));
    }

    #[test]
    fn a_zone_reaches_the_lowest_of_its_components() {
        assert_eq!(zone_reach(&[]), None);
        let a = [
            Some(3),
            Some(2),
            Some(2),
            Some(1),
            Some(2),
            Some(2),
            Some(3),
        ];
        let b = [Some(2), Some(3), None, Some(2), Some(2), Some(1), Some(3)];
        assert_eq!(zone_reach(&[a, b]), Some([2, 2, 0, 1, 2, 1, 3]));
    }

    #[test]
    fn countermeasures_name_their_frs() {
        assert_eq!(parse_frs("FR3, fr4 3").unwrap(), vec![3, 4]);
        for bad in ["", "FR8", "0", "three"] {
            assert_eq!(parse_frs(bad).unwrap_err().field_names(), ["frs"], "{bad}");
        }
    }

    #[test]
    fn a_conduit_reaches_the_lower_of_its_zones() {
        assert_eq!(conduit_reach(Some([2; 7]), None), None);
        assert_eq!(
            conduit_reach(Some([2, 3, 1, 1, 1, 1, 1]), Some([3, 1, 1, 2, 1, 1, 4])),
            Some([2, 1, 1, 1, 1, 1, 1])
        );
    }

    #[test]
    fn gaps_are_open_compensated_or_accepted_until_the_acceptance_expires() {
        let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
        let today = d("2026-12-07");
        assert_eq!(gap_state(2, 2, false, None, today), GapState::Met);
        assert_eq!(gap_state(3, 2, false, None, today), GapState::Open);
        assert_eq!(gap_state(3, 2, true, None, today), GapState::Compensated);
        assert_eq!(
            gap_state(3, 2, false, Some(d("2026-12-07")), today),
            GapState::Accepted
        );
        assert_eq!(
            gap_state(3, 2, false, Some(d("2026-12-06")), today),
            GapState::Open
        );
    }
}
