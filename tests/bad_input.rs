//! The bad-input corpus: every route with a body, query or path parameters gets malformed
//! JSON, wrong types, huge strings and arrays, NUL and invisible characters, injection
//! strings, path traversal, bad limits, tampered cursors, wrong content types and bodies
//! over the limit. What is wrong by construction gets a 4xx the OpenAPI file documents, and
//! a dump of every table before and after shows nothing written. What is merely odd (emoji,
//! zero-width and right-to-left characters, SQL or script text in free text) may be
//! accepted, but never answers 5xx.
//!
//! The WeChat callbacks take WeChat's signed XML, not JSON; their corpus is in
//! tests/wechat_callback.rs.

use fingertip_tests::openapi::response_schema;
use fingertip_tests::{EventExt, spawn_app};
use lambda_http::{Request, RequestExt};
use serde_json::{Value, json};

/// A body: JSON, or raw bytes with their content type.
type Body = Result<Value, (&'static str, Vec<u8>)>;

/// Broken by construction: must be refused.
fn hard_bodies(sample: &Value) -> Vec<(String, Body)> {
    let mut out: Vec<(String, Body)> = vec![
        ("malformed JSON".into(), Err(("application/json", b"{\"a\": ".to_vec()))),
        ("an empty body".into(), Err(("application/json", Vec::new()))),
        (
            "text/plain".into(),
            Err(("text/plain", sample.to_string().into_bytes())),
        ),
        (
            "a body over 64 KiB".into(),
            Err((
                "application/json",
                format!("{{\"x\": \"{}\"}}", "a".repeat(70_000)).into_bytes(),
            )),
        ),
        ("an array body".into(), Ok(json!([sample.clone()]))),
        ("a string body".into(), Ok(json!("hello"))),
        (
            "an unknown field".into(),
            Ok(with(sample, "unexpectedField", json!("x"))),
        ),
    ];
    if let Value::Object(fields) = sample {
        for (name, value) in fields {
            let wrong = match value {
                Value::String(_) => json!({ "nested": true }),
                Value::Number(_) => json!("five"),
                Value::Bool(_) => json!("yes"),
                Value::Array(_) => json!("not a list"),
                Value::Object(_) => json!(["not", "an", "object"]),
                Value::Null => continue,
            };
            out.push((format!("{name} of the wrong type"), Ok(with(sample, name, wrong))));
            if value.is_string() {
                out.push((
                    format!("{name} 20,000 characters long"),
                    Ok(with(sample, name, json!("长".repeat(20_000)))),
                ));
                out.push((format!("{name} with a NUL"), Ok(with(sample, name, json!("a\u{0}b")))));
            }
            if value.is_array() {
                let huge: Vec<Value> = (0..5000).map(|i| json!(format!("x{i}"))).collect();
                out.push((
                    format!("{name} with 5,000 entries"),
                    Ok(with(sample, name, Value::Array(huge))),
                ));
            }
        }
    }
    out
}

/// Odd but possibly legitimate: may be accepted, never a 5xx.
fn soft_bodies(sample: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    if let Value::Object(fields) = sample {
        for (name, value) in fields {
            out.push((format!("{name} missing"), without(sample, name)));
            if value.is_string() {
                for (what, text) in [
                    ("zero-width", "\u{200b}\u{200d}"),
                    ("right-to-left", "\u{202e}gnp.exe"),
                    ("emoji", "😀👍🏽"),
                    ("SQL", "' OR 1=1 --"),
                    ("script", "<script>alert(1)</script>"),
                    ("a lookup", "${jndi:ldap://x/a}"),
                    ("a path", "../../etc/passwd"),
                ] {
                    out.push((format!("{name} as {what}"), with(sample, name, json!(text))));
                }
            }
        }
    }
    out
}

fn with(sample: &Value, name: &str, value: Value) -> Value {
    let mut v = sample.clone();
    v[name] = value;
    v
}

fn without(sample: &Value, name: &str) -> Value {
    let mut v = sample.clone();
    if let Value::Object(m) = &mut v {
        m.remove(name);
    }
    v
}

fn query_of(req: &Request) -> Vec<(String, String)> {
    req.query_string_parameters_ref()
        .map(|q| q.iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect())
        .unwrap_or_default()
}

/// Whether the OpenAPI file gives the operation the list parameters (`limit`, `cursor`).
fn pages(method: &str, path: &str) -> bool {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/openapi.yaml")).unwrap();
    let doc: serde_norway::Value = serde_norway::from_str(&text).unwrap();
    let params = &doc["paths"][path][method.to_lowercase().as_str()]["parameters"];
    params.as_sequence().is_some_and(|ps| {
        ps.iter()
            .any(|p| p["$ref"].as_str() == Some("#/components/parameters/Limit"))
    })
}

fn hard_queries(query: &[(String, String)], paged: bool) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let mut names: Vec<&str> = query.iter().map(|(k, _)| k.as_str()).collect();
    for extra in ["limit", "cursor"] {
        if paged && !names.contains(&extra) {
            names.push(extra);
        }
    }
    for name in names {
        let set = |value: &str| {
            let mut q: Vec<(String, String)> = query.iter().filter(|(k, _)| k != name).cloned().collect();
            q.push((name.to_owned(), value.to_owned()));
            q
        };
        let mut bad = vec![("huge", "9".repeat(5000)), ("with a NUL", "a\u{0}b".into())];
        if name == "limit" {
            bad.extend([
                ("negative", "-1".into()),
                ("zero", "0".into()),
                ("huge number", "100000".into()),
                ("not a number", "ten".into()),
            ]);
        } else if name == "cursor" {
            bad.extend([
                ("tampered", "AAAA".into()),
                ("empty object", "e30".into()),
                ("not base64", "!!!".into()),
            ]);
        }
        for (what, value) in bad {
            out.push((format!("{name} {what}"), set(&value)));
        }
    }
    out
}

#[tokio::test]
async fn hostile_input_on_every_route_gets_a_documented_4xx_and_writes_nothing() {
    let app = spawn_app().await;
    let (citizen, _) = app.sample_representative("corpus-a", 1).await;
    let world = app.world(&citizen).await;
    let staff = app.staff_token("RSJ", Some("spb-center")).await;
    let samples = fingertip_tests::world::samples();
    let mut wrong = Vec::new();
    let mut tried = 0;
    for route in fingertip_tests::world::json_routes() {
        let route = route.as_str();
        let (method, path) = route.split_once(' ').unwrap();
        let base = || world.request(route, &samples[route], &citizen, &staff);
        let body: Option<Value> = serde_json::from_slice(base().body().as_ref()).ok();
        let mut hard: Vec<(String, Request)> = Vec::new();
        if let Some(sample_body) = &body {
            for (what, mutated) in hard_bodies(sample_body) {
                let req = match mutated {
                    Ok(v) => base().json(&v),
                    Err((content_type, bytes)) => base().raw_body(content_type, bytes),
                };
                hard.push((what, req));
            }
        }
        if method == "GET" {
            for (what, q) in hard_queries(&query_of(&base()), pages(method, path)) {
                let pairs: Vec<(&str, &str)> = q.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                hard.push((what, base().query(&pairs)));
            }
        }
        for param in ["id", "no", "code", "hallId", "windowId", "ticketId"] {
            if path.contains(&format!("{{{param}}}")) {
                for (what, value) in [
                    ("traversal", "../../etc/passwd".to_owned()),
                    ("huge", "x".repeat(5000)),
                    ("NUL", "a\u{0}".into()),
                ] {
                    hard.push((format!("{param} {what}"), base().path_param(param, &value)));
                }
            }
        }
        app.set_time("2026-12-02T09:50");
        let before = app.dump().await;
        for (what, req) in hard {
            tried += 1;
            let status = app.route(req).await.status().as_u16();
            let documented = response_schema(method, path, status).is_some();
            if !(400..500).contains(&status) || matches!(status, 401 | 403) || !documented {
                wrong.push(format!(
                    "{route}: {what}: {status}{}",
                    if documented { "" } else { " (undocumented)" }
                ));
            }
        }
        let after = app.dump().await;
        if before != after {
            let added: Vec<&String> = after.iter().filter(|l| !before.contains(l)).collect();
            wrong.push(format!("{route}: refused requests wrote {added:#?}"));
        }
        if let Some(sample_body) = &body {
            for (what, mutated) in soft_bodies(sample_body) {
                tried += 1;
                let status = app.route(base().json(&mutated)).await.status().as_u16();
                if status >= 500 {
                    wrong.push(format!("{route}: {what}: {status}"));
                }
            }
        }
    }
    assert!(tried > 400, "the corpus ran ({tried} requests)");
    assert!(wrong.is_empty(), "{} of {tried}:\n{wrong:#?}", wrong.len());
}
