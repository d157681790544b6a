//! The service catalog: 政务服务事项 (items), 一件事 packages, departments and halls.
//!
//! These structs are both the stored shape (mapped with serde_dynamo) and the API's JSON,
//! so the field names here are the contract's (camelCase).

mod audience;
mod place;

use super::{DeptCode, HallId, ItemCode, PackageCode};
pub use audience::Audience;
pub use place::{HallLevel, Location};
use serde::{Deserialize, Serialize};

/// 即办件 are handled on the spot; 承诺件 within `promisedDays` working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    Instant,
    Committed,
}

/// How far an item can be handled online.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OnlineLevel {
    /// 全程网办: no visit at all.
    FullOnline,
    /// 网上预约/预审, then one visit.
    Prebook,
    /// Handled at the hall only.
    Offline,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Material {
    pub code: String,
    pub name: String,
    pub required: bool,
    /// Where the material comes from when the citizen need not bring it (免提交: shared
    /// from another department's records).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Department {
    pub code: DeptCode,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Item {
    pub code: ItemCode,
    pub name: String,
    pub dept_code: DeptCode,
    pub dept_name: String,
    pub kind: ItemKind,
    /// 承诺时限, working days after acceptance (0 for 即办件).
    pub promised_days: u32,
    /// 法定时限, the legal limit the promise never exceeds.
    pub legal_days: u32,
    pub online_level: OnlineLevel,
    /// 最多跑几次: visits the citizen may need at most.
    pub max_visits: u32,
    pub materials: Vec<Material>,
    pub bookable: bool,
    pub hall_ids: Vec<HallId>,
    /// 个人, 法人, 个人/法人 or 拟设立企业: whom the item serves.
    pub audience: Audience,
    pub fee: String,
    pub description: String,
    /// The application form, when the item has its own; otherwise the default item form.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub form: Vec<FormField>,
    /// The identity an applicant must have to book or apply online: `verified` (face
    /// verification) for items that move money or rights.
    #[serde(default)]
    pub identity_level: super::IdentityLevel,
    /// The levels of hall that handle it (就近办): the district's alone unless it says more.
    #[serde(default = "district_only")]
    pub levels: Vec<HallLevel>,
}

fn district_only() -> Vec<HallLevel> {
    vec![HallLevel::District]
}

impl Item {
    /// The form an application for this item fills in.
    pub fn application_form(&self) -> Vec<FormField> {
        if self.form.is_empty() {
            super::form::default_item_form()
        } else {
            self.form.clone()
        }
    }
}

/// One field of a package's single form (一表申报).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FormField {
    pub name: String,
    pub label: String,
    /// `string`, `date`, `number`, `idNumber`, `phone` or `choice`.
    #[serde(rename = "type")]
    pub kind: String,
    pub required: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Package {
    pub code: PackageCode,
    pub name: String,
    pub item_codes: Vec<ItemCode>,
    pub dept_codes: Vec<DeptCode>,
    pub description: String,
    pub form: Vec<FormField>,
    /// The strictest identity any of its items requires (set when the catalog is loaded).
    #[serde(default)]
    pub identity_level: super::IdentityLevel,
    /// Whom it serves; each of its items must serve them too.
    #[serde(default)]
    pub audience: Audience,
}

/// A service window. `comprehensive` windows (综合窗口, 一窗通办) serve many departments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Window {
    pub code: String,
    pub name: String,
    pub comprehensive: bool,
    /// The queue-number prefix, e.g. `A` for `A012`.
    pub queue_prefix: String,
    pub dept_codes: Vec<DeptCode>,
    pub item_codes: Vec<ItemCode>,
    /// How many citizens this window group can see in one booking slot.
    pub seats_per_slot: u32,
}

/// Opening hours on a working day: one or more sessions, `HH:MM` in Shanghai time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Session {
    pub open: String,
    pub close: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Hall {
    pub hall_id: HallId,
    pub name: String,
    pub address: String,
    pub phone: String,
    /// Sessions on every working day of the calendar.
    pub opening_hours: Vec<Session>,
    /// Extra sessions on Saturdays that are not working days (周末延时服务), if any.
    #[serde(default)]
    pub saturday_hours: Vec<Session>,
    pub slot_minutes: u32,
    pub windows: Vec<Window>,
    /// The hall's booking rules; the defaults are the district's.
    #[serde(default)]
    pub booking: BookingRules,
    /// District centre, town centre or community station.
    #[serde(default)]
    pub level: HallLevel,
    /// The hall above it (a station's town centre, a town centre's district centre).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<HallId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

impl Hall {
    /// Whether any of its windows serves the item.
    pub fn serves(&self, item: &ItemCode) -> bool {
        self.windows.iter().any(|w| w.item_codes.contains(item))
    }
}

/// How far ahead citizens may book, until when they may cancel, and when repeated no-shows
/// stop them booking: N no-shows within W days ban booking for B days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct BookingRules {
    /// Bookable days: the next this many working days (today's remaining slots included).
    pub window_working_days: u32,
    /// A slot can be booked until this many minutes before it starts.
    pub lead_minutes: u32,
    /// A booking can be cancelled or moved until this many minutes before it starts.
    pub cancel_minutes: u32,
    pub no_show_limit: u32,
    pub no_show_window_days: u32,
    pub ban_days: u32,
}

impl Default for BookingRules {
    fn default() -> Self {
        Self {
            window_working_days: 7,
            lead_minutes: 60,
            cancel_minutes: 120,
            no_show_limit: 3,
            no_show_window_days: 30,
            ban_days: 30,
        }
    }
}

/// The whole catalog as the demo data file holds it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Catalog {
    pub departments: Vec<Department>,
    pub items: Vec<Item>,
    pub packages: Vec<Package>,
    pub halls: Vec<Hall>,
}

impl Catalog {
    /// Cross-references a catalog: every item's department and halls exist, every package's
    /// items exist, every window's items exist, promises stay within legal limits.
    pub fn check(&self) -> Result<(), String> {
        let depts: std::collections::HashSet<_> = self.departments.iter().map(|d| &d.code).collect();
        let halls: std::collections::HashSet<_> = self.halls.iter().map(|h| &h.hall_id).collect();
        let items: std::collections::HashMap<_, _> = self.items.iter().map(|i| (&i.code, i)).collect();
        if items.len() != self.items.len() {
            return Err("duplicate item codes".into());
        }
        for i in &self.items {
            if !depts.contains(&i.dept_code) {
                return Err(format!("item {} names unknown department {}", i.code, i.dept_code));
            }
            if i.promised_days > i.legal_days {
                return Err(format!("item {} promises more than its legal limit", i.code));
            }
            if (i.kind == ItemKind::Instant) != (i.promised_days == 0) {
                return Err(format!("item {}: 即办件 and only they have 0 promised days", i.code));
            }
            if let Some(h) = i.hall_ids.iter().find(|h| !halls.contains(h)) {
                return Err(format!("item {} names unknown hall {h}", i.code));
            }
        }
        for p in &self.packages {
            if let Some(c) = p.item_codes.iter().find(|c| !items.contains_key(c)) {
                return Err(format!("package {} names unknown item {c}", p.code));
            }
            let strictest = p
                .item_codes
                .iter()
                .filter_map(|c| items.get(c))
                .map(|i| i.identity_level)
                .max();
            if strictest.unwrap_or_default() != p.identity_level {
                return Err(format!("package {} asks for another identity than its items", p.code));
            }
            if let Some(c) = p
                .item_codes
                .iter()
                .find(|c| items.get(c).is_some_and(|i| !p.audience.holds(i.audience)))
            {
                return Err(format!("package {} serves another audience than its item {c}", p.code));
            }
        }
        for h in &self.halls {
            for w in &h.windows {
                if let Some(c) = w.item_codes.iter().find(|c| !items.contains_key(c)) {
                    return Err(format!("window {} of {} names unknown item {c}", w.code, h.hall_id));
                }
                if let Some(c) = w
                    .item_codes
                    .iter()
                    .find(|c| items.get(c).is_some_and(|i| !i.levels.contains(&h.level)))
                {
                    return Err(format!("{} serves {c}, which is not handled at its level", h.hall_id));
                }
            }
            self.check_parent(h)?;
        }
        Ok(())
    }

    /// A hall's parent exists and is a level above it; a district hall may have none.
    fn check_parent(&self, h: &Hall) -> Result<(), String> {
        let parent = match &h.parent {
            None if h.level == HallLevel::District => return Ok(()),
            None => return Err(format!("{} has no parent hall", h.hall_id)),
            Some(p) => self.halls.iter().find(|x| &x.hall_id == p),
        };
        match parent {
            Some(p) if p.level < h.level => Ok(()),
            Some(p) => Err(format!("{}'s parent {} is not a level above it", h.hall_id, p.hall_id)),
            None => Err(format!("{} names an unknown parent hall", h.hall_id)),
        }
    }
}
