//! The office's people: staff roles, window ids, WeCom user ids, and the directory entry
//! that says who may do what where.
//!
//! A member may hold several roles. Each role is scoped: a `window` clerk to the windows of
//! their halls, a `hall_manager` to their halls, an `approver` to their department; a
//! `supervisor` reads across departments, a `dispatcher` assigns 咨询投诉 that name no
//! department, and an `admin` keeps the directory. A member's scope is checked when the
//! entry is written ([`Member::check`]), so a token minted from it never names a window
//! outside its halls or an approver without a department.

use crate::{DeptCode, FieldErrors, HallId, Invalid, StaffId, string_newtype_serde};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// What a member of staff may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    /// A hall window: check-in, queue calling, intake (收件) for the items it serves.
    Window,
    /// A department's approver: accept, correct, reject, decide, complete.
    Approver,
    /// A hall's board, windows and walk-ins.
    HallManager,
    /// 营商环境监管 / 纪检监察: reads across departments, issues 督办, sees the audit trail.
    Supervisor,
    /// The 咨询投诉 dispatch desk (派单): assigns what names no department.
    Dispatcher,
    /// Keeps the staff directory.
    Admin,
    /// 代办员: a community station's staff, who apply on a citizen's behalf once the
    /// citizen consents in WeChat.
    Agent,
}

impl StaffRole {
    pub const ALL: [StaffRole; 7] = [
        StaffRole::Window,
        StaffRole::Approver,
        StaffRole::HallManager,
        StaffRole::Supervisor,
        StaffRole::Dispatcher,
        StaffRole::Admin,
        StaffRole::Agent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Window => "window",
            StaffRole::Approver => "approver",
            StaffRole::HallManager => "hall_manager",
            StaffRole::Supervisor => "supervisor",
            StaffRole::Dispatcher => "dispatcher",
            StaffRole::Admin => "admin",
            StaffRole::Agent => "agent",
        }
    }
}

impl FromStr for StaffRole {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        StaffRole::ALL
            .into_iter()
            .find(|r| r.as_str() == raw)
            .ok_or(Invalid::new(
                "应为window、approver、hall_manager、supervisor、dispatcher、admin或agent",
            ))
    }
}

/// A window of a hall: `<hallId>.<windowCode>`, e.g. `spb-center.C`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WindowId {
    raw: String,
    hall: HallId,
}

impl WindowId {
    pub fn new(hall: &HallId, code: &str) -> Result<Self, Invalid> {
        format!("{hall}.{code}").parse()
    }

    pub fn as_str(&self) -> &str {
        &self.raw
    }

    pub fn hall(&self) -> HallId {
        self.hall.clone()
    }

    /// The window's code within its hall (`C`).
    pub fn code(&self) -> &str {
        self.raw.get(self.hall.as_str().len().saturating_add(1)..).unwrap_or("")
    }
}

impl FromStr for WindowId {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        let bad = Invalid::new("窗口编号应为“大厅编号.窗口代码”，如spb-center.C");
        let (hall, code) = raw.split_once('.').ok_or(bad.clone())?;
        let hall_id = hall.parse::<HallId>().map_err(|_| bad.clone())?;
        let code_ok =
            (1..=8).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if !code_ok {
            return Err(bad);
        }
        Ok(Self {
            raw: raw.to_owned(),
            hall: hall_id,
        })
    }
}

impl std::fmt::Display for WindowId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.raw)
    }
}

string_newtype_serde!(WindowId);

/// A WeCom (政务微信) user id: 1 to 64 letters, digits and `_ - . @`, as WeCom allows.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WecomUserId(String);

impl WecomUserId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for WecomUserId {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        let ok = (1..=64).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'@'));
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(Invalid::new("应为1-64位字母、数字或_-.@"))
        }
    }
}

impl std::fmt::Display for WecomUserId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

string_newtype_serde!(WecomUserId);

/// A staff directory entry. `version` grows with every change; tokens carry the version
/// they were minted from, so a change of roles or scope retires them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    pub id: StaffId,
    pub wecom_user_id: WecomUserId,
    pub name: String,
    pub roles: Vec<StaffRole>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dept_code: Option<DeptCode>,
    #[serde(default)]
    pub hall_ids: Vec<HallId>,
    #[serde(default)]
    pub window_ids: Vec<WindowId>,
    pub disabled: bool,
    pub version: u64,
    pub created_at: String,
    pub updated_at: String,
}

impl Member {
    pub fn has(&self, role: StaffRole) -> bool {
        self.roles.contains(&role)
    }

    /// Puts the scope in a canonical order and checks that it fits the roles: every role's
    /// scope is present, every window is in one of the member's halls. Errors name the field.
    pub fn check(&mut self) -> Result<(), FieldErrors> {
        self.roles.sort();
        self.roles.dedup();
        self.hall_ids.sort();
        self.hall_ids.dedup();
        self.window_ids.sort();
        self.window_ids.dedup();
        let mut errors = FieldErrors::default();
        let name_ok = (1..=32).contains(&self.name.chars().count()) && !self.name.chars().any(char::is_control);
        if !name_ok {
            errors.add("name", "应为1-32个字符");
        }
        if self.roles.is_empty() {
            errors.add("roles", "至少一个角色");
        }
        if self.has(StaffRole::Approver) && self.dept_code.is_none() {
            errors.add("deptCode", "审批人员须属于一个部门");
        }
        // A station's agent (代办员) works from its window as window staff do.
        let at_window = self.has(StaffRole::Window) || self.has(StaffRole::Agent);
        let hall_scoped = at_window || self.has(StaffRole::HallManager);
        if hall_scoped && self.hall_ids.is_empty() {
            errors.add("hallIds", "窗口人员、代办员和大厅管理人员须属于至少一个大厅");
        }
        if !hall_scoped && !self.hall_ids.is_empty() {
            errors.add("hallIds", "只有窗口人员、代办员和大厅管理人员属于大厅");
        }
        if at_window && self.window_ids.is_empty() {
            errors.add("windowIds", "窗口人员和代办员须至少负责一个窗口");
        }
        if !at_window && !self.window_ids.is_empty() {
            errors.add("windowIds", "只有窗口人员和代办员负责窗口");
        }
        if self.window_ids.iter().any(|w| !self.hall_ids.contains(&w.hall())) {
            errors.add("windowIds", "窗口须在其所属大厅内");
        }
        if self.hall_ids.len() > 20 || self.window_ids.len() > 50 {
            errors.add("windowIds", "大厅不超过20个，窗口不超过50个");
        }
        errors.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member() -> Member {
        Member {
            id: StaffId::derived("t"),
            wecom_user_id: "chuangkou".parse().unwrap(),
            name: "窗口一".into(),
            roles: vec![StaffRole::Window],
            dept_code: None,
            hall_ids: vec!["spb-center".parse().unwrap()],
            window_ids: vec!["spb-center.C".parse().unwrap()],
            disabled: false,
            version: 1,
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    #[test]
    fn a_window_id_names_its_hall_and_code() {
        let w: WindowId = "spb-center.C".parse().unwrap();
        assert_eq!(w.hall().as_str(), "spb-center");
        assert_eq!(w.code(), "C");
        for bad in [
            "spb-center",
            ".C",
            "spb-center.c",
            "SPB.C",
            "spb-center.C#1",
            "a.TOOLONGCODE",
        ] {
            assert!(bad.parse::<WindowId>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_member_whose_windows_lie_outside_their_halls_is_refused() {
        let mut m = member();
        m.window_ids = vec!["spb-xiyong.A".parse().unwrap()];
        assert!(m.check().is_err());
        assert!(member().check().is_ok());
    }

    #[test]
    fn an_approver_needs_a_department_and_roles_need_their_scope() {
        let mut m = member();
        m.roles = vec![StaffRole::Approver];
        assert!(m.check().is_err(), "no department, and windows without the window role");
        let mut m = member();
        m.roles = vec![StaffRole::Supervisor];
        m.hall_ids.clear();
        m.window_ids.clear();
        assert!(m.check().is_ok());
    }
}
