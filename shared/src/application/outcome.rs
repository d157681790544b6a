//! What a department decides on a case (准予 / 不予许可, with the legal basis and the reason)
//! and how the result reaches the applicant (出件: at the window, or by mail).

use crate::FreeText;
use serde::{Deserialize, Serialize};

/// 准予许可 or 不予许可.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Approve,
    Deny,
}

impl std::str::FromStr for Verdict {
    type Err = crate::Invalid;
    fn from_str(raw: &str) -> Result<Self, crate::Invalid> {
        match raw {
            "approve" => Ok(Verdict::Approve),
            "deny" => Ok(Verdict::Deny),
            _ => Err(crate::Invalid::new("应为approve或deny")),
        }
    }
}

/// A department's decision on a case: what, on which legal basis, why (required to deny).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    pub verdict: Verdict,
    pub basis: FreeText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<FreeText>,
    pub at: String,
    /// The member of staff's id.
    pub by: String,
}

/// How the applicant takes the result (出件): at the window, or by mail to an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryMethod {
    Window,
    Mail,
}

impl std::str::FromStr for DeliveryMethod {
    type Err = crate::Invalid;
    fn from_str(raw: &str) -> Result<Self, crate::Invalid> {
        match raw {
            "window" => Ok(DeliveryMethod::Window),
            "mail" => Ok(DeliveryMethod::Mail),
            _ => Err(crate::Invalid::new("应为window或mail")),
        }
    }
}

/// The delivery the applicant chose at submission.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    pub method: DeliveryMethod,
    /// The mailing address (mail only): free text, personal data, masked outside the store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<FreeText>,
}

/// The result handed over: how, the tracking number of a mailing, when, by whom.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivered {
    pub method: DeliveryMethod,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_no: Option<String>,
    pub at: String,
    pub by: String,
}
