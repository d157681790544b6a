//! The citizens table: WeChat accounts and their real-name bindings.
//!
//! Key schema: `pk` (S). Two kinds of item:
//!
//! | item | pk | attributes |
//! |---|---|---|
//! | citizen | `C#<citizenId>` | openid, unionid?, createdAt, lastLoginAt, loginCount, identity?, idKey?, `sub#<templateId>` consents (store/subscriptions.rs) |
//! | identity claim | `IDN#<idKey>` | citizenId, claimedAt, verified? (true once face-verified), supersededFrom? |
//!
//! `idKey` is HMAC-SHA256 of the ID number under `IDENTITY_HASH_KEY`: it lets one person's
//! ID number belong to one account without putting the number itself in a key.
//!
//! Index `ByUnionId` (sparse, on `unionid`): the citizen behind an official-account
//! follower (store/subscriptions.rs).
//!
//! Access patterns:
//! - Login (`POST /v1/auth/wechat`): one `UpdateItem` upsert on `C#<id>`; the id is derived
//!   from the openid, so no lookup is needed first. `loginCount` tells new from returning.
//! - Profile (`GET /v1/me`): one strongly consistent `GetItem` on `C#<id>`.
//! - Binding (`PUT /v1/me/identity`): one transaction: the claim `IDN#<idKey>` is put only
//!   if absent or already this citizen's, and the citizen is updated only if unbound or
//!   bound to the same number. Two accounts racing for one ID number: one wins. A claim
//!   held by an account a window opened (`origin: window`, no WeChat) is taken over instead:
//!   see the `window` module.
//! - Face verification (`POST /v1/me/identity/verification`): see the `verify` module; a
//!   claim's `GetItem`, then one transaction conditioned on what it read.
//! - A window's intake (收件) for a person: the claim's `GetItem` names their account; with
//!   none, one transaction opens one (the account and its claim, each if absent).

use super::{AttributeValue, Client, Item, from_item, s, sdk_error};
use crate::StoreError;
use crate::batch::{Batch, Ticket};
use crate::tx::{Outcome, Transaction};
use aws_sdk_dynamodb::types::{Put, Update};
use model::time::rfc3339;
use model::{CitizenId, Identity};
use serde::Deserialize;

mod verify;
mod window;

pub use verify::Verification;

/// The stored identity, full values: read only to serve the citizen and staff, never logged.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredIdentity {
    pub real_name: String,
    pub id_number: String,
    pub phone: String,
    pub bound_at: String,
    /// `verified` once WeChat's face verification vouched for it.
    #[serde(default)]
    pub level: model::IdentityLevel,
    #[serde(default)]
    pub verified_at: Option<String>,
}

impl std::fmt::Debug for StoredIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredIdentity")
            .field("id_number", &model::mask::id_number(&self.id_number))
            .field("phone", &model::mask::phone(&self.phone))
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Citizen {
    pub citizen_id: CitizenId,
    /// Empty for an account a window opened, until the person adopts it through WeChat.
    #[serde(default)]
    pub openid: String,
    #[serde(default)]
    pub unionid: Option<String>,
    pub created_at: String,
    #[serde(default)]
    pub last_login_at: String,
    #[serde(default)]
    pub login_count: u64,
    #[serde(default)]
    pub identity: Option<StoredIdentity>,
    /// The keyed hash of the bound ID number: the person behind the account.
    #[serde(default)]
    pub id_key: Option<String>,
    /// The account a window opened for this person, which this one adopted on binding:
    /// its applications move here (see the `window` module).
    #[serde(default)]
    pub adopted: Option<CitizenId>,
}

/// How a binding ended.
#[must_use]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Binding {
    Bound,
    /// The number is another account's, or this account holds another number.
    Taken,
    /// The number was held by an account a window opened for the person: this account took
    /// the claim over, and the applications of that one are to move here.
    Adopted(CitizenId),
}

#[derive(Debug, Clone)]
pub struct CitizenStore {
    client: Client,
    table: String,
}

fn citizen_key(id: &CitizenId) -> AttributeValue {
    s(format!("C#{id}"))
}

fn key_of(id: &CitizenId) -> Item {
    Item::from([("pk".to_owned(), citizen_key(id))])
}

/// The deployment's identity key (`IDENTITY_HASH_KEY`, at least 32 bytes) from its text.
pub fn identity_secret(text: &str) -> Result<Vec<u8>, model::config::ConfigError> {
    let secret = text.as_bytes().to_vec();
    if secret.len() < 32 {
        return Err(model::config::ConfigError::new(
            "IDENTITY_HASH_KEY",
            "must be at least 32 bytes",
        ));
    }
    Ok(secret)
}

/// HMAC-SHA256 of the ID number under the deployment's identity key, hex.
pub fn identity_key(secret: &[u8], id_number: &model::IdNumber) -> String {
    let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, secret);
    let tag = aws_lc_rs::hmac::sign(&key, id_number.expose().as_bytes());
    model::random::hex(tag.as_ref())
}

impl CitizenStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// Creates the citizen on first login, records the login otherwise. Returns the citizen
    /// and whether this login created it.
    pub async fn record_login(
        &self,
        id: &CitizenId,
        openid: &str,
        unionid: Option<&str>,
        now: jiff::Timestamp,
    ) -> Result<(Citizen, bool), StoreError> {
        let mut update = "SET citizenId = :id, openid = :openid, createdAt = if_not_exists(createdAt, :now), \
                          lastLoginAt = :now ADD loginCount :one"
            .to_owned();
        let mut req = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", citizen_key(id))
            .expression_attribute_values(":id", s(id.as_str()))
            .expression_attribute_values(":openid", s(openid))
            .expression_attribute_values(":now", s(rfc3339(now)))
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew);
        if let Some(u) = unionid {
            update = update.replacen(" ADD", ", unionid = :unionid ADD", 1);
            req = req.expression_attribute_values(":unionid", s(u));
        }
        let out = req
            .update_expression(update)
            .send()
            .await
            .map_err(|e| sdk_error("recording a login", e))?;
        let citizen: Citizen = from_item(out.attributes.unwrap_or_default(), "reading the logged-in citizen")?;
        let created = citizen.login_count == 1;
        Ok((citizen, created))
    }

    pub async fn get(&self, id: &CitizenId) -> Result<Option<Citizen>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", citizen_key(id))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| sdk_error("reading a citizen", e))?;
        out.item.map(|item| from_item(item, "reading a citizen")).transpose()
    }

    /// A citizen, in a batch of reads.
    pub fn citizen_in(&self, batch: &mut Batch<'_>, id: &CitizenId) -> Ticket<Citizen> {
        batch.get(&self.table, key_of(id), |item| from_item(item, "reading a citizen"))
    }

    /// Binds a real-name identity; `Taken` when the ID number belongs to another account, or
    /// this account is bound to another number.
    pub async fn bind_identity(
        &self,
        id: &CitizenId,
        identity: &Identity,
        id_key: &str,
        now: jiff::Timestamp,
    ) -> Result<Binding, StoreError> {
        let now = rfc3339(now);
        let stored = window::stored_identity(identity, &now, None);
        // A verified claim is never replaced by a typed one, not even the holder's own: the
        // put would drop its `verified`.
        let claim = Put::builder()
            .table_name(&self.table)
            .item("pk", s(format!("IDN#{id_key}")))
            .item("citizenId", s(id.as_str()))
            .item("claimedAt", s(now.clone()))
            .condition_expression("attribute_not_exists(pk) OR (citizenId = :id AND attribute_not_exists(verified))")
            .expression_attribute_values(":id", s(id.as_str()));
        let citizen = Update::builder()
            .table_name(&self.table)
            .key("pk", citizen_key(id))
            .update_expression("SET #identity = :identity, idKey = :key")
            .expression_attribute_names("#identity", "identity")
            .condition_expression(
                "attribute_exists(pk) AND (attribute_not_exists(idKey) OR idKey = :key) \
                 AND attribute_not_exists(#identity.verifiedAt)",
            )
            .expression_attribute_values(":identity", stored)
            .expression_attribute_values(":key", s(id_key));
        // Either condition failing means the same to the citizen: the number is not theirs
        // to bind (another account holds it, or theirs holds another), unless a window's
        // account holds it or theirs is verified with it (see below).
        let mut tx = Transaction::new("binding an identity");
        tx.put((), claim)?;
        tx.update((), citizen)?;
        if tx.run(&self.client).await? == Outcome::Done {
            return Ok(Binding::Bound);
        }
        match self.adopt(id, identity, id_key, &now).await? {
            Binding::Taken => self.rebind_verified(id, identity, id_key).await,
            other => Ok(other),
        }
    }
}
