//! template.yaml holds what a deployment grants: each function's policy names exactly the
//! tables, indexes, buckets and queues it is wired to (its environment, its stream, its
//! dead-letter queue) with actions from a short list and no wildcards; every route belongs to
//! one function; every function has a sample event; every table keeps point-in-time
//! recovery and encryption at rest; no secret is resolved into a configuration, and a
//! function reads its own by name through the secrets extension. And the workspace's crates
//! depend one way: functions on the shared crates, the shared crates on the model, and
//! nothing on a function.

use serde_norway::Value;
use std::collections::{BTreeMap, BTreeSet};

fn template() -> Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../template.yaml")).unwrap();
    serde_norway::from_str(&text).unwrap()
}

/// The logical id an intrinsic names: `!Ref X`, `!GetAtt X.Arn`, `!Sub "${X.Arn}/…"`.
fn named(v: &Value) -> Option<String> {
    let Value::Tagged(t) = v else { return None };
    let inner = t.value.as_str()?;
    match t.tag.to_string().as_str() {
        "!Ref" => Some(inner.to_owned()),
        "!GetAtt" => Some(inner.split('.').next()?.to_owned()),
        // The first `${X}` that is not a pseudo parameter (`${AWS::Partition}`, …).
        "!Sub" => inner
            .split("${")
            .skip(1)
            .filter_map(|part| part.split(['}', '.']).next())
            .find(|id| !id.starts_with("AWS::"))
            .map(str::to_owned),
        _ => None,
    }
}

fn list(v: &Value) -> Vec<Value> {
    match v {
        Value::Sequence(s) => s.clone(),
        Value::Null => Vec::new(),
        other => vec![other.clone()],
    }
}

const ACTIONS: &[&str] = &[
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:Query",
    "dynamodb:BatchGetItem",
    "dynamodb:TransactWriteItems",
    "dynamodb:ConditionCheckItem",
    "s3:PutObject",
    "s3:GetObject",
    "s3:PutObjectTagging",
    "sqs:SendMessage",
    "secretsmanager:GetSecretValue",
    "ssm:GetParameter",
];

#[test]
fn each_function_is_granted_exactly_what_it_is_wired_to_and_nothing_by_wildcard() {
    let doc = template();
    let resources = doc["Resources"].as_mapping().unwrap();
    let kind_of = |id: &str| {
        resources
            .get(id)
            .and_then(|r| r["Type"].as_str())
            .unwrap_or("")
            .to_owned()
    };
    let mut checked = 0;
    for (id, res) in resources
        .iter()
        .filter(|(_, r)| r["Type"] == "AWS::Serverless::Function")
    {
        let id = id.as_str().unwrap();
        let props = &res["Properties"];
        let mut wired = BTreeSet::new();
        for (name, value) in props["Environment"]["Variables"].as_mapping().into_iter().flatten() {
            if let Some(target) =
                named(value).filter(|t| kind_of(t).starts_with("AWS::DynamoDB") || kind_of(t).starts_with("AWS::S3"))
            {
                wired.insert(target);
            }
            // A secret or parameter it reads at run time: granted by name, one by one.
            let name = name.as_str().unwrap();
            if name.ends_with("_SECRET_ID") || name.ends_with("_PARAMETER") {
                wired.insert(named(value).unwrap_or_else(|| panic!("{id}: {name} names no parameter")));
            }
        }
        for event in props["Events"].as_mapping().into_iter().flat_map(|m| m.values()) {
            if let Some(queue) = named(&event["Properties"]["DestinationConfig"]["OnFailure"]["Destination"]) {
                wired.insert(queue);
            }
        }
        let mut granted = BTreeSet::new();
        for policy in list(&props["Policies"]) {
            for statement in list(&policy["Statement"]) {
                assert_eq!(statement["Effect"], "Allow", "{id}: only Allow statements");
                for action in list(&statement["Action"]) {
                    let action = action.as_str().unwrap();
                    assert!(ACTIONS.contains(&action), "{id}: action {action} is not on the list");
                }
                for resource in list(&statement["Resource"]) {
                    assert!(resource.as_str() != Some("*"), "{id}: a wildcard resource");
                    let target =
                        named(&resource).unwrap_or_else(|| panic!("{id}: resource {resource:?} names nothing"));
                    if let Value::Tagged(t) = &resource
                        && let Some(index) = t.value.as_str().and_then(|s| s.split("/index/").nth(1))
                    {
                        let gsis = &resources[target.as_str()]["Properties"]["GlobalSecondaryIndexes"];
                        assert!(
                            list(gsis).iter().any(|g| g["IndexName"] == index),
                            "{id}: {target} has no index {index}"
                        );
                    }
                    granted.insert(target);
                }
            }
        }
        assert_eq!(granted, wired, "{id}: granted (left) against wired (right)");
        let reads_secrets = granted.iter().any(|t| doc["Parameters"].get(t.as_str()).is_some());
        assert_eq!(
            list(&props["Layers"]).len(),
            usize::from(reads_secrets),
            "{id}: the secrets extension, exactly when it reads secrets"
        );
        checked += 1;
    }
    assert!(checked >= 11, "every function checked ({checked})");
}

#[test]
fn no_function_may_change_or_delete_an_audit_record_and_the_trail_never_expires() {
    let doc = template();
    let resources = doc["Resources"].as_mapping().unwrap();
    let audit = &resources["AuditTable"]["Properties"];
    assert!(
        audit["TimeToLiveSpecification"].is_null(),
        "the audit trail is kept, not expired"
    );
    assert_eq!(resources["AuditTable"]["DeletionPolicy"], "Retain");
    let mut writers = 0;
    for (id, res) in resources
        .iter()
        .filter(|(_, r)| r["Type"] == "AWS::Serverless::Function")
    {
        for policy in list(&res["Properties"]["Policies"]) {
            for statement in list(&policy["Statement"]) {
                let on_audit = list(&statement["Resource"])
                    .iter()
                    .any(|r| named(r).as_deref() == Some("AuditTable"));
                if !on_audit {
                    continue;
                }
                let actions: Vec<String> = list(&statement["Action"])
                    .iter()
                    .filter_map(|a| a.as_str().map(str::to_owned))
                    .collect();
                assert!(
                    actions.iter().all(|a| a == "dynamodb:PutItem" || a == "dynamodb:Query"),
                    "{id:?} may only append to and read the audit trail: {actions:?}"
                );
                writers += usize::from(actions.iter().any(|a| a == "dynamodb:PutItem"));
            }
        }
    }
    assert!(
        writers >= 4,
        "the functions staff act through write the trail ({writers})"
    );
    // And the code never builds an update or a delete of a record: the store's audit module
    // only puts, on the condition that the key is new.
    let code = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/store/src/audit.rs")).unwrap();
    let reading = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/store/src/audit/read.rs"
    ))
    .unwrap();
    for code in [&code, &reading] {
        assert!(!code.contains("update_item") && !code.contains("delete_item") && !code.contains("Update::builder"));
    }
    assert!(code.contains("attribute_not_exists(pk)"));
}

#[test]
fn every_route_has_one_function_and_every_function_a_sample_event() {
    let doc = template();
    let events: Vec<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../events"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut routes: BTreeMap<String, String> = BTreeMap::new();
    for (id, res) in doc["Resources"].as_mapping().unwrap() {
        if res["Type"] != "AWS::Serverless::Function" {
            continue;
        }
        let binary = res["Metadata"]["BuildProperties"]["Binary"].as_str().unwrap();
        assert!(
            events.iter().any(|e| e.starts_with(&format!("{binary}-"))),
            "{binary} has no events/{binary}-*.json"
        );
        for event in res["Properties"]["Events"]
            .as_mapping()
            .into_iter()
            .flat_map(|m| m.values())
        {
            if event["Type"] == "HttpApi" {
                let p = &event["Properties"];
                let key = format!("{} {}", p["Method"].as_str().unwrap(), p["Path"].as_str().unwrap());
                let other = routes.insert(key.clone(), id.as_str().unwrap().to_owned());
                assert!(other.is_none(), "{key} belongs to two functions");
            }
        }
    }
    assert!(routes.len() >= 35, "{} routes", routes.len());
}

#[test]
fn every_table_keeps_point_in_time_recovery_and_encryption_and_every_bucket_is_private() {
    let doc = template();
    for (id, res) in doc["Resources"].as_mapping().unwrap() {
        let props = &res["Properties"];
        match res["Type"].as_str() {
            Some("AWS::DynamoDB::Table") => {
                assert_eq!(
                    props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"], true,
                    "{id:?}"
                );
                assert_eq!(props["SSESpecification"]["SSEEnabled"], true, "{id:?}");
                assert_eq!(res["DeletionPolicy"], "Retain", "{id:?}");
            }
            Some("AWS::S3::Bucket") => {
                let block = &props["PublicAccessBlockConfiguration"];
                for flag in [
                    "BlockPublicAcls",
                    "BlockPublicPolicy",
                    "IgnorePublicAcls",
                    "RestrictPublicBuckets",
                ] {
                    assert_eq!(block[flag], true, "{id:?}: {flag}");
                }
                assert!(!props["BucketEncryption"].is_null(), "{id:?} is encrypted");
            }
            Some("AWS::SQS::Queue") => {
                assert!(
                    props["SqsManagedSseEnabled"] == true || !props["KmsMasterKeyId"].is_null(),
                    "{id:?} is encrypted"
                );
            }
            _ => {}
        }
    }
}

/// The names a crate's `[dependencies]` table lists (dev-dependencies aside).
fn dependencies_of(manifest: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(format!("{}/../{manifest}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let mut inside = false;
    let mut names = BTreeSet::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            inside = line == "[dependencies]";
        } else if inside && !line.is_empty() && !line.starts_with('#') {
            let name = line.split(['.', '=', ' ']).next().unwrap_or_default();
            names.insert(name.to_owned());
        }
    }
    names
}

#[test]
fn dependencies_point_one_way_from_the_functions_through_the_shared_crates_to_the_model() {
    let functions: Vec<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../functions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    // The model: no I/O, no AWS, nothing of ours but itself.
    let model = dependencies_of("shared/Cargo.toml");
    for banned in ["store", "api", "wechat", "tokio", "lambda_http", "reqwest"] {
        assert!(!model.contains(banned), "the model crate depends on {banned}");
    }
    assert!(
        !model
            .iter()
            .any(|d| d.starts_with("aws-sdk") || d.starts_with("aws-config"))
    );
    // The store knows tables, not HTTP or WeChat; the plumbing knows no WeChat.
    let store = dependencies_of("shared/store/Cargo.toml");
    for banned in ["api", "wechat", "lambda_http"] {
        assert!(!store.contains(banned), "the store crate depends on {banned}");
    }
    assert!(!dependencies_of("shared/api/Cargo.toml").contains("wechat"));
    // No shared crate and no function uses a function.
    for manifest in [
        "shared/Cargo.toml",
        "shared/store/Cargo.toml",
        "shared/api/Cargo.toml",
        "shared/wechat/Cargo.toml",
    ]
    .map(String::from)
    .into_iter()
    .chain(functions.iter().map(|f| format!("functions/{f}/Cargo.toml")))
    {
        let deps = dependencies_of(&manifest);
        for f in &functions {
            assert!(!deps.contains(f), "{manifest} depends on the function {f}");
        }
    }
}

#[test]
fn every_function_logs_to_a_group_kept_six_months_and_the_api_logs_each_request_as_json() {
    let doc = template();
    // 《网络安全法》第二十一条: network logs are kept no less than six months.
    let retention = &doc["Parameters"]["LogRetentionDays"];
    assert!(retention["Default"].as_u64().unwrap() >= 180);
    assert!(
        list(&retention["AllowedValues"])
            .iter()
            .all(|d| d.as_u64().unwrap() >= 180)
    );
    let groups: Vec<String> = doc["Resources"]
        .as_mapping()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"] == "AWS::Logs::LogGroup")
        .map(|(id, r)| {
            assert_eq!(
                named(&r["Properties"]["RetentionInDays"]).as_deref(),
                Some("LogRetentionDays"),
                "{id:?}"
            );
            id.as_str().unwrap().to_owned()
        })
        .collect();
    let functions_group = named(&doc["Globals"]["Function"]["LoggingConfig"]["LogGroup"]).unwrap();
    assert!(
        groups.contains(&functions_group),
        "every function logs to a group of the template"
    );
    let access = &doc["Resources"]["HttpApi"]["Properties"]["AccessLogSettings"];
    assert!(groups.contains(&named(&access["DestinationArn"]).unwrap()));
    let format: serde_json::Value = serde_json::from_str(access["Format"].as_str().unwrap()).unwrap();
    assert_eq!(
        format["requestId"], "$context.requestId",
        "the id clients hold finds its access line"
    );
    assert_eq!(format["status"], "$context.status");
}

#[test]
fn no_secret_is_resolved_into_a_functions_configuration_where_get_function_configuration_shows_it() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../template.yaml")).unwrap();
    assert!(
        !text.contains("{{resolve:secretsmanager"),
        "a secret resolved at deploy time"
    );
    let doc = template();
    for (id, res) in doc["Resources"].as_mapping().unwrap() {
        for (name, value) in res["Properties"]["Environment"]["Variables"]
            .as_mapping()
            .into_iter()
            .flatten()
        {
            let name = name.as_str().unwrap();
            let secretish = ["KEY", "SECRET", "TOKEN"].iter().any(|w| name.ends_with(w));
            assert!(
                !secretish || named(value).is_none(),
                "{id:?}: {name} takes its value at deploy time; name it {name}_SECRET_ID"
            );
        }
    }
}
