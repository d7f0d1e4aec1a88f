//! Reading files a user uploaded, within bounds: a workbook is checked as a
//! zip archive before any spreadsheet parser sees it (entry count, unpacked
//! size per entry and in total, measured while unpacking rather than taken
//! from the headers, and compression ratio), its cells are read as a stream
//! that stops at the row and column limits, JSON is checked for nesting
//! depth before it is parsed, and all parsing runs on blocking threads, a
//! few at a time, with a time limit. A hostile file costs its sender a clear
//! error and nobody else anything.

use crate::model::AppError;
use std::io::{Cursor, Read};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::Semaphore;

/// What a workbook may unpack to, all entries together.
pub const MAX_UNPACKED_BYTES: u64 = 20 * 1024 * 1024;
/// Entries in a workbook's archive (a real one has a dozen or two).
pub const MAX_ZIP_ENTRIES: usize = 1000;
/// Unpacked size over packed size, for entries larger than [`RATIO_FROM`].
pub const MAX_RATIO: u64 = 200;
const RATIO_FROM: u64 = 1024 * 1024;
/// Columns read from a sheet; every Pactline sheet has fewer than 20.
pub const MAX_COLUMNS: u32 = 64;
/// Nesting of arrays and objects in an uploaded JSON document.
pub const MAX_JSON_DEPTH: usize = 32;
/// How long one file may take to read.
pub const PARSE_TIME_LIMIT: Duration = Duration::from_secs(10);

fn file_error(message: impl Into<String>) -> AppError {
    AppError::invalid("file", message)
}

fn too_large(message: impl Into<String>) -> AppError {
    AppError::TooLarge(message.into())
}

fn unpacks_too_large() -> AppError {
    too_large(format!(
        "The file unpacks to more than {} MiB. Remove unused sheets, images and formatting, or split it.",
        MAX_UNPACKED_BYTES / 1024 / 1024
    ))
}

/// Checks a workbook's archive by unpacking every entry into nothing,
/// counting the bytes as they come: the sizes in the headers are the
/// sender's claim, what the decompressor produces is the fact.
pub fn check_zip(bytes: &[u8]) -> Result<(), AppError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| file_error("This file is damaged (its archive cannot be opened)."))?;
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(too_large(format!(
            "The file holds more than {MAX_ZIP_ENTRIES} parts; a workbook has a few dozen."
        )));
    }
    let mut total: u64 = 0;
    let mut sink = [0u8; 16 * 1024];
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|_| file_error("This file is damaged (a part cannot be read)."))?;
        if entry.size() > MAX_UNPACKED_BYTES || total + entry.size() > MAX_UNPACKED_BYTES {
            return Err(unpacks_too_large());
        }
        let packed = entry.compressed_size().max(1);
        let xml = {
            let name = entry
                .name()
                .map(|n| n.to_ascii_lowercase())
                .unwrap_or_default();
            name.ends_with(".xml") || name.ends_with(".rels") || name.is_empty()
        };
        let mut unpacked: u64 = 0;
        // The end of the previous chunk, so a declaration split across two
        // chunks is still seen.
        let mut tail: Vec<u8> = Vec::new();
        loop {
            let n = match entry.read(&mut sink) {
                Ok(0) => break,
                Ok(n) => n,
                Err(_) => return Err(file_error("This file is damaged (a part does not unpack).")),
            };
            if xml {
                tail.extend_from_slice(&sink[..n]);
                if declares_entities(&tail) {
                    return Err(file_error(
                        "The file declares XML entities (a DOCTYPE), which spreadsheet programs never write. Save it again from your spreadsheet program.",
                    ));
                }
                let keep = tail.len().saturating_sub(16);
                tail.drain(..keep);
            }
            let n = n as u64;
            unpacked += n;
            total += n;
            if total > MAX_UNPACKED_BYTES {
                return Err(unpacks_too_large());
            }
            if unpacked > RATIO_FROM && unpacked / packed > MAX_RATIO {
                return Err(too_large(
                    "The file is compressed beyond what a real workbook is (a zip bomb?). Save it again from your spreadsheet program.",
                ));
            }
        }
    }
    Ok(())
}

fn declares_entities(xml: &[u8]) -> bool {
    xml.windows(9)
        .any(|w| w == b"<!DOCTYPE" || w.starts_with(b"<!ENTITY"))
}

/// Checks that JSON nests arrays and objects at most `max` deep, without
/// parsing it (a scan that knows strings and escapes).
pub fn check_json_depth(bytes: &[u8], max: usize) -> Result<(), AppError> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in bytes {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Err(file_error(format!(
                        "The JSON nests more than {max} levels deep; an OSCAL document needs far fewer."
                    )));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// A table of text cells, first row the header.
pub type Table = Vec<Vec<String>>;

/// Reads the first worksheet of a workbook that passed [`check_zip`] as text
/// cells, streaming: a value beyond row `max_rows + 1` (the header) or
/// column [`MAX_COLUMNS`] stops the read with an error, and a formula is
/// refused. The table starts at the first row and column holding a value,
/// as a spreadsheet's used range does.
pub fn read_first_sheet(bytes: &[u8], max_rows: usize) -> Result<Table, AppError> {
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| file_error(format!("The .xlsx file cannot be read ({e}).")))?;
    let name = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| file_error("The .xlsx file has no worksheet."))?;
    let mut cells = book
        .worksheet_cells_reader(&name)
        .map_err(|e| file_error(format!("The first worksheet cannot be read ({e}).")))?;
    let max_row = max_rows as u32; // zero-based: the header and max_rows rows
    let mut found: Vec<(u32, u32, String)> = Vec::new();
    while let Some(cell) = cells
        .next_cell_with_formula()
        .map_err(|e| file_error(format!("The first worksheet cannot be read ({e}).")))?
    {
        let (r, c) = cell.pos;
        if let Some(f) = cell.formula.as_deref().filter(|f| !f.trim().is_empty()) {
            return Err(file_error(format!(
                "Cell {} holds a formula ({}). Paste values only and upload again.",
                crate::server::import::cell_name(r as usize, c as usize),
                f.chars().take(40).collect::<String>()
            )));
        }
        let text = match Data::from(cell.value) {
            Data::Empty => continue,
            Data::String(s) => s,
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            Data::DateTime(d) => {
                let (y, m, d, ..) = d.to_ymd_hms_milli();
                format!("{y:04}-{m:02}-{d:02}")
            }
            Data::DateTimeIso(s) => s.chars().take(10).collect(),
            other => other.to_string(),
        };
        if text.is_empty() {
            continue;
        }
        if r > max_row {
            return Err(too_large(format!(
                "The sheet has more than {max_rows} rows (cell {} holds a value).",
                crate::server::import::cell_name(r as usize, c as usize)
            )));
        }
        if c >= MAX_COLUMNS {
            return Err(file_error(format!(
                "The sheet has values beyond column {} (cell {}). Remove them and upload again.",
                crate::server::import::cell_name(0, MAX_COLUMNS as usize - 1).trim_end_matches('1'),
                crate::server::import::cell_name(r as usize, c as usize)
            )));
        }
        found.push((r, c, text));
    }
    let (Some(r0), Some(c0)) = (
        found.iter().map(|x| x.0).min(),
        found.iter().map(|x| x.1).min(),
    ) else {
        return Ok(Vec::new());
    };
    let height = found.iter().map(|x| x.0).max().unwrap_or(r0) - r0 + 1;
    let width = found.iter().map(|x| x.1).max().unwrap_or(c0) - c0 + 1;
    let mut table = vec![vec![String::new(); width as usize]; height as usize];
    for (r, c, text) in found {
        table[(r - r0) as usize][(c - c0) as usize] = text;
    }
    Ok(table)
}

fn parse_permits() -> &'static Arc<Semaphore> {
    static PERMITS: OnceLock<Arc<Semaphore>> = OnceLock::new();
    PERMITS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Arc::new(Semaphore::new((cores / 2).max(1)))
    })
}

/// Runs a parser on a blocking thread, at most half the cores at once, and
/// gives up waiting after [`PARSE_TIME_LIMIT`]. The bounds above keep every
/// parse finite, so a thread given up on still ends soon after.
pub async fn parse<T, F>(f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, AppError> + Send + 'static,
{
    let work = async {
        let permit = parse_permits()
            .clone()
            .acquire_owned()
            .await
            .expect("parse semaphore never closed");
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            f()
        })
        .await
    };
    match tokio::time::timeout(PARSE_TIME_LIMIT, work).await {
        Ok(Ok(result)) => result,
        Ok(Err(e)) => Err(crate::server::respond::internal(format!(
            "file parser failed: {e}"
        ))),
        Err(_) => Err(too_large(format!(
            "The file took longer than {} seconds to read. Upload a smaller or simpler file.",
            PARSE_TIME_LIMIT.as_secs()
        ))),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;

    /// A minimal workbook around the given worksheet XML, as hostile as the
    /// XML is.
    pub(crate) fn workbook_with_sheet(sheet_xml: &str) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut zip = zip::ZipWriter::new(Cursor::new(&mut out));
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            let parts = [
                (
                    "[Content_Types].xml",
                    r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
                ),
                (
                    "_rels/.rels",
                    r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
                ),
                (
                    "xl/workbook.xml",
                    r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
                ),
                (
                    "xl/_rels/workbook.xml.rels",
                    r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
                ),
                ("xl/worksheets/sheet1.xml", sheet_xml),
            ];
            for (name, body) in parts {
                zip.start_file(name, opts).unwrap();
                zip.write_all(body.as_bytes()).unwrap();
            }
            zip.finish().unwrap();
        }
        out
    }

    pub(crate) fn sheet(dimension: &str, cells: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{cells}</sheetData></worksheet>"#
        )
    }

    fn inline(r: &str, text: &str) -> String {
        format!(r#"<c r="{r}" t="inlineStr"><is><t>{text}</t></is></c>"#)
    }

    fn read(bytes: &[u8]) -> Result<Table, AppError> {
        check_zip(bytes)?;
        read_first_sheet(bytes, 5000)
    }

    #[test]
    fn a_plain_sheet_is_read_from_its_first_value() {
        let xml = sheet(
            "B2:C3",
            &format!(
                r#"<row r="2">{}{}</row><row r="3">{}<c r="C3"><v>42</v></c></row>"#,
                inline("B2", "ref_id"),
                inline("C2", "title"),
                inline("B3", "X-1"),
            ),
        );
        let t = read(&workbook_with_sheet(&xml)).unwrap();
        assert_eq!(t, vec![vec!["ref_id", "title"], vec!["X-1", "42"]]);
    }

    #[test]
    fn two_far_apart_cells_are_refused_without_building_the_range() {
        let xml = sheet(
            "A1:XFD1048576",
            &format!(
                r#"<row r="1">{}</row><row r="1048576">{}</row>"#,
                inline("A1", "a"),
                inline("XFD1048576", "b")
            ),
        );
        let started = std::time::Instant::now();
        let e = read(&workbook_with_sheet(&xml)).unwrap_err();
        assert!(e.to_string().contains("more than 5000 rows"), "{e}");
        assert_eq!(e.status(), 413);
        assert!(started.elapsed() < Duration::from_secs(1));
    }

    #[test]
    fn a_far_column_is_refused() {
        let xml = sheet(
            "A1:XFD1",
            &format!(
                r#"<row r="1">{}{}</row>"#,
                inline("A1", "a"),
                inline("XFD1", "b")
            ),
        );
        let e = read(&workbook_with_sheet(&xml)).unwrap_err();
        assert!(e.to_string().contains("beyond column BL"), "{e}");
    }

    #[test]
    fn a_huge_dimension_claim_costs_nothing() {
        let xml = sheet(
            "A1:XFD1048576",
            &format!(r#"<row r="1">{}</row>"#, inline("A1", "only")),
        );
        assert_eq!(
            read(&workbook_with_sheet(&xml)).unwrap(),
            vec![vec!["only"]]
        );
    }

    #[test]
    fn a_zip_bomb_is_refused_while_unpacking() {
        // 40 MiB of one repeated cell compresses to a few hundred KiB.
        let row = format!(r#"<row>{}</row>"#, inline("A1", "x"));
        let body = row.repeat(40 * 1024 * 1024 / row.len());
        let bytes = workbook_with_sheet(&sheet("A1", &body));
        assert!(bytes.len() < 2 * 1024 * 1024, "{}", bytes.len());
        let e = check_zip(&bytes).unwrap_err();
        assert_eq!(e.status(), 413);
        assert!(
            e.to_string().contains("more than 20 MiB")
                || e.to_string().contains("compressed beyond"),
            "{e}"
        );
    }

    #[test]
    fn many_entries_are_refused() {
        let mut out = Vec::new();
        {
            let mut zip = zip::ZipWriter::new(Cursor::new(&mut out));
            let opts = zip::write::SimpleFileOptions::default();
            for i in 0..=MAX_ZIP_ENTRIES {
                zip.start_file(format!("p{i}"), opts).unwrap();
            }
            zip.finish().unwrap();
        }
        assert!(check_zip(&out).unwrap_err().to_string().contains("parts"));
    }

    #[test]
    fn formulas_are_refused_wherever_they_are() {
        let xml = sheet(
            "A1:B1",
            r#"<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f>HYPERLINK("http://x")</f><v>1</v></c></row>"#,
        );
        let e = read(&workbook_with_sheet(&xml)).unwrap_err();
        assert!(e.to_string().contains("Cell B1 holds a formula"), "{e}");
    }

    #[test]
    fn entity_declarations_are_refused() {
        let xml = sheet(
            "A1",
            &format!(r#"<row r="1">{}</row>"#, inline("A1", "&a;")),
        )
        .replacen(
            "?><worksheet",
            r#"?><!DOCTYPE worksheet [<!ENTITY a "aaaa">]><worksheet"#,
            1,
        );
        assert!(xml.contains("<!DOCTYPE"));
        let e = check_zip(&workbook_with_sheet(&xml)).unwrap_err();
        assert!(e.to_string().contains("DOCTYPE"), "{e}");
    }

    #[test]
    fn json_depth_is_counted_outside_strings() {
        assert!(check_json_depth(br#"{"a":[{"b":"[[[[[[[["}]}"#, 3).is_ok());
        assert!(check_json_depth(br#"{"a":"\"[[[["}"#, 1).is_ok());
        let deep = "[".repeat(100_000);
        assert!(check_json_depth(deep.as_bytes(), MAX_JSON_DEPTH).is_err());
    }

    #[tokio::test]
    async fn parsing_runs_off_the_runtime_and_reports_panics_as_internal() {
        let ok = parse(|| Ok(std::thread::current().name().map(str::to_string))).await;
        assert!(ok.is_ok());
        let e = parse::<(), _>(|| panic!("boom")).await.unwrap_err();
        assert!(matches!(e, AppError::Internal { .. }));
    }
}
