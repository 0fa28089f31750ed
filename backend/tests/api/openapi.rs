//! The committed specs are the generated ones. Regenerate with
//! `UPDATE_OPENAPI=1 cargo test -p tillit-backend --test api openapi`.

fn matches_committed(file: &str, generated: String) {
    let path = format!("{}/../openapi/{file}", env!("CARGO_MANIFEST_DIR"));
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if std::env::var("UPDATE_OPENAPI").is_ok() {
        std::fs::write(&path, format!("{generated}\n")).unwrap();
        return;
    }
    assert!(
        committed.trim_end() == generated.trim_end(),
        "openapi/{file} is out of date: run `UPDATE_OPENAPI=1 cargo test -p tillit-backend --test api openapi` and commit it"
    );
}

#[test]
fn openapi_json_matches_the_handlers() {
    matches_committed(
        "openapi.json",
        tillit_backend::openapi().to_pretty_json().unwrap(),
    );
}

#[test]
fn openapi_3_0_json_matches_the_handlers() {
    let spec = tillit_backend::startup::openapi_3_0();
    assert_eq!(spec["openapi"], "3.0.3");
    let text = serde_json::to_string(&spec).unwrap();
    for gone in ["\"null\"", "\"const\"", "\"examples\":["] {
        assert!(
            !text.contains(gone),
            "3.1 form {gone} left in the 3.0 rendering"
        );
    }
    matches_committed(
        "openapi-3.0.json",
        serde_json::to_string_pretty(&spec).unwrap(),
    );
}

/// Every enum in the spec lists the values the server sends, as serde
/// writes them (a generated TypeScript client found the problem codes
/// listed by their Rust names once).
#[test]
fn openapi_enums_are_the_wire_values() {
    let spec = serde_json::to_value(tillit_backend::openapi()).unwrap();
    let listed = |name: &str| -> Vec<serde_json::Value> {
        spec["components"]["schemas"][name]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{name} has no enum"))
            .clone()
    };
    let wire = |v: Vec<serde_json::Value>| v;
    assert_eq!(
        listed("ProblemCode"),
        wire(
            tillit_api::ProblemCode::ALL
                .iter()
                .map(|c| serde_json::to_value(c).unwrap())
                .collect()
        )
    );
    assert_eq!(
        listed("FieldCode"),
        wire(
            tillit_api::FieldCode::ALL
                .iter()
                .map(|c| serde_json::to_value(c).unwrap())
                .collect()
        )
    );
    for (name, sample) in [
        (
            "Language",
            serde_json::to_value(tillit_api::Language::Nn).unwrap(),
        ),
        (
            "Role",
            serde_json::to_value(tillit_api::Role::ControllerAdmin).unwrap(),
        ),
        (
            "SurveyState",
            serde_json::to_value(tillit_api::SurveyState::Open).unwrap(),
        ),
        (
            "ImportMode",
            serde_json::to_value(tillit_api::ImportMode::FullSync).unwrap(),
        ),
    ] {
        assert!(listed(name).contains(&sample), "{name} lacks {sample}");
    }
}
