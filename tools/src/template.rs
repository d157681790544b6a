//! Reads `template.yaml`: the one source of the table schemas, the routes and each
//! function's settings. `create-tables` and the local gateway both start here, so the local
//! stack cannot drift from what deploys.

use serde_norway::Value;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Clone)]
pub struct Template {
    pub tables: Vec<TableDef>,
    /// Logical ids of the S3 buckets.
    pub buckets: Vec<String>,
    pub functions: Vec<FunctionDef>,
    /// Parameter defaults.
    pub parameters: BTreeMap<String, Option<String>>,
}

#[derive(Debug, Clone)]
pub struct TableDef {
    pub logical_id: String,
    /// (name, type) pairs: `S`, `N` or `B`.
    pub attributes: Vec<(String, String)>,
    /// (name, `HASH` | `RANGE`) pairs.
    pub key_schema: Vec<(String, String)>,
    pub indexes: Vec<IndexDef>,
    pub ttl_attribute: Option<String>,
    pub stream_view: Option<String>,
}

#[derive(Debug, Clone)]
pub struct IndexDef {
    pub name: String,
    pub key_schema: Vec<(String, String)>,
    pub projection: String,
    pub non_key_attributes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct FunctionDef {
    pub logical_id: String,
    /// The binary cargo-lambda builds (`Metadata.BuildProperties.Binary`).
    pub binary: String,
    pub env: Vec<(String, EnvValue)>,
    pub routes: Vec<Route>,
    /// The function's IAM statements, as written.
    pub policies: Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Route {
    pub method: String,
    pub path: String,
}

impl Route {
    /// `GET /v1/halls/{hallId}`, as API Gateway writes route keys.
    pub fn key(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// An environment value as the template gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvValue {
    Literal(String),
    /// `!Ref X`: a table's name or a parameter's value (for `NAME_SECRET_ID` and
    /// `NAME_PARAMETER`, the name of what the function reads at run time).
    Ref(String),
}

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("reading {path}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("parsing the template")]
    Parse(#[from] serde_norway::Error),
    #[error("{0}")]
    Shape(String),
}

fn shape(msg: impl Into<String>) -> TemplateError {
    TemplateError::Shape(msg.into())
}

fn str_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn pairs(list: &Value, a: &str, b: &str) -> Vec<(String, String)> {
    list.as_sequence()
        .map(|seq| {
            seq.iter()
                .filter_map(|e| Some((str_of(&e[a])?, str_of(&e[b])?)))
                .collect()
        })
        .unwrap_or_default()
}

fn env_value(v: &Value) -> Option<EnvValue> {
    if let Some(s) = str_of(v) {
        return Some(EnvValue::Literal(s));
    }
    let (tag, inner) = match v {
        Value::Tagged(t) => (t.tag.to_string(), t.value.clone()),
        Value::Mapping(m) if m.len() == 1 => {
            let (k, v) = m.iter().next()?;
            (format!("!{}", str_of(k)?.trim_start_matches("Fn::")), v.clone())
        }
        _ => return None,
    };
    match (tag.as_str(), str_of(&inner)) {
        ("!Ref", Some(name)) => Some(EnvValue::Ref(name)),
        // A dynamic reference would put the secret's value in the function's configuration:
        // the template names secrets (`NAME_SECRET_ID`) and the function reads them.
        ("!Sub", Some(text)) if text.contains("{{resolve:") => None,
        ("!Sub", Some(text)) => Some(EnvValue::Literal(text)),
        _ => None,
    }
}

impl Template {
    pub fn load(path: &Path) -> Result<Self, TemplateError> {
        let text = std::fs::read_to_string(path).map_err(|source| TemplateError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text)
    }

    pub fn parse(text: &str) -> Result<Self, TemplateError> {
        let doc: Value = serde_norway::from_str(text)?;
        let resources = doc["Resources"].as_mapping().ok_or_else(|| shape("no Resources"))?;
        let mut tables = Vec::new();
        let mut buckets = Vec::new();
        let mut functions = Vec::new();
        for (id, res) in resources {
            let id = str_of(id).ok_or_else(|| shape("a resource id is not a string"))?;
            let props = &res["Properties"];
            match res["Type"].as_str() {
                Some("AWS::DynamoDB::Table") => tables.push(TableDef {
                    attributes: pairs(&props["AttributeDefinitions"], "AttributeName", "AttributeType"),
                    key_schema: pairs(&props["KeySchema"], "AttributeName", "KeyType"),
                    indexes: props["GlobalSecondaryIndexes"]
                        .as_sequence()
                        .map(|seq| {
                            seq.iter()
                                .map(|g| IndexDef {
                                    name: str_of(&g["IndexName"]).unwrap_or_default(),
                                    key_schema: pairs(&g["KeySchema"], "AttributeName", "KeyType"),
                                    projection: str_of(&g["Projection"]["ProjectionType"]).unwrap_or("ALL".into()),
                                    non_key_attributes: g["Projection"]["NonKeyAttributes"]
                                        .as_sequence()
                                        .map(|s| s.iter().filter_map(str_of).collect())
                                        .unwrap_or_default(),
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                    ttl_attribute: (props["TimeToLiveSpecification"]["Enabled"].as_bool() == Some(true))
                        .then(|| str_of(&props["TimeToLiveSpecification"]["AttributeName"]))
                        .flatten(),
                    stream_view: str_of(&props["StreamSpecification"]["StreamViewType"]),
                    logical_id: id,
                }),
                Some("AWS::S3::Bucket") => buckets.push(id),
                Some("AWS::Serverless::Function") => {
                    let binary = str_of(&res["Metadata"]["BuildProperties"]["Binary"])
                        .ok_or_else(|| shape(format!("{id} has no Metadata.BuildProperties.Binary")))?;
                    let mut env = Vec::new();
                    if let Some(vars) = props["Environment"]["Variables"].as_mapping() {
                        for (k, v) in vars {
                            let name = str_of(k).ok_or_else(|| shape("an env name is not a string"))?;
                            let value =
                                env_value(v).ok_or_else(|| shape(format!("{id}: {name} has an unsupported value")))?;
                            env.push((name, value));
                        }
                    }
                    let mut routes = Vec::new();
                    if let Some(events) = props["Events"].as_mapping() {
                        for ev in events.values().filter(|e| e["Type"].as_str() == Some("HttpApi")) {
                            let method = str_of(&ev["Properties"]["Method"])
                                .ok_or_else(|| shape(format!("{id}: route without Method")))?;
                            let path = str_of(&ev["Properties"]["Path"])
                                .ok_or_else(|| shape(format!("{id}: route without Path")))?;
                            routes.push(Route {
                                method: method.to_uppercase(),
                                path,
                            });
                        }
                    }
                    functions.push(FunctionDef {
                        logical_id: id,
                        binary,
                        env,
                        routes,
                        policies: props["Policies"].clone(),
                    });
                }
                _ => {}
            }
        }
        let parameters = doc["Parameters"]
            .as_mapping()
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((str_of(k)?, str_of(&v["Default"]))))
                    .collect()
            })
            .unwrap_or_default();
        Ok(Template {
            tables,
            buckets,
            functions,
            parameters,
        })
    }

    /// Every route with the binary that serves it.
    pub fn routes(&self) -> Vec<(Route, String)> {
        self.functions
            .iter()
            .flat_map(|f| f.routes.iter().map(|r| (r.clone(), f.binary.clone())))
            .collect()
    }

    pub fn function(&self, binary: &str) -> Option<&FunctionDef> {
        self.functions.iter().find(|f| f.binary == binary)
    }
}

/// The workspace's `template.yaml`, found from this crate's directory.
pub fn default_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("template.yaml")
}
