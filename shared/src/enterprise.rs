//! 法人: enterprises by their 统一社会信用代码, who may act for one, and what a record made
//! for one carries.
//!
//! A person acts for an enterprise as its legal representative (法定代表人), named when the
//! enterprise is registered at a hall, or as an agent (经办人) the representative
//! authorizes until a date or until revoked. Members are keyed by the person, not the
//! WeChat account: the key is the person's identity key, so a number bound to another
//! account later (a squatter released by face verification) moves the right with it.

use crate::{Invalid, LocalDate};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

mod code;

pub use code::CreditCode;

/// An enterprise's registered name: 2 to 60 characters, nothing invisible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EnterpriseName(String);

impl EnterpriseName {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for EnterpriseName {
    type Err = Invalid;

    fn from_str(raw: &str) -> Result<Self, Invalid> {
        let text = crate::FreeText::parse(raw, 60).map_err(|_| Invalid::new("企业名称应为2-60个字符"))?;
        if text.expose().chars().count() < 2 || text.expose().contains('\n') {
            return Err(Invalid::new("企业名称应为2-60个字符"));
        }
        Ok(Self(text.expose().to_owned()))
    }
}

/// An agent as the enterprise's members name them: the stored key of the person (64 hex
/// digits of a keyed hash, nothing to learn from it without the deployment's key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentId(String);

impl AgentId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for AgentId {
    type Err = Invalid;

    fn from_str(raw: &str) -> Result<Self, Invalid> {
        if raw.len() == 64 && raw.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(Invalid::new("经办人编号格式不正确"))
        }
    }
}

/// How a person may act for an enterprise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 法定代表人: named at registration, authorizes agents.
    Representative,
    /// 经办人: acts for it until `until` or until revoked.
    Agent,
}

/// One person's standing with one enterprise, as the enterprises table keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Membership {
    pub credit_code: CreditCode,
    pub enterprise_name: EnterpriseName,
    pub role: Role,
    /// The member's name, masked (`张*`): what the enterprise's other members see.
    pub member_name: String,
    /// The last day an agent may act (inclusive); none for the representative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<LocalDate>,
    pub granted_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
}

impl Membership {
    /// Whether the member may act for the enterprise on `today` (Beijing).
    pub fn active(&self, today: LocalDate) -> bool {
        self.revoked_at.is_none() && self.until.is_none_or(|until| until >= today)
    }

    /// What a record made for the enterprise carries.
    pub fn acting(&self) -> Acting {
        Acting {
            credit_code: self.credit_code.clone(),
            name: self.enterprise_name.clone(),
        }
    }
}

/// The enterprise an application, a booking or a review was made for; the person who
/// made it is the record's owner, as ever.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Acting {
    pub credit_code: CreditCode,
    pub name: EnterpriseName,
}

/// An agent's last day, checked: after `today`, and at most a year ahead (an
/// authorization is renewed, not granted for good).
pub fn agent_until(raw: &str, today: LocalDate) -> Result<LocalDate, Invalid> {
    let until: LocalDate = raw.parse()?;
    let latest = LocalDate::new(today.date().saturating_add(jiff::ToSpan::days(366)));
    if until < today {
        return Err(Invalid::new("授权截止日期不能早于今天"));
    }
    if until > latest {
        return Err(Invalid::new("授权期限最长一年，到期可续"));
    }
    Ok(until)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(until: Option<&str>, revoked: bool) -> Membership {
        Membership {
            credit_code: "91500106MA60A1B2CK".parse().unwrap(),
            enterprise_name: "重庆示例科技有限公司".parse().unwrap(),
            role: Role::Agent,
            member_name: "李*".into(),
            until: until.map(|u| u.parse().unwrap()),
            granted_at: "2026-12-01T09:00:00+08:00".into(),
            revoked_at: revoked.then(|| "2026-12-02T09:00:00+08:00".into()),
        }
    }

    #[test]
    fn an_agent_acts_through_their_last_day_and_not_after() {
        let m = member(Some("2026-12-31"), false);
        assert!(m.active("2026-12-31".parse().unwrap()));
        assert!(!m.active("2027-01-01".parse().unwrap()));
    }

    #[test]
    fn a_revoked_agent_cannot_act_even_within_their_dates() {
        assert!(!member(Some("2027-06-30"), true).active("2026-12-03".parse().unwrap()));
    }

    #[test]
    fn an_authorization_ends_between_today_and_a_year_ahead() {
        let today: LocalDate = "2026-12-03".parse().unwrap();
        assert!(agent_until("2026-12-03", today).is_ok());
        assert!(agent_until("2027-12-04", today).is_ok());
        assert!(agent_until("2026-12-02", today).is_err());
        assert!(agent_until("2027-12-05", today).is_err());
        assert!(agent_until("明年", today).is_err());
    }

    #[test]
    fn an_enterprise_name_is_two_to_sixty_visible_characters() {
        assert!("重庆示例科技有限公司".parse::<EnterpriseName>().is_ok());
        assert!("某".parse::<EnterpriseName>().is_err());
        assert!("a\u{200B}b".parse::<EnterpriseName>().is_err());
        assert!("字".repeat(61).parse::<EnterpriseName>().is_err());
    }
}
