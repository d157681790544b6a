//! How sure the platform is of who a citizen is (实名核验): an identity the citizen typed
//! in is `claimed`; one WeChat's face verification (人脸核身) vouched for is `verified`.
//! Items that move money or rights require `verified`, and the catalog says which.

use crate::CitizenId;
use crate::notification::{Kind, Notification};
use crate::time::rfc3339;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Ordered: `Verified` satisfies anything `Claimed` does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IdentityLevel {
    /// The citizen typed the identity in; its format and check digit were checked.
    #[default]
    Claimed,
    /// WeChat's face verification matched the person to the identity.
    Verified,
}

impl IdentityLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            IdentityLevel::Claimed => "claimed",
            IdentityLevel::Verified => "verified",
        }
    }

    /// Whether an account at this level may do what needs `required`.
    pub fn meets(self, required: IdentityLevel) -> bool {
        self >= required
    }

    /// Whether an item's default level needs no mention in its stored or answered form.
    pub fn is_claimed(&self) -> bool {
        *self == IdentityLevel::Claimed
    }
}

/// What the account's owner is told when face verification raises it to `verified`.
pub fn verified_notice(citizen: &CitizenId, at: jiff::Timestamp) -> Notification {
    identity_notice(citizen, "verified", "已认证", "您的实名身份已通过人脸核身认证", at)
}

/// What an account is told when the ID number it claimed is released to the person whose
/// face WeChat matched to it. It says nothing of who that is.
pub fn released_notice(citizen: &CitizenId, at: jiff::Timestamp) -> Notification {
    identity_notice(
        citizen,
        "released",
        "已解除",
        "您绑定的身份证号已由本人通过人脸核身认证，本账号的实名绑定已解除",
        at,
    )
}

fn identity_notice(citizen: &CitizenId, what: &str, status: &str, note: &str, at: jiff::Timestamp) -> Notification {
    Notification {
        kind: Kind::IdentityChange,
        citizen: citizen.clone(),
        // One notice per change: the account and the second of it.
        cause: format!("{what}.{citizen}.{}", at.as_second()),
        source: format!("citizen:{citizen}"),
        page: "pages/me/identity".to_owned(),
        data: BTreeMap::from([
            ("status", status.to_owned()),
            ("note", note.to_owned()),
            ("at", rfc3339(at)),
        ]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_verified_identity_meets_every_requirement_and_a_claimed_one_only_its_own() {
        assert!(IdentityLevel::Verified.meets(IdentityLevel::Claimed));
        assert!(IdentityLevel::Verified.meets(IdentityLevel::Verified));
        assert!(IdentityLevel::Claimed.meets(IdentityLevel::Claimed));
        assert!(!IdentityLevel::Claimed.meets(IdentityLevel::Verified));
    }

    #[test]
    fn levels_read_and_write_as_the_api_spells_them() {
        assert_eq!(serde_json::to_string(&IdentityLevel::Verified).unwrap(), "\"verified\"");
        assert_eq!(
            serde_json::from_str::<IdentityLevel>("\"claimed\"").unwrap(),
            IdentityLevel::Claimed
        );
    }
}
