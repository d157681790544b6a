//! The staff gate: a staff token is honoured only while the directory still says what the
//! token says.
//!
//! A token carries the version of the directory entry it was minted from. Every change an
//! admin makes to a member (roles, scope, disabling) writes a new version, so checking
//! "enabled, and at the token's version" retires every older token at once, without a
//! revocation list. The check reads the entry (one `GetItem`) and remembers the answer for
//! `STAFF_RECHECK_SECONDS` (240 by default, at most 240) per instance, so a busy window clerk
//! costs one read every four minutes, and a change takes effect everywhere within four
//! minutes and the second an eventually consistent read may lag: inside the five minutes
//! the contract promises. The age is measured on the function's clock, which tests set.
//! In a new instance the read goes out beside the verify keys' (see `Gate::verify`), so a
//! staff member's cold request waits for one round trip before its own work, not two.

use crate::ApiError;
use crate::audit::Actor;
use crate::auth::{Principal, Staff, Verifier};
use lambda_http::Request;
use model::StaffId;
use model::config::{ConfigError, Env};
use model::time::Clock;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use store::staff::StaffStore;

/// Who calls a route open to citizens and staff alike.
#[derive(Debug, Clone)]
pub enum Caller {
    Citizen(model::CitizenId),
    Staff(Actor),
}

/// The longest a directory answer is trusted.
const MAX_RECHECK_SECONDS: u64 = 240;
/// Entries remembered per instance; past it the memory starts afresh.
const MEMO_ENTRIES: usize = 2048;

/// What the directory said of a member, and when (epoch seconds on the function's clock).
#[derive(Debug, Clone, Copy)]
struct Seen {
    version: u64,
    enabled: bool,
    at: i64,
}

/// Cheap to clone: the clones share what they remember.
#[derive(Debug, Clone)]
pub struct Gate {
    directory: StaffStore,
    clock: Clock,
    recheck_s: i64,
    memo: Arc<Mutex<HashMap<StaffId, Seen>>>,
}

impl Gate {
    /// `STAFF_TABLE`, `STAFF_RECHECK_SECONDS` (240).
    pub fn from_env(env: &Env, client: store::Client, clock: Clock) -> Result<Self, ConfigError> {
        let recheck: u64 = env.parsed_or("STAFF_RECHECK_SECONDS", MAX_RECHECK_SECONDS)?;
        if recheck > MAX_RECHECK_SECONDS {
            return Err(ConfigError::new(
                "STAFF_RECHECK_SECONDS",
                "must be at most 240: a disabled member's tokens stop within 5 minutes",
            ));
        }
        Ok(Self {
            directory: StaffStore::new(client, env.required("STAFF_TABLE")?),
            clock,
            recheck_s: i64::try_from(recheck).unwrap_or(0),
            memo: Arc::new(Mutex::new(HashMap::new())),
        })
    }

    /// The gate reading `clock` (tests set it).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The calling member of staff, whose token the directory still stands behind; a
    /// citizen gets 403, a retired token 401.
    pub async fn staff(&self, verifier: &Verifier, req: &Request) -> Result<Actor, ApiError> {
        match self.verify(verifier, req).await? {
            (Principal::Staff(s), read) => self.admit(s, read, req).await,
            (Principal::Citizen(_), _) => Err(ApiError::forbidden()),
        }
    }

    /// The caller as a supervisor (监管), or 403.
    pub async fn supervisor(&self, verifier: &Verifier, req: &Request) -> Result<Actor, ApiError> {
        let actor = self.staff(verifier, req).await?;
        if actor.has(model::staff::StaffRole::Supervisor) {
            Ok(actor)
        } else {
            Err(ApiError::forbidden())
        }
    }

    /// The caller as a citizen or as a member of staff acting (checked against the
    /// directory), for the routes both may call.
    pub async fn caller(&self, verifier: &Verifier, req: &Request) -> Result<Caller, ApiError> {
        match self.verify(verifier, req).await? {
            (Principal::Staff(s), read) => Ok(Caller::Staff(self.admit(s, read, req).await?)),
            (Principal::Citizen(c), _) => Ok(Caller::Citizen(c)),
        }
    }

    /// The caller, with a staff token checked against the directory.
    pub async fn principal(&self, verifier: &Verifier, req: &Request) -> Result<Principal, ApiError> {
        match self.verify(verifier, req).await? {
            (Principal::Staff(s), read) => Ok(Principal::Staff(self.admit(s, read, req).await?.staff)),
            (citizen, _) => Ok(citizen),
        }
    }

    /// Checks the token. When that must first read the verify keys (a new instance's first
    /// request, or keys due to be read again) and the token claims a member not remembered,
    /// their directory entry is read at the same time: the cold request waits for one round
    /// trip, not two in a row. That entry comes back only when the verified token names the
    /// same member; a forged token's claim costs one read and is answered 401 all the same.
    async fn verify(&self, verifier: &Verifier, req: &Request) -> Result<(Principal, Option<Seen>), ApiError> {
        let now = self.clock.now().as_second();
        let ahead = verifier
            .must_read_keys()
            .then(|| Verifier::claimed_staff(req))
            .flatten()
            .filter(|id| self.remembered(id, now).is_none());
        let Some(claimed) = ahead else {
            return Ok((verifier.principal(req).await?, None));
        };
        let (principal, entry) = tokio::join!(verifier.principal(req), self.look_up(&claimed, now));
        let principal = principal?;
        let entry = match &principal {
            Principal::Staff(s) if s.id == claimed => Some(entry?),
            _ => None,
        };
        Ok((principal, entry))
    }

    /// Admits a verified member if the directory still says what their token says: as
    /// `read` beside the token's check, as remembered, or as read now.
    async fn admit(&self, staff: Staff, read: Option<Seen>, req: &Request) -> Result<Actor, ApiError> {
        let now = self.clock.now().as_second();
        let seen = match read.or_else(|| self.remembered(&staff.id, now)) {
            Some(seen) => seen,
            None => self.look_up(&staff.id, now).await?,
        };
        self.remember(&staff.id, seen);
        if !seen.enabled || seen.version != staff.version {
            return Err(ApiError::unauthenticated("revoked"));
        }
        Ok(Actor {
            staff,
            request_id: Some(crate::http::request_id(req)),
        })
    }

    /// What the directory said of `id` within the recheck interval, if anything.
    fn remembered(&self, id: &StaffId, now: i64) -> Option<Seen> {
        let seen = self.memo().get(id).copied()?;
        (now.saturating_sub(seen.at) < self.recheck_s && seen.at <= now).then_some(seen)
    }

    /// The directory's entry for `id` now (not remembered: a claim read ahead of its check
    /// is remembered only once the token is verified).
    async fn look_up(&self, id: &StaffId, now: i64) -> Result<Seen, ApiError> {
        let member = self.directory.get(id).await?;
        Ok(Seen {
            version: member.as_ref().map_or(0, |m| m.version),
            enabled: member.as_ref().is_some_and(|m| !m.disabled),
            at: now,
        })
    }

    fn remember(&self, id: &StaffId, seen: Seen) {
        let mut memo = self.memo();
        if memo.len() >= MEMO_ENTRIES && !memo.contains_key(id) {
            memo.clear();
        }
        memo.insert(id.clone(), seen);
    }

    fn memo(&self) -> std::sync::MutexGuard<'_, HashMap<StaffId, Seen>> {
        self.memo.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
