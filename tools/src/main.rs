//! `fingertip-cli`: tables, demo data, tokens, the local stack and the benchmarks. Each
//! command lives in `fingertip_cli::cmd`; this is the command line.

use clap::{Parser, Subcommand};
use fingertip_cli::cmd::{audit, measure, stack, tokens};

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
    /// Enrol the first admin of a staff directory (the local one, or --table: a deployed
    /// table's name, with AWS credentials and AWS_ENDPOINT_URL_DYNAMODB set). Everyone else is
    /// enrolled by an admin through POST /v1/admin/staff.
    EnrolAdmin {
        /// Their WeCom (政务微信) user id.
        #[arg(long)]
        user: String,
        #[arg(long)]
        name: String,
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
    /// Print a member's audit trail (留痕) on the local stack, oldest first.
    Audit {
        /// Their WeCom user id (`chuangkou`, `rsj`, …).
        #[arg(long)]
        user: String,
    },
    /// Print a new Ed25519 key pair as JWT_SIGNING_KEY and JWT_VERIFY_KEYS values.
    Keygen {
        #[arg(long, default_value = "k1")]
        kid: String,
    },
    /// Run the scheduled sweepers once against the local stack: bookings (no-shows, bans,
    /// reminders), deadlines (near due, overdue, the day's figures, alerts), invitations.
    Sweep {
        /// Sweep as on this day (YYYY-MM-DD, Shanghai) at 07:00, the schedule's hour, to see
        /// what a later morning finds late; today at this moment by default.
        #[arg(long)]
        date: Option<String>,
    },
    /// Print every function's local settings as KEY=VALUE lines (for `cargo lambda watch`).
    Env,
    /// Print the registry of functions as JSON (binary and kind), for the scripts.
    Functions,
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
    BenchRuntime(measure::Runtime),
}

#[tokio::main]
async fn main() {
    if let Err(e) = run(Cli::parse()).await {
        eprintln!("fingertip-cli: {e}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let ctx = stack::Ctx::load()?;
    match cli.command {
        Command::CreateTables => stack::create_tables(&ctx).await,
        Command::Seed { file, table } => stack::seed(&ctx, file, table).await,
        Command::EnrolAdmin { user, name, table } => stack::enrol_admin(&ctx, &user, &name, table).await,
        Command::Token { role, dept, hall, sub } => tokens::token(&ctx, role, dept, hall, sub),
        Command::Keygen { kid } => tokens::keygen(&kid),
        Command::Audit { user } => audit::audit(&ctx, &user).await,
        Command::Sweep { date } => stack::sweep(&ctx, date.as_deref()).await,
        Command::Env => stack::env(&ctx),
        Command::Functions => {
            stack::functions();
            Ok(())
        }
        Command::Up => stack::up(&ctx).await,
        Command::BenchCallback { messages, seconds, out } => measure::callback(&ctx, messages, seconds, out).await,
        Command::BenchRuntime(run) => measure::runtime(&ctx, run).await,
    }
}
