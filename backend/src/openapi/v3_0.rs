//! The spec rendered as OpenAPI 3.0.3, for generators that read only 3.0
//! (served at `/api/openapi-3.0.json`, committed as
//! `openapi/openapi-3.0.json`). Derived from the 3.1 document, never
//! written by hand: the differences are mechanical.

use serde_json::{json, Map, Value};

/// Rewrites a 3.1 document as 3.0.3.
pub fn downgrade(spec: &Value) -> Value {
    let mut out = spec.clone();
    out["openapi"] = json!("3.0.3");
    if let Some(o) = out.as_object_mut() {
        // 3.0 has no license identifier; keep the name.
        if let Some(license) = o
            .get_mut("info")
            .and_then(|i| i.get_mut("license"))
            .and_then(Value::as_object_mut)
        {
            license.remove("identifier");
        }
    }
    walk(&mut out);
    out
}

fn walk(v: &mut Value) {
    match v {
        Value::Object(o) => {
            schema_3_0(o);
            for child in o.values_mut() {
                walk(child);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(walk),
        _ => {}
    }
}

/// One object, if it is a schema: 3.1's JSON Schema forms as 3.0 writes them.
fn schema_3_0(o: &mut Map<String, Value>) {
    // `type: [T, "null"]` → `type: T, nullable: true`.
    if let Some(Value::Array(types)) = o.get("type") {
        let nullable = types.iter().any(|t| t == "null");
        let rest: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        match rest.as_slice() {
            [one] => {
                o.insert("type".into(), one.clone());
            }
            [] => {
                o.remove("type");
            }
            _ => {
                let alts = rest.into_iter().map(|t| json!({ "type": t })).collect();
                o.remove("type");
                o.insert("oneOf".into(), Value::Array(alts));
            }
        }
        if nullable {
            o.insert("nullable".into(), json!(true));
        }
    }
    // `oneOf: [X, {type: null}]` → X, nullable (a $ref can't carry
    // siblings in 3.0, so it is wrapped in allOf).
    for key in ["oneOf", "anyOf"] {
        let Some(Value::Array(alts)) = o.get(key) else {
            continue;
        };
        let is_null = |a: &Value| a.get("type") == Some(&json!("null"));
        if !alts.iter().any(is_null) {
            continue;
        }
        let rest: Vec<Value> = alts.iter().filter(|a| !is_null(a)).cloned().collect();
        o.remove(key);
        if rest.len() == 1 {
            let only = rest.into_iter().next().unwrap_or(Value::Null);
            if only.get("$ref").is_some() {
                o.insert("allOf".into(), json!([only]));
            } else if let Value::Object(m) = only {
                for (k, v) in m {
                    o.entry(k).or_insert(v);
                }
            }
        } else {
            o.insert(key.into(), Value::Array(rest));
        }
        o.insert("nullable".into(), json!(true));
    }
    // A `$ref` with siblings (a description) is allOf-wrapped in 3.0.
    if o.contains_key("$ref") && o.len() > 1 {
        let r = o.remove("$ref").unwrap_or(Value::Null);
        o.insert("allOf".into(), json!([{ "$ref": r }]));
    }
    // `examples: [..]` on a schema → `example`; `const` → a one-value enum.
    if let Some(Value::Array(ex)) = o.get("examples") {
        if let Some(first) = ex.first().cloned() {
            o.remove("examples");
            o.insert("example".into(), first);
        }
    }
    if let Some(c) = o.remove("const") {
        o.insert("enum".into(), json!([c]));
    }
    // Numeric exclusive bounds are booleans in 3.0.
    for (ex, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(n) = o.get(ex).filter(|v| v.is_number()).cloned() {
            o.insert(bound.into(), n);
            o.insert(ex.into(), json!(true));
        }
    }
    // 3.1-only keywords that 3.0 generators reject.
    for key in [
        "contentMediaType",
        "contentEncoding",
        "$schema",
        "propertyNames",
    ] {
        o.remove(key);
    }
}
