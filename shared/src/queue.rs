//! The hall's queue (叫号): tickets, the numbers visitors hold from check-in or 现场取号 until
//! a window has finished with them, and the order windows call them in.
//!
//! A ticket is named by its hall, day and number (`spb-center.20261203.A012`): numbers are
//! unique per hall and day, so the name is too, and it tells the store where the ticket
//! lives without a lookup.

use crate::booking::Booking;
use crate::notification::{Kind, Notification};
use crate::staff::WindowId;
use crate::time::rfc3339;
use crate::{CitizenId, DeptCode, HallId, Invalid, ItemCode};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// A ticket's name: `<hallId>.<YYYYMMDD>.<queueNumber>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TicketId {
    raw: String,
    hall: HallId,
    date: Date,
}

impl TicketId {
    pub fn new(hall: &HallId, date: Date, number: &str) -> Result<Self, Invalid> {
        format!("{hall}.{}.{number}", date.strftime("%Y%m%d")).parse()
    }

    pub fn as_str(&self) -> &str {
        &self.raw
    }

    pub fn hall(&self) -> &HallId {
        &self.hall
    }

    pub fn date(&self) -> Date {
        self.date
    }

    /// The queue number (`A012`).
    pub fn number(&self) -> &str {
        self.raw.rsplit('.').next().unwrap_or("")
    }
}

/// A queue number: a window group's prefix (capitals) then at least three digits.
fn number_ok(raw: &str) -> bool {
    let digits = raw.trim_start_matches(|c: char| c.is_ascii_uppercase());
    let prefix = raw.len().saturating_sub(digits.len());
    (1..=4).contains(&prefix) && (3..=6).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

impl FromStr for TicketId {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        let bad = Invalid::new("取号编号应为“大厅编号.日期.号码”，如spb-center.20261203.A012");
        let mut parts = raw.split('.');
        let (Some(hall), Some(day), Some(number), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad);
        };
        let hall: HallId = hall.parse().map_err(|_| bad.clone())?;
        let date = (day.len() == 8 && day.bytes().all(|b| b.is_ascii_digit()))
            .then(|| Date::strptime("%Y%m%d", day).ok())
            .flatten()
            .ok_or(bad.clone())?;
        if !number_ok(number) {
            return Err(bad);
        }
        Ok(Self {
            raw: raw.to_owned(),
            hall,
            date,
        })
    }
}

impl std::fmt::Display for TicketId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.raw)
    }
}

crate::string_newtype_serde!(TicketId);

/// Which line a ticket waits in: booked visitors are called before walk-ins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lane {
    Booked,
    WalkIn,
}

impl Lane {
    /// The lane's place in the waiting order.
    pub fn rank(self) -> u8 {
        match self {
            Lane::Booked => 0,
            Lane::WalkIn => 1,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    Waiting,
    Called,
    Served,
    Absent,
}

impl TicketStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Called => "called",
            Self::Served => "served",
            Self::Absent => "absent",
        }
    }
}

/// How a window ends a visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Served,
    Absent,
    /// Another window should serve it: the number goes back to the queue, in its place.
    Transferred,
}

/// A number issued at a hall.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ticket {
    pub ticket_id: TicketId,
    pub hall_id: HallId,
    pub date: String,
    pub queue_number: String,
    pub lane: Lane,
    pub item_code: ItemCode,
    pub item_name: String,
    /// The item's department (absent for a booking kept before bookings named it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dept_code: Option<DeptCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booking_id: Option<crate::booking::BookingId>,
    /// Whom to tell when the number is called: booked visitors have an account; walk-ins
    /// hold a paper ticket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citizen_id: Option<CitizenId>,
    pub status: TicketStatus,
    pub issued_at: String,
    pub issued_by: String,
    /// Calls so far: each call's notice is its own.
    #[serde(default)]
    pub calls: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub called_by: Option<WindowId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub called_at: Option<String>,
    /// The member of staff at the window that called it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub called_staff: Option<String>,
    /// Windows that passed it on: it is not offered to them again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub passed_over: Vec<WindowId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_no: Option<String>,
}

impl Ticket {
    /// The ticket of a booked visitor checked in now with `number`.
    pub fn booked(b: &Booking, id: TicketId, staff: &str, now: Timestamp) -> Self {
        let mut t = Self::issued(id, Lane::Booked, &b.item_code, &b.item_name, staff, now);
        t.dept_code = b.dept_code.clone();
        t.booking_id = Some(b.id.clone());
        t.citizen_id = Some(b.citizen_id.clone());
        t
    }

    /// A walk-in's ticket (现场取号) for `item`.
    pub fn walk_in(id: TicketId, item: &crate::catalog::Item, staff: &str, now: Timestamp) -> Self {
        let mut t = Self::issued(id, Lane::WalkIn, &item.code, &item.name, staff, now);
        t.dept_code = Some(item.dept_code.clone());
        t
    }

    fn issued(id: TicketId, lane: Lane, item: &ItemCode, name: &str, staff: &str, now: Timestamp) -> Self {
        Self {
            hall_id: id.hall().clone(),
            date: id.date().strftime("%Y-%m-%d").to_string(),
            queue_number: id.number().to_owned(),
            ticket_id: id,
            lane,
            item_code: item.clone(),
            item_name: name.to_owned(),
            dept_code: None,
            booking_id: None,
            citizen_id: None,
            status: TicketStatus::Waiting,
            issued_at: rfc3339(now),
            issued_by: staff.to_owned(),
            calls: 0,
            called_by: None,
            called_at: None,
            called_staff: None,
            passed_over: Vec::new(),
            finished_at: None,
            application_no: None,
        }
    }

    /// The ticket as a call by `window` leaves it (what the store's call writes).
    pub fn called(mut self, window: &WindowId, staff: &str, now: Timestamp) -> Self {
        self.status = TicketStatus::Called;
        self.called_by = Some(window.clone());
        self.called_at = Some(rfc3339(now));
        self.called_staff = Some(staff.to_owned());
        self.calls = self.calls.saturating_add(1);
        self
    }

    /// The ticket as `window` ending the visit leaves it: finished (served or absent, with
    /// the application taken in), or back in the line, never to be offered to that window
    /// again (transferred).
    pub fn finished(
        mut self,
        outcome: Outcome,
        window: &WindowId,
        application_no: Option<&str>,
        now: Timestamp,
    ) -> Self {
        self.status = match outcome {
            Outcome::Served => TicketStatus::Served,
            Outcome::Absent => TicketStatus::Absent,
            Outcome::Transferred => TicketStatus::Waiting,
        };
        if outcome == Outcome::Transferred {
            self.called_by = None;
            self.called_at = None;
            self.called_staff = None;
            self.passed_over.push(window.clone());
        } else {
            self.finished_at = Some(rfc3339(now));
            self.application_no = application_no.map(str::to_owned);
        }
        self
    }

    /// Whether `window` may call it: the window group serves its item, and has not passed
    /// it on before.
    pub fn callable_by(&self, window: &WindowId, serves: &[ItemCode]) -> bool {
        self.status == TicketStatus::Waiting && serves.contains(&self.item_code) && !self.passed_over.contains(window)
    }

    /// What the visitor is told when `window` calls the number (booked visitors only: a
    /// walk-in holds a paper ticket). Each call is its own notice.
    pub fn called_notice(
        &self,
        window: &WindowId,
        window_name: &str,
        hall_name: &str,
        now: Timestamp,
    ) -> Option<Notification> {
        let citizen = self.citizen_id.clone()?;
        Some(Notification {
            kind: Kind::NumberCalled,
            citizen,
            cause: format!("{}.{}", self.ticket_id, self.calls.saturating_add(1)),
            source: format!("ticket:{}", self.ticket_id),
            page: self
                .booking_id
                .as_ref()
                .map_or_else(String::new, |b| format!("pages/booking/detail?id={b}")),
            data: std::collections::BTreeMap::from([
                ("queueNumber", self.queue_number.clone()),
                ("windowName", format!("{window_name}（{}号窗口）", window.code())),
                ("hallName", hall_name.to_owned()),
                ("itemName", self.item_name.clone()),
                ("at", rfc3339(now)),
            ]),
        })
    }

    /// Its place in the waiting order: lane, then when it was issued, then its number.
    pub fn order_key(&self) -> String {
        format!("{}#{}#{}", self.lane.rank(), self.issued_at, self.queue_number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_id_names_its_hall_day_and_number() {
        let id: TicketId = "spb-center.20261203.A012".parse().unwrap();
        assert_eq!(id.hall().as_str(), "spb-center");
        assert_eq!(id.date().to_string(), "2026-12-03");
        assert_eq!(id.number(), "A012");
        let day = Date::new(2026, 12, 3).unwrap();
        assert_eq!(TicketId::new(id.hall(), day, "A012").unwrap(), id);
    }

    #[test]
    fn malformed_ticket_ids_are_refused() {
        for bad in [
            "",
            "spb-center.20261203",
            "spb-center.20261203.A012.x",
            "spb-center.20261332.A012",
            "spb-center.2026123.A012",
            "spb-center.20261203.a012",
            "spb-center.20261203.A1",
            "spb-center.20261203.012",
            "SPB.20261203.A012",
            "spb#center.20261203.A012",
        ] {
            assert!(bad.parse::<TicketId>().is_err(), "{bad}");
        }
    }

    #[test]
    fn booked_visitors_wait_ahead_of_walk_ins_and_each_lane_in_issue_order() {
        assert!(Lane::Booked.rank() < Lane::WalkIn.rank());
        let key = |lane: Lane, at: &str, n: &str| format!("{}#{at}#{n}", lane.rank());
        let mut keys = [
            key(Lane::WalkIn, "2026-12-03T09:00:00+08:00", "A001"),
            key(Lane::Booked, "2026-12-03T09:05:00+08:00", "A003"),
            key(Lane::Booked, "2026-12-03T09:01:00+08:00", "A002"),
        ];
        keys.sort();
        assert!(keys[0].ends_with("A002") && keys[1].ends_with("A003") && keys[2].ends_with("A001"));
    }

    #[test]
    fn a_transferred_number_goes_back_waiting_and_is_never_offered_to_that_window_again() {
        let at = Timestamp::from_second(1_796_230_800).unwrap();
        let item: crate::catalog::Item = serde_json::from_value(serde_json::json!({
            "code": "MZJ-0001", "name": "婚姻登记", "deptCode": "MZJ", "deptName": "民政局",
            "kind": "committed", "promisedDays": 1, "legalDays": 1, "onlineLevel": "offline",
            "maxVisits": 1, "materials": [], "bookable": true, "hallIds": [], "audience": "个人",
            "fee": "", "description": "",
        }))
        .unwrap();
        let id: TicketId = "spb-center.20261203.C001".parse().unwrap();
        let c: WindowId = "spb-center.C".parse().unwrap();
        let e: WindowId = "spb-center.E".parse().unwrap();
        let serves = [item.code.clone()];
        let t = Ticket::walk_in(id, &item, "s1", at);
        assert!(t.callable_by(&c, &serves));
        let called = t.called(&c, "s2", at);
        assert_eq!((called.status, called.calls), (TicketStatus::Called, 1));
        assert!(!called.callable_by(&e, &serves));
        let back = called.clone().finished(Outcome::Transferred, &c, None, at);
        assert_eq!(back.status, TicketStatus::Waiting);
        assert!(back.called_by.is_none() && back.finished_at.is_none());
        assert!(!back.callable_by(&c, &serves) && back.callable_by(&e, &serves));
        let served = called.finished(Outcome::Served, &c, Some("SQ20261203ABCDEFGH"), at);
        assert_eq!(served.status, TicketStatus::Served);
        assert_eq!(served.application_no.as_deref(), Some("SQ20261203ABCDEFGH"));
    }
}
