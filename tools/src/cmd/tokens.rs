//! Tokens for local use: a JWT for a citizen or a member of the demo staff directory, signed
//! with the demo key, and new key pairs.
//!
//! A staff token is honoured only while the directory holds its member at the version it
//! names (`api::staff`), so the CLI mints tokens for the demo directory `make run` seeds,
//! as it was seeded. Signing in through the sandbox's WeCom (`POST /v1/staff/auth/wecom`
//! with `{"code": "wecom-rsj"}`) gives the same token by the real route.

use super::stack::{Ctx, demo_env};
use crate::seed;
use api::auth::{Principal, Signer, Staff};

/// Prints a JWT for local use, and nothing else.
pub fn token(
    ctx: &Ctx,
    role: String,
    dept: Option<String>,
    hall: Option<String>,
    sub: Option<String>,
) -> Result<(), String> {
    let stack = &ctx.stack;
    let principal = principal(&role, dept, hall, sub)?;
    let signer = Signer::from_env(&demo_env(stack)).map_err(|e| e.to_string())?;
    println!("{}", signer.issue(&principal).map_err(|e| e.to_string())?.token);
    Ok(())
}

/// Prints a new Ed25519 key pair as `JWT_SIGNING_KEY` and `JWT_VERIFY_KEYS` values.
pub fn keygen(kid: &str) -> Result<(), String> {
    let (private, public) = api::auth::generate_key_pair(kid).map_err(|_| "the system RNG failed")?;
    println!("JWT_SIGNING_KEY={private}\nJWT_VERIFY_KEYS={public}");
    Ok(())
}

/// The principal a `token` command names. For staff, the demo member of that role:
/// `--role staff --dept RSJ` the department's approver (`rsj`), `--role staff --hall
/// spb-center` or `--role window` the window clerk (`chuangkou`), `--role hall_manager`
/// (`dating`), `--role supervisor` (`jiancha`), `--role dispatcher` (`paidan`), `--role agent`
/// (`daiban`, 月台村's 代办员), `--role admin`
/// (`admin`); `--sub USERID` any
/// demo member by WeCom user id.
pub fn principal(
    role: &str,
    dept: Option<String>,
    hall: Option<String>,
    sub: Option<String>,
) -> Result<Principal, String> {
    if role == "citizen" {
        let sub = sub.ok_or("--role citizen needs --sub CITIZEN_ID")?;
        return Ok(Principal::Citizen(sub.parse().map_err(|e| format!("--sub: {e}"))?));
    }
    let user = match (role, sub, dept, hall) {
        (_, Some(sub), _, _) => sub,
        ("staff" | "approver", None, Some(dept), None) => dept.to_lowercase(),
        ("staff" | "window", None, _, Some(h)) if h == seed::DEMO_HALL => "chuangkou".into(),
        ("window", None, None, None) => "chuangkou".into(),
        ("hall_manager", None, _, _) => "dating".into(),
        ("supervisor", None, _, _) => "jiancha".into(),
        ("dispatcher", None, _, _) => "paidan".into(),
        ("agent", None, _, _) => "daiban".into(),
        ("admin", None, _, _) => "admin".into(),
        (other, ..) => {
            return Err(format!(
                "no demo member for --role {other} with these options: staff --dept D, window, hall_manager, \
                 supervisor, dispatcher, agent, admin, or --sub USERID"
            ));
        }
    };
    let catalog = seed::parse(seed::DEMO_CATALOG)?;
    let directory = seed::demo_directory(&catalog, "")?;
    let member = directory
        .iter()
        .find(|m| m.wecom_user_id.as_str() == user)
        .ok_or_else(|| format!("{user} is not in the demo directory"))?;
    Ok(Principal::Staff(Staff::of(member)))
}
