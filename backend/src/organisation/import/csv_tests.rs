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
        employees("external_id,email,unit_external_id,language\nE1,\"a@b.no\",U1,nn\n\n").unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].language.as_deref(), Some("nn"));
}

#[test]
fn org_2_csv_missing_column_is_named() {
    let Err(AppError::Invalid(errs)) = employees("external_id;email\nE1;a@b.no\n") else {
        panic!("expected invalid");
    };
    assert_eq!(errs[0].field, "unit_external_id");
    assert_eq!(errs[0].code.as_str(), "missing_column");
}
