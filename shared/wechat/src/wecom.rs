//! WeCom (企业微信; 政务微信 is a private deployment with the same API): who signs in.
//!
//! Staff sign in with WeCom OAuth: the console gets a one-time `code` and posts it here; the
//! access token (`gettoken`, shared across instances like the official account's, see
//! [`crate::token`]) turns it into the member's `userid` (`auth/getuserinfo`). A token WeCom
//! refuses is dropped and the call made once more with a fresh one.

use crate::server::{Api, CallError};
use crate::token::{TokenError, Tokens};
use model::config::{ConfigError, Env};
use store::wechat::WechatStore;

#[derive(Debug)]
pub struct Wecom {
    api: Api,
    tokens: Tokens,
    /// The application messages are sent from (`agentid`).
    agent: String,
}

/// Why a sign-in code did not name a member.
#[derive(Debug, thiserror::Error)]
pub enum WecomError {
    /// 40029: the code is unknown, used or expired.
    #[error("wecom rejected the sign-in code (40029)")]
    InvalidCode,
    #[error("wecom failed for now")]
    Unavailable(#[source] TokenError),
    #[error("wecom refused the call")]
    Refused(#[source] CallError),
}

impl From<TokenError> for WecomError {
    fn from(e: TokenError) -> Self {
        match e {
            TokenError::Wechat(e @ CallError::Refused { .. }) => WecomError::Refused(e),
            e => WecomError::Unavailable(e),
        }
    }
}

impl From<CallError> for WecomError {
    fn from(e: CallError) -> Self {
        match e {
            CallError::Refused { errcode: 40029, .. } => WecomError::InvalidCode,
            CallError::Refused { .. } => WecomError::Refused(e),
            e => WecomError::Unavailable(TokenError::Wechat(e)),
        }
    }
}

impl Wecom {
    /// `WECOM_API_BASE`, `WECOM_CORPID`, `WECOM_AGENTID`, `WECOM_SECRET`; the token cached in
    /// the WeChat table.
    pub fn from_env(env: &Env, store: WechatStore) -> Result<Self, ConfigError> {
        let api = Api::wecom_from_env(env)?;
        let agent = env.required("WECOM_AGENTID")?.to_owned();
        let tokens = Tokens::wecom(
            api.clone(),
            store,
            env.required("WECOM_CORPID")?,
            &agent,
            crate::secret(env, "WECOM_SECRET")?,
        );
        Ok(Self { api, tokens, agent })
    }

    /// Sends `text` to the members `users` (WeCom user ids) as an application message (预警,
    /// 督办): WeCom's message id. A token WeCom refuses is dropped and the call made once more.
    pub async fn tell(&self, users: &[String], text: &str) -> Result<Option<String>, WecomError> {
        let body = serde_json::json!({
            "touser": users.join("|"),
            "msgtype": "text",
            "agentid": self.agent.parse::<u64>().map_or_else(|_| serde_json::json!(self.agent), |n| serde_json::json!(n)),
            "text": { "content": text },
            "safe": 0,
        });
        let token = self.tokens.get().await?;
        match self.api.wecom_send(&token, &body).await {
            Err(CallError::Token(_)) => {
                self.tokens.refused(&token).await?;
                let fresh = self.tokens.get().await?;
                Ok(self.api.wecom_send(&fresh, &body).await?)
            }
            other => Ok(other?),
        }
    }

    /// The WeCom user a sign-in code belongs to; `None` for someone outside the organisation.
    pub async fn user_of(&self, code: &str) -> Result<Option<String>, WecomError> {
        let token = self.tokens.get().await?;
        match self.api.wecom_user(&token, code).await {
            Err(CallError::Token(_)) => {
                self.tokens.refused(&token).await?;
                let fresh = self.tokens.get().await?;
                Ok(self.api.wecom_user(&fresh, code).await?)
            }
            other => Ok(other?),
        }
    }
}
