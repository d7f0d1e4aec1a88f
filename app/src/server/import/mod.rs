//! Reading uploaded tables (CSV, .xlsx) and OSCAL documents, and checking
//! them whole before anything is written: every problem is reported with
//! its row and column, and nothing is applied unless all rows are valid.
//! The file readers and limits are here; what a catalog table and a
//! profile table must hold is in [`catalog`] and [`profile`].

use crate::model::{AppError, FieldError};
use crate::server::untrusted;

mod catalog;
mod profile;

pub use catalog::{read_oscal, validate, validate_one};
pub use profile::{read_oscal_profile, validate_profile, CatalogRef, ProfileRow, PROFILE_COLUMNS};

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
pub use untrusted::Table;

fn file_error(message: impl Into<String>) -> AppError {
    AppError::invalid("file", message)
}

/// Refuses a file over [`MAX_FILE_BYTES`].
pub fn check_size(bytes: &[u8]) -> Result<(), AppError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(AppError::TooLarge(format!(
            "The file is larger than {} MiB.",
            MAX_FILE_BYTES / 1024 / 1024
        )));
    }
    Ok(())
}

/// Reads a file by its extension: `.csv` or `.xlsx` (first worksheet), within
/// the bounds of [`crate::server::untrusted`]. Call it through
/// `untrusted::parse` from async code.
pub fn read_table(filename: &str, bytes: &[u8]) -> Result<Table, AppError> {
    if bytes.is_empty() {
        return Err(file_error("The file is empty."));
    }
    check_size(bytes)?;
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
        untrusted::check_zip(bytes)?;
        untrusted::read_first_sheet(bytes, MAX_ROWS)
    } else {
        Err(file_error("Upload a .csv, .xlsx or OSCAL .json file."))
    }
}

/// Runs `parse` on an uploaded file (name and bytes) on a blocking thread,
/// within the size and time limits: every import path reads through here.
pub async fn parse_file<T, F>(filename: &str, bytes: &[u8], parse: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&str, &[u8]) -> Result<T, AppError> + Send + 'static,
{
    check_size(bytes)?;
    let (filename, bytes) = (filename.to_string(), bytes.to_vec());
    untrusted::parse(move || parse(&filename, &bytes)).await
}

/// [`read_table`] on a blocking thread, within the parse time limit.
pub async fn read_table_async(filename: &str, bytes: &[u8]) -> Result<Table, AppError> {
    parse_file(filename, bytes, read_table).await
}

fn too_many_rows() -> AppError {
    AppError::TooLarge(format!("The file has more than {MAX_ROWS} rows."))
}

fn read_csv(bytes: &[u8]) -> Result<Table, AppError> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| file_error("The CSV file is not UTF-8 text. Save it as “CSV UTF-8”."))?;
    if text.contains('\0') {
        return Err(file_error(
            "The CSV file holds NUL characters; it is not a text file.",
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut table = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec =
            rec.map_err(|e| file_error(format!("Row {}: the CSV cannot be read ({e}).", i + 1)))?;
        if rec.len() > untrusted::MAX_COLUMNS as usize {
            return Err(file_error(format!(
                "Row {}: more than {} columns.",
                i + 1,
                untrusted::MAX_COLUMNS
            )));
        }
        table.push(rec.iter().map(|c| c.to_string()).collect());
        if table.len() > MAX_ROWS + 1 {
            return Err(too_many_rows());
        }
    }
    Ok(table)
}

/// Parses an uploaded JSON document: size and nesting checked first.
pub fn read_json(bytes: &[u8]) -> Result<serde_json::Value, AppError> {
    check_size(bytes)?;
    untrusted::check_json_depth(bytes, untrusted::MAX_JSON_DEPTH)?;
    serde_json::from_slice(bytes)
        .map_err(|e| file_error(format!("The file is not valid JSON ({e}).")))
}

/// A cell's name as spreadsheets show it: column letters and row number
/// (both from zero here), e.g. (0, 0) is A1.
pub fn cell_name(row: usize, col: usize) -> String {
    let mut letters = String::new();
    let mut n = col + 1;
    while n > 0 {
        let r = (n - 1) % 26;
        letters.insert(0, (b'A' + r as u8) as char);
        n = (n - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

/// The error list of an import, each problem under "row N, column".
#[derive(Default)]
pub struct RowErrors(pub Vec<FieldError>);

impl RowErrors {
    pub fn add(&mut self, row: usize, column: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: format!("row {row}, {column}"),
            message: message.into(),
        });
    }

    pub fn into_result<T>(self, ok: T) -> Result<T, AppError> {
        if self.0.is_empty() {
            Ok(ok)
        } else {
            Err(AppError::Validation {
                message: format!(
                    "{} problem{} found; nothing was imported. Fix the file and upload it again.",
                    self.0.len(),
                    if self.0.len() == 1 { "" } else { "s" }
                ),
                fields: self.0,
            })
        }
    }
}

fn formula_like(value: &str) -> bool {
    value.starts_with(['=', '+', '@'])
        || (value.starts_with('-') && value.len() > 1 && !value[1..].starts_with(' '))
}

/// Parses a yes/no cell.
fn parse_flag(raw: &str) -> Option<bool> {
    match raw.trim().to_lowercase().as_str() {
        "" | "no" | "n" | "false" | "0" => Some(false),
        "yes" | "y" | "true" | "1" | "x" => Some(true),
        _ => None,
    }
}

/// Reads an upload form (multipart fields `name` and `file`) into the name,
/// the file's name and its bytes.
pub async fn read_upload(
    data: server_fn::codec::MultipartData,
) -> Result<(String, String, Vec<u8>), AppError> {
    let (fields, filename, bytes) = read_form(data, MAX_FILE_BYTES).await?;
    let name = fields
        .into_iter()
        .find(|(k, _)| k == "name")
        .map(|(_, v)| v)
        .unwrap_or_default();
    Ok((name, filename, bytes))
}

/// Reads a multipart form: its text fields (at most 4 KiB each), and the
/// `file` field's name and bytes, refusing files over `max` bytes while
/// they arrive.
pub async fn read_form(
    data: server_fn::codec::MultipartData,
    max: usize,
) -> Result<(Vec<(String, String)>, String, Vec<u8>), AppError> {
    let mut data = data
        .into_inner()
        .ok_or_else(|| AppError::invalid("file", "No file was sent."))?;
    let (mut fields, mut filename, mut bytes) = (Vec::new(), String::new(), Vec::new());
    // A stream that breaks off is an error, never a shorter file.
    let cut_off =
        || AppError::invalid("file", "The upload was cut off before it ended. Try again.");
    while let Some(mut field) = data.next_field().await.map_err(|_| cut_off())? {
        let field_name = field.name().unwrap_or_default().to_string();
        let is_file = field_name == "file";
        if is_file {
            filename = field.file_name().unwrap_or_default().to_string();
        }
        let limit = if is_file { max } else { 4096 };
        let mut buf = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|_| cut_off())? {
            if buf.len() + chunk.len() > limit {
                return Err(if is_file {
                    AppError::TooLarge(format!(
                        "The file is larger than {} MiB.",
                        max / 1024 / 1024
                    ))
                } else {
                    AppError::invalid(&field_name, "This field is too long.")
                });
            }
            buf.extend_from_slice(&chunk);
        }
        if is_file {
            bytes = buf;
        } else {
            fields.push((field_name, String::from_utf8_lossy(&buf).into_owned()));
        }
    }
    if filename.is_empty() {
        return Err(file_error("Choose a file to upload."));
    }
    Ok((fields, filename, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ComponentType;

    fn t(rows: &[&[&str]]) -> Table {
        rows.iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    #[test]
    fn profile_rows_are_checked_with_row_and_column() {
        use crate::model::{Party, TargetKind};
        let ok = validate_profile(&t(&[
            &[
                "catalog",
                "catalog_version",
                "ref_id",
                "target",
                "target_kind",
                "responsible_party",
                "weight",
                "evidence_required",
                "parameters",
            ],
            &[
                "iec-62443-4-2",
                "1",
                "CR 1.1",
                "SL-T 2",
                "sl",
                "asset_owner",
                "5",
                "yes",
                "Named accounts",
            ],
            &["", "", "", "", "", "", "", "", ""],
            &["Corp", "", "NW-1", "ML3", "", "", "", "", ""],
        ]))
        .unwrap();
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[0].row, 2);
        assert_eq!(ok[0].target, 2);
        assert_eq!(ok[0].target_kind, Some(TargetKind::Sl));
        assert_eq!(ok[0].party, Some(Party::AssetOwner));
        assert!(ok[0].evidence_required);
        assert_eq!(ok[1].row, 4, "blank rows keep the numbering");
        assert_eq!((ok[1].weight, ok[1].party, ok[1].target), (1, None, 3));
        assert_eq!(
            ok[1].catalog,
            CatalogRef::Named {
                name: "Corp".into(),
                version: None
            }
        );

        let err = validate_profile(&t(&[
            &[
                "catalog",
                "catalog_version",
                "ref_id",
                "target",
                "target_kind",
                "weight",
                "evidence_required",
                "parameters",
            ],
            &["", "0", "", "5", "xl", "-3", "maybe", "=CMD()"],
        ]))
        .unwrap_err();
        let fields: Vec<String> = match err {
            AppError::Validation { fields, .. } => fields.into_iter().map(|f| f.field).collect(),
            other => panic!("{other:?}"),
        };
        for f in [
            "catalog",
            "ref_id",
            "catalog_version",
            "target_kind",
            "target",
            "weight",
            "evidence_required",
            "parameters",
        ] {
            assert!(fields.contains(&format!("row 2, {f}")), "{f}: {fields:?}");
        }
        assert!(validate_profile(&t(&[&["ref_id", "target"], &["CR 1.1", "2"]])).is_err());
        assert!(validate_profile(&t(&[&["catalog", "ref_id", "target", "colour"]])).is_err());
        assert!(validate_profile(&t(&[&["catalog", "ref_id", "target"]])).is_err());
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

    #[test]
    fn xlsx_formulas_are_refused_and_dates_read_as_dates() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "planned_on").unwrap();
        let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2027, 3, 31).unwrap();
        let fmt = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        ws.write_datetime_with_format(1, 0, &date, &fmt).unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        assert_eq!(read_table("d.xlsx", &bytes).unwrap()[1], vec!["2027-03-31"]);

        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "ref_id").unwrap();
        ws.write_string(0, 1, "title").unwrap();
        ws.write_string(1, 0, "X-1").unwrap();
        ws.write_formula(1, 1, "=HYPERLINK(\"http://evil.example\",\"x\")")
            .unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let err = read_table("f.xlsx", &bytes).unwrap_err().to_string();
        assert!(err.contains("Cell B2 holds a formula"), "{err}");
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(9, 27), "AB10");
    }
}
