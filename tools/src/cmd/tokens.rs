//! Tokens for local use: a JWT for any principal, signed with the demo key, and new key pairs.

use super::stack::{Ctx, demo_env};
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

pub fn principal(
    role: &str,
    dept: Option<String>,
    hall: Option<String>,
    sub: Option<String>,
) -> Result<Principal, String> {
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
