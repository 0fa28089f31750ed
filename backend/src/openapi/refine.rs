//! What the generated spec needs beyond what utoipa derives, applied once
//! to the whole document so no handler has to remember it.

use serde_json::{json, Value};

/// The derived document, sharpened (see each step).
pub fn refine_api(api: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    let refined = serde_json::to_value(&api)
        .map(refine)
        .and_then(serde_json::from_value);
    match refined {
        Ok(api) => api,
        Err(cause) => {
            // Only a utoipa upgrade could get here; a test compares the
            // committed spec, so it would not go unnoticed.
            tracing::error!(%cause, "the spec could not be refined");
            api
        }
    }
}

/// Sharpens the derived document (see each step) and returns it.
pub fn refine(spec: Value) -> Value {
    let mut spec = spec;
    page_items_by_reference(&mut spec);
    optional_parameters_not_null(&mut spec);
    problem_catalogue(&mut spec);
    spec
}

/// The problem types and codes a client can meet, listed where a reader
/// of the spec looks for them.
fn problem_catalogue(spec: &mut Value) {
    use crate::error::{problem_type, PROBLEM_TYPES};
    let mut types = String::from(
        "A URI naming the kind of problem:\n\n| type | status | meaning |\n|---|---|---|\n",
    );
    for (kind, status, meaning) in PROBLEM_TYPES {
        types.push_str(&format!(
            "| `{}` | {status} | {meaning} |\n",
            problem_type(kind)
        ));
    }
    if let Some(t) = spec.pointer_mut("/components/schemas/Problem/properties/type") {
        t["description"] = json!(types);
    }
    let table = |title: &str, rows: Vec<(&str, &str)>| {
        let mut out = format!("{title}\n\n| code | meaning |\n|---|---|\n");
        for (code, doc) in rows {
            out.push_str(&format!("| `{code}` | {} |\n", doc.trim()));
        }
        out
    };
    let problem_codes = tillit_api::ProblemCode::ALL
        .iter()
        .map(|c| (c.as_str(), c.doc()))
        .collect();
    let field_codes = tillit_api::FieldCode::ALL
        .iter()
        .map(|c| (c.as_str(), c.doc()))
        .collect();
    if let Some(s) = spec.pointer_mut("/components/schemas/ProblemCode") {
        s["description"] = json!(table(
            "What went wrong, stable across versions: new codes may be added.",
            problem_codes
        ));
    }
    if let Some(s) = spec.pointer_mut("/components/schemas/FieldCode") {
        s["description"] = json!(table(
            "Why one field is invalid, stable across versions.",
            field_codes
        ));
    }
}

/// `Page_Unit.items` refers to `Unit` instead of repeating it inline
/// (utoipa inlines generic arguments), so generators make one `Unit` type.
fn page_items_by_reference(spec: &mut Value) {
    let Some(schemas) = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let names: Vec<String> = schemas.keys().cloned().collect();
    for name in names {
        let Some(item) = name.strip_prefix("Page_") else {
            continue;
        };
        if !schemas.contains_key(item) {
            continue;
        }
        if let Some(items) = schemas
            .get_mut(&name)
            .and_then(|s| s.pointer_mut("/properties/items"))
        {
            items["items"] = json!({ "$ref": format!("#/components/schemas/{item}") });
        }
    }
}

/// A query or header parameter is either sent or not: `null` is not a
/// value it can have, and generators that offer `None` then send "None".
fn optional_parameters_not_null(spec: &mut Value) {
    let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut() {
        let Some(ops) = item.as_object_mut() else {
            continue;
        };
        for op in ops.values_mut() {
            let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) else {
                continue;
            };
            for p in params {
                if let Some(schema) = p.get_mut("schema") {
                    drop_null(schema);
                }
            }
        }
    }
}

fn drop_null(schema: &mut Value) {
    if let Some(types) = schema.get("type").and_then(Value::as_array) {
        let rest: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        schema["type"] = match rest.as_slice() {
            [one] => one.clone(),
            _ => Value::Array(rest),
        };
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(alts) = schema.get(key).and_then(Value::as_array) {
            let rest: Vec<Value> = alts
                .iter()
                .filter(|a| a.get("type") != Some(&json!("null")))
                .cloned()
                .collect();
            if rest.len() == 1 {
                let only = rest[0].clone();
                if let Some(o) = schema.as_object_mut() {
                    o.remove(key);
                }
                merge(schema, only);
            } else if let Some(o) = schema.as_object_mut() {
                o.insert(key.into(), Value::Array(rest));
            }
        }
    }
}

fn merge(into: &mut Value, from: Value) {
    if let (Some(into), Value::Object(from)) = (into.as_object_mut(), from) {
        for (k, v) in from {
            into.entry(k).or_insert(v);
        }
    }
}
