//! The access token of one WeChat account, shared by every instance through DynamoDB.
//!
//! WeChat issues a token per appid and limits how often one may be fetched, so instances
//! must not each fetch their own. The token lives in the WeChat table; when it is missing or
//! near expiry, one instance takes a short conditional-write lease and fetches it with
//! `stable_token`, while the others wait and read what it stores. Ten cold instances at once
//! make one token call. Each instance also keeps the token in memory until near expiry, so a
//! warm instance reads nothing.
//!
//! Token and lease times are the wall clock's: they are about WeChat's clock, not the
//! business day the rest of the code may be told to pretend.

use crate::server::{Api, CallError};
use api::secrets::{Setting, Unavailable};
use std::sync::Mutex;
use std::time::Duration;
use store::wechat::WechatStore;

/// Refresh this long before WeChat's expiry, so no call carries a token about to lapse.
const MARGIN_S: i64 = 300;
/// How long one instance may hold the right to refresh.
const LEASE_S: i64 = 10;
/// How often a waiting instance looks for the token the lease holder stores.
const POLL: Duration = Duration::from_millis(100);

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("the token store failed")]
    Store(#[from] store::StoreError),
    #[error("fetching the access token")]
    Wechat(#[from] CallError),
    #[error("the account's secret is not at hand")]
    Secret(#[from] Unavailable),
    #[error("no access token arrived while another instance held the refresh lease")]
    Waited,
}

pub struct Tokens {
    api: Api,
    /// A WeCom corpid: fetch with WeCom's `gettoken` rather than WeChat's `stable_token`.
    wecom: Option<String>,
    store: WechatStore,
    appid: String,
    /// Read only to fetch a token: an instance that finds one in the store never reads it.
    secret: Setting<String>,
    holder: String,
    memo: Mutex<Option<(String, i64)>>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("appid", &self.appid)
            .finish_non_exhaustive()
    }
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

impl Tokens {
    pub fn new(api: Api, store: WechatStore, appid: impl Into<String>, secret: Setting<String>) -> Self {
        Self {
            api,
            wecom: None,
            store,
            appid: appid.into(),
            secret,
            holder: store::random_id("i"),
            memo: Mutex::new(None),
        }
    }

    /// The token of a WeCom application, cached under `wecom.<corpid>.<agentid>`.
    pub fn wecom(api: Api, store: WechatStore, corpid: &str, agentid: &str, secret: Setting<String>) -> Self {
        Self {
            wecom: Some(corpid.to_owned()),
            ..Self::new(api, store, format!("wecom.{corpid}.{agentid}"), secret)
        }
    }

    pub fn appid(&self) -> &str {
        &self.appid
    }

    /// A token valid for at least the margin.
    pub async fn get(&self) -> Result<String, TokenError> {
        if let Some((token, expires)) = self
            .memo
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
            && expires.saturating_sub(now()) > MARGIN_S
        {
            return Ok(token);
        }
        // A lease lasts LEASE_S; waiting a little longer than two leases covers a holder that
        // died and the one who takes over after it.
        let deadline = now().saturating_add(2 * LEASE_S + 2);
        loop {
            let cached = self.store.cached_token(&self.appid).await?;
            if let Some(token) = cached
                .token
                .filter(|_| cached.expires_at.saturating_sub(now()) > MARGIN_S)
            {
                *self.memo.lock().unwrap_or_else(std::sync::PoisonError::into_inner) =
                    Some((token.clone(), cached.expires_at));
                return Ok(token);
            }
            let t = now();
            if (cached.lease_until < t)
                && self
                    .store
                    .take_lease(
                        &self.appid,
                        &self.holder,
                        t,
                        t.saturating_add(LEASE_S),
                        t.saturating_add(MARGIN_S),
                    )
                    .await?
            {
                let secret = self.secret.get().await?;
                let fresh = if let Some(corpid) = &self.wecom {
                    self.api.wecom_token(corpid, &secret).await?
                } else {
                    self.api.stable_token(&self.appid, &secret, cached.force).await?
                };
                let expires = now().saturating_add(fresh.expires_in);
                self.store.store_token(&self.appid, &fresh.value, expires).await?;
                tracing::info!(appid = %self.appid, forced = cached.force, "fetched a new access token");
                *self.memo.lock().unwrap_or_else(std::sync::PoisonError::into_inner) =
                    Some((fresh.value.clone(), expires));
                return Ok(fresh.value);
            }
            if now() > deadline {
                return Err(TokenError::Waited);
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// WeChat refused `token`: forget it here, and in the store unless another instance has
    /// already replaced it, so the next `get` fetches (or finds) a new one.
    pub async fn refused(&self, token: &str) -> Result<(), TokenError> {
        {
            let mut memo = self.memo.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if memo.as_ref().is_some_and(|(t, _)| t == token) {
                *memo = None;
            }
        }
        self.store.drop_token(&self.appid, token).await?;
        Ok(())
    }
}
