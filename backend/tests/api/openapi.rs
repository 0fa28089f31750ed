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

/// The typed endpoint catalogue (`tillit_api::endpoints`) the web apps and
/// the tests call through says what the spec says: every operation is in
/// it once, with the same method and path, and its body and answer are the
/// schemas the spec names.
#[test]
fn endpoint_catalogue_matches_the_spec() {
    use serde_json::Value;
    use tillit_api::endpoints::{ALL, OPERATIONAL};
    let spec = serde_json::to_value(tillit_backend::openapi()).unwrap();
    let schema_name = |ty: &str| -> String {
        match ty.strip_prefix("Page<").and_then(|t| t.strip_suffix('>')) {
            Some(item) => format!("Page_{item}"),
            None => ty.to_string(),
        }
    };
    let refers_to = |schema: &Value, ty: &str| -> bool {
        match ty.strip_prefix("Vec<").and_then(|t| t.strip_suffix('>')) {
            Some(item) => {
                schema["type"] == "array"
                    && schema["items"]["$ref"] == format!("#/components/schemas/{item}")
            }
            None => schema["$ref"] == format!("#/components/schemas/{}", schema_name(ty)),
        }
    };
    let mut in_spec = Vec::new();
    for (path, ops) in spec["paths"].as_object().unwrap() {
        for method in ["get", "post", "put", "delete", "patch"] {
            if ops.get(method).is_some() {
                in_spec.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    for (method, path) in &in_spec {
        let listed = ALL
            .iter()
            .filter(|op| op.method.as_str() == method && op.path == path)
            .count()
            + OPERATIONAL
                .iter()
                .filter(|(m, p)| m.as_str() == method && p == path)
                .count();
        assert_eq!(
            listed, 1,
            "{method} {path}: in the catalogue {listed} times"
        );
    }
    for op in ALL {
        let method = op.method.as_str().to_lowercase();
        let spec_op = &spec["paths"][op.path][&method];
        assert!(spec_op.is_object(), "{op:?} is not in the spec");
        let body = &spec_op["requestBody"]["content"]["application/json"]["schema"];
        if op.request == "()" {
            assert!(
                spec_op.get("requestBody").is_none(),
                "{}: takes a body",
                op.name
            );
        } else {
            assert!(
                refers_to(body, op.request),
                "{}: the body is {body}",
                op.name
            );
        }
        // A download: the catalogue says `String`, the spec `text/csv`.
        if op.response == "String" {
            let ok = spec_op["responses"]["200"]["content"]
                .get("text/csv")
                .is_some();
            assert!(ok, "{}: a download answers with text/csv", op.name);
            continue;
        }
        let answers: Vec<Option<&Value>> = spec_op["responses"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(status, _)| status.starts_with('2'))
            .map(|(_, r)| r.get("content").map(|c| &c["application/json"]["schema"]))
            .collect();
        let with: Vec<&Value> = answers.iter().flatten().copied().collect();
        let without = answers.iter().filter(|a| a.is_none()).count();
        match op
            .response
            .strip_prefix("Option<")
            .and_then(|t| t.strip_suffix('>'))
        {
            _ if op.response == "()" => {
                assert!(with.is_empty(), "{}: answers with a body", op.name)
            }
            Some(inner) => {
                assert!(without > 0, "{}: always answers with a body", op.name);
                assert!(
                    with.iter().all(|a| refers_to(a, inner)),
                    "{}: answers {with:?}",
                    op.name
                );
            }
            None => {
                assert!(without == 0, "{}: may answer without a body", op.name);
                assert!(
                    !with.is_empty() && with.iter().all(|a| refers_to(a, op.response)),
                    "{}: answers {with:?}",
                    op.name
                );
            }
        }
    }
}
