//! The benchmark commands `make bench` runs: the WeChat callback's rate on one core, and a
//! function binary timed through a stand-in Lambda Runtime API.

use super::stack::Ctx;
use model::config::Env;

pub async fn callback(ctx: &Ctx, messages: usize, seconds: f64, out: std::path::PathBuf) -> Result<(), String> {
    let (stack, template) = (&ctx.stack, &ctx.template);
    let f = template
        .function("wechat-callback")
        .ok_or("template.yaml has no wechat-callback")?;
    let env = stack.function_env(template, f)?;
    let app = wechat_callback::App::from_env(&env).await.map_err(|e| e.to_string())?;
    let setting = |n: &str| stack.setting(n).unwrap_or_default();
    let samples = crate::bench::callback::callback_samples(
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
    let requests = crate::bench::callback::requests(&samples);
    let oa = wechat_callback::official_account(&app)
        .await
        .map_err(|e| e.to_string())?;
    let rate = crate::bench::callback::callback_rate(&app, &oa, &requests, std::time::Duration::from_secs_f64(seconds));
    println!(
        "{}",
        serde_json::json!({ "sustained": rate.sustained.round(), "best": rate.best.round() })
    );
    Ok(())
}

/// What `bench-runtime` is given.
#[derive(clap::Args)]
pub struct Runtime {
    #[arg(long)]
    pub function: String,
    #[arg(long)]
    pub binary: std::path::PathBuf,
    #[arg(long)]
    pub event: std::path::PathBuf,
    #[arg(long = "set")]
    pub set: Vec<String>,
    #[arg(long, default_value_t = 10)]
    pub cold: usize,
    #[arg(long, default_value_t = 1000)]
    pub warm: usize,
    #[arg(long)]
    pub log: std::path::PathBuf,
    /// Give the function its secrets as settings, as before they were read at run time.
    #[arg(long)]
    pub secrets_given: bool,
    /// No X-Ray daemon: nothing traced.
    #[arg(long)]
    pub untraced: bool,
}

pub async fn runtime(ctx: &Ctx, run: Runtime) -> Result<(), String> {
    let (stack, template) = (&ctx.stack, &ctx.template);
    let Runtime {
        function,
        binary,
        event,
        set,
        cold,
        warm,
        log,
        secrets_given,
        untraced,
    } = run;
    // As in Lambda: secrets read where first used through the extension (the bench
    // stack's sandbox, from its moto), and subsegments sent to an X-Ray daemon (a socket that
    // takes them and reads none).
    let stack = &crate::local::Stack {
        secrets: if secrets_given {
            crate::local::Secrets::Given
        } else {
            crate::local::Secrets::Extension(stack.wechat_base.clone())
        },
        ..stack.clone()
    };
    let daemon = std::net::UdpSocket::bind("127.0.0.1:0").map_err(|e| format!("a UDP socket: {e}"))?;
    let daemon_address = match untraced {
        true => String::new(),
        false => daemon.local_addr().map_err(|e| e.to_string())?.to_string(),
    };
    let mut env: Vec<(String, String)> = match template.function(&function) {
        Some(f) => stack
            .function_env(template, f)?
            .with("AWS_XRAY_DAEMON_ADDRESS", daemon_address),
        None => {
            let any = template.functions.first().ok_or("template.yaml has no functions")?;
            let all = stack.function_env(template, any)?;
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
    let subject = crate::bench::process::Subject {
        name: function,
        event: std::fs::read(&event)
            .map_err(|e| format!("{}: {e}", event.display()))?
            .into(),
        binary,
        env,
        log,
    };
    println!("{}", crate::bench::measure(&subject, cold, warm).await?);
    Ok(())
}
