//! The same rows as the JSON import, from a spreadsheet's CSV export:
//! UTF-8 (a byte-order mark is fine), comma or semicolon, a header row.

use std::collections::HashMap;

use tillit_api::{EmployeeRow, FieldError, UnitRow};

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
        .map_err(|e| AppError::invalid("header", "malformed_csv", e.to_string()))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let missing: Vec<FieldError> = required
        .iter()
        .filter(|c| !headers.iter().any(|h| h == *c))
        .map(|c| {
            FieldError::new(
                *c,
                "missing_column",
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
        let rec = rec.map_err(|e| {
            AppError::Invalid(vec![
                FieldError::new("row", "malformed_csv", e.to_string()).at_row(i + FIRST_ROW)
            ])
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
mod tests {
    use super::*;

    #[test]
    fn org_2_csv_accepts_semicolons_and_any_column_order() {
        let rows = units("name;external_id;parent_external_id\nHR;U2;U1\nTop;U1;\n").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].external_id, "U2");
        assert_eq!(rows[0].parent_external_id.as_deref(), Some("U1"));
        assert_eq!(rows[1].parent_external_id, None);
    }

    #[test]
    fn org_2_csv_accepts_commas_and_quotes() {
        let rows =
            employees("external_id,email,unit_external_id,language\nE1,\"a@b.no\",U1,nn\n\n")
                .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].language.as_deref(), Some("nn"));
    }

    #[test]
    fn org_2_csv_missing_column_is_named() {
        let Err(AppError::Invalid(errs)) = employees("external_id;email\nE1;a@b.no\n") else {
            panic!("expected invalid");
        };
        assert_eq!(errs[0].field, "unit_external_id");
        assert_eq!(errs[0].code, "missing_column");
    }
}
