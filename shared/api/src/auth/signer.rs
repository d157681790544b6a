//! Issuing tokens: the signing key (only the `auth` function holds one), the terms every
//! token carries, and new key pairs for a rotation.

use super::{Claims, Principal, Role, parse_key_list};
use crate::error::ApiError;
use crate::secrets::Setting;
use base64_simd::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use model::config::{ConfigError, Env};

/// A staff token lives at most one working shift.
const MAX_STAFF_TTL_SECONDS: u64 = 8 * 3600;

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

/// What every token says besides its key: `JWT_ISSUER`, `JWT_AUDIENCE`, and how long it lives.
#[derive(Debug, Clone)]
struct Terms {
    issuer: String,
    audience: String,
    ttl_seconds: u64,
    staff_ttl_seconds: u64,
}

impl Terms {
    fn from_env(env: &Env) -> Result<Self, ConfigError> {
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
            issuer: env.required("JWT_ISSUER")?.to_owned(),
            audience: env.required("JWT_AUDIENCE")?.to_owned(),
            ttl_seconds,
            staff_ttl_seconds,
        })
    }
}

impl Signer {
    /// The signer of a function that may read its key at run time: `JWT_SIGNING_KEY`
    /// (`kid=base64url(PKCS#8 Ed25519 key)`) or a reference to it, `JWT_ISSUER`,
    /// `JWT_AUDIENCE`, `JWT_TTL_SECONDS` (default 7200), `STAFF_TOKEN_TTL_SECONDS`.
    pub fn setting(env: &Env) -> Result<Setting<Self>, ConfigError> {
        let terms = Terms::from_env(env)?;
        Setting::from_env(env, "JWT_SIGNING_KEY", move |raw| Self::with_key(raw, terms.clone()))
    }

    /// A signer with the key given in `env` (the tools and the tests).
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        Self::with_key(env.required("JWT_SIGNING_KEY")?, Terms::from_env(env)?)
    }

    fn with_key(raw: &str, terms: Terms) -> Result<Self, ConfigError> {
        let mut keys = parse_key_list("JWT_SIGNING_KEY", raw)?;
        if keys.len() != 1 {
            return Err(ConfigError::new("JWT_SIGNING_KEY", "must hold exactly one key"));
        }
        let (kid, der) = keys.remove(0);
        aws_lc_rs::signature::Ed25519KeyPair::from_pkcs8(&der)
            .map_err(|_| ConfigError::new("JWT_SIGNING_KEY", "is not a PKCS#8 Ed25519 private key"))?;
        Ok(Self {
            kid,
            key: EncodingKey::from_ed_der(&der),
            issuer: terms.issuer,
            audience: terms.audience,
            ttl_seconds: terms.ttl_seconds,
            staff_ttl_seconds: terms.staff_ttl_seconds,
        })
    }

    /// A token for `principal`: a citizen's lives `JWT_TTL_SECONDS`, a member of staff's one
    /// working shift at most (`STAFF_TOKEN_TTL_SECONDS`, 8 hours).
    pub fn issue(&self, principal: &Principal) -> Result<Issued, ApiError> {
        let now = jiff::Timestamp::now();
        let iat = now.as_second().max(0) as u64;
        let mut claims = Claims::citizen(
            self.issuer.clone(),
            self.audience.clone(),
            String::new(),
            iat,
            iat.saturating_add(self.ttl_seconds),
        );
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
