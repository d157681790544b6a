//! Booking (预约): a citizen's seat at a hall's window in one slot, its statuses, and how a
//! booking is made, moved, cancelled and checked in. The slot grid is in [`slots`].
//!
//! A booking is made whole by [`Booking::new`]: everything a visit needs later (the hall's
//! name, the window's queue prefix, the item's department, until when it may be cancelled)
//! is fixed then, so no later step reads the catalog again.

pub mod slots;

pub use crate::codes::BookingId;
pub use slots::{
    OutsideWindow, Slot, SlotId, cancel_by, check_window, find_slot, serves, sessions, slots_of_day, window_of,
};

use crate::catalog::{Hall, Item, Window};
use crate::notification::{Kind, Notification};
use crate::time::rfc3339;
use crate::{CitizenId, DeptCode, FreeText, HallId, Invalid, ItemCode};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    Booked,
    Cancelled,
    CheckedIn,
    NoShow,
    Completed,
}

impl BookingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Booked => "booked",
            Self::Cancelled => "cancelled",
            Self::CheckedIn => "checked_in",
            Self::NoShow => "no_show",
            Self::Completed => "completed",
        }
    }
}

impl FromStr for BookingStatus {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        serde_json::from_value(serde_json::Value::String(raw.to_owned()))
            .map_err(|_| Invalid::new("状态应为booked、cancelled、checked_in、no_show或completed"))
    }
}

/// Where a booking is for: a slot the hall really has, at a window serving the item.
#[derive(Debug, Clone, Copy)]
pub struct Visit<'a> {
    pub hall: &'a Hall,
    pub window: &'a Window,
    pub slot: &'a Slot,
}

/// A booking as it is kept.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Booking {
    pub id: BookingId,
    pub citizen_id: CitizenId,
    /// The person behind the account (the keyed hash of their ID number): guards and
    /// no-shows count per person, whichever account books.
    pub id_key: String,
    pub hall_id: HallId,
    pub hall_name: String,
    pub window_code: String,
    /// The window group's queue-number prefix, kept so check-in needs no catalog read.
    pub queue_prefix: String,
    pub slot_id: SlotId,
    pub date: String,
    pub start: String,
    pub end: String,
    pub item_code: ItemCode,
    pub item_name: String,
    /// The item's department, kept so rating the visit needs no catalog read (absent on
    /// bookings stored before it was kept: those read the catalog).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dept_code: Option<DeptCode>,
    pub status: BookingStatus,
    pub verification_code: String,
    /// Until when the citizen may cancel or move it (the hall's rule, fixed at booking).
    pub cancel_by: String,
    pub created_at: String,
    pub updated_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_reason: Option<FreeText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_in_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_number: Option<String>,
    /// The member of staff who checked the visitor in: who the visit's rating is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_in_by: Option<String>,
    /// The hall's ticket for the visit, from check-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_id: Option<crate::queue::TicketId>,
    /// When the window finished serving the visit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<String>,
    pub hall_day: String,
    /// The enterprise the visit is for (法人), when a member booked for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise: Option<crate::enterprise::Acting>,
}

/// The six digits a visitor shows at the hall.
fn verification_code() -> String {
    format!("{:06}", u32::from_le_bytes(crate::random::bytes()) % 1_000_000)
}

impl Booking {
    /// A new booking of `item` at `at` for the citizen and the person behind them.
    pub fn new(citizen: CitizenId, person: String, at: Visit<'_>, item: &Item, now: Timestamp) -> Self {
        let created = rfc3339(now);
        let mut b = Self {
            enterprise: None,
            id: BookingId::generate(),
            citizen_id: citizen,
            id_key: person,
            hall_id: at.hall.hall_id.clone(),
            hall_name: String::new(),
            window_code: String::new(),
            queue_prefix: String::new(),
            slot_id: at.slot.id.clone(),
            date: String::new(),
            start: String::new(),
            end: String::new(),
            item_code: item.code.clone(),
            item_name: item.name.clone(),
            dept_code: Some(item.dept_code.clone()),
            status: BookingStatus::Booked,
            verification_code: verification_code(),
            cancel_by: String::new(),
            created_at: created.clone(),
            updated_at: created,
            cancelled_at: None,
            cancel_reason: None,
            checked_in_at: None,
            queue_number: None,
            checked_in_by: None,
            ticket_id: None,
            completed_at: None,
            hall_day: String::new(),
        };
        b.place(at);
        b
    }

    /// Everything that follows from where the booking is.
    fn place(&mut self, at: Visit<'_>) {
        let date = at.slot.id.date().strftime("%Y-%m-%d").to_string();
        self.hall_id = at.hall.hall_id.clone();
        self.hall_name = at.hall.name.clone();
        self.window_code = at.window.code.clone();
        self.queue_prefix = at.window.queue_prefix.clone();
        self.slot_id = at.slot.id.clone();
        self.start = rfc3339(at.slot.start);
        self.end = rfc3339(at.slot.end);
        self.cancel_by = rfc3339(cancel_by(at.hall, at.slot.start));
        self.hall_day = format!("{}#{date}", at.hall.hall_id);
        self.date = date;
    }

    /// A fresh verification code, when the one drawn is already another booking's that day.
    pub fn redraw_code(&mut self) {
        self.verification_code = verification_code();
    }

    /// The same booking moved to `at` (a reschedule).
    pub fn moved_to(&self, at: Visit<'_>, now: Timestamp) -> Self {
        let mut moved = self.clone();
        moved.place(at);
        moved.updated_at = rfc3339(now);
        moved
    }

    /// The booking as a cancel leaves it.
    pub fn cancelled(self, reason: Option<FreeText>, now: Timestamp) -> Self {
        let at = rfc3339(now);
        Self {
            status: BookingStatus::Cancelled,
            cancelled_at: Some(at.clone()),
            cancel_reason: reason,
            updated_at: at,
            ..self
        }
    }

    /// The booking as a check-in with `ticket` leaves it.
    pub fn checked_in(self, ticket: &crate::queue::TicketId, staff: &str, now: Timestamp) -> Self {
        let at = rfc3339(now);
        Self {
            status: BookingStatus::CheckedIn,
            queue_number: Some(ticket.number().to_owned()),
            ticket_id: Some(ticket.clone()),
            checked_in_by: Some(staff.to_owned()),
            checked_in_at: Some(at.clone()),
            updated_at: at,
            ..self
        }
    }

    /// The confirmation of a booking moved to another slot: the new time, and the new code
    /// when the day changed. One per move: a move is one transaction, retried only after it
    /// wrote nothing, so a fresh nonce cannot queue it twice, and moving back to a slot
    /// (even within a millisecond) confirms again.
    pub fn moved_notice(&self) -> Notification {
        Notification {
            cause: format!("{}.moved.{}", self.id, crate::random::hex(&crate::random::bytes::<8>())),
            ..self.notification(Kind::BookingConfirmed)
        }
    }

    /// The notice of a cancelled booking: what, where and when it was (a booking is
    /// cancelled once).
    pub fn cancelled_notice(&self) -> Notification {
        let mut note = self.notification(Kind::BookingCancelled);
        note.data.remove("verificationCode");
        note
    }

    /// The notice that this booking's no-show stopped its owner booking until `until`: one
    /// per ban (a longer ban later is another).
    pub fn restricted_notice(&self, until: jiff::Timestamp, no_shows: u32) -> Notification {
        Notification {
            kind: Kind::BookingRestricted,
            citizen: self.citizen_id.clone(),
            cause: format!("{}.{}", self.citizen_id, until.as_second()),
            source: format!("booking:{}", self.id),
            page: "pages/booking/list".to_owned(),
            data: std::collections::BTreeMap::from([
                ("until", rfc3339(until)),
                ("note", format!("预约后{no_shows}次未到，暂停网上预约")),
            ]),
        }
    }

    /// A notification about this booking (confirmed, reminder): what, where, when, and the
    /// code to show at the hall.
    pub fn notification(&self, kind: Kind) -> Notification {
        Notification {
            kind,
            citizen: self.citizen_id.clone(),
            cause: self.id.to_string(),
            source: format!("booking:{}", self.id),
            page: format!("pages/booking/detail?id={}", self.id),
            data: std::collections::BTreeMap::from([
                ("itemName", self.item_name.clone()),
                ("hallName", self.hall_name.clone()),
                ("start", self.start.clone()),
                ("verificationCode", self.verification_code.clone()),
            ]),
        }
    }
}
