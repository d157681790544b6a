//! Authentication: JWT issue and verification, roles, and the guards a handler calls first.
//!
//! Tokens are EdDSA (Ed25519): only the `auth` function holds a private key, every other
//! function holds public keys and cannot mint tokens. The algorithm is pinned, `exp`, `nbf`,
//! `iss` and `aud` are required and checked, and the header's `kid` picks the key, so during
//! a rotation two keys verify while only the new one signs.

mod signer;

pub use signer::{Issued, Signer, generate_key_pair};

use crate::error::ApiError;
use crate::secrets::Setting;
use base64_simd::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use lambda_http::Request;
use model::config::{ConfigError, Env};
use model::staff::{Member, StaffRole, WindowId};
use model::{CitizenId, DeptCode, HallId, StaffId};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Tokens longer than this are refused unread.
const MAX_TOKEN_BYTES: usize = 4096;
/// Clock skew tolerated between the issuer and a verifier.
const LEEWAY_SECONDS: u64 = 30;

/// The two kinds of caller a token names. What a member of staff may do is in `roles`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Citizen,
    Staff,
}

/// The claims this service writes and accepts.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    pub role: Role,
    /// A member of staff's roles, department, halls and windows, as the directory said when
    /// the token was minted, and the directory entry's version then.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<StaffRole>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dept: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub halls: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub windows: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ver: Option<u64>,
    pub iat: u64,
    pub nbf: u64,
    pub exp: u64,
}

impl Claims {
    /// A citizen's claims: `sub`, valid from `iat` until `exp` (a member of staff's add their
    /// role and what the directory says of them).
    pub fn citizen(iss: impl Into<String>, aud: impl Into<String>, sub: impl Into<String>, iat: u64, exp: u64) -> Self {
        Self {
            iss: iss.into(),
            aud: aud.into(),
            sub: sub.into(),
            role: Role::Citizen,
            roles: Vec::new(),
            dept: None,
            halls: Vec::new(),
            windows: Vec::new(),
            ver: None,
            iat,
            nbf: iat,
            exp,
        }
    }
}

/// A member of staff as their token names them. Whether the directory still says so is
/// checked by [`crate::staff::Gate`] before anything is done in their name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    pub id: StaffId,
    pub roles: Vec<StaffRole>,
    pub dept: Option<DeptCode>,
    pub halls: Vec<HallId>,
    pub windows: Vec<WindowId>,
    /// The directory entry's version the token was minted from.
    pub version: u64,
}

impl Staff {
    /// The principal a directory entry signs in as.
    pub fn of(m: &Member) -> Self {
        Self {
            id: m.id.clone(),
            roles: m.roles.clone(),
            dept: m.dept_code.clone(),
            halls: m.hall_ids.clone(),
            windows: m.window_ids.clone(),
            version: m.version,
        }
    }

    pub fn has(&self, role: StaffRole) -> bool {
        self.roles.contains(&role)
    }

    /// The department an approver decides for; `None` for anyone else.
    pub fn approver_dept(&self) -> Option<&DeptCode> {
        self.dept.as_ref().filter(|_| self.has(StaffRole::Approver))
    }

    /// An approver of `dept`.
    pub fn approves_for(&self, dept: &DeptCode) -> bool {
        self.has(StaffRole::Approver) && self.dept.as_ref() == Some(dept)
    }

    /// Window staff or a hall manager of `hall`.
    pub fn works_at(&self, hall: &HallId) -> bool {
        (self.has(StaffRole::Window) || self.has(StaffRole::HallManager)) && self.halls.contains(hall)
    }

    /// The roles as the audit trail records them: `window,approver`.
    pub fn roles_text(&self) -> String {
        self.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",")
    }
}

/// Who is calling, once the token has been verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    Citizen(CitizenId),
    Staff(Staff),
}

/// Verifies tokens against the live public keys, read where a token is first checked.
#[derive(Clone)]
pub struct Verifier {
    keys: Setting<HashMap<String, DecodingKey>>,
    validation: Validation,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier").field("keys", &self.keys).finish()
    }
}

fn parse_key_list(name: &str, raw: &str) -> Result<Vec<(String, Vec<u8>)>, ConfigError> {
    let mut keys = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (kid, b64) = part
            .split_once('=')
            .ok_or_else(|| ConfigError::new(name, "expected kid=base64url key"))?;
        let bytes = URL_SAFE_NO_PAD
            .decode_to_vec(b64.trim())
            .map_err(|_| ConfigError::new(name, format!("key {kid} is not base64url")))?;
        if kid.trim().is_empty() {
            return Err(ConfigError::new(name, "a key has an empty kid"));
        }
        keys.push((kid.trim().to_owned(), bytes));
    }
    if keys.is_empty() {
        return Err(ConfigError::new(name, "holds no key"));
    }
    Ok(keys)
}

impl Verifier {
    /// `JWT_VERIFY_KEYS` (`kid=base64url(Ed25519 public key),…`), `JWT_ISSUER`, `JWT_AUDIENCE`.
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let keys = Setting::from_env(env, "JWT_VERIFY_KEYS", |raw| {
            let mut keys = HashMap::new();
            for (kid, bytes) in parse_key_list("JWT_VERIFY_KEYS", raw)? {
                if bytes.len() != 32 {
                    return Err(ConfigError::new(
                        "JWT_VERIFY_KEYS",
                        format!("key {kid} is not a 32-byte Ed25519 public key"),
                    ));
                }
                keys.insert(kid, DecodingKey::from_ed_der(&bytes));
            }
            Ok(keys)
        })?;
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[env.required("JWT_ISSUER")?]);
        validation.set_audience(&[env.required("JWT_AUDIENCE")?]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECONDS;
        Ok(Self { keys, validation })
    }

    /// Checks a token and returns who it names; every failure is the same 401 to the client.
    pub async fn verify(&self, token: &str) -> Result<Principal, ApiError> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(ApiError::unauthenticated("token_too_large"));
        }
        let header = jsonwebtoken::decode_header(token).map_err(|_| ApiError::unauthenticated("malformed"))?;
        if header.alg != Algorithm::EdDSA {
            return Err(ApiError::unauthenticated("algorithm"));
        }
        let keys = self.keys.get().await?;
        let key = header.kid.as_deref().and_then(|kid| keys.get(kid));
        let key = key.ok_or_else(|| ApiError::unauthenticated("unknown_key"))?;
        let data = jsonwebtoken::decode::<Claims>(token, key, &self.validation).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind::*;
            ApiError::unauthenticated(match e.kind() {
                ExpiredSignature => "expired",
                ImmatureSignature => "not_yet_valid",
                InvalidAudience => "audience",
                InvalidIssuer => "issuer",
                _ => "invalid",
            })
        })?;
        principal_of(data.claims)
    }

    /// Whether checking a token now must first read the keys: a new instance, or keys due to
    /// be read again.
    pub fn must_read_keys(&self) -> bool {
        !self.keys.is_ready()
    }

    /// The member of staff the request's token claims to be, taken from it *unchecked*: only
    /// so that their directory entry can be read while the keys that check it are. Nothing
    /// may be done in this name before [`Self::verify`] has passed.
    pub fn claimed_staff(req: &Request) -> Option<StaffId> {
        #[derive(Deserialize)]
        struct Claimed {
            sub: String,
            role: Role,
        }
        let token = crate::http::bearer(req).filter(|t| t.len() <= MAX_TOKEN_BYTES)?;
        let payload = URL_SAFE_NO_PAD.decode_to_vec(token.split('.').nth(1)?).ok()?;
        let claimed: Claimed = serde_json::from_slice(&payload).ok()?;
        (claimed.role == Role::Staff).then(|| claimed.sub.parse().ok())?
    }

    /// The caller, or 401 when the request has no valid token.
    pub async fn principal(&self, req: &Request) -> Result<Principal, ApiError> {
        let token = crate::http::bearer(req).ok_or_else(|| ApiError::unauthenticated("missing"))?;
        self.verify(token).await
    }

    /// The calling citizen; staff get 403.
    pub async fn citizen(&self, req: &Request) -> Result<CitizenId, ApiError> {
        match self.principal(req).await? {
            Principal::Citizen(id) => Ok(id),
            _ => Err(ApiError::forbidden()),
        }
    }

    /// The member of staff the token names; citizens get 403. Handlers go through
    /// [`crate::staff::Gate::staff`], which also asks the directory.
    pub async fn staff_claims(&self, req: &Request) -> Result<Staff, ApiError> {
        match self.principal(req).await? {
            Principal::Staff(s) => Ok(s),
            _ => Err(ApiError::forbidden()),
        }
    }
}

fn principal_of(c: Claims) -> Result<Principal, ApiError> {
    let bad = || ApiError::unauthenticated("claims");
    match c.role {
        Role::Citizen
            if c.roles.is_empty()
                && c.dept.is_none()
                && c.halls.is_empty()
                && c.windows.is_empty()
                && c.ver.is_none() =>
        {
            Ok(Principal::Citizen(c.sub.parse().map_err(|_| bad())?))
        }
        Role::Staff if !c.roles.is_empty() => Ok(Principal::Staff(Staff {
            id: c.sub.parse().map_err(|_| bad())?,
            roles: c.roles,
            dept: c.dept.as_deref().map(str::parse).transpose().map_err(|_| bad())?,
            halls: parse_all(&c.halls).ok_or_else(bad)?,
            windows: parse_all(&c.windows).ok_or_else(bad)?,
            version: c.ver.ok_or_else(bad)?,
        })),
        _ => Err(bad()),
    }
}

fn parse_all<T: std::str::FromStr>(raw: &[String]) -> Option<Vec<T>> {
    raw.iter().map(|r| r.parse().ok()).collect()
}
