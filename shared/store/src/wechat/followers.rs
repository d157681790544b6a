//! Official-account followers, by openid and by unionid, written in pairs.

use super::{WechatStore, text};
use crate::StoreError;
use crate::tx::{Outcome, Transaction};
use crate::{AttributeValue, Item, s};
use aws_sdk_dynamodb::types::Put;
use model::time::rfc3339;

/// An official-account follower.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub openid: String,
    pub unionid: Option<String>,
    pub subscribed: bool,
}

impl WechatStore {
    /// Records an official-account follower (or one who left) both ways.
    pub async fn follow(&self, link: &Link, now: jiff::Timestamp) -> Result<(), StoreError> {
        let mut by_openid = Item::new();
        by_openid.insert("pk".into(), s(format!("O#{}", link.openid)));
        by_openid.insert("subscribed".into(), AttributeValue::Bool(link.subscribed));
        by_openid.insert("updatedAt".into(), s(rfc3339(now)));
        let mut items = Vec::new();
        if let Some(unionid) = &link.unionid {
            by_openid.insert("unionid".into(), s(unionid.clone()));
            let mut by_unionid = Item::new();
            by_unionid.insert("pk".into(), s(format!("U#{unionid}")));
            by_unionid.insert("openid".into(), s(link.openid.clone()));
            by_unionid.insert("subscribed".into(), AttributeValue::Bool(link.subscribed));
            by_unionid.insert("updatedAt".into(), s(rfc3339(now)));
            items.push(by_unionid);
        }
        items.push(by_openid);
        // Unconditional: the two directions are written together or not at all.
        let mut tx = Transaction::new("recording a follower");
        for item in items {
            tx.put((), Put::builder().table_name(&self.table).set_item(Some(item)))?;
        }
        // No item has a condition, so nothing can be refused.
        let _: Outcome<()> = tx.run(&self.client).await?;
        Ok(())
    }

    /// The follower record of an official-account openid.
    pub async fn follower(&self, openid: &str) -> Result<Option<Link>, StoreError> {
        Ok(self
            .get(&format!("O#{openid}"), "reading a follower")
            .await?
            .map(|item| Link {
                openid: openid.to_owned(),
                unionid: text(&item, "unionid"),
                subscribed: item
                    .get("subscribed")
                    .and_then(|v| v.as_bool().ok())
                    .copied()
                    .unwrap_or(false),
            }))
    }

    /// The official-account follower behind a unionid.
    pub async fn follower_of(&self, unionid: &str) -> Result<Option<Link>, StoreError> {
        let item = self
            .get(&format!("U#{unionid}"), "reading a follower by unionid")
            .await?;
        Ok(item.and_then(|item| {
            Some(Link {
                openid: text(&item, "openid")?,
                unionid: Some(unionid.to_owned()),
                subscribed: item
                    .get("subscribed")
                    .and_then(|v| v.as_bool().ok())
                    .copied()
                    .unwrap_or(false),
            })
        }))
    }
}
