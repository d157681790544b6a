//! The official account's access token, cached for every instance: read, leased for a
//! refresh by one instance at a time, stored by the lease holder, dropped when refused.

use super::{WechatStore, n, num, text};
use crate::StoreError;
use crate::{AttributeValue, error_code, s, sdk_error};

/// The shared access token of one appid, as cached.
#[derive(Debug, Clone, Default)]
pub struct CachedToken {
    pub token: Option<String>,
    pub expires_at: i64,
    pub lease_until: i64,
    pub force: bool,
}

impl WechatStore {
    pub async fn cached_token(&self, appid: &str) -> Result<CachedToken, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(format!("T#{appid}")))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| sdk_error("reading the cached access token", e))?;
        let Some(item) = out.item else {
            return Ok(CachedToken::default());
        };
        Ok(CachedToken {
            token: text(&item, "token"),
            expires_at: num(&item, "tokenExpiresAt"),
            lease_until: num(&item, "leaseUntil"),
            force: item
                .get("forceRefresh")
                .and_then(|v| v.as_bool().ok())
                .copied()
                .unwrap_or(false),
        })
    }

    /// Takes the right to refresh the token until `until` (epoch seconds), unless another
    /// instance holds an unexpired lease, or a token good past `fresh` is already stored:
    /// an instance that read an empty cache just before another stored a token (and let
    /// its lease go) must not fetch a second one.
    pub async fn take_lease(
        &self,
        appid: &str,
        holder: &str,
        now: i64,
        until: i64,
        fresh: i64,
    ) -> Result<bool, StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(format!("T#{appid}")))
            .update_expression("SET leaseUntil = :until, leaseHolder = :holder")
            .condition_expression(
                "(attribute_not_exists(leaseUntil) OR leaseUntil < :now) \
                 AND (attribute_not_exists(#t) OR tokenExpiresAt < :fresh)",
            )
            .expression_attribute_names("#t", "token")
            .expression_attribute_values(":until", n(until))
            .expression_attribute_values(":holder", s(holder))
            .expression_attribute_values(":now", n(now))
            .expression_attribute_values(":fresh", n(fresh))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if error_code(&e) == Some("ConditionalCheckFailedException") => Ok(false),
            Err(e) => Err(sdk_error("leasing the access token refresh", e)),
        }
    }

    /// Stores a fresh token and ends the lease.
    pub async fn store_token(&self, appid: &str, token: &str, expires_at: i64) -> Result<(), StoreError> {
        self.client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(format!("T#{appid}")))
            .update_expression("SET #t = :t, tokenExpiresAt = :e REMOVE leaseUntil, leaseHolder, forceRefresh")
            .expression_attribute_names("#t", "token")
            .expression_attribute_values(":t", s(token))
            .expression_attribute_values(":e", n(expires_at))
            .send()
            .await
            .map_err(|e| sdk_error("storing the access token", e))?;
        Ok(())
    }

    /// Drops the cached token if it is still `token` (the one WeChat refused) and asks the
    /// next refresh to force a new one. A token another instance already replaced stays.
    pub async fn drop_token(&self, appid: &str, token: &str) -> Result<bool, StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(format!("T#{appid}")))
            .update_expression("SET forceRefresh = :yes REMOVE #t, tokenExpiresAt")
            .condition_expression("#t = :t")
            .expression_attribute_names("#t", "token")
            .expression_attribute_values(":t", s(token))
            .expression_attribute_values(":yes", AttributeValue::Bool(true))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if error_code(&e) == Some("ConditionalCheckFailedException") => Ok(false),
            Err(e) => Err(sdk_error("dropping a refused access token", e)),
        }
    }
}
