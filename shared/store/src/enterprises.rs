//! The enterprises table: 法人 registered at a hall, and who may act for each.
//!
//! Key schema: `pk` (S), `sk` (S); index `ByMember` (`memberKey`, `pk`).
//!
//! | item | pk | sk | attributes |
//! |---|---|---|---|
//! | an enterprise | `ENT#<creditCode>` | `ENT` | creditCode, name, registeredAt, registeredBy (staff id) |
//! | a member | `ENT#<creditCode>` | `M#<idKey>` | the [`Membership`], memberKey (= idKey) |
//!
//! A member is keyed by the person's identity key (store/citizens.rs), not by an account:
//! whoever holds the face-verified binding of that ID number acts as the member.
//!
//! Access patterns:
//! - Registration (`POST /v1/office/enterprises`): one transaction: the enterprise only if
//!   new, its representative, and the clerk's audit record.
//! - A person's enterprises (`GET /v1/me/enterprises`): one `Query` of `ByMember`.
//! - An enterprise's members (`GET /v1/enterprises/{code}`): one `Query` of its partition.
//! - Granting or revoking an agent: one transaction, conditioned on the caller being the
//!   enterprise's representative at that moment.
//! - Acting for an enterprise: the enterprise and the member in one `BatchGetItem`
//!   ([`EnterpriseStore::standing`]: the name, the role and the 帮办员, for the record and a
//!   clear refusal), then a `ConditionCheck` of the member inside the application's or the
//!   booking's own transaction ([`EnterpriseStore::still_acting`]), so an authorization
//!   revoked or run out in between refuses the write instead of racing it.

use crate::tx::{Outcome, Transaction};
use crate::{Client, Item, StoreError, from_item, s, sdk_error, to_item};
use aws_sdk_dynamodb::types::{ConditionCheck, Put, TransactWriteItem, Update};
use model::LocalDate;
use model::enterprise::{CreditCode, EnterpriseName, Membership, Role};
use serde::{Deserialize, Serialize};

mod helper;

pub use helper::Helper;

/// An enterprise as registered.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Enterprise {
    pub credit_code: CreditCode,
    pub name: EnterpriseName,
    pub registered_at: String,
    /// The member of staff who registered it from the licence.
    pub registered_by: String,
    /// The 帮办员 following its major project, when a supervisor assigned one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub helper: Option<Helper>,
}

/// A member as the enterprise's own list shows them: the agent id is the stored key.
#[derive(Debug, Clone)]
pub struct Member {
    pub id: String,
    pub membership: Membership,
}

/// Why a change to the members was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cond {
    Enterprise,
    Representative,
    Member,
    Audit,
}

#[derive(Debug, Clone)]
pub struct EnterpriseStore {
    client: Client,
    table: String,
}

pub(crate) fn pk(code: &CreditCode) -> String {
    format!("ENT#{code}")
}

fn member_sk(key: &str) -> String {
    format!("M#{key}")
}

pub(crate) fn key(pk: String, sk: String) -> Item {
    Item::from([("pk".to_owned(), s(pk)), ("sk".to_owned(), s(sk))])
}

/// The representative still is, on the item the transaction checks.
const IS_REPRESENTATIVE: &str = "attribute_exists(pk) AND #role = :rep AND attribute_not_exists(revokedAt)";

impl EnterpriseStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// Registers `e` with its representative keyed `rep_key`; `false` if the code is
    /// registered already (nothing written).
    pub async fn register(
        &self,
        e: &Enterprise,
        rep_key: &str,
        rep: &Membership,
        audit: TransactWriteItem,
    ) -> Result<bool, StoreError> {
        let mut tx = Transaction::new("registering an enterprise");
        let entity = to_item(e, &[("pk", pk(&e.credit_code)), ("sk", "ENT".into())])?;
        tx.put(
            Cond::Enterprise,
            Put::builder()
                .table_name(&self.table)
                .set_item(Some(entity))
                .condition_expression("attribute_not_exists(pk)"),
        )?;
        tx.put(
            Cond::Member,
            Put::builder()
                .table_name(&self.table)
                .set_item(Some(self.member_item(rep_key, rep)?)),
        )?;
        tx.item(Cond::Audit, audit);
        Ok(tx.run(&self.client).await? == Outcome::Done)
    }

    fn member_item(&self, member_key: &str, m: &Membership) -> Result<Item, StoreError> {
        to_item(
            m,
            &[
                ("pk", pk(&m.credit_code)),
                ("sk", member_sk(member_key)),
                ("memberKey", member_key.to_owned()),
            ],
        )
    }

    /// The enterprise, if registered.
    pub async fn get(&self, code: &CreditCode) -> Result<Option<Enterprise>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(pk(code), "ENT".into())))
            .send()
            .await
            .map_err(|e| sdk_error("reading an enterprise", e))?;
        out.item.map(|i| from_item(i, "reading an enterprise")).transpose()
    }

    /// The enterprise and one person's standing with it, in one `BatchGetItem` (strongly
    /// consistent: a revocation a moment ago counts).
    pub async fn standing(
        &self,
        code: &CreditCode,
        member_key: &str,
    ) -> Result<(Option<Enterprise>, Option<Membership>), StoreError> {
        let wanted = [
            (self.table.as_str(), key(pk(code), "ENT".into())),
            (self.table.as_str(), key(pk(code), member_sk(member_key))),
        ];
        let mut got = crate::get_many(&self.client, &wanted, "reading an enterprise and a member")
            .await?
            .into_iter();
        let enterprise = got
            .next()
            .flatten()
            .map(|i| from_item(i, "reading an enterprise"))
            .transpose()?;
        let member = got
            .next()
            .flatten()
            .map(|i| from_item(i, "reading an enterprise member"))
            .transpose()?;
        Ok((enterprise, member))
    }

    /// One person's standing with an enterprise, read strongly: a revocation a moment ago
    /// counts.
    pub async fn member(&self, code: &CreditCode, member_key: &str) -> Result<Option<Membership>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(pk(code), member_sk(member_key))))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| sdk_error("reading an enterprise member", e))?;
        out.item
            .map(|i| from_item(i, "reading an enterprise member"))
            .transpose()
    }

    /// Everyone who is or was a member, representative first.
    pub async fn members(&self, code: &CreditCode) -> Result<Vec<Member>, StoreError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :m)")
            .expression_attribute_values(":pk", s(pk(code)))
            .expression_attribute_values(":m", s("M#"))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| sdk_error("listing an enterprise's members", e))?;
        let mut members = out
            .items
            .unwrap_or_default()
            .into_iter()
            .map(|mut i| {
                let id = match i.remove("memberKey") {
                    Some(aws_sdk_dynamodb::types::AttributeValue::S(k)) => k,
                    _ => String::new(),
                };
                Ok(Member {
                    id,
                    membership: from_item(i, "reading an enterprise member")?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        members.sort_by_key(|m| {
            (
                m.membership.role != Role::Representative,
                m.membership.granted_at.clone(),
            )
        });
        Ok(members)
    }

    /// The enterprises a person is or was a member of (eventually consistent: an index).
    pub async fn of_person(&self, member_key: &str) -> Result<Vec<Membership>, StoreError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .index_name("ByMember")
            .key_condition_expression("memberKey = :k")
            .expression_attribute_values(":k", s(member_key))
            .send()
            .await
            .map_err(|e| sdk_error("listing a person's enterprises", e))?;
        out.items
            .unwrap_or_default()
            .into_iter()
            .map(|i| from_item(i, "reading an enterprise member"))
            .collect()
    }

    /// Authorizes (or renews) an agent, if `rep_key` is the representative at this moment.
    /// The representative cannot be made an agent of their own enterprise.
    pub async fn grant(&self, rep_key: &str, agent_key: &str, agent: &Membership) -> Result<Outcome<Cond>, StoreError> {
        let mut tx = Transaction::new("authorizing an agent");
        tx.check(Cond::Representative, self.representative(&agent.credit_code, rep_key))?;
        tx.put(
            Cond::Member,
            Put::builder()
                .table_name(&self.table)
                .set_item(Some(self.member_item(agent_key, agent)?))
                .condition_expression("attribute_not_exists(pk) OR #role = :agent")
                .expression_attribute_names("#role", "role")
                .expression_attribute_values(":agent", s("agent")),
        )?;
        tx.run(&self.client).await
    }

    /// Revokes an agent, if `rep_key` is the representative at this moment and the agent
    /// is one and not revoked already.
    pub async fn revoke(
        &self,
        code: &CreditCode,
        rep_key: &str,
        agent_key: &str,
        at: &str,
    ) -> Result<Outcome<Cond>, StoreError> {
        let mut tx = Transaction::new("revoking an agent");
        tx.check(Cond::Representative, self.representative(code, rep_key))?;
        tx.update(
            Cond::Member,
            Update::builder()
                .table_name(&self.table)
                .set_key(Some(key(pk(code), member_sk(agent_key))))
                .update_expression("SET revokedAt = :at")
                .condition_expression("attribute_exists(pk) AND #role = :agent AND attribute_not_exists(revokedAt)")
                .expression_attribute_names("#role", "role")
                .expression_attribute_values(":agent", s("agent"))
                .expression_attribute_values(":at", s(at)),
        )?;
        tx.run(&self.client).await
    }

    fn representative(
        &self,
        code: &CreditCode,
        rep_key: &str,
    ) -> aws_sdk_dynamodb::types::builders::ConditionCheckBuilder {
        ConditionCheck::builder()
            .table_name(&self.table)
            .set_key(Some(key(pk(code), member_sk(rep_key))))
            .condition_expression(IS_REPRESENTATIVE)
            .expression_attribute_names("#role", "role")
            .expression_attribute_values(":rep", s("representative"))
    }

    /// The condition, for a write made for an enterprise, that its member may still act on
    /// `today`: not revoked, and not past their last day.
    pub fn still_acting(
        &self,
        code: &CreditCode,
        member_key: &str,
        today: LocalDate,
    ) -> Result<TransactWriteItem, StoreError> {
        let check = ConditionCheck::builder()
            .table_name(&self.table)
            .set_key(Some(key(pk(code), member_sk(member_key))))
            .condition_expression(
                "attribute_exists(pk) AND attribute_not_exists(revokedAt) AND \
                 (attribute_not_exists(#until) OR #until >= :today)",
            )
            .expression_attribute_names("#until", "until")
            .expression_attribute_values(":today", s(today.to_string()))
            .build()
            .map_err(|e| StoreError::fault("building the acting check", e))?;
        Ok(TransactWriteItem::builder().condition_check(check).build())
    }
}
