//! Reading requirement tables from CSV and .xlsx files, and checking them
//! whole before anything is written: every problem is reported with its row
//! and column, and nothing is applied unless all rows are valid.

use crate::model::{AppError, ComponentType, FieldError, RequirementDto};
use std::collections::HashSet;
use std::io::Cursor;

pub const MAX_FILE_BYTES: usize = 2 * 1024 * 1024;
pub const MAX_ROWS: usize = 5000;

/// The columns a catalog file may have; `ref_id` and `title` are required.
pub const COLUMNS: &[&str] = &[
    "ref_id",
    "title",
    "description",
    "group",
    "group_title",
    "parent",
    "levels",
    "component_types",
];

/// A table of text cells, first row the header.
pub type Table = Vec<Vec<String>>;

fn file_error(message: impl Into<String>) -> AppError {
    AppError::invalid("file", message)
}

/// Reads a file by its extension: `.csv` or `.xlsx` (first worksheet).
pub fn read_table(filename: &str, bytes: &[u8]) -> Result<Table, AppError> {
    if bytes.is_empty() {
        return Err(file_error("The file is empty."));
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(file_error(format!(
            "The file is larger than {} MiB.",
            MAX_FILE_BYTES / 1024 / 1024
        )));
    }
    let lower = filename.to_lowercase();
    if lower.ends_with(".csv") {
        read_csv(bytes)
    } else if lower.ends_with(".xlsx") {
        // An .xlsx file is a zip archive; anything else is not what it claims.
        if !bytes.starts_with(b"PK\x03\x04") {
            return Err(file_error(
                "This is not an .xlsx file (its content does not match its name).",
            ));
        }
        read_xlsx(bytes)
    } else {
        Err(file_error("Upload a .csv, .xlsx or OSCAL .json file."))
    }
}

fn read_csv(bytes: &[u8]) -> Result<Table, AppError> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| file_error("The CSV file is not UTF-8 text. Save it as “CSV UTF-8”."))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut table = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec =
            rec.map_err(|e| file_error(format!("Row {}: the CSV cannot be read ({e}).", i + 1)))?;
        table.push(rec.iter().map(|c| c.to_string()).collect());
        if table.len() > MAX_ROWS + 1 {
            return Err(file_error(format!(
                "The file has more than {MAX_ROWS} rows."
            )));
        }
    }
    Ok(table)
}

fn read_xlsx(bytes: &[u8]) -> Result<Table, AppError> {
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| file_error(format!("The .xlsx file cannot be read ({e}).")))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| file_error("The .xlsx file has no worksheet."))?
        .map_err(|e| file_error(format!("The first worksheet cannot be read ({e}).")))?;
    if range.height() > MAX_ROWS + 1 {
        return Err(file_error(format!(
            "The file has more than {MAX_ROWS} rows."
        )));
    }
    Ok(range
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect())
}

/// Reads an OSCAL catalog (JSON) and checks its controls with the same rules
/// as a table: each control is a row, in document order.
pub fn read_oscal(bytes: &[u8]) -> Result<Vec<RequirementDto>, AppError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(file_error(format!(
            "The file is larger than {} MiB.",
            MAX_FILE_BYTES / 1024 / 1024
        )));
    }
    let doc: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| file_error(format!("The file is not valid JSON ({e}).")))?;
    let (_, reqs) = crate::server::oscal::read_catalog(&doc)?;
    if reqs.len() > MAX_ROWS {
        return Err(file_error(format!(
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
    Ok(checked
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
        .collect())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn t(rows: &[&[&str]]) -> Table {
        rows.iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    fn fields(e: AppError) -> Vec<String> {
        match e {
            AppError::Validation { fields, .. } => fields.into_iter().map(|f| f.field).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_valid_table_becomes_requirements() {
        let reqs = validate(&t(&[
            &[
                "ref_id",
                "title",
                "description",
                "group",
                "parent",
                "levels",
                "component_types",
            ],
            &[
                "NW-1",
                "Remote access through the jump host only",
                "Our own rule",
                "NW",
                "",
                "",
                "",
            ],
            &[
                "NW-1.a",
                "Session recording",
                "",
                "NW",
                "NW-1",
                "2, 3",
                "EDR,HDR",
            ],
            &["", "", "", "", "", "", ""],
        ]))
        .unwrap();
        assert_eq!(reqs.len(), 2);
        assert_eq!(reqs[1].parent.as_deref(), Some("NW-1"));
        assert_eq!(reqs[1].sl, Some(vec![2, 3]));
        assert_eq!(
            reqs[1].component_types,
            Some(vec![ComponentType::EDR, ComponentType::HDR])
        );
        assert_eq!(reqs[0].group_title, "NW");
    }

    #[test]
    fn every_bad_row_is_reported_with_row_and_column() {
        let e = validate(&t(&[
            &["ref_id", "title", "parent", "levels", "component_types"],
            &["A", "Fine", "", "", ""],
            &["A", "Duplicate", "", "", ""],
            &["", "No id", "", "", ""],
            &["B", "", "Z", "5", "PLC"],
            &["C", "=HYPERLINK(\"x\")", "", "", ""],
        ]))
        .unwrap_err();
        assert_eq!(
            fields(e),
            vec![
                "row 3, ref_id",
                "row 4, ref_id",
                "row 5, title",
                "row 5, parent",
                "row 5, levels",
                "row 5, component_types",
                "row 6, title"
            ]
        );
    }

    #[test]
    fn the_header_must_name_known_columns() {
        assert!(validate(&t(&[&["id", "title"], &["A", "B"]])).is_err());
        assert!(validate(&t(&[&["ref_id", "name"], &["A", "B"]])).is_err());
        assert!(validate(&t(&[&["ref_id", "title"]])).is_err());
        assert!(validate(&t(&[])).is_err());
    }

    #[test]
    fn files_are_checked_before_parsing() {
        assert!(read_table("x.csv", b"").is_err());
        assert!(read_table("x.pdf", b"ref_id,title\n").is_err());
        assert!(
            read_table("x.xlsx", b"ref_id,title\nA,B\n").is_err(),
            "a CSV renamed to .xlsx"
        );
        assert!(read_table("x.csv", &vec![b'a'; MAX_FILE_BYTES + 1]).is_err());
        assert!(
            read_table("x.csv", b"\xff\xfe\x00bad").is_err(),
            "not UTF-8"
        );
        let big = format!(
            "ref_id,title\n{}",
            (0..=MAX_ROWS)
                .map(|i| format!("R{i},T\n"))
                .collect::<String>()
        );
        assert!(read_table("x.csv", big.as_bytes()).is_err());
    }

    #[test]
    fn csv_with_quotes_and_bom_is_read() {
        let table = read_table(
            "x.csv",
            "\u{feff}ref_id,title\n\"A-1\",\"Title, with comma\"\n".as_bytes(),
        )
        .unwrap();
        assert_eq!(table[1], vec!["A-1", "Title, with comma"]);
    }

    #[test]
    fn xlsx_written_by_a_spreadsheet_library_is_read() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (c, h) in ["ref_id", "title", "levels"].iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        ws.write_string(1, 0, "X-1").unwrap();
        ws.write_string(1, 1, "Our rule").unwrap();
        ws.write_number(1, 2, 2.0).unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let reqs = validate(&read_table("c.xlsx", &bytes).unwrap()).unwrap();
        assert_eq!(reqs[0].ref_id, "X-1");
        assert_eq!(reqs[0].sl, Some(vec![2]));
    }
}
