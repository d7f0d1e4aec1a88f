//! A profile table (or OSCAL profile) checked row by row; catalogs and
//! requirements are resolved by the caller.

use super::*;

use crate::model::AppError;

/// The columns of a profile file, as the profile export writes them.
/// `catalog`, `ref_id` and `target` are required; `position` and `title` are
/// informational (file order is the profile's order; titles come from the
/// catalog).
pub const PROFILE_COLUMNS: &[&str] = &[
    "position",
    "ref_id",
    "title",
    "catalog",
    "catalog_version",
    "section",
    "target_kind",
    "target",
    "responsible_party",
    "weight",
    "evidence_required",
    "parameters",
];

/// Which catalog a profile row points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CatalogRef {
    /// By name, and version when given (else the newest visible).
    Named { name: String, version: Option<i32> },
    /// By id, from an OSCAL profile's import href.
    Id(i64),
}

/// One checked profile row; the catalog and requirement are resolved later
/// against what the importing organization may see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileRow {
    /// The row number in the file (the header is row 1), or the control's
    /// place in an OSCAL profile.
    pub row: usize,
    pub catalog: CatalogRef,
    pub ref_id: String,
    /// Empty: the requirement's area.
    pub section: String,
    pub target_kind: Option<crate::model::TargetKind>,
    pub target: i16,
    /// None: the catalog's default party.
    pub party: Option<crate::model::Party>,
    pub weight: i16,
    pub evidence_required: bool,
    pub parameters: String,
}

/// Checks every row of a profile table; catalogs and requirements are
/// resolved by the caller, which adds its own row errors.
pub fn validate_profile(table: &Table) -> Result<Vec<ProfileRow>, AppError> {
    use crate::model::{parse_level, Party, TargetKind};
    let Some(header) = table.first() else {
        return Err(file_error("The file has no header row."));
    };
    let header: Vec<String> = header
        .iter()
        .map(|h| h.trim().to_lowercase().replace(' ', "_"))
        .collect();
    for h in &header {
        if !h.is_empty() && !PROFILE_COLUMNS.contains(&h.as_str()) {
            return Err(file_error(format!(
                "Unknown column “{h}”. Use: {}.",
                PROFILE_COLUMNS.join(", ")
            )));
        }
    }
    for required in ["catalog", "ref_id", "target"] {
        if !header.iter().any(|h| h == required) {
            return Err(file_error(format!(
                "The header row needs a “{required}” column. Columns: {}.",
                PROFILE_COLUMNS.join(", ")
            )));
        }
    }
    let col = |name: &str| header.iter().position(|h| h == name);
    let cell = |row: &Vec<String>, name: &str| {
        col(name)
            .and_then(|i| row.get(i))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let rows: Vec<(usize, &Vec<String>)> = table
        .iter()
        .enumerate()
        .skip(1)
        .map(|(i, r)| (i + 1, r))
        .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
        .collect();
    if rows.is_empty() {
        return Err(file_error("The file has a header but no requirements."));
    }
    let mut errors = RowErrors::default();
    let mut out = Vec::new();
    for (n, row) in rows {
        let catalog = cell(row, "catalog");
        let ref_id = cell(row, "ref_id");
        if catalog.is_empty() {
            errors.add(n, "catalog", "Name the catalog the requirement is from.");
        }
        if ref_id.is_empty() {
            errors.add(n, "ref_id", "The identifier is missing.");
        }
        let version_raw = cell(row, "catalog_version");
        let version = if version_raw.is_empty() {
            None
        } else {
            match version_raw.parse::<i32>() {
                Ok(v) if v >= 1 => Some(v),
                _ => {
                    errors.add(n, "catalog_version", "Use a whole number such as 1.");
                    None
                }
            }
        };
        let kind_raw = cell(row, "target_kind").to_lowercase();
        let target_kind = match kind_raw.as_str() {
            "" => None,
            "ml" | "sl" => Some(TargetKind::parse(&kind_raw)),
            _ => {
                errors.add(
                    n,
                    "target_kind",
                    "Use “ml” (maturity level) or “sl” (security level).",
                );
                None
            }
        };
        let target = match parse_level("target", &cell(row, "target")) {
            Ok(t) => t,
            Err(_) => {
                errors.add(
                    n,
                    "target",
                    "Use a level from 1 to 4 (e.g. 2, ML2 or SL-T 2).",
                );
                0
            }
        };
        let party_raw = cell(row, "responsible_party");
        let party = if party_raw.is_empty() {
            None
        } else {
            match Party::parse(&party_raw) {
                Ok(p) => Some(p),
                Err(_) => {
                    errors.add(
                        n,
                        "responsible_party",
                        "Use asset_owner, product_supplier, service_provider or other.",
                    );
                    None
                }
            }
        };
        let weight_raw = cell(row, "weight");
        let weight = if weight_raw.is_empty() {
            1
        } else {
            match weight_raw.parse::<i16>() {
                Ok(w @ 0..=100) => w,
                _ => {
                    errors.add(n, "weight", "Use a whole number from 0 to 100.");
                    0
                }
            }
        };
        let evidence_required = parse_flag(&cell(row, "evidence_required")).unwrap_or_else(|| {
            errors.add(n, "evidence_required", "Use yes or no.");
            false
        });
        let section = cell(row, "section");
        if section.chars().count() > 200 {
            errors.add(n, "section", "Use at most 200 characters.");
        }
        let parameters = cell(row, "parameters");
        if parameters.chars().count() > 2000 {
            errors.add(n, "parameters", "Use at most 2,000 characters.");
        }
        for (name, value) in [
            ("catalog", &catalog),
            ("ref_id", &ref_id),
            ("section", &section),
            ("parameters", &parameters),
        ] {
            if formula_like(value) {
                errors.add(
                    n,
                    name,
                    "Cells may not start with =, +, - or @ (spreadsheet formulas are not accepted).",
                );
            }
        }
        out.push(ProfileRow {
            row: n,
            catalog: CatalogRef::Named {
                name: catalog,
                version,
            },
            ref_id,
            section,
            target_kind,
            target,
            party,
            weight,
            evidence_required,
            parameters,
        });
    }
    errors.into_result(out)
}

/// Reads an OSCAL profile (JSON) as profile rows: each import's catalog by
/// the id in its href (`…/catalogs/{id}/export/oscal`), each included
/// control with the targets Pactline added to it.
pub fn read_oscal_profile(bytes: &[u8]) -> Result<(String, Vec<ProfileRow>), AppError> {
    let doc = read_json(bytes)?;
    let (title, rows) = crate::server::oscal::read_profile(&doc)?;
    if rows.len() > MAX_ROWS {
        return Err(AppError::TooLarge(format!(
            "The profile has more than {MAX_ROWS} controls."
        )));
    }
    let mut table: Table = vec![PROFILE_COLUMNS.iter().map(|c| c.to_string()).collect()];
    for r in &rows {
        let mut cells = vec![String::new(); PROFILE_COLUMNS.len()];
        let mut set = |name: &str, v: String| {
            let i = PROFILE_COLUMNS.iter().position(|c| *c == name).unwrap();
            cells[i] = v;
        };
        set("catalog", "oscal import".into());
        set("ref_id", r.ref_id.clone());
        set("section", r.section.clone());
        set("target", r.target.clone());
        set("responsible_party", r.party.clone());
        set("weight", r.weight.clone());
        set("evidence_required", r.evidence_required.clone());
        set("parameters", r.parameters.clone());
        table.push(cells);
    }
    // Same checks as a table; the catalog is the import's.
    let checked = validate_profile(&table)?;
    Ok((
        title,
        checked
            .into_iter()
            .zip(rows)
            .map(|(mut c, r)| {
                c.catalog = CatalogRef::Id(r.catalog_id);
                c
            })
            .collect(),
    ))
}
