//! The staff directory: who works here, with which roles, where.
//!
//! Key schema: `pk` (S), `sk` (S).
//!
//! | item | pk | sk | attributes |
//! |---|---|---|---|
//! | a member | `S` | `<staffId>` | the [`Member`] |
//! | their WeCom account | `W#<wecomUserId>` | `W` | the same [`Member`], copied |
//! | an idempotency key | `IDEM#<scope>#<key>` | `IDEM` | see `store::idempotency`; `expiresAt` is the TTL |
//!
//! Access patterns: a token's member is one `GetItem` (`S`, id); a WeCom sign-in is one
//! `GetItem` on the account item, which carries the whole entry so signing in needs no
//! second read; the admin's list is a `Query` on the one `S` partition (a directory is
//! hundreds of people, not millions). Both items are written in one transaction on the
//! condition of the version read, so they never disagree, and a WeCom account names at most
//! one member.

use crate::idempotency::{Claim, Recorded};
use crate::tx::{Outcome, Transaction};
use crate::{Client, Cursor, Item, StoreError, from_item, s, sdk_error, to_item};
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem};
use model::StaffId;
use model::staff::{Member, WecomUserId};

#[derive(Debug, Clone)]
pub struct StaffStore {
    client: Client,
    table: String,
}

/// What writing an entry came to.
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Done,
    /// The entry changed since it was read (or, for a new one, its id exists).
    Stale,
    /// Another member has that WeCom account.
    AccountTaken,
    /// The idempotency key was used before.
    KeyUsed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cond {
    Entry,
    Account,
    Audit,
    Key,
}

fn without_keys(mut item: Item) -> Item {
    item.remove("pk");
    item.remove("sk");
    item
}

impl StaffStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// The member behind a token. Eventually consistent: the directory check tolerates
    /// the second it may lag, and it is half the price.
    pub async fn get(&self, id: &StaffId) -> Result<Option<Member>, StoreError> {
        self.read("S", id.as_str(), "reading a staff member").await
    }

    /// A member, in a batch of reads.
    pub fn member_in(&self, batch: &mut crate::batch::Batch<'_>, id: &StaffId) -> crate::batch::Ticket<Member> {
        let key = Item::from([("pk".to_owned(), s("S")), ("sk".to_owned(), s(id.as_str()))]);
        batch.get(&self.table, key, |i| {
            from_item(without_keys(i), "reading a staff member")
        })
    }

    /// The member a WeCom account signs in as.
    pub async fn by_wecom(&self, user: &WecomUserId) -> Result<Option<Member>, StoreError> {
        self.read(&format!("W#{user}"), "W", "reading a staff member by WeCom account")
            .await
    }

    async fn read(&self, pk: &str, sk: &str, what: &'static str) -> Result<Option<Member>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .send()
            .await
            .map_err(|e| sdk_error(what, e))?;
        out.item.map(|i| from_item(without_keys(i), what)).transpose()
    }

    /// What an idempotency key recorded in this table.
    pub async fn recorded(&self, claim: &Claim) -> Result<Option<Recorded>, StoreError> {
        crate::idempotency::recorded(&self.client, &self.table, &claim.scope, &claim.key).await
    }

    /// The directory in id order, a page at a time.
    pub async fn list(&self, after: Option<&Cursor>, limit: u32) -> Result<(Vec<Member>, Option<Cursor>), StoreError> {
        let key: &[&str] = &["sk"];
        let start = crate::page::start_key(after, key, &[("pk", "S")])?;
        let query = || {
            self.client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :s")
                .expression_attribute_values(":s", s("S"))
        };
        let page = crate::page::fill(
            query,
            start,
            limit as usize,
            crate::page::one_more(limit),
            "listing the staff directory",
        )
        .await?;
        let next = page
            .resume_after
            .as_ref()
            .and_then(|k| crate::page::cursor_from(k, key));
        let items = page
            .items
            .into_iter()
            .map(|i| from_item(without_keys(i), "reading a staff member"))
            .collect::<Result<_, _>>()?;
        Ok((items, next))
    }

    /// Writes `m`: new when `was` is `None`, else replacing the entry `was` as read (its
    /// version and WeCom account). The audit record of the change goes in the same
    /// transaction.
    pub async fn write(
        &self,
        m: &Member,
        was: Option<&Member>,
        audit: Option<TransactWriteItem>,
        key: Option<&Claim>,
        now: jiff::Timestamp,
    ) -> Result<Written, StoreError> {
        let mut tx = Transaction::new("writing a staff directory entry");
        let entry = Put::builder()
            .table_name(&self.table)
            .set_item(Some(to_item(m, &[("pk", "S".into()), ("sk", m.id.to_string())])?));
        tx.put(
            Cond::Entry,
            match was {
                Some(old) => entry
                    .condition_expression("version = :v")
                    .expression_attribute_values(":v", AttributeValue::N(old.version.to_string())),
                None => entry.condition_expression("attribute_not_exists(pk)"),
            },
        )?;
        let account = Put::builder().table_name(&self.table).set_item(Some(to_item(
            m,
            &[("pk", format!("W#{}", m.wecom_user_id)), ("sk", "W".into())],
        )?));
        let moved = was.is_some_and(|old| old.wecom_user_id != m.wecom_user_id);
        match was {
            // The account item is this member's, or nobody's yet.
            Some(old) if !moved => tx.put(
                Cond::Account,
                account
                    .condition_expression("id = :id")
                    .expression_attribute_values(":id", s(old.id.as_str())),
            )?,
            _ => tx.put(Cond::Account, account.condition_expression("attribute_not_exists(pk)"))?,
        };
        if let Some(old) = was.filter(|_| moved) {
            tx.delete(
                Cond::Entry,
                Delete::builder()
                    .table_name(&self.table)
                    .key("pk", s(format!("W#{}", old.wecom_user_id)))
                    .key("sk", s("W"))
                    .condition_expression("id = :id")
                    .expression_attribute_values(":id", s(old.id.as_str())),
            )?;
        }
        if let Some(item) = audit {
            tx.item(Cond::Audit, item);
        }
        if let Some(claim) = key {
            tx.item(Cond::Key, claim.put(&self.table, m.id.as_str(), now)?);
        }
        Ok(match tx.run(&self.client).await? {
            Outcome::Done => Written::Done,
            o if o.refused(Cond::Key) => Written::KeyUsed,
            o if o.refused(Cond::Entry) => Written::Stale,
            o if o.refused(Cond::Account) => Written::AccountTaken,
            Outcome::Refused(_) => {
                return Err(StoreError::fault(
                    "an audit record's id was taken",
                    std::io::Error::other("condition"),
                ));
            }
        })
    }
}
