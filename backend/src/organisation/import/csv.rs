//! The same rows as the JSON import, from a spreadsheet's CSV export:
//! UTF-8 (a byte-order mark is fine), comma or semicolon, a header row.

use std::collections::HashMap;

use tillit_api::{EmployeeRow, FieldCode, FieldError, UnitRow, MAX_IMPORT_ROWS};

use crate::error::AppError;

/// The first data row's number: the header is row 1.
pub const FIRST_ROW: usize = 2;

fn delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    if header.matches(';').count() > header.matches(',').count() {
        b';'
    } else {
        b','
    }
}

/// Parses `text` into rows of named columns; `required` must be in the header.
fn records(
    text: &str,
    required: &[&str],
    optional: &[&str],
) -> Result<Vec<HashMap<String, String>>, AppError> {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter(text))
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| AppError::invalid("header", FieldCode::MalformedCsv, e.to_string()))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let missing: Vec<FieldError> = required
        .iter()
        .filter(|c| !headers.iter().any(|h| h == *c))
        .map(|c| {
            FieldError::new(
                *c,
                FieldCode::MissingColumn,
                format!(
                    "the header row has no '{c}' column (found: {})",
                    headers.join(", ")
                ),
            )
            .at_row(1)
        })
        .collect();
    if !missing.is_empty() {
        return Err(AppError::Invalid(missing));
    }
    let wanted: Vec<(usize, &str)> = headers
        .iter()
        .enumerate()
        .filter_map(|(i, h)| {
            required
                .iter()
                .chain(optional)
                .find(|c| *c == h)
                .map(|c| (i, *c))
        })
        .collect();
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        // Refused as it is read: the rest of an over-long file is not parsed.
        if i == MAX_IMPORT_ROWS {
            return Err(AppError::Invalid(vec![too_many_rows("rows")]));
        }
        let rec = rec.map_err(|e| {
            AppError::Invalid(vec![FieldError::new(
                "row",
                FieldCode::MalformedCsv,
                e.to_string(),
            )
            .at_row(i + FIRST_ROW)])
        })?;
        if rec.iter().all(|f| f.is_empty()) {
            // Spreadsheets often end with blank lines; they are no row.
            out.push(HashMap::new());
            continue;
        }
        let mut row = HashMap::with_capacity(wanted.len());
        for (idx, name) in &wanted {
            row.insert((*name).to_string(), rec.get(*idx).unwrap_or("").to_string());
        }
        out.push(row);
    }
    // Drop trailing blank lines only; a blank line in the middle keeps its number.
    while out.last().is_some_and(HashMap::is_empty) {
        out.pop();
    }
    Ok(out)
}

pub fn too_many_rows(field: &str) -> FieldError {
    FieldError::new(
        field,
        FieldCode::TooManyRows,
        format!("at most {MAX_IMPORT_ROWS} rows per request"),
    )
    .with("max", MAX_IMPORT_ROWS)
}

fn take(row: &mut HashMap<String, String>, key: &str) -> String {
    row.remove(key).unwrap_or_default()
}

pub fn units(text: &str) -> Result<Vec<UnitRow>, AppError> {
    Ok(
        records(text, &["external_id", "name"], &["parent_external_id"])?
            .into_iter()
            .map(|mut r| UnitRow {
                external_id: take(&mut r, "external_id"),
                name: take(&mut r, "name"),
                parent_external_id: Some(take(&mut r, "parent_external_id"))
                    .filter(|p| !p.is_empty()),
            })
            .collect(),
    )
}

pub fn employees(text: &str) -> Result<Vec<EmployeeRow>, AppError> {
    Ok(records(
        text,
        &["external_id", "email", "unit_external_id"],
        &["language"],
    )?
    .into_iter()
    .map(|mut r| EmployeeRow {
        external_id: take(&mut r, "external_id"),
        email: take(&mut r, "email"),
        unit_external_id: take(&mut r, "unit_external_id"),
        language: Some(take(&mut r, "language")).filter(|l| !l.is_empty()),
    })
    .collect())
}

#[cfg(test)]
#[path = "csv_tests.rs"]
mod tests;
