//! A catalog table (or OSCAL catalog) checked row by row into requirements.

use super::*;

use crate::model::{AppError, ComponentType, FieldError, RequirementDto};
use std::collections::HashSet;

/// Reads an OSCAL catalog (JSON) and checks its controls with the same rules
/// as a table: each control is a row, in document order.
pub fn read_oscal(
    bytes: &[u8],
) -> Result<(String, crate::model::OscalOrigin, Vec<RequirementDto>), AppError> {
    let doc = read_json(bytes)?;
    let crate::server::oscal::ReadCatalog {
        title,
        origin,
        requirements: reqs,
    } = crate::server::oscal::read_catalog(&doc)?;
    if reqs.len() > MAX_ROWS {
        return Err(AppError::TooLarge(format!(
            "The catalog has more than {MAX_ROWS} controls."
        )));
    }
    let join = |v: &Option<Vec<String>>| v.as_ref().map(|v| v.join(",")).unwrap_or_default();
    let mut table: Table = vec![COLUMNS.iter().map(|c| c.to_string()).collect()];
    for r in &reqs {
        table.push(vec![
            r.ref_id.clone(),
            r.title.clone(),
            r.description.clone(),
            r.group.clone(),
            r.group_title.clone(),
            r.parent.clone().unwrap_or_default(),
            join(
                &r.sl
                    .as_ref()
                    .map(|l| l.iter().map(|n| n.to_string()).collect()),
            ),
            join(
                &r.component_types
                    .as_ref()
                    .map(|t| t.iter().map(|c| c.as_str().to_string()).collect()),
            ),
        ]);
    }
    // Same checks as a table; then keep what only OSCAL carries.
    let checked = validate(&table)?;
    let reqs = checked
        .into_iter()
        .zip(reqs)
        .map(|(mut c, r)| {
            c.kind = r.kind;
            c.verified = r.verified;
            if r.sl.as_ref().is_some_and(|l| l.is_empty()) {
                c.sl = Some(vec![]);
            }
            c
        })
        .collect();
    Ok((title, origin, reqs))
}

/// One requirement typed in by hand, checked as a one-row table would be;
/// an error names the field only.
pub fn validate_one(
    ref_id: &str,
    title: &str,
    description: &str,
    group: &str,
) -> Result<RequirementDto, AppError> {
    let header = ["ref_id", "title", "description", "group"]
        .map(String::from)
        .to_vec();
    let row = [ref_id, title, description, group]
        .map(String::from)
        .to_vec();
    let mut reqs = validate(&vec![header, row]).map_err(|e| match e {
        AppError::Validation { fields, .. } if !fields.is_empty() => {
            let f = &fields[0];
            AppError::invalid(
                f.field.rsplit(", ").next().unwrap_or("ref_id"),
                f.message.clone(),
            )
        }
        other => other,
    })?;
    reqs.pop()
        .ok_or_else(|| AppError::invalid("ref_id", "Give the requirement's identifier."))
}

/// Checks every row and returns the requirements, or all the problems.
pub fn validate(table: &Table) -> Result<Vec<RequirementDto>, AppError> {
    let mut errors: Vec<FieldError> = Vec::new();
    let mut err = |row: usize, col: &str, msg: String| {
        errors.push(FieldError {
            field: format!("row {row}, {col}"),
            message: msg,
        })
    };
    let Some(header) = table.first() else {
        return Err(file_error("The file has no header row."));
    };
    let header: Vec<String> = header
        .iter()
        .map(|h| h.trim().to_lowercase().replace(' ', "_"))
        .collect();
    for h in &header {
        if !h.is_empty() && !COLUMNS.contains(&h.as_str()) {
            return Err(file_error(format!(
                "Unknown column “{h}”. Use: {}.",
                COLUMNS.join(", ")
            )));
        }
    }
    for required in ["ref_id", "title"] {
        if !header.iter().any(|h| h == required) {
            return Err(file_error(format!(
                "The header row needs a “{required}” column. Columns: {}.",
                COLUMNS.join(", ")
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
    let ids: HashSet<String> = rows.iter().map(|(_, r)| cell(r, "ref_id")).collect();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (n, row) in rows {
        let ref_id = cell(row, "ref_id");
        let title = cell(row, "title");
        let description = cell(row, "description");
        if ref_id.is_empty() {
            err(n, "ref_id", "The identifier is missing.".into());
        } else if ref_id.chars().count() > 60 || ref_id.chars().any(|c| c.is_control()) {
            err(
                n,
                "ref_id",
                "Use a single-line identifier of at most 60 characters.".into(),
            );
        } else if !seen.insert(ref_id.clone()) {
            err(n, "ref_id", format!("“{ref_id}” appears more than once."));
        }
        if title.is_empty() {
            err(n, "title", "The title is missing.".into());
        } else if title.chars().count() > 300 {
            err(n, "title", "Use at most 300 characters.".into());
        }
        if description.chars().count() > 2000 {
            err(n, "description", "Use at most 2,000 characters.".into());
        }
        for (name, value) in [
            ("title", &title),
            ("description", &description),
            ("ref_id", &ref_id),
        ] {
            if value.starts_with(['=', '+', '@'])
                || (value.starts_with('-') && value.len() > 1 && !value[1..].starts_with(' '))
            {
                err(n, name, "Cells may not start with =, +, - or @ (spreadsheet formulas are not accepted).".into());
            }
        }
        let parent = Some(cell(row, "parent")).filter(|p| !p.is_empty());
        if let Some(p) = &parent {
            if !ids.contains(p) {
                err(
                    n,
                    "parent",
                    format!("The parent “{p}” is not in this file."),
                );
            } else if *p == ref_id {
                err(
                    n,
                    "parent",
                    "A requirement cannot be its own parent.".into(),
                );
            }
        }
        let levels_raw = cell(row, "levels");
        let sl = if levels_raw.is_empty() {
            None
        } else {
            let parsed: Result<Vec<u8>, _> = levels_raw
                .split([',', ' ', ';'])
                .filter(|s| !s.is_empty())
                .map(|s| s.parse::<u8>())
                .collect();
            match parsed {
                Ok(mut l) if !l.is_empty() && l.iter().all(|n| (1..=4).contains(n)) => {
                    l.sort();
                    l.dedup();
                    Some(l)
                }
                _ => {
                    err(
                        n,
                        "levels",
                        "List security levels from 1 to 4, e.g. “2,3,4”.".into(),
                    );
                    None
                }
            }
        };
        let types_raw = cell(row, "component_types");
        let component_types = if types_raw.is_empty() {
            None
        } else {
            let parsed: Option<Vec<ComponentType>> = types_raw
                .split([',', ' ', ';'])
                .filter(|s| !s.is_empty())
                .map(ComponentType::parse)
                .collect();
            if parsed.is_none() {
                err(
                    n,
                    "component_types",
                    "Use SAR, EDR, HDR or NDR, separated by commas.".into(),
                );
            }
            parsed
        };
        let group = Some(cell(row, "group"))
            .filter(|g| !g.is_empty())
            .unwrap_or_else(|| "General".into());
        if group.chars().count() > 20 {
            err(
                n,
                "group",
                "Use a short group code of at most 20 characters.".into(),
            );
        }
        let group_title = cell(row, "group_title");
        if group_title.chars().count() > 200 {
            err(n, "group_title", "Use at most 200 characters.".into());
        }
        out.push(RequirementDto {
            kind: if parent.is_some() {
                "RE".into()
            } else {
                "custom".into()
            },
            ref_id,
            group_title: if group_title.is_empty() {
                group.clone()
            } else {
                group_title
            },
            group,
            title,
            description,
            parent,
            sl,
            component_types,
            verified: true,
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        let n = errors.len();
        Err(AppError::Validation {
            message: format!(
                "{n} problem{} found; nothing was imported. Fix the file and upload it again.",
                if n == 1 { "" } else { "s" }
            ),
            fields: errors,
        })
    }
}
