//! Reading an uploaded CSV file into named columns and rows of cells, and applying a mapping.

use super::{suggest, ImportField, Mapping};
use crate::error::{AppError, FieldError};
use std::collections::BTreeMap;

/// The most data rows one import takes. On SQLite an import holds the write lock for its whole
/// transaction (about 1.5 s per 10,000 rows on 2 cores), and other writers give up after the
/// 10 s busy timeout, so one import stays well below that.
pub const MAX_ROWS: usize = 20_000;

/// A parsed file: unique column names and the non-blank data rows.
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Record>,
}

pub struct Record {
    /// As a spreadsheet numbers it: the header is row 1.
    pub row: u64,
    pub cells: Vec<String>,
}

/// The separator the header row uses most: comma, semicolon (spreadsheets in locales with a
/// decimal comma) or tab.
fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| header.bytes().filter(|b| b == d).count())
        .filter(|d| header.as_bytes().contains(d))
        .unwrap_or(b',')
}

/// A cell as imported: NUL characters dropped (what a UTF-16 file read as UTF-8 is full of),
/// and the `'` our export puts before `=`, `+`, `-` and `@` taken off again.
fn clean(cell: &str) -> String {
    let cell = cell.trim();
    let cell = match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => cell,
    };
    cell.replace('\0', "")
}

fn invalid_file(message: impl Into<String>) -> AppError {
    AppError::field("csv", "invalid", message)
}

/// Blank headers become `Column N`; a repeated header gets ` (2)`, ` (3)`….
fn unique_columns(headers: &::csv::StringRecord) -> Vec<String> {
    let mut columns: Vec<String> = Vec::with_capacity(headers.len());
    for (i, h) in headers.iter().enumerate() {
        let base = match clean(h) {
            h if h.is_empty() => format!("Column {}", i + 1),
            h => h,
        };
        let mut name = base.clone();
        let mut n = 2;
        while columns.contains(&name) {
            name = format!("{base} ({n})");
            n += 1;
        }
        columns.push(name);
    }
    columns
}

pub fn parse(text: &str) -> Result<Table, AppError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(sniff_delimiter(text))
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| invalid_file(format!("The header row could not be read: {e}")))?;
    if headers.iter().all(|h| h.trim().is_empty()) {
        return Err(invalid_file("The file has no header row"));
    }
    let columns = unique_columns(headers);
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record =
            record.map_err(|e| invalid_file(format!("Row {} could not be read: {e}", i + 2)))?;
        let cells: Vec<String> = record.iter().map(clean).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        if rows.len() == MAX_ROWS {
            return Err(invalid_file(format!(
                "Import at most {MAX_ROWS} rows at a time; split the file"
            )));
        }
        rows.push(Record {
            row: i as u64 + 2,
            cells,
        });
    }
    Ok(Table { columns, rows })
}

/// The suggested mapping as the wire shows it: every column, `null` where nothing fits.
pub fn suggested_mapping(columns: &[String]) -> Mapping {
    columns.iter().cloned().zip(suggest(columns)).collect()
}

/// Which column index fills which field. The request's mapping must name existing columns and
/// give each field at most one column; without one, the suggestion is used.
pub fn resolve(
    columns: &[String],
    mapping: Option<&Mapping>,
) -> Result<Vec<(usize, ImportField)>, AppError> {
    let Some(mapping) = mapping else {
        return Ok(suggest(columns)
            .into_iter()
            .enumerate()
            .filter_map(|(i, f)| Some((i, f?)))
            .collect());
    };
    let mut resolved: Vec<(usize, ImportField)> = Vec::new();
    let mut problems = Vec::new();
    for (column, field) in mapping {
        let Some(index) = columns.iter().position(|c| c == column) else {
            problems.push(format!("there is no column named \"{column}\""));
            continue;
        };
        if let Some(field) = field {
            if resolved.iter().any(|(_, f)| f == field) {
                problems.push(format!(
                    "{} is mapped from more than one column",
                    field.as_str()
                ));
            }
            resolved.push((index, *field));
        }
    }
    if resolved.is_empty() && problems.is_empty() {
        problems.push("map at least one column to a contact field".into());
    }
    if problems.is_empty() {
        resolved.sort();
        Ok(resolved)
    } else {
        Err(AppError::validation(vec![FieldError {
            field: "mapping".into(),
            message: format!("Check the mapping: {}", problems.join("; ")),
            code: Some("mapping".into()),
        }]))
    }
}

/// The mapped, non-empty cells of a row.
pub fn values(record: &Record, mapping: &[(usize, ImportField)]) -> BTreeMap<ImportField, String> {
    mapping
        .iter()
        .filter_map(|(i, field)| {
            let cell = record.cells.get(*i).filter(|c| !c.is_empty())?;
            Some((*field, cell.clone()))
        })
        .collect()
}
