//! What ships inside the binary: the catalog data files of
//! `app/data/catalogs/` and Pactline's starting trace from the asset owner's
//! 2-1 program to supplier-side requirements (`app/data/program-trace.json`).
//! Parsed once, on first use; the database holds the catalogs users work
//! with, this holds the reference the program pages read.

use crate::model::{RequirementDto, TraceTarget};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

/// The catalog data files shipped in `app/data/catalogs/`.
pub const SHIPPED: &[&str] = &[
    include_str!("../../data/catalogs/iec-62443-2-1.v1.json"),
    include_str!("../../data/catalogs/iec-62443-2-4.v1.json"),
    include_str!("../../data/catalogs/iec-62443-3-2.v1.json"),
    include_str!("../../data/catalogs/iec-62443-3-3.v1.json"),
    include_str!("../../data/catalogs/iec-62443-4-1.v1.json"),
    include_str!("../../data/catalogs/iec-62443-4-2.v1.json"),
];

const TRACE: &str = include_str!("../../data/program-trace.json");

#[derive(Deserialize)]
pub struct CatalogFile {
    pub key: String,
    pub version: i32,
    pub name: String,
    pub part: Option<String>,
    pub applies_to: String,
    pub source: String,
    pub requirements: Vec<RequirementDto>,
}

#[derive(Deserialize)]
struct TraceFile {
    groups: BTreeMap<String, Vec<String>>,
}

/// A program requirement of the shipped 2-1 catalog.
pub struct ProgramItem {
    pub ref_id: String,
    pub title: String,
    pub description: String,
    pub group: String,
    pub group_title: String,
    pub spe: String,
    pub spe_title: String,
    pub verified: bool,
    /// Pactline's starting trace.
    pub default_trace: Vec<TraceTarget>,
}

pub struct Reference {
    /// The rated 2-1 requirements, in catalog order.
    pub program: Vec<ProgramItem>,
    /// Titles of supplier-side requirements by (part, id).
    titles: HashMap<(String, String), String>,
}

impl Reference {
    pub fn title_of(&self, part: &str, id: &str) -> Option<String> {
        self.titles
            .get(&(part.to_string(), id.to_string()))
            .cloned()
    }

    pub fn program_item(&self, ref_id: &str) -> Option<&ProgramItem> {
        self.program.iter().find(|p| p.ref_id == ref_id)
    }
}

/// Parses the shipped files once. They are part of the build and checked by
/// tests, so a parse failure is a build defect.
pub fn reference() -> &'static Reference {
    static R: OnceLock<Reference> = OnceLock::new();
    R.get_or_init(|| build(SHIPPED, TRACE).expect("the shipped catalog and trace files are valid"))
}

/// Builds the reference from catalog files and a trace file; the error names
/// the selector that matches nothing.
pub fn build(files: &[&str], trace: &str) -> Result<Reference, String> {
    let files: Vec<CatalogFile> = files
        .iter()
        .map(|t| serde_json::from_str(t).map_err(|e| format!("catalog file: {e}")))
        .collect::<Result<_, _>>()?;
    let trace: TraceFile = serde_json::from_str(trace).map_err(|e| format!("trace file: {e}"))?;
    let part_rows = |part: &str| -> Vec<&RequirementDto> {
        files
            .iter()
            .filter(|f| f.part.as_deref() == Some(part))
            .flat_map(|f| f.requirements.iter())
            .collect()
    };
    let mut titles = HashMap::new();
    for part in crate::model::TRACE_PARTS {
        for r in part_rows(part) {
            titles.insert((part.to_string(), r.ref_id.clone()), r.title.clone());
        }
    }
    // A selector: `<part> <group>` (all its graded base requirements for
    // 4-2, base requirements for 2-4, every requirement for 4-1 and 3-3) or
    // `<part> <id>`.
    let expand = |sel: &str| -> Result<Vec<TraceTarget>, String> {
        let (part, what) = sel
            .split_once(' ')
            .ok_or_else(|| format!("trace selector '{sel}'"))?;
        let rows = part_rows(part);
        let exact: Vec<_> = rows.iter().filter(|r| r.ref_id == what).collect();
        let picked: Vec<&RequirementDto> = if !exact.is_empty() {
            exact.into_iter().copied().collect()
        } else {
            rows.into_iter()
                .filter(|r| r.group == what)
                .filter(|r| match part {
                    "2-4" => r.kind == "BR",
                    "4-2" => r.kind != "RE" && r.sl.as_ref().is_some_and(|l| !l.is_empty()),
                    _ => true,
                })
                .collect()
        };
        if picked.is_empty() {
            return Err(format!("trace selector '{sel}' matches nothing"));
        }
        Ok(picked
            .into_iter()
            .map(|r| TraceTarget {
                part: part.to_string(),
                ref_id: r.ref_id.clone(),
            })
            .collect())
    };
    let mut by_group: HashMap<&str, Vec<TraceTarget>> = HashMap::new();
    for (group, selectors) in &trace.groups {
        let mut targets = Vec::new();
        for s in selectors {
            for t in expand(s)? {
                if !targets.contains(&t) {
                    targets.push(t);
                }
            }
        }
        by_group.insert(group.as_str(), targets);
    }
    let rows = part_rows("2-1");
    let title = |id: &str| {
        rows.iter()
            .find(|r| r.ref_id == id)
            .map(|r| r.title.clone())
            .unwrap_or_default()
    };
    let mut program = Vec::new();
    for r in rows.iter().filter(|r| r.kind == "SPE-req") {
        let group = r.parent.clone().unwrap_or_default();
        let default_trace = by_group
            .get(group.as_str())
            .cloned()
            .ok_or_else(|| format!("the trace file has no entry for {group}"))?;
        program.push(ProgramItem {
            ref_id: r.ref_id.clone(),
            title: r.title.clone(),
            description: r.description.clone(),
            group_title: title(&group),
            group,
            spe: r.group.clone(),
            spe_title: r.group_title.clone(),
            verified: r.verified,
            default_trace,
        });
    }
    Ok(Reference { program, titles })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_program_requirement_has_a_starting_trace_that_resolves() {
        let r = reference();
        assert_eq!(
            r.program.len(),
            87,
            "IEC 62443-2-1:2024 rates 87 requirements"
        );
        for p in &r.program {
            assert!(!p.default_trace.is_empty(), "{}", p.ref_id);
            for t in &p.default_trace {
                assert!(
                    r.title_of(&t.part, &t.ref_id).is_some(),
                    "{} → {t:?}",
                    p.ref_id
                );
            }
        }
        let spes: std::collections::BTreeSet<_> = r.program.iter().map(|p| &p.spe).collect();
        assert_eq!(spes.len(), 8);
        // Patch management reaches service providers' SP.11 and the
        // product suppliers' update practice.
        let patch = r.program.iter().find(|p| p.group == "COMP 3").unwrap();
        assert!(patch
            .default_trace
            .iter()
            .any(|t| t.line() == "2-4 SP.11.01 BR"));
        assert!(patch.default_trace.iter().any(|t| t.line() == "4-1 SUM-1"));
        assert!(patch
            .default_trace
            .iter()
            .any(|t| t.line() == "4-2 EDR 3.10"));
        // A 4-2 FR selects its graded base requirements, not enhancements.
        let user = r.program.iter().find(|p| p.group == "USER 1").unwrap();
        assert!(user.default_trace.iter().any(|t| t.line() == "4-2 CR 1.1"));
        assert!(!user.default_trace.iter().any(|t| t.ref_id.contains("RE(")));
    }

    #[test]
    fn a_selector_that_matches_nothing_is_refused() {
        let bad = r#"{"groups": {"ORG 1": ["4-2 CR 99.1"]}}"#;
        let e = build(SHIPPED, bad).err().unwrap();
        assert!(e.contains("CR 99.1"), "{e}");
        let missing = r#"{"groups": {}}"#;
        assert!(build(SHIPPED, missing).err().unwrap().contains("no entry"));
    }
}
