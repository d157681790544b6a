//! Why a case was returned (退件): the categories staff pick when they refuse an application
//! (不予受理) or ask for a correction (补正), so that supervision can count returns by reason
//! without reading the free-text notes that explain each one.
//!
//! The categories follow the grounds 行政许可法 §32 gives for not accepting or for asking
//! for more: materials missing or not in the legal form, facts that do not match, conditions
//! not met, a matter that is not this office's, a duplicate. A return given without one is
//! counted as [`UNSPECIFIED`], so the figures stay whole for clients that predate the field.

use crate::Invalid;
use std::str::FromStr;

/// A return's category, as staff choose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReturnReason {
    /// 材料不齐全.
    MaterialsIncomplete,
    /// 材料不符合法定形式.
    MaterialsNonconforming,
    /// 填报信息有误或与材料不一致.
    InformationInconsistent,
    /// 不符合申请条件.
    ConditionsUnmet,
    /// 不属于本部门职权范围.
    NotInScope,
    /// 重复申报.
    Duplicate,
    /// 其他.
    Other,
}

/// The figures' name of a return given without a category.
pub const UNSPECIFIED: &str = "unspecified";

impl ReturnReason {
    pub const ALL: [ReturnReason; 7] = [
        ReturnReason::MaterialsIncomplete,
        ReturnReason::MaterialsNonconforming,
        ReturnReason::InformationInconsistent,
        ReturnReason::ConditionsUnmet,
        ReturnReason::NotInScope,
        ReturnReason::Duplicate,
        ReturnReason::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ReturnReason::MaterialsIncomplete => "materials_incomplete",
            ReturnReason::MaterialsNonconforming => "materials_nonconforming",
            ReturnReason::InformationInconsistent => "information_inconsistent",
            ReturnReason::ConditionsUnmet => "conditions_unmet",
            ReturnReason::NotInScope => "not_in_scope",
            ReturnReason::Duplicate => "duplicate",
            ReturnReason::Other => "other",
        }
    }

    /// The words a citizen and a supervisor read.
    pub fn label(self) -> &'static str {
        match self {
            ReturnReason::MaterialsIncomplete => "材料不齐全",
            ReturnReason::MaterialsNonconforming => "材料不符合法定形式",
            ReturnReason::InformationInconsistent => "填报信息有误或与材料不一致",
            ReturnReason::ConditionsUnmet => "不符合申请条件",
            ReturnReason::NotInScope => "不属于本部门职权范围",
            ReturnReason::Duplicate => "重复申报",
            ReturnReason::Other => "其他",
        }
    }
}

/// Every category's code, and [`UNSPECIFIED`]: the keys of the figures by reason.
pub fn reason_codes() -> impl Iterator<Item = &'static str> {
    ReturnReason::ALL.iter().map(|r| r.code()).chain([UNSPECIFIED])
}

impl FromStr for ReturnReason {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        ReturnReason::ALL.into_iter().find(|r| r.code() == raw).ok_or_else(|| {
            Invalid::new(
                "应为materials_incomplete、materials_nonconforming、information_inconsistent、\
                     conditions_unmet、not_in_scope、duplicate或other",
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_parses_from_its_own_code_and_nothing_else_does() {
        for r in ReturnReason::ALL {
            assert_eq!(r.code().parse::<ReturnReason>().unwrap(), r);
            let json = serde_json::to_value(r).unwrap();
            assert_eq!(json, r.code());
        }
        for bad in ["", "Other", UNSPECIFIED, "materials incomplete"] {
            assert!(bad.parse::<ReturnReason>().is_err(), "{bad}");
        }
        assert_eq!(reason_codes().count(), 8);
    }
}
