//! Face-verified identities (实名核验) and the limit on binding attempts.
//!
//! A typed claim of an ID number proves nothing, so whoever claims a number first holds it.
//! A face-verified binding proves the person: it takes the number from an account that only
//! claimed it (the claim is released, both accounts told), and nothing takes it back.
//!
//! The claim `IDN#<idKey>` is read first to learn who holds it; the transaction that follows
//! is conditioned on exactly what was read (the holder, and that the claim is unverified),
//! so a change in between refuses it and the read starts again. No decision rests on a read
//! the write does not check.

use super::window::stored_identity;
use super::{Binding, CitizenStore, citizen_key};
use crate::outbox;
use crate::tx::{Outcome, Transaction};
use crate::{StoreError, s};
use aws_sdk_dynamodb::types::{AttributeValue, Update};
use model::time::rfc3339;
use model::verification::{released_notice, verified_notice};
use model::{CitizenId, Identity};

/// Reads of the claim before giving up on a claim that keeps changing under us.
const ATTEMPTS: usize = 3;

/// How a face-verified binding ended.
#[must_use]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// The account holds the number, verified (it may have held it claimed before).
    Verified,
    /// The number was claimed, unverified, by the other account named: released from it.
    Superseded(CitizenId),
    /// Another account verified the number, or this account holds another number.
    Taken,
}

impl CitizenStore {
    /// Binds `identity` to `me` as verified, writing `verified_notice` (and the released
    /// account's notice) to the outbox `outbox_table` in the same transaction.
    pub async fn verify(
        &self,
        me: &CitizenId,
        identity: &Identity,
        id_key: &str,
        outbox_table: &str,
        now: jiff::Timestamp,
    ) -> Result<Verification, StoreError> {
        let at = rfc3339(now);
        for _ in 0..ATTEMPTS {
            let holder = match self.claim_of(id_key).await? {
                None => None,
                // Verified already (a result sent again, or a race with itself that the
                // other attempt won): nothing to write, and no second notice.
                Some(c) if &c.citizen == me && c.verified => return Ok(Verification::Verified),
                Some(c) if &c.citizen == me => None,
                Some(c) if c.verified => return Ok(Verification::Taken),
                // A window's account for the person: adopt it as a typed binding would,
                // then verify what is now this account's.
                Some(c) if c.by_window => match self.adopt(me, identity, id_key, &at).await? {
                    Binding::Taken => continue,
                    _ => None,
                },
                Some(c) => Some(c.citizen),
            };
            let claim = Update::builder()
                .table_name(&self.table)
                .key("pk", s(format!("IDN#{id_key}")))
                .expression_attribute_values(":me", s(me.as_str()))
                .expression_attribute_values(":at", s(at.clone()))
                .expression_attribute_values(":yes", AttributeValue::Bool(true));
            let claim = match &holder {
                None => claim
                    .update_expression("SET citizenId = :me, claimedAt = :at, verified = :yes")
                    .condition_expression("attribute_not_exists(pk) OR citizenId = :me"),
                Some(other) => claim
                    .update_expression("SET citizenId = :me, claimedAt = :at, verified = :yes, supersededFrom = :other")
                    .condition_expression("citizenId = :other AND attribute_not_exists(verified)")
                    .expression_attribute_values(":other", s(other.as_str())),
            };
            let mine = Update::builder()
                .table_name(&self.table)
                .key("pk", citizen_key(me))
                .update_expression("SET #identity = :identity, idKey = :key")
                .expression_attribute_names("#identity", "identity")
                .condition_expression("attribute_exists(pk) AND (attribute_not_exists(idKey) OR idKey = :key)")
                .expression_attribute_values(":identity", stored_identity(identity, &at, Some(&at)))
                .expression_attribute_values(":key", s(id_key));
            let mut tx = Transaction::new("verifying an identity");
            tx.update(Step::Claim, claim)?;
            tx.update(Step::Mine, mine)?;
            tx.item(
                Step::Notice,
                outbox::item(&verified_notice(me, now), outbox_table, now)?,
            );
            if let Some(other) = &holder {
                let theirs = Update::builder()
                    .table_name(&self.table)
                    .key("pk", citizen_key(other))
                    .update_expression("SET identityReleasedAt = :at REMOVE #identity, idKey")
                    .expression_attribute_names("#identity", "identity")
                    .condition_expression("idKey = :key")
                    .expression_attribute_values(":at", s(at.clone()))
                    .expression_attribute_values(":key", s(id_key));
                tx.update(Step::Theirs, theirs)?;
                tx.item(
                    Step::Notice,
                    outbox::item(&released_notice(other, now), outbox_table, now)?,
                );
            }
            match tx.run(&self.client).await? {
                Outcome::Done => {
                    return Ok(holder.map_or(Verification::Verified, Verification::Superseded));
                }
                // This account holds another number: no reread changes that.
                refused if refused.refused(Step::Mine) => return Ok(Verification::Taken),
                // The claim moved, or its holder's account did: read it again.
                Outcome::Refused(_) => {}
            }
        }
        Ok(Verification::Taken)
    }

    /// A typed binding sent again by an account verified with that number: only the phone
    /// may change (the name and number are what the face verification vouched for).
    pub(super) async fn rebind_verified(
        &self,
        me: &CitizenId,
        identity: &Identity,
        id_key: &str,
    ) -> Result<Binding, StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", citizen_key(me))
            .update_expression("SET #identity.phone = :phone")
            .expression_attribute_names("#identity", "identity")
            .condition_expression(
                "idKey = :key AND #identity.realName = :name AND attribute_exists(#identity.verifiedAt)",
            )
            .expression_attribute_values(":key", s(id_key))
            .expression_attribute_values(":name", s(identity.real_name.expose()))
            .expression_attribute_values(":phone", s(identity.phone.expose()))
            .send()
            .await;
        Ok(if crate::conditional(result, "changing a verified identity's phone")? {
            Binding::Bound
        } else {
            Binding::Taken
        })
    }

    /// Counts one binding attempt of `me` on `day` (Asia/Shanghai; `yesterday` the day
    /// before); `false` once `max` were made that day. One `UpdateItem`: the count is an
    /// attribute of the citizen named for its day, and yesterday's is removed on the way, so
    /// an account keeps at most the few days it ever tried on (a number each).
    pub async fn count_attempt(
        &self,
        me: &CitizenId,
        day: &str,
        yesterday: &str,
        max: u32,
    ) -> Result<bool, StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", citizen_key(me))
            .update_expression("SET #today = if_not_exists(#today, :zero) + :one REMOVE #yesterday")
            .condition_expression("attribute_exists(pk) AND (attribute_not_exists(#today) OR #today < :max)")
            .expression_attribute_names("#today", format!("bind#{day}"))
            .expression_attribute_names("#yesterday", format!("bind#{yesterday}"))
            .expression_attribute_values(":zero", AttributeValue::N("0".into()))
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            .expression_attribute_values(":max", AttributeValue::N(max.to_string()))
            .send()
            .await;
        crate::conditional(result, "counting a binding attempt")
    }
}

/// The conditions of the verifying transaction, by what they guard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// The claim is unheld, ours, or held unverified by the account we read.
    Claim,
    /// This account holds no other number.
    Mine,
    /// The released account still holds the number.
    Theirs,
    /// A notice with this id was never written.
    Notice,
}
