//! Authentication: JWT issue and verification, roles, and the guards a handler calls first.
//!
//! Tokens are EdDSA (Ed25519): only the `auth` function holds a private key, every other
//! function holds public keys and cannot mint tokens. The algorithm is pinned, `exp`, `nbf`,
//! `iss` and `aud` are required and checked, and the header's `kid` picks the key, so during
//! a rotation two keys verify while only the new one signs.

use crate::error::ApiError;
use base64_simd::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use lambda_http::Request;
use model::config::{ConfigError, Env};
use model::staff::{Member, StaffRole, WindowId};
use model::{CitizenId, DeptCode, HallId, StaffId};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Tokens longer than this are refused unread.
const MAX_TOKEN_BYTES: usize = 4096;
/// A staff token lives at most one working shift.
const MAX_STAFF_TTL_SECONDS: u64 = 8 * 3600;
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

/// Verifies tokens against the live public keys.
#[derive(Clone)]
pub struct Verifier {
    keys: HashMap<String, DecodingKey>,
    validation: Validation,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("kids", &self.keys.keys().collect::<Vec<_>>())
            .finish()
    }
}

fn parse_key_list(env: &Env, name: &str) -> Result<Vec<(String, Vec<u8>)>, ConfigError> {
    let raw = env.required(name)?;
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
        let mut keys = HashMap::new();
        for (kid, bytes) in parse_key_list(env, "JWT_VERIFY_KEYS")? {
            if bytes.len() != 32 {
                return Err(ConfigError::new(
                    "JWT_VERIFY_KEYS",
                    format!("key {kid} is not a 32-byte Ed25519 public key"),
                ));
            }
            keys.insert(kid, DecodingKey::from_ed_der(&bytes));
        }
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[env.required("JWT_ISSUER")?]);
        validation.set_audience(&[env.required("JWT_AUDIENCE")?]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECONDS;
        Ok(Self { keys, validation })
    }

    /// Checks a token and returns who it names; every failure is the same 401 to the client.
    pub fn verify(&self, token: &str) -> Result<Principal, ApiError> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(ApiError::unauthenticated("token_too_large"));
        }
        let header = jsonwebtoken::decode_header(token).map_err(|_| ApiError::unauthenticated("malformed"))?;
        if header.alg != Algorithm::EdDSA {
            return Err(ApiError::unauthenticated("algorithm"));
        }
        let key = header.kid.as_deref().and_then(|kid| self.keys.get(kid));
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

    /// The caller, or 401 when the request has no valid token.
    pub fn principal(&self, req: &Request) -> Result<Principal, ApiError> {
        let token = crate::http::bearer(req).ok_or_else(|| ApiError::unauthenticated("missing"))?;
        self.verify(token)
    }

    /// The calling citizen; staff get 403.
    pub fn citizen(&self, req: &Request) -> Result<CitizenId, ApiError> {
        match self.principal(req)? {
            Principal::Citizen(id) => Ok(id),
            _ => Err(ApiError::forbidden()),
        }
    }

    /// The member of staff the token names; citizens get 403. Handlers go through
    /// [`crate::staff::Gate::staff`], which also asks the directory.
    pub fn staff_claims(&self, req: &Request) -> Result<Staff, ApiError> {
        match self.principal(req)? {
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

/// Issues tokens with the current signing key.
#[derive(Clone)]
pub struct Signer {
    kid: String,
    key: EncodingKey,
    issuer: String,
    audience: String,
    ttl_seconds: u64,
    staff_ttl_seconds: u64,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer").field("kid", &self.kid).finish_non_exhaustive()
    }
}

/// A freshly issued token.
#[derive(Debug, Clone)]
pub struct Issued {
    pub token: String,
    pub expires_at: jiff::Timestamp,
}

impl Signer {
    /// `JWT_SIGNING_KEY` (`kid=base64url(PKCS#8 Ed25519 key)`), `JWT_ISSUER`, `JWT_AUDIENCE`,
    /// `JWT_TTL_SECONDS` (default 7200).
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let mut keys = parse_key_list(env, "JWT_SIGNING_KEY")?;
        if keys.len() != 1 {
            return Err(ConfigError::new("JWT_SIGNING_KEY", "must hold exactly one key"));
        }
        let (kid, der) = keys.remove(0);
        aws_lc_rs::signature::Ed25519KeyPair::from_pkcs8(&der)
            .map_err(|_| ConfigError::new("JWT_SIGNING_KEY", "is not a PKCS#8 Ed25519 private key"))?;
        let ttl_seconds = env.parsed_or("JWT_TTL_SECONDS", 7200u64)?;
        if !(60..=30 * 24 * 3600).contains(&ttl_seconds) {
            return Err(ConfigError::new("JWT_TTL_SECONDS", "must be between 60 and 2592000"));
        }
        let staff_ttl_seconds = env.parsed_or("STAFF_TOKEN_TTL_SECONDS", MAX_STAFF_TTL_SECONDS)?;
        if !(60..=MAX_STAFF_TTL_SECONDS).contains(&staff_ttl_seconds) {
            return Err(ConfigError::new(
                "STAFF_TOKEN_TTL_SECONDS",
                "must be between 60 and 28800 (one shift)",
            ));
        }
        Ok(Self {
            kid,
            key: EncodingKey::from_ed_der(&der),
            issuer: env.required("JWT_ISSUER")?.to_owned(),
            audience: env.required("JWT_AUDIENCE")?.to_owned(),
            ttl_seconds,
            staff_ttl_seconds,
        })
    }

    /// A token for `principal`: a citizen's lives `JWT_TTL_SECONDS`, a member of staff's one
    /// working shift at most (`STAFF_TOKEN_TTL_SECONDS`, 8 hours).
    pub fn issue(&self, principal: &Principal) -> Result<Issued, ApiError> {
        let now = jiff::Timestamp::now();
        let iat = now.as_second().max(0) as u64;
        let mut claims = Claims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: String::new(),
            role: Role::Citizen,
            roles: Vec::new(),
            dept: None,
            halls: Vec::new(),
            windows: Vec::new(),
            ver: None,
            iat,
            nbf: iat,
            exp: iat.saturating_add(self.ttl_seconds),
        };
        match principal {
            Principal::Citizen(id) => claims.sub = id.to_string(),
            Principal::Staff(s) => {
                claims.sub = s.id.to_string();
                claims.role = Role::Staff;
                claims.roles = s.roles.clone();
                claims.dept = s.dept.as_ref().map(ToString::to_string);
                claims.halls = s.halls.iter().map(ToString::to_string).collect();
                claims.windows = s.windows.iter().map(ToString::to_string).collect();
                claims.ver = Some(s.version);
                claims.exp = iat.saturating_add(self.staff_ttl_seconds);
            }
        }
        let expires_at = i64::try_from(claims.exp)
            .ok()
            .and_then(|s| jiff::Timestamp::from_second(s).ok())
            .unwrap_or(jiff::Timestamp::MAX);
        self.sign(&claims).map(|token| Issued { token, expires_at })
    }

    /// Signs arbitrary claims with this key (tests use it to build edge-case tokens).
    pub fn sign(&self, claims: &Claims) -> Result<String, ApiError> {
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.key).map_err(|e| ApiError::internal("signing a token", e))
    }
}

/// A new Ed25519 key pair as config values: (`kid=private`, `kid=public`).
pub fn generate_key_pair(kid: &str) -> Result<(String, String), aws_lc_rs::error::Unspecified> {
    use aws_lc_rs::signature::KeyPair;
    let rng = aws_lc_rs::rand::SystemRandom::new();
    let pkcs8 = aws_lc_rs::signature::Ed25519KeyPair::generate_pkcs8(&rng)?;
    let pair =
        aws_lc_rs::signature::Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).map_err(|_| aws_lc_rs::error::Unspecified)?;
    Ok((
        format!("{kid}={}", URL_SAFE_NO_PAD.encode_to_string(pkcs8.as_ref())),
        format!("{kid}={}", URL_SAFE_NO_PAD.encode_to_string(pair.public_key().as_ref())),
    ))
}
