//! What the handlers answer, checked against the schemas of `docs/openapi.yaml` by a JSON
//! Schema validator: this keeps the document honest about the shapes the handlers return.

use serde_json::Value;
use std::sync::LazyLock;

pub static SPEC: LazyLock<Value> = LazyLock::new(|| {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/openapi.yaml");
    let yaml: serde_norway::Value =
        serde_norway::from_str(&std::fs::read_to_string(path).expect("openapi.yaml")).expect("yaml");
    serde_json::to_value(yaml).expect("the spec is plain JSON-compatible YAML")
});

/// The spec's components, read as closed (see [`violations`]), prepared once.
static COMPONENTS: LazyLock<Value> = LazyLock::new(|| closed(SPEC["components"].clone()));

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

/// Every way `value` breaks `schema`, each with its JSON pointer, as the `jsonschema` crate
/// reads JSON Schema 2020-12 (OpenAPI 3.1's dialect): types, required properties, enums,
/// `format` (date, date-time), `pattern` and bounds. Response objects are read as closed: a
/// property the document does not list is a violation, so the document lists every field.
pub fn violations(schema: &Value, value: &Value) -> Vec<String> {
    // The response schema becomes a document of its own, with the spec's components beside
    // it, so its `#/components/...` references resolve as they do in the spec.
    let mut root = serde_json::json!({ "allOf": [closed(schema.clone())] });
    root["components"] = COMPONENTS.clone();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&root)
        .expect("the document's schemas compile");
    validator
        .iter_errors(value)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// `schema` with every object that lists its properties, and says nothing of others, closed.
fn closed(mut schema: Value) -> Value {
    close(&mut schema);
    schema
}

fn close(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            map.values_mut().for_each(close);
        }
        Value::Array(items) => items.iter_mut().for_each(close),
        _ => {}
    }
}
