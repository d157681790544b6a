//! The local stack's commands: tables, demo data, every function's settings, the sweepers
//! run on demand, and `up` (the sandbox, the gateway and the notifier on the outbox stream).

use crate::functions::Functions;
use crate::{gateway, local, sandbox, seed, streams, tables, template};
use api::auth::Signer;
use model::config::Env;
use model::time::Clock;
use std::sync::Arc;

/// The stack and the template every command reads.
pub struct Ctx {
    pub stack: local::Stack,
    pub template: template::Template,
}

impl Ctx {
    pub fn load() -> Result<Self, String> {
        Ok(Self {
            stack: local::Stack::from_process(),
            template: template::Template::load(&template::default_path()).map_err(|e| e.to_string())?,
        })
    }
}

pub async fn create_tables(ctx: &Ctx) -> Result<(), String> {
    let (stack, template) = (&ctx.stack, &ctx.template);
    let client = client(stack).await;
    let mut created = tables::create_all(&client, template, &stack.table_prefix).await?;
    created.extend(tables::create_buckets(&s3(stack).await, template, stack).await?);
    println!(
        "tables created: {}",
        if created.is_empty() {
            "none (all exist)".into()
        } else {
            created.join(", ")
        }
    );
    Ok(())
}

pub async fn seed(ctx: &Ctx, file: Option<std::path::PathBuf>, table: Option<String>) -> Result<(), String> {
    let stack = &ctx.stack;
    let text = match file {
        Some(path) => std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?,
        None => seed::DEMO_CATALOG.to_owned(),
    };
    let n = seed_catalog(stack, &text, table).await?;
    println!("catalog seeded: {n} records");
    Ok(())
}

/// Every function's local settings as `KEY=VALUE` lines, for `cargo lambda watch`.
pub fn env(ctx: &Ctx) -> Result<(), String> {
    let (stack, template) = (&ctx.stack, &ctx.template);
    let mut all = std::collections::BTreeMap::new();
    for f in &template.functions {
        for (k, v) in stack.function_env(template, f)?.iter() {
            all.insert(k.to_owned(), v.to_owned());
        }
    }
    for (k, v) in all {
        println!("{k}={}", dotenv_quoted(&v));
    }
    Ok(())
}

/// The registry of functions as JSON, for the scripts.
pub fn functions() {
    println!("{}", crate::functions::describe());
}

/// The scheduled sweepers, once, against the local stack: now, or on `date` at 07:00 in
/// Shanghai (the schedule's hour).
pub async fn sweep(ctx: &Ctx, date: Option<&str>) -> Result<(), String> {
    let clock = match date {
        None => Clock::system(),
        Some(d) => {
            let day: jiff::civil::Date = d.parse().map_err(|_| format!("--date {d}: not a YYYY-MM-DD date"))?;
            let at = model::time::shanghai()
                .to_timestamp(day.at(7, 0, 0, 0))
                .map_err(|e| format!("--date {d}: {e}"))?;
            Clock::fixed(at)
        }
    };
    let functions = Functions::build(&ctx.template, &ctx.stack, &clock).await?;
    let report = serde_json::json!({
        "bookings": functions.booking_sweeper.sweep().await.map_err(|e| e.to_string())?,
        "deadlines": functions.deadline_sweeper.sweep().await.map_err(|e| e.to_string())?,
        "invitations": functions.evaluation_sweeper.sweep().await.map_err(|e| e.to_string())?,
    });
    println!("{report}");
    Ok(())
}

pub(crate) fn demo_env(stack: &local::Stack) -> Env {
    let names = ["JWT_SIGNING_KEY", "JWT_VERIFY_KEYS", "JWT_ISSUER", "JWT_AUDIENCE"];
    Env::from_pairs(
        names
            .iter()
            .filter_map(|n| stack.setting(n).map(|v| (n.to_string(), v))),
    )
}

/// The AWS settings the CLI's own clients use: the local server unless the environment
/// names another endpoint and credentials.
fn local_env(stack: &local::Stack) -> Env {
    let env = Env::from_pairs([
        (
            "AWS_REGION",
            stack.setting("AWS_REGION").unwrap_or(local::REGION.into()),
        ),
        (
            "AWS_ACCESS_KEY_ID",
            stack.setting("AWS_ACCESS_KEY_ID").unwrap_or("local".into()),
        ),
        (
            "AWS_SECRET_ACCESS_KEY",
            stack.setting("AWS_SECRET_ACCESS_KEY").unwrap_or("local".into()),
        ),
        ("AWS_ENDPOINT_URL_DYNAMODB", stack.dynamodb_endpoint.clone()),
    ]);
    // Temporary credentials (a deployed table, `seed --table`) come with a session token.
    match stack.setting("AWS_SESSION_TOKEN") {
        Some(token) => env.with("AWS_SESSION_TOKEN", token),
        None => env,
    }
}

pub(crate) async fn client(stack: &local::Stack) -> store::Client {
    store::connect(&local_env(stack)).await
}

pub(crate) async fn s3(stack: &local::Stack) -> aws_sdk_s3::Client {
    tables::local_s3(&store::sdk_config(&local_env(stack)).await, &stack.dynamodb_endpoint)
}

async fn seed_catalog(stack: &local::Stack, text: &str, table: Option<String>) -> Result<usize, String> {
    let catalog = seed::parse(text)?;
    let table = table.unwrap_or_else(|| format!("{}CatalogTable", stack.table_prefix));
    let store = store::catalog::CatalogStore::new(client(stack).await, table);
    seed::seed(&store, &catalog).await
}

/// Enrols one admin: the directory's first member, whom the admin routes then serve.
pub async fn enrol_admin(ctx: &Ctx, user: &str, name: &str, table: Option<String>) -> Result<(), String> {
    let stack = &ctx.stack;
    let at = model::time::rfc3339(jiff::Timestamp::now());
    let mut member = model::staff::Member {
        id: model::StaffId::generate(),
        wecom_user_id: user.parse().map_err(|e| format!("--user: {e}"))?,
        name: name.to_owned(),
        roles: vec![model::staff::StaffRole::Admin],
        dept_code: None,
        hall_ids: Vec::new(),
        window_ids: Vec::new(),
        disabled: false,
        version: 1,
        created_at: at.clone(),
        updated_at: at,
    };
    member.check().map_err(|e| format!("{:?}", e.reasons()))?;
    let table = table.unwrap_or_else(|| format!("{}StaffTable", stack.table_prefix));
    let store = store::staff::StaffStore::new(client(stack).await, table);
    match seed::seed_staff(&store, std::slice::from_ref(&member)).await? {
        1 => {
            println!("enrolled {user} as admin: {}", member.id);
            Ok(())
        }
        _ => Err(format!("{user} already has a directory entry")),
    }
}

/// The demo staff directory, beside the demo catalog.
async fn seed_staff(stack: &local::Stack) -> Result<usize, String> {
    let catalog = seed::parse(seed::DEMO_CATALOG)?;
    let members = seed::demo_directory(&catalog, &model::time::rfc3339(jiff::Timestamp::now()))?;
    let store = store::staff::StaffStore::new(client(stack).await, format!("{}StaffTable", stack.table_prefix));
    seed::seed_staff(&store, &members).await
}

pub async fn up(ctx: &Ctx) -> Result<(), String> {
    let (stack, template) = (&ctx.stack, &ctx.template);
    api::telemetry::init();
    let client = client(stack).await;
    tables::create_all(&client, template, &stack.table_prefix).await?;
    tables::create_buckets(&s3(stack).await, template, stack).await?;
    seed_catalog(stack, seed::DEMO_CATALOG, None).await?;
    seed_staff(stack).await?;

    let sandbox = sandbox::Sandbox::new(stack);
    let sandbox_addr = stack
        .setting("FINGERTIP_SANDBOX_ADDR")
        .unwrap_or(local::SANDBOX_ADDR.into());
    let api_addr = stack.setting("FINGERTIP_API_ADDR").unwrap_or(local::API_ADDR.into());
    let sandbox_listener = tokio::net::TcpListener::bind(&sandbox_addr)
        .await
        .map_err(|e| format!("{sandbox_addr}: {e}"))?;
    tokio::spawn(sandbox::serve(sandbox_listener, sandbox));

    // The functions read their secrets as in Lambda: from the store (moto's Secrets Manager
    // and Parameter Store, seeded with the demo values) through the sandbox's extension.
    let vault = crate::secrets::Vault::new(
        &stack.dynamodb_endpoint,
        &stack.setting("AWS_REGION").unwrap_or(local::REGION.into()),
    );
    let stack = &local::Stack {
        secrets: local::Secrets::Extension(format!("http://{sandbox_addr}")),
        ..stack.clone()
    };
    crate::secrets::seed(&vault, template, stack).await?;

    // They serve until the process ends.
    let functions: &'static Functions = Box::leak(Box::new(Functions::build(template, stack, &Clock::system()).await?));
    let console_dir = stack
        .setting("FINGERTIP_CONSOLE_DIR")
        .map_or_else(|| std::path::PathBuf::from("console/dist"), std::path::PathBuf::from);
    let site = crate::site::Site::new(
        console_dir,
        &sandbox_addr,
        &stack.setting("WECOM_CORPID").unwrap_or_default(),
        &stack.setting("WECOM_AGENTID").unwrap_or_default(),
    );
    let gw = Arc::new(gateway::Gateway::new(template, functions).with_site(site));
    let today = model::time::local(jiff::Timestamp::now()).date().to_string();
    let demo_day = crate::demo::seed(&gw, &today).await;
    let api_listener = tokio::net::TcpListener::bind(&api_addr)
        .await
        .map_err(|e| format!("{api_addr}: {e}"))?;
    tokio::spawn(gateway::serve(api_listener, gw));

    // The notifier, fed by the outbox stream as Lambda would feed it.
    let outbox = streams::OutboxStream::open(
        &store::sdk_config(&local_env(stack)).await,
        &stack.dynamodb_endpoint,
        &format!("{}OutboxTable", stack.table_prefix),
    )
    .await?;
    tokio::spawn(outbox.run(&functions.notifier));

    let signer = Signer::from_env(&demo_env(stack)).map_err(|e| e.to_string())?;
    let staff = crate::cmd::tokens::principal("window", None, None, None)?;
    let token = signer.issue(&staff).map_err(|e| e.to_string())?.token;
    println!("指尖办 local stack is up.");
    println!("  API              http://{api_addr}   (GET /healthz)");
    println!("  Console          http://{api_addr}/console/   (sign in through the sandbox's WeCom page)");
    println!("  API docs         http://{api_addr}/docs/");
    println!("  WeChat sandbox   http://{sandbox_addr}   (GET /_sandbox/messages, /_sandbox/sent)");
    println!("  Notifier         reading the outbox stream; sends go to the sandbox");
    println!(
        "  DynamoDB         {}   (tables {}*)",
        stack.dynamodb_endpoint, stack.table_prefix
    );
    println!("Demo settings (override any from the environment):");
    for (name, _) in local::DEMO
        .iter()
        .filter(|(n, _)| n.starts_with("WECHAT_") && *n != "WECHAT_TEMPLATES")
    {
        println!("  {name}={}", stack.setting(name).unwrap_or_default());
    }
    println!("  WECHAT_TEMPLATES=(tools/data/wechat-templates.json)");
    match &demo_day {
        Ok(day) => {
            println!("Demo day ({today}):");
            for (no, item) in &day.applications {
                println!("  application {no} ({item}) waits in its department's queue");
            }
            for (item, start, code) in &day.bookings {
                println!("  booking {item} at {start}: verification code {code} (check it in at the workbench)");
            }
        }
        Err(e) => println!("Demo day not seeded: {e}"),
    }
    println!("Staff token (chuangkou, window staff of spb-center):\n  {token}");
    println!(
        "Staff sign in through the sandbox's WeCom: codes wecom-admin, wecom-jiancha, wecom-dating, \
         wecom-chuangkou, wecom-rsj, wecom-scjg, … (wecom-<userid>)"
    );
    println!(
        "Try:\n  curl -s -XPOST http://{api_addr}/v1/auth/wechat -H 'content-type: application/json' -d '{{\"code\":\"alice\"}}'"
    );
    println!("Ctrl-C stops everything.");
    tokio::signal::ctrl_c().await.map_err(|e| e.to_string())?;
    Ok(())
}

/// A value for a dotenv file (`cargo lambda watch --env-file`): single quotes keep it
/// literal (JSON's double quotes, `$`), and a value holding a single quote is double-quoted
/// with its specials escaped.
fn dotenv_quoted(value: &str) -> String {
    if !value.contains('\'') {
        return format!("'{value}'");
    }
    let escaped = value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('$', "\\$")
        .replace('\n', "\\n");
    format!("\"{escaped}\"")
}
