//! A small checker of JSON values against the schemas of `docs/openapi.yaml`: types,
//! required properties, enums, arrays and `$ref`s, which is what keeps the document honest
//! about the shapes the handlers return.

use serde_json::Value;
use std::sync::LazyLock;

pub static SPEC: LazyLock<Value> = LazyLock::new(|| {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/openapi.yaml");
    let yaml: serde_norway::Value =
        serde_norway::from_str(&std::fs::read_to_string(path).expect("openapi.yaml")).expect("yaml");
    serde_json::to_value(yaml).expect("the spec is plain JSON-compatible YAML")
});

/// `(method, path)` of every operation in the document.
pub fn operations() -> Vec<(String, String)> {
    let mut ops = Vec::new();
    for (path, item) in SPEC["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            ops.push((method.to_uppercase(), path.clone()));
        }
    }
    ops.sort();
    ops
}

/// The schema of `method path`'s response with `status`.
pub fn response_schema(method: &str, path: &str, status: u16) -> Option<Value> {
    let mut response = SPEC["paths"][path][method.to_lowercase()]["responses"][status.to_string()].clone();
    if let Some(r) = response["$ref"].as_str() {
        response = resolve(r).clone();
    }
    let schema = response["content"]["application/json"]["schema"].clone();
    (!schema.is_null()).then_some(schema)
}

fn resolve(reference: &str) -> &'static Value {
    let mut v: &Value = &SPEC;
    for part in reference.trim_start_matches("#/").split('/') {
        v = &v[part];
    }
    v
}

/// Every way `value` breaks `schema`, with its JSON path.
pub fn violations(schema: &Value, value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    check(schema, value, "$", &mut out);
    out
}

fn type_matches(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        _ => false,
    }
}

fn check(schema: &Value, value: &Value, at: &str, out: &mut Vec<String>) {
    if let Some(r) = schema["$ref"].as_str() {
        return check(resolve(r), value, at, out);
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if !types.is_empty() && !types.iter().any(|t| type_matches(t, value)) {
        out.push(format!("{at}: expected {types:?}, got {value}"));
        return;
    }
    if let Some(allowed) = schema["enum"].as_array()
        && !allowed.contains(value)
    {
        out.push(format!("{at}: {value} is not one of {allowed:?}"));
    }
    if let (Some(obj), Some(required)) = (value.as_object(), schema["required"].as_array()) {
        for name in required.iter().filter_map(Value::as_str) {
            if !obj.contains_key(name) {
                out.push(format!("{at}: missing {name}"));
            }
        }
    }
    if let (Some(obj), Some(props)) = (value.as_object(), schema["properties"].as_object()) {
        for (name, v) in obj {
            match props.get(name) {
                Some(s) => check(s, v, &format!("{at}.{name}"), out),
                None => out.push(format!("{at}: {name} is not documented")),
            }
        }
    }
    if let (Some(items), Some(item_schema)) = (value.as_array(), schema.get("items")) {
        for (i, v) in items.iter().enumerate() {
            check(item_schema, v, &format!("{at}[{i}]"), out);
        }
    }
}
