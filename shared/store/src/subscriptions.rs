//! What each citizen agreed to receive: the mini-program subscribe-message templates they
//! accepted, and the citizen behind a unionid, for messages that arrive through the
//! official account.
//!
//! Consents live on the citizen item (`C#<citizenId>` in the citizens table) as one number
//! per template, `sub#<templateId>`: a one-time subscription (一次性订阅) allows one message
//! per acceptance, so each acceptance adds one and each message sent takes one. Taking is
//! conditional (`> 0`) and happens in the notifier's transaction that also records the
//! channel on the notification, so a retried send never takes a second one.
//!
//! Access patterns: grant and revoke are one `UpdateItem` each; the notifier reads the
//! citizen with one `GetItem`; `ByUnionId` (a sparse GSI on `unionid`) finds a citizen from
//! the unionid an official-account follower carries.

use super::{AttributeValue, Client, Item, s, sdk_error};
use crate::StoreError;
use aws_sdk_dynamodb::types::{TransactWriteItem, Update};
use model::CitizenId;
use std::collections::BTreeMap;

/// The citizen as the notifier needs them.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub openid: String,
    pub unionid: Option<String>,
    /// Messages still allowed, by template id.
    pub consents: BTreeMap<String, i64>,
}

#[derive(Debug, Clone)]
pub struct Subscriptions {
    client: Client,
    table: String,
}

fn key(id: &CitizenId) -> AttributeValue {
    s(format!("C#{}", id.as_str()))
}

fn attr(template: &str) -> String {
    format!("sub#{template}")
}

impl Subscriptions {
    pub fn new(client: Client, citizens_table: impl Into<String>) -> Self {
        Self {
            client,
            table: citizens_table.into(),
        }
    }

    /// One more message allowed; `false` if the citizen is unknown (never logged in).
    pub async fn grant(&self, id: &CitizenId, template: &str) -> Result<bool, StoreError> {
        self.change(id, "ADD #a :one", template, "recording an accepted subscription")
            .await
    }

    /// No more messages of this template (the citizen switched it off in settings).
    pub async fn revoke(&self, id: &CitizenId, template: &str) -> Result<bool, StoreError> {
        self.change(id, "REMOVE #a", template, "recording a revoked subscription")
            .await
    }

    async fn change(
        &self,
        id: &CitizenId,
        update: &str,
        template: &str,
        what: &'static str,
    ) -> Result<bool, StoreError> {
        let mut req = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", key(id))
            .update_expression(update)
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_names("#a", attr(template));
        if update.contains(":one") {
            req = req.expression_attribute_values(":one", AttributeValue::N("1".into()));
        }
        crate::conditional(req.send().await, what)
    }

    /// Takes one allowed message, for a transaction: fails its condition if none is left.
    pub fn take(&self, id: &CitizenId, template: &str) -> Result<TransactWriteItem, StoreError> {
        let update = Update::builder()
            .table_name(&self.table)
            .key("pk", key(id))
            .update_expression("ADD #a :minus")
            .condition_expression("#a > :zero")
            .expression_attribute_names("#a", attr(template))
            .expression_attribute_values(":minus", AttributeValue::N("-1".into()))
            .expression_attribute_values(":zero", AttributeValue::N("0".into()))
            .build()
            .map_err(|e| StoreError::fault("building a consent update", e))?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    pub async fn recipient(&self, id: &CitizenId) -> Result<Option<Recipient>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", key(id))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| sdk_error("reading a notification's recipient", e))?;
        Ok(out.item.and_then(|item| recipient(&item)))
    }

    /// The citizen whose mini-program login carried this unionid.
    pub async fn citizen_of(&self, unionid: &str) -> Result<Option<CitizenId>, StoreError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .index_name("ByUnionId")
            .key_condition_expression("unionid = :u")
            .expression_attribute_values(":u", s(unionid))
            .limit(1)
            .send()
            .await
            .map_err(|e| sdk_error("finding a citizen by unionid", e))?;
        Ok(out
            .items()
            .first()
            .and_then(|item| item.get("citizenId")?.as_s().ok()?.parse().ok()))
    }
}

fn recipient(item: &Item) -> Option<Recipient> {
    let consents = item
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("sub#")?.to_owned(), v.as_n().ok()?.parse().ok()?)))
        .collect();
    Some(Recipient {
        openid: item.get("openid")?.as_s().ok()?.clone(),
        unionid: item.get("unionid").and_then(|v| v.as_s().ok()).cloned(),
        consents,
    })
}
