//! Whom an item or a package serves (服务对象): a person, an enterprise, either, or someone
//! founding an enterprise (企业开办), and whether a request made as an enterprise, or not,
//! fits it.

use crate::Invalid;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Audience {
    /// 个人: applied for as oneself.
    #[default]
    #[serde(rename = "个人")]
    Person,
    /// 法人: applied for as an enterprise, by its representative or an agent.
    #[serde(rename = "法人")]
    Enterprise,
    /// 个人/法人: either (a 个体工商户 applies as a person, a company as itself).
    #[serde(rename = "个人/法人")]
    Either,
    /// 拟设立企业: the founder of an enterprise that has no credit code yet.
    #[serde(rename = "拟设立企业")]
    Founder,
}

impl Audience {
    /// Whether a request made for an enterprise (`as_enterprise`), or not, fits. The reason
    /// is the client's to read, against the request's `enterprise` field.
    pub fn admits(self, as_enterprise: bool) -> Result<(), Invalid> {
        match (self, as_enterprise) {
            (Audience::Enterprise, false) => Err(Invalid::new("该事项须以企业身份办理，请选择代办的企业")),
            (Audience::Person, true) => Err(Invalid::new("该事项仅限个人办理")),
            (Audience::Founder, true) => Err(Invalid::new("企业开办由拟设立企业的申请人以个人身份办理")),
            _ => Ok(()),
        }
    }

    /// Whether a package for `self` may hold an item for `item`.
    pub fn holds(self, item: Audience) -> bool {
        match self {
            Audience::Person => matches!(item, Audience::Person | Audience::Either),
            Audience::Enterprise => matches!(item, Audience::Enterprise | Audience::Either),
            Audience::Either => item == Audience::Either,
            Audience::Founder => item == Audience::Founder,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_enterprise_item_needs_an_enterprise_and_a_personal_one_refuses_it() {
        assert!(Audience::Enterprise.admits(false).is_err());
        assert!(Audience::Enterprise.admits(true).is_ok());
        assert!(Audience::Person.admits(true).is_err());
        assert!(Audience::Either.admits(true).is_ok() && Audience::Either.admits(false).is_ok());
    }

    #[test]
    fn a_founder_applies_as_a_person_for_the_enterprise_to_be() {
        assert!(Audience::Founder.admits(false).is_ok());
        assert!(Audience::Founder.admits(true).is_err());
    }

    #[test]
    fn audiences_read_as_the_catalog_writes_them() {
        let a: Audience = serde_json::from_str("\"个人/法人\"").unwrap();
        assert_eq!(a, Audience::Either);
        assert_eq!(serde_json::to_string(&Audience::Founder).unwrap(), "\"拟设立企业\"");
    }

    #[test]
    fn a_package_holds_only_items_its_applicant_may_apply_for() {
        assert!(Audience::Person.holds(Audience::Either));
        assert!(!Audience::Person.holds(Audience::Enterprise));
        assert!(!Audience::Founder.holds(Audience::Person));
    }
}
