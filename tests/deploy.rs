//! What a deploy creates and how it is watched, read from template.yaml, samconfig.toml and
//! the SAM transform run offline (tools/sam-transform.py): each stage's environment, every
//! function released behind its `live` alias with CodeDeploy rolling back on its alarms, the
//! business figures' dimensions, and the dashboard on-call opens first.

use serde_json::Value;
use std::collections::BTreeSet;
use std::process::Command;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
const STAGES: [(&str, &str); 3] = [
    ("dev", "AllAtOnce"),
    ("staging", "Linear10PercentEvery1Minute"),
    ("prod", "Canary10Percent5Minutes"),
];

/// Runs a Python snippet or script of the project's venv and reads its JSON.
fn python(args: &[&str]) -> Value {
    let out = Command::new(format!("{ROOT}/.venv/bin/python"))
        .args(args)
        .current_dir(ROOT)
        .output()
        .expect(".venv/bin/python (make venv)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn template() -> Value {
    let text = std::fs::read_to_string(format!("{ROOT}/template.yaml")).unwrap();
    let yaml: serde_norway::Value = serde_norway::from_str(&text).unwrap();
    // Tags (!Ref, !Sub) become their long forms' keys, as CloudFormation reads them.
    serde_json::to_value(untag(yaml)).unwrap()
}

fn untag(v: serde_norway::Value) -> serde_norway::Value {
    use serde_norway::Value as Y;
    match v {
        Y::Tagged(t) => {
            let tag = t.tag.to_string();
            let key = match tag.trim_start_matches('!') {
                "Ref" => "Ref".to_owned(),
                other => format!("Fn::{other}"),
            };
            let mut m = serde_norway::Mapping::new();
            m.insert(Y::String(key), untag(t.value));
            Y::Mapping(m)
        }
        Y::Sequence(s) => Y::Sequence(s.into_iter().map(untag).collect()),
        Y::Mapping(m) => Y::Mapping(m.into_iter().map(|(k, v)| (k, untag(v))).collect()),
        other => other,
    }
}

fn of_type<'a>(resources: &'a Value, kind: &str) -> Vec<(&'a String, &'a Value)> {
    resources
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"] == kind)
        .collect()
}

#[test]
fn samconfig_deploys_each_stage_to_its_own_stack_with_the_beta_feature_the_build_needs() {
    let config = python(&[
        "-c",
        "import json,tomllib; print(json.dumps(tomllib.load(open('samconfig.toml','rb'))))",
    ]);
    assert_eq!(config["default"]["global"]["parameters"]["beta_features"], true);
    assert_eq!(config["default"]["build"]["parameters"]["build_dir"], "target/sam");
    let mut stacks = BTreeSet::new();
    for (stage, _) in STAGES {
        let env = &config[stage];
        assert_eq!(env["global"]["parameters"]["beta_features"], true, "{stage}");
        assert_eq!(env["build"]["parameters"]["build_dir"], "target/sam", "{stage}");
        let deploy = &env["deploy"]["parameters"];
        assert_eq!(
            deploy["template_file"], "target/sam/template.yaml",
            "{stage}: the built template"
        );
        let overrides = deploy["parameter_overrides"].as_str().unwrap();
        assert!(
            overrides.split(' ').any(|p| p == format!("Stage={stage}")),
            "{stage}: {overrides}"
        );
        assert!(
            stacks.insert(deploy["stack_name"].as_str().unwrap().to_owned()),
            "{stage}: a stack of its own"
        );
    }
    assert_eq!(config["prod"]["deploy"]["parameters"]["confirm_changeset"], true);
}

#[test]
fn every_function_is_released_behind_its_live_alias_and_rolled_back_on_its_own_alarms() {
    let source = template();
    let http: BTreeSet<String> = of_type(&source["Resources"], "AWS::Serverless::Function")
        .into_iter()
        .filter(|(_, f)| f["Properties"]["Events"].to_string().contains("HttpApi"))
        .map(|(id, _)| id.clone())
        .collect();
    for (stage, config) in STAGES {
        let deployed = python(&["tools/sam-transform.py", "template.yaml", &format!("Stage={stage}")]);
        let resources = &deployed["Resources"];
        let functions = of_type(resources, "AWS::Lambda::Function");
        assert_eq!(functions.len(), 14, "{stage}");
        for (id, _) in &functions {
            let alias = format!("{id}Aliaslive");
            assert_eq!(resources[&alias]["Properties"]["Name"], "live", "{stage}: {id}");
            let group = &resources[format!("{id}DeploymentGroup")]["Properties"];
            assert_eq!(
                group["DeploymentConfigName"]["Fn::Sub"][1]["ConfigName"], config,
                "{stage}: {id}"
            );
            let alarms: Vec<&str> = group["AlarmConfiguration"]["Alarms"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["Name"]["Ref"].as_str().unwrap())
                .collect();
            let own = format!("{}ErrorsAlarm", id.trim_end_matches("Function"));
            assert!(alarms.contains(&own.as_str()), "{stage}: {id} rolls back on {own}");
            if http.contains(*id) {
                assert!(
                    alarms.contains(&"ApiServerErrorsAlarm"),
                    "{stage}: {id} and the API's 5xx"
                );
            }
            assert!(
                group["AutoRollbackConfiguration"]["Events"]
                    .to_string()
                    .contains("DEPLOYMENT_STOP_ON_ALARM")
            );
        }
        // What invokes a function (API Gateway's permissions, the outbox stream, the sweepers'
        // schedules) invokes its alias, so traffic follows CodeDeploy's shift.
        for (kind, target, at_least) in [
            ("AWS::Lambda::Permission", "/Properties/FunctionName/Ref", 1),
            ("AWS::Lambda::EventSourceMapping", "/Properties/FunctionName/Ref", 1),
            ("AWS::Scheduler::Schedule", "/Properties/Target/Arn/Ref", 3),
        ] {
            let invokers = of_type(resources, kind);
            assert!(invokers.len() >= at_least, "{stage}: {kind}");
            for (id, r) in invokers {
                let invoked = r.pointer(target).and_then(Value::as_str).unwrap_or_default();
                assert!(invoked.ends_with("Aliaslive"), "{stage}: {id} invokes {invoked}");
            }
        }
    }
}

#[test]
fn business_figures_and_their_alarms_carry_the_stack_and_the_stage() {
    let doc = template();
    let vars = &doc["Globals"]["Function"]["Environment"]["Variables"];
    assert_eq!(vars["METRICS_SERVICE"]["Ref"], "AWS::StackName");
    assert_eq!(vars["STAGE"]["Ref"], "Stage");
    let dims = api::metrics::Dimensions {
        service: "s".into(),
        stage: "p".into(),
    };
    let line: Value = serde_json::from_str(&api::metrics::line(
        api::metrics::Metric::Bookings,
        1,
        jiff::Timestamp::now(),
        &dims,
    ))
    .unwrap();
    let emitted = &line["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0];
    for (id, alarm) in of_type(&doc["Resources"], "AWS::CloudWatch::Alarm") {
        let p = &alarm["Properties"];
        if p["Namespace"] != api::metrics::NAMESPACE {
            continue;
        }
        let names: Vec<&Value> = p["Dimensions"].as_array().unwrap().iter().map(|d| &d["Name"]).collect();
        assert_eq!(
            Value::from(names.into_iter().cloned().collect::<Vec<_>>()),
            *emitted,
            "{id}"
        );
    }
}

/// The dashboard's body with each `${…}` checked to name a parameter, a resource or a
/// pseudo parameter, then filled in.
fn dashboard(doc: &Value) -> Value {
    let body = doc["Resources"]["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
        .as_str()
        .unwrap();
    let mut filled = String::new();
    let mut rest = body;
    while let Some(start) = rest.find("${") {
        filled.push_str(&rest[..start]);
        let end = rest[start..].find('}').unwrap() + start;
        let name = &rest[start + 2..end];
        let id = name.split('.').next().unwrap();
        assert!(
            id.starts_with("AWS::") || doc["Parameters"].get(id).is_some() || doc["Resources"].get(id).is_some(),
            "the dashboard names {name}, which the template lacks"
        );
        filled.push_str(&format!("<{name}>"));
        rest = &rest[end + 1..];
    }
    filled.push_str(rest);
    serde_json::from_str(&filled).unwrap()
}

#[test]
fn the_dashboard_shows_what_on_call_looks_at_first() {
    let doc = template();
    let widgets = dashboard(&doc)["widgets"].as_array().unwrap().clone();
    let titled = |words: &str| -> Value {
        widgets
            .iter()
            .find(|w| w["properties"]["title"].as_str().unwrap_or("").contains(words))
            .unwrap_or_else(|| panic!("no widget titled …{words}…"))["properties"]
            .clone()
    };
    let functions: Vec<String> = of_type(&doc["Resources"], "AWS::Serverless::Function")
        .into_iter()
        .map(|(id, _)| format!("<{id}>"))
        .collect();
    for title in ["failed invocations", "throttles", "duration"] {
        let shown = titled(title)["metrics"].to_string();
        for f in &functions {
            assert!(shown.contains(f.as_str()), "{title}: {f}");
        }
    }
    // Errors and latency per route, from the access log every request writes.
    for title in ["Server errors by route", "Latency by route"] {
        let query = titled(title)["query"].as_str().unwrap().to_owned();
        assert!(
            query.contains("/api-access'") && query.contains("by routeKey"),
            "{query}"
        );
    }
    assert!(titled("API: requests").to_string().contains("\"5xx\""));
    assert!(titled("Notifier: backlog").to_string().contains("IteratorAge"));
    assert!(
        titled("Notifier: dead letters")
            .to_string()
            .contains("<NotifierDeadLetterQueue.QueueName>")
    );
    let supervision = titled("Supervision").to_string();
    for figure in ["AlertsUnacknowledged", "OrdersOverdue", "OverdueBadReviews"] {
        assert!(supervision.contains(figure), "{figure}");
    }
    assert!(supervision.contains("<Stage>") && supervision.contains("<AWS::StackName>"));
    let shown = titled("Alarms")["alarms"].to_string();
    for (id, _) in of_type(&doc["Resources"], "AWS::CloudWatch::Alarm") {
        assert!(shown.contains(&format!("<{id}.Arn>")), "the alarm widget lacks {id}");
    }
}
