//! `fingertip-cli`: tables, demo data, tokens, and the local stack.

use api::auth::{Principal, Signer, Staff};
use clap::{Parser, Subcommand};
use fingertip_cli::{functions::Functions, gateway, local, sandbox, seed, streams, tables, template};
use model::config::Env;
use std::sync::Arc;

#[derive(Parser)]
#[command(name = "fingertip-cli", about = "指尖办 developer CLI")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create every table of template.yaml on the local DynamoDB-compatible server.
    CreateTables,
    /// Write the demo catalog (or --file) to the catalog table (the local one, or --table:
    /// a deployed table's name, with AWS credentials and AWS_ENDPOINT_URL_DYNAMODB set).
    Seed {
        #[arg(long)]
        file: Option<std::path::PathBuf>,
        #[arg(long)]
        table: Option<String>,
    },
    /// Print a JWT for local use, and nothing else.
    Token {
        #[arg(long)]
        role: String,
        #[arg(long)]
        dept: Option<String>,
        #[arg(long)]
        hall: Option<String>,
        #[arg(long)]
        sub: Option<String>,
    },
    /// Print a new Ed25519 key pair as JWT_SIGNING_KEY and JWT_VERIFY_KEYS values.
    Keygen {
        #[arg(long, default_value = "k1")]
        kid: String,
    },
    /// Run the scheduled sweepers once against the local stack: bookings (no-shows, bans,
    /// reminders), then deadlines (near due, overdue).
    Sweep,
    /// Print every function's local settings as KEY=VALUE lines (for `cargo lambda watch`).
    Env,
    /// Create tables, seed, then serve the WeChat sandbox and the API until Ctrl-C.
    Up,
    /// The WeChat callback's verify + decrypt + parse + reply rate on one core; writes the
    /// messages to --out for the wechatpy side of `make bench`.
    BenchCallback {
        #[arg(long, default_value_t = 500)]
        messages: usize,
        #[arg(long, default_value_t = 3.0)]
        seconds: f64,
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Time a function binary through a stand-in Lambda Runtime API: `--cold` fresh
    /// processes, then one process answering `--warm` events; prints the figures as JSON.
    /// The function gets its template environment for the local stack (a binary not in
    /// the template, such as a reference, gets the AWS settings) plus each --set KEY=VALUE.
    BenchRuntime {
        #[arg(long)]
        function: String,
        #[arg(long)]
        binary: std::path::PathBuf,
        #[arg(long)]
        event: std::path::PathBuf,
        #[arg(long = "set")]
        set: Vec<String>,
        #[arg(long, default_value_t = 10)]
        cold: usize,
        #[arg(long, default_value_t = 1000)]
        warm: usize,
        #[arg(long)]
        log: std::path::PathBuf,
    },
}

#[tokio::main]
async fn main() {
    if let Err(e) = run(Cli::parse()).await {
        eprintln!("fingertip-cli: {e}");
        std::process::exit(1);
    }
}

fn demo_env(stack: &local::Stack) -> Env {
    let names = ["JWT_SIGNING_KEY", "JWT_VERIFY_KEYS", "JWT_ISSUER", "JWT_AUDIENCE"];
    Env::from_pairs(
        names
            .iter()
            .filter_map(|n| stack.setting(n).map(|v| (n.to_string(), v))),
    )
}

async fn run(cli: Cli) -> Result<(), String> {
    let stack = local::Stack::from_process();
    let template = template::Template::load(&template::default_path()).map_err(|e| e.to_string())?;
    match cli.command {
        Command::CreateTables => {
            let client = client(&stack).await;
            let mut created = tables::create_all(&client, &template, &stack.table_prefix).await?;
            created.extend(tables::create_buckets(&s3(&stack).await, &template, &stack).await?);
            println!(
                "tables created: {}",
                if created.is_empty() {
                    "none (all exist)".into()
                } else {
                    created.join(", ")
                }
            );
        }
        Command::Seed { file, table } => {
            let text = match file {
                Some(path) => std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?,
                None => seed::DEMO_CATALOG.to_owned(),
            };
            let n = seed_catalog(&stack, &text, table).await?;
            println!("catalog seeded: {n} records");
        }
        Command::Token { role, dept, hall, sub } => {
            let principal = principal(&role, dept, hall, sub)?;
            let signer = Signer::from_env(&demo_env(&stack)).map_err(|e| e.to_string())?;
            println!("{}", signer.issue(&principal).map_err(|e| e.to_string())?.token);
        }
        Command::Keygen { kid } => {
            let (private, public) = api::auth::generate_key_pair(&kid).map_err(|_| "the system RNG failed")?;
            println!("JWT_SIGNING_KEY={private}\nJWT_VERIFY_KEYS={public}");
        }
        Command::Env => {
            let mut all = std::collections::BTreeMap::new();
            for f in &template.functions {
                for (k, v) in stack.function_env(&template, f)?.iter() {
                    all.insert(k.to_owned(), v.to_owned());
                }
            }
            for (k, v) in all {
                println!("{k}={}", dotenv_quoted(&v));
            }
        }
        Command::Sweep => {
            let env_of = |binary: &str| {
                let f = template
                    .function(binary)
                    .ok_or_else(|| format!("template.yaml has no {binary}"))?;
                stack.function_env(&template, f)
            };
            let err = |e: model::config::ConfigError| e.to_string();
            let bookings = booking_sweeper::App::from_env(&env_of("booking-sweeper")?)
                .await
                .map_err(err)?;
            let deadlines = deadline_sweeper::App::from_env(&env_of("deadline-sweeper")?)
                .await
                .map_err(err)?;
            let invitations = evaluation_sweeper::App::from_env(&env_of("evaluation-sweeper")?)
                .await
                .map_err(err)?;
            let report = serde_json::json!({
                "bookings": bookings.sweep().await.map_err(|e| e.to_string())?,
                "deadlines": deadlines.sweep().await.map_err(|e| e.to_string())?,
                "invitations": invitations.sweep().await.map_err(|e| e.to_string())?,
            });
            println!("{report}");
        }
        Command::Up => up(&stack, &template).await?,
        Command::BenchCallback { messages, seconds, out } => {
            let f = template
                .function("wechat-callback")
                .ok_or("template.yaml has no wechat-callback")?;
            let env = stack.function_env(&template, f)?;
            let app = wechat_callback::App::from_env(&env).await.map_err(|e| e.to_string())?;
            let setting = |n: &str| stack.setting(n).unwrap_or_default();
            let samples = fingertip_cli::bench::callback::callback_samples(
                &setting("WECHAT_OA_TOKEN"),
                &setting("WECHAT_OA_ENCODING_AES_KEY"),
                &setting("WECHAT_OA_APPID"),
                messages,
                jiff::Timestamp::now().as_second(),
            );
            let file = serde_json::json!({
                "token": setting("WECHAT_OA_TOKEN"),
                "encodingAesKey": setting("WECHAT_OA_ENCODING_AES_KEY"),
                "appid": setting("WECHAT_OA_APPID"),
                "samples": samples,
            });
            std::fs::write(&out, file.to_string()).map_err(|e| format!("{}: {e}", out.display()))?;
            let requests = fingertip_cli::bench::callback::requests(&samples);
            let rate = fingertip_cli::bench::callback::callback_rate(
                &app,
                &requests,
                std::time::Duration::from_secs_f64(seconds),
            );
            println!(
                "{}",
                serde_json::json!({ "sustained": rate.sustained.round(), "best": rate.best.round() })
            );
        }
        Command::BenchRuntime {
            function,
            binary,
            event,
            set,
            cold,
            warm,
            log,
        } => {
            let mut env: Vec<(String, String)> = match template.function(&function) {
                Some(f) => stack.function_env(&template, f)?,
                None => {
                    let any = template.functions.first().ok_or("template.yaml has no functions")?;
                    let all = stack.function_env(&template, any)?;
                    Env::from_pairs(all.iter().filter(|(k, _)| k.starts_with("AWS_")))
                }
            }
            .iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
            for pair in set {
                let (k, v) = pair.split_once('=').ok_or_else(|| format!("--set {pair}: KEY=VALUE"))?;
                env.retain(|(name, _)| name != k);
                env.push((k.to_owned(), v.to_owned()));
            }
            let subject = fingertip_cli::bench::process::Subject {
                name: function,
                event: std::fs::read(&event)
                    .map_err(|e| format!("{}: {e}", event.display()))?
                    .into(),
                binary,
                env,
                log,
            };
            println!("{}", fingertip_cli::bench::measure(&subject, cold, warm).await?);
        }
    }
    Ok(())
}

fn principal(role: &str, dept: Option<String>, hall: Option<String>, sub: Option<String>) -> Result<Principal, String> {
    match role {
        "citizen" => {
            let sub = sub.ok_or("--role citizen needs --sub CITIZEN_ID")?;
            Ok(Principal::Citizen(sub.parse().map_err(|e| format!("--sub: {e}"))?))
        }
        "staff" => Ok(Principal::Staff(Staff {
            id: sub.unwrap_or_else(|| "staff-local".into()),
            dept: dept
                .ok_or("--role staff needs --dept")?
                .parse()
                .map_err(|e| format!("--dept: {e}"))?,
            hall: hall
                .map(|h| h.parse())
                .transpose()
                .map_err(|e| format!("--hall: {e}"))?,
        })),
        "admin" => Ok(Principal::Admin {
            id: sub.unwrap_or_else(|| "admin-local".into()),
        }),
        other => Err(format!("unknown role {other}: citizen, staff or admin")),
    }
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

async fn client(stack: &local::Stack) -> store::Client {
    store::connect(&local_env(stack)).await
}

async fn s3(stack: &local::Stack) -> aws_sdk_s3::Client {
    tables::local_s3(&store::sdk_config(&local_env(stack)).await, &stack.dynamodb_endpoint)
}

async fn seed_catalog(stack: &local::Stack, text: &str, table: Option<String>) -> Result<usize, String> {
    let catalog = seed::parse(text)?;
    let table = table.unwrap_or_else(|| format!("{}CatalogTable", stack.table_prefix));
    let store = store::catalog::CatalogStore::new(client(stack).await, table);
    seed::seed(&store, &catalog).await
}

async fn up(stack: &local::Stack, template: &template::Template) -> Result<(), String> {
    api::telemetry::init();
    let client = client(stack).await;
    tables::create_all(&client, template, &stack.table_prefix).await?;
    tables::create_buckets(&s3(stack).await, template, stack).await?;
    seed_catalog(stack, seed::DEMO_CATALOG, None).await?;

    let setting = |name: &str| stack.setting(name).unwrap_or_default();
    let sandbox = sandbox::Sandbox::new(
        setting("WECHAT_MP_APPID"),
        setting("WECHAT_MP_SECRET"),
        setting("WECHAT_OA_APPID"),
        setting("WECHAT_OA_SECRET"),
    );
    let sandbox_addr = stack
        .setting("FINGERTIP_SANDBOX_ADDR")
        .unwrap_or(local::SANDBOX_ADDR.into());
    let api_addr = stack.setting("FINGERTIP_API_ADDR").unwrap_or(local::API_ADDR.into());
    let sandbox_listener = tokio::net::TcpListener::bind(&sandbox_addr)
        .await
        .map_err(|e| format!("{sandbox_addr}: {e}"))?;
    tokio::spawn(sandbox::serve(sandbox_listener, sandbox));

    let functions = Functions::build(template, stack).await?;
    let gw = Arc::new(gateway::Gateway::new(template, functions));
    let api_listener = tokio::net::TcpListener::bind(&api_addr)
        .await
        .map_err(|e| format!("{api_addr}: {e}"))?;
    tokio::spawn(gateway::serve(api_listener, gw));

    // The notifier, fed by the outbox stream as Lambda would feed it.
    let notifier_def = template.function("notifier").ok_or("template.yaml has no notifier")?;
    let notifier_env = stack.function_env(template, notifier_def)?;
    let notifier: &'static notifier::App = Box::leak(Box::new(
        notifier::App::from_env(&notifier_env)
            .await
            .map_err(|e| e.to_string())?,
    ));
    let outbox = streams::OutboxStream::open(
        &store::sdk_config(&local_env(stack)).await,
        &stack.dynamodb_endpoint,
        &format!("{}OutboxTable", stack.table_prefix),
    )
    .await?;
    tokio::spawn(outbox.run(notifier));

    let signer = Signer::from_env(&demo_env(stack)).map_err(|e| e.to_string())?;
    let staff = Principal::Staff(Staff {
        id: "staff-local".into(),
        dept: "SCJG".parse().expect("code"),
        hall: Some("spb-center".parse().expect("id")),
    });
    let token = signer.issue(&staff).map_err(|e| e.to_string())?.token;
    println!("指尖办 local stack is up.");
    println!("  API              http://{api_addr}   (GET /healthz)");
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
    println!("Staff token (市场监管 SCJG, hall spb-center):\n  {token}");
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
