//! Accounts a hall's window opens (收件 for a person who never used the mini-program), and
//! how the person's own WeChat account adopts one when they bind the same ID number.
//!
//! A window's account is `C#<id>` with `origin: window` and no openid, its id derived from
//! the person's `idKey` ([`CitizenId::for_person`]); its claim `IDN#<idKey>` carries
//! `origin: window` too. Binding that number from a WeChat account later finds the claim
//! taken; rather than refusing, one transaction moves the claim to the WeChat account,
//! binds it with `adopted` naming the window's account, and marks that one `mergedInto`.
//! The applications then move over ([`crate::applications::ApplicationStore::reown`]).

use super::{Binding, CitizenStore, citizen_key};
use crate::tx::{Outcome, Transaction};
use crate::{AttributeValue, Item, StoreError, s, sdk_error};
use aws_sdk_dynamodb::types::{Put, Update};
use model::time::rfc3339;
use model::{CitizenId, Identity};

const WINDOW: &str = "window";

/// An identity as the citizen item keeps it (full values: the store is the one place);
/// `verified_at` when WeChat's face verification vouched for it.
pub(super) fn stored_identity(identity: &Identity, at: &str, verified_at: Option<&str>) -> AttributeValue {
    let mut stored = Item::new();
    stored.insert("realName".into(), s(identity.real_name.expose()));
    stored.insert("idNumber".into(), s(identity.id_number.expose()));
    stored.insert("phone".into(), s(identity.phone.expose()));
    stored.insert("boundAt".into(), s(at));
    if let Some(v) = verified_at {
        stored.insert("level".into(), s(model::IdentityLevel::Verified.as_str()));
        stored.insert("verifiedAt".into(), s(v));
    }
    AttributeValue::M(stored)
}

/// Who holds an ID number's claim, and whether a window opened that account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    pub citizen: CitizenId,
    pub by_window: bool,
    /// The holder's face was matched to the number: no one else can take it.
    pub verified: bool,
}

impl CitizenStore {
    /// The account an ID number (by its key) is bound to, if any.
    pub async fn claim_of(&self, id_key: &str) -> Result<Option<Claimed>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(format!("IDN#{id_key}")))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| sdk_error("reading an identity claim", e))?;
        let Some(item) = out.item else { return Ok(None) };
        let citizen = item
            .get("citizenId")
            .and_then(|v| v.as_s().ok())
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| StoreError::fault("reading an identity claim", std::io::Error::other("no citizen id")))?;
        let by_window = item
            .get("origin")
            .and_then(|v| v.as_s().ok())
            .is_some_and(|o| o == WINDOW);
        let verified = item.get("verified").and_then(|v| v.as_bool().ok()).copied() == Some(true);
        Ok(Some(Claimed {
            citizen,
            by_window,
            verified,
        }))
    }

    /// The account of the person with this identity: theirs if they have one, else one the
    /// window opens now (account and claim in one transaction, each only if absent, so two
    /// windows at once open one account).
    pub async fn account_for(
        &self,
        id_key: &str,
        identity: &Identity,
        now: jiff::Timestamp,
    ) -> Result<CitizenId, StoreError> {
        if let Some(claimed) = self.claim_of(id_key).await? {
            return Ok(claimed.citizen);
        }
        let id = CitizenId::for_person(id_key);
        let at = rfc3339(now);
        let claim = Put::builder()
            .table_name(&self.table)
            .item("pk", s(format!("IDN#{id_key}")))
            .item("citizenId", s(id.as_str()))
            .item("claimedAt", s(at.clone()))
            .item("origin", s(WINDOW))
            .condition_expression("attribute_not_exists(pk)");
        let account = Put::builder()
            .table_name(&self.table)
            .item("pk", citizen_key(&id))
            .item("citizenId", s(id.as_str()))
            .item("createdAt", s(at.clone()))
            .item("origin", s(WINDOW))
            .item("identity", stored_identity(identity, &at, None))
            .item("idKey", s(id_key))
            .condition_expression("attribute_not_exists(pk)");
        let mut tx = Transaction::new("opening an account at a window");
        tx.put((), claim)?;
        tx.put((), account)?;
        match tx.run(&self.client).await? {
            Outcome::Done => Ok(id),
            // Opened meanwhile (by another window, or bound through WeChat): whoever holds
            // the claim now.
            Outcome::Refused(_) => self.claim_of(id_key).await?.map(|c| c.citizen).ok_or_else(|| {
                StoreError::fault(
                    "opening an account at a window",
                    std::io::Error::other("no claim after a refusal"),
                )
            }),
        }
    }

    /// A binding refused because the number is claimed: if a window's account holds it, this
    /// account adopts that one; otherwise the number is taken.
    pub(super) async fn adopt(
        &self,
        me: &CitizenId,
        identity: &Identity,
        id_key: &str,
        at: &str,
    ) -> Result<Binding, StoreError> {
        let old = match self.claim_of(id_key).await? {
            Some(c) if c.by_window && &c.citizen != me => c.citizen,
            _ => return Ok(Binding::Taken),
        };
        let claim = Update::builder()
            .table_name(&self.table)
            .key("pk", s(format!("IDN#{id_key}")))
            .update_expression("SET citizenId = :me, adoptedFrom = :old, claimedAt = :at REMOVE origin")
            .condition_expression("citizenId = :old AND origin = :window")
            .expression_attribute_values(":me", s(me.as_str()))
            .expression_attribute_values(":old", s(old.as_str()))
            .expression_attribute_values(":at", s(at))
            .expression_attribute_values(":window", s(WINDOW));
        let mine = Update::builder()
            .table_name(&self.table)
            .key("pk", citizen_key(me))
            .update_expression("SET #identity = :identity, idKey = :key, adopted = :old")
            .expression_attribute_names("#identity", "identity")
            .condition_expression("attribute_exists(pk) AND attribute_not_exists(idKey)")
            .expression_attribute_values(":identity", stored_identity(identity, at, None))
            .expression_attribute_values(":key", s(id_key))
            .expression_attribute_values(":old", s(old.as_str()));
        let theirs = Update::builder()
            .table_name(&self.table)
            .key("pk", citizen_key(&old))
            .update_expression("SET mergedInto = :me")
            .condition_expression("attribute_exists(pk) AND attribute_not_exists(openid)")
            .expression_attribute_values(":me", s(me.as_str()));
        let mut tx = Transaction::new("adopting a window's account");
        tx.update((), claim)?;
        tx.update((), mine)?;
        tx.update((), theirs)?;
        Ok(match tx.run(&self.client).await? {
            Outcome::Done => Binding::Adopted(old),
            Outcome::Refused(_) => Binding::Taken,
        })
    }
}
