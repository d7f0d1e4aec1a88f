//! Catalogs and requirements as the UI sees them, and the SL-T selection rule.

use super::CatalogId;
use serde::{Deserialize, Serialize};

/// The four component types of IEC 62443-4-2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ComponentType {
    SAR,
    EDR,
    HDR,
    NDR,
}

impl ComponentType {
    pub const ALL: [ComponentType; 4] = [
        ComponentType::SAR,
        ComponentType::EDR,
        ComponentType::HDR,
        ComponentType::NDR,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ComponentType::SAR => "SAR",
            ComponentType::EDR => "EDR",
            ComponentType::HDR => "HDR",
            ComponentType::NDR => "NDR",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ComponentType::SAR => "Software application (SAR)",
            ComponentType::EDR => "Embedded device (EDR)",
            ComponentType::HDR => "Host device (HDR)",
            ComponentType::NDR => "Network device (NDR)",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

/// One requirement of a catalog. `sl` lists the security levels at which it
/// is required (`None`: not graded by SL; empty: at none). What is empty
/// or absent is left out of what travels.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequirementDto {
    pub ref_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub group: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub group_title: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sl: Option<Vec<u8>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component_types: Option<Vec<ComponentType>>,
    /// False where the sources disagree or only one supports the item: shown
    /// as provisional.
    pub verified: bool,
}

impl RequirementDto {
    /// The lowest security level at which the item is required, if graded.
    pub fn min_sl(&self) -> Option<u8> {
        self.sl.as_ref().and_then(|l| l.iter().copied().min())
    }

    /// Searchable text, lower-case.
    pub fn haystack(&self) -> String {
        format!(
            "{} {} {} {}",
            self.ref_id, self.title, self.description, self.group_title
        )
        .to_lowercase()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogSummary {
    pub id: CatalogId,
    pub key: String,
    pub name: String,
    pub version: i32,
    pub part: Option<String>,
    /// Shipped with Pactline (true) or the organization's own.
    pub shipped: bool,
    pub requirements: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogDto {
    pub summary: CatalogSummary,
    /// RFC 3339.
    pub last_modified: String,
    pub applies_to: String,
    pub source: String,
    pub requirements: Vec<RequirementDto>,
    /// Set while the catalog is exactly an imported OSCAL document.
    pub origin: Option<OscalOrigin>,
}

/// The identity of an imported OSCAL document, kept so that exporting the
/// unchanged catalog gives the same document back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OscalOrigin {
    pub uuid: String,
    pub last_modified: String,
    pub version: String,
    pub remarks: Option<String>,
}

/// The requirements a component of type `ct` must meet at security level
/// target `sl_t` (62443-4-2 style; pass `None` for 3-3 system requirements):
/// every graded requirement (base or enhancement) whose first required level
/// is at most `sl_t` and which applies to the component type. Clause
/// headings carried by component-specific rows, constraints (CCSC) and items
/// required at no level are not selected. Pure, so it is unit-tested.
pub fn select_for_sl(
    requirements: &[RequirementDto],
    ct: Option<ComponentType>,
    sl_t: u8,
) -> Vec<&RequirementDto> {
    requirements
        .iter()
        .filter(|r| matches!(r.min_sl(), Some(min) if min <= sl_t))
        .filter(|r| match (ct, &r.component_types) {
            (None, _) => true,
            (Some(t), Some(types)) => types.contains(&t),
            (Some(_), None) => false,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[derive(Deserialize)]
    struct File {
        requirements: Vec<RequirementDto>,
    }

    fn load(name: &str) -> Vec<RequirementDto> {
        let path = format!(
            "{}/data/catalogs/{name}.v1.json",
            env!("CARGO_MANIFEST_DIR")
        );
        serde_json::from_str::<File>(&std::fs::read_to_string(path).unwrap())
            .unwrap()
            .requirements
    }

    fn ids(v: &[&RequirementDto]) -> BTreeSet<String> {
        v.iter().map(|r| r.ref_id.clone()).collect()
    }

    #[test]
    fn embedded_controller_at_sl_t_2_gets_its_crs_and_res() {
        let reqs = load("iec-62443-4-2");
        let sel = ids(&select_for_sl(&reqs, Some(ComponentType::EDR), 2));
        for must in [
            "CR 1.1",
            "CR 1.1 RE(1)",
            "EDR 2.4",
            "EDR 2.4 RE(1)",
            "EDR 3.10",
            "EDR 2.13",
        ] {
            assert!(sel.contains(must), "{must} missing");
        }
        for not in [
            "CR 1.1 RE(2)",
            "NDR 1.6",
            "HDR 2.4",
            "CR 2.3",
            "CR 3.10",
            "CCSC 1",
            "EDR 2.13 RE(1)",
        ] {
            assert!(!sel.contains(not), "{not} must not be selected");
        }
        // Every selected enhancement comes with its base requirement.
        for r in select_for_sl(&reqs, Some(ComponentType::EDR), 2) {
            if let Some(p) = &r.parent {
                assert!(sel.contains(p), "{} without {p}", r.ref_id);
            }
        }
    }

    #[test]
    fn higher_targets_only_add_requirements() {
        let reqs = load("iec-62443-4-2");
        for t in ComponentType::ALL {
            let mut prev = BTreeSet::new();
            for sl in 1..=4 {
                let now = ids(&select_for_sl(&reqs, Some(t), sl));
                assert!(now.is_superset(&prev), "{t:?} SL {sl}");
                prev = now;
            }
        }
    }

    /// The per-level counts of the reference index (its README), over all
    /// component types together.
    #[test]
    fn counts_match_the_reference_index() {
        let reqs = load("iec-62443-4-2");
        for (sl, base, re) in [(1, 50, 0), (2, 72, 21), (3, 73, 43), (4, 73, 49)] {
            let all: Vec<&RequirementDto> = ComponentType::ALL
                .into_iter()
                .flat_map(|t| select_for_sl(&reqs, Some(t), sl))
                .collect();
            let base_n = ids(&all
                .iter()
                .copied()
                .filter(|r| r.kind != "RE")
                .collect::<Vec<_>>())
            .len();
            let re_n = ids(&all
                .iter()
                .copied()
                .filter(|r| r.kind == "RE")
                .collect::<Vec<_>>())
            .len();
            assert_eq!((base_n, re_n), (base, re), "4-2 at SL {sl}");
        }
        let sys = load("iec-62443-3-3");
        for (sl, base, re) in [(1, 37, 0), (2, 49, 11), (3, 51, 39), (4, 51, 49)] {
            let sel = select_for_sl(&sys, None, sl);
            let base_n = sel.iter().filter(|r| r.kind != "RE").count();
            let re_n = sel.iter().filter(|r| r.kind == "RE").count();
            assert_eq!((base_n, re_n), (base, re), "3-3 at SL {sl}");
        }
    }

    #[test]
    fn shipped_catalogs_hold_no_long_text() {
        // Titles are short public titles; descriptions are our own one-liners.
        for name in [
            "iec-62443-2-4",
            "iec-62443-3-3",
            "iec-62443-4-1",
            "iec-62443-4-2",
        ] {
            for r in load(name) {
                assert!(r.title.len() <= 120, "{}: title too long", r.ref_id);
                assert!(
                    r.description.len() <= 200,
                    "{}: description too long",
                    r.ref_id
                );
            }
        }
    }
}
