//! The slot grid a hall publishes: slot ids, the slots of a day, and when a slot may be
//! booked or a booking cancelled.
//!
//! A slot is one start time at one window group of one hall on one day, e.g.
//! `spb-center.20261202.0930.A`: the 综合窗口 `A` serves many items, and its seats per slot
//! are shared by all of them. Slots are computed from the hall's opening hours, slot length
//! and the working-day calendar; nothing is stored for a slot until its first booking.

use crate::catalog::{Hall, Window};
use crate::time::{SHANGHAI, local};
use crate::{HallId, Invalid, ItemCode, WorkCalendar, string_newtype_serde};
use jiff::civil::{Date, DateTime, Time, Weekday};
use jiff::{Span, Timestamp};
use std::str::FromStr;

/// `{hallId}.{YYYYMMDD}.{HHMM}.{window}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SlotId {
    hall: HallId,
    date: Date,
    start: Time,
    window: String,
    text: String,
}

impl SlotId {
    pub fn new(hall: HallId, date: Date, start: Time, window: &str) -> Self {
        let text = format!("{hall}.{}.{}.{window}", date.strftime("%Y%m%d"), start.strftime("%H%M"));
        Self {
            hall,
            date,
            start,
            window: window.to_owned(),
            text,
        }
    }

    pub fn hall(&self) -> &HallId {
        &self.hall
    }

    pub fn date(&self) -> Date {
        self.date
    }

    pub fn window(&self) -> &str {
        &self.window
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The counter's sort key within its hall-day: `HHMM#window`.
    pub fn counter_key(&self) -> String {
        format!("{}#{}", self.start.strftime("%H%M"), self.window)
    }
}

impl FromStr for SlotId {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        let bad = || Invalid::new("时段编号格式不正确");
        let mut parts = raw.split('.');
        let (Some(hall), Some(date), Some(time), Some(window), None) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let hall: HallId = hall.parse().map_err(|_| bad())?;
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(date, 8)
            || !digits(time, 4)
            || !(1..=4).contains(&window.len())
            || !window.bytes().all(|b| b.is_ascii_uppercase())
        {
            return Err(bad());
        }
        let number = |s: &str, r: std::ops::Range<usize>| s.get(r).and_then(|p| p.parse::<i8>().ok()).ok_or_else(bad);
        let year = date.get(..4).and_then(|p| p.parse::<i16>().ok()).ok_or_else(bad)?;
        let date = Date::new(year, number(date, 4..6)?, number(date, 6..8)?).map_err(|_| bad())?;
        if !crate::time::in_range(date) {
            return Err(bad());
        }
        let start = Time::new(number(time, 0..2)?, number(time, 2..4)?, 0, 0).map_err(|_| bad())?;
        Ok(Self::new(hall, date, start, window))
    }
}

impl std::fmt::Display for SlotId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

string_newtype_serde!(SlotId);

/// One slot of a hall's grid.
#[derive(Debug, Clone)]
pub struct Slot {
    pub id: SlotId,
    pub start: Timestamp,
    pub end: Timestamp,
    pub capacity: u32,
    pub window_name: String,
}

fn hhmm(s: &str) -> Option<Time> {
    let (h, m) = s.split_once(':')?;
    Time::new(h.parse().ok()?, m.parse().ok()?, 0, 0).ok()
}

/// A Shanghai wall-clock time as an instant; `None` past the end of representable time.
fn instant(date: Date, time: Time) -> Option<Timestamp> {
    SHANGHAI.to_timestamp(DateTime::from_parts(date, time)).ok()
}

/// The sessions a hall is open on a date: working days per the calendar, non-working
/// Saturdays that are not holidays per its Saturday hours, otherwise closed.
pub fn sessions<'h>(hall: &'h Hall, date: Date, cal: &WorkCalendar) -> &'h [crate::catalog::Session] {
    if cal.is_working_day(date) {
        &hall.opening_hours
    } else if date.weekday() == Weekday::Saturday && cal.holiday(date).is_none() {
        &hall.saturday_hours
    } else {
        &[]
    }
}

/// Every slot of a hall on a date, window group by window group, in time order.
pub fn slots_of_day(hall: &Hall, date: Date, cal: &WorkCalendar) -> Vec<Slot> {
    let step = Span::new().minutes(i64::from(hall.slot_minutes.max(5)));
    let mut slots = Vec::new();
    for session in sessions(hall, date, cal) {
        let (Some(open), Some(close)) = (hhmm(&session.open), hhmm(&session.close)) else {
            continue;
        };
        let mut start = open;
        while let Ok(end) = start.checked_add(step) {
            if end > close || end <= start {
                break;
            }
            let (Some(from), Some(to)) = (instant(date, start), instant(date, end)) else {
                break;
            };
            for w in &hall.windows {
                slots.push(Slot {
                    id: SlotId::new(hall.hall_id.clone(), date, start, &w.code),
                    start: from,
                    end: to,
                    capacity: w.seats_per_slot,
                    window_name: w.name.clone(),
                });
            }
            start = end;
        }
    }
    slots.sort_by(|a, b| (a.start, a.id.window()).cmp(&(b.start, b.id.window())));
    slots
}

/// The slot an id names, if the hall really has it on that day.
pub fn find_slot(hall: &Hall, id: &SlotId, cal: &WorkCalendar) -> Option<Slot> {
    if id.hall() != &hall.hall_id {
        return None;
    }
    slots_of_day(hall, id.date(), cal).into_iter().find(|s| &s.id == id)
}

/// The window group of a slot.
pub fn window_of<'h>(hall: &'h Hall, id: &SlotId) -> Option<&'h Window> {
    hall.windows.iter().find(|w| w.code == id.window())
}

/// Whether a window group serves an item.
pub fn serves(window: &Window, item: &ItemCode) -> bool {
    window.item_codes.contains(item)
}

/// Why a slot cannot be booked now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutsideWindow {
    /// It starts before now plus the lead time (or is past).
    TooSoon,
    /// It is beyond the last bookable working day.
    TooFar,
}

/// Checks a slot start against the hall's booking window at `now`.
pub fn check_window(hall: &Hall, start: Timestamp, now: Timestamp, cal: &WorkCalendar) -> Result<(), OutsideWindow> {
    let lead = Span::new().minutes(i64::from(hall.booking.lead_minutes));
    if start < now.checked_add(lead).unwrap_or(now) {
        return Err(OutsideWindow::TooSoon);
    }
    let today = local(now).date();
    let last = cal.add_working_days(today, hall.booking.window_working_days);
    if local(start).date() > last {
        return Err(OutsideWindow::TooFar);
    }
    Ok(())
}

/// Until when a booking starting at `start` may be cancelled or moved.
pub fn cancel_by(hall: &Hall, start: Timestamp) -> Timestamp {
    let before = Span::new().minutes(i64::from(hall.booking.cancel_minutes));
    start.checked_sub(before).unwrap_or(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hall() -> Hall {
        let catalog: crate::catalog::Catalog =
            serde_json::from_str(include_str!("../../../tools/data/demo-catalog.json")).unwrap();
        catalog
            .halls
            .into_iter()
            .find(|h| h.hall_id.as_str() == "spb-center")
            .unwrap()
    }

    #[test]
    fn slot_ids_round_trip_and_refuse_malformed_text() {
        let id: SlotId = "spb-center.20261202.0930.A".parse().unwrap();
        assert_eq!(id.to_string(), "spb-center.20261202.0930.A");
        assert_eq!(id.counter_key(), "0930#A");
        for bad in [
            "spb-center.20261302.0930.A",
            "spb-center.20261202.2530.A",
            "spb-center.20261202.0930",
            "x.20261202.0930.a",
            "spb-center.2026122.0930.A",
            "a.b.c.d.e",
            "spb-center.99991231.0930.A",
            "spb-center.00010101.0930.A",
        ] {
            assert!(bad.parse::<SlotId>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_working_day_has_slots_in_both_sessions_and_a_holiday_none() {
        let cal = WorkCalendar::shipped();
        let h = hall();
        let day = slots_of_day(&h, "2026-12-02".parse().unwrap(), cal);
        let a: Vec<_> = day.iter().filter(|s| s.id.window() == "A").collect();
        // 09:00-12:00 and 14:00-17:30 in 30-minute slots: 6 + 7.
        assert_eq!(a.len(), 13);
        assert_eq!(a[0].id.to_string(), "spb-center.20261202.0900.A");
        assert_eq!(crate::time::rfc3339(a[6].start), "2026-12-02T14:00:00+08:00");
        assert!(slots_of_day(&h, "2026-10-01".parse().unwrap(), cal).is_empty(), "国庆");
        assert!(
            !slots_of_day(&h, "2026-10-10".parse().unwrap(), cal).is_empty(),
            "调休 Saturday is a full day"
        );
        let saturday = slots_of_day(&h, "2026-12-05".parse().unwrap(), cal);
        assert!(
            saturday.iter().all(|s| crate::time::local(s.start).hour() < 12),
            "Saturday mornings only"
        );
        assert!(
            slots_of_day(&h, "2026-12-06".parse().unwrap(), cal).is_empty(),
            "Sunday"
        );
    }

    #[test]
    fn the_booking_window_counts_working_days_and_the_lead_time() {
        let cal = WorkCalendar::shipped();
        let h = hall();
        let now: Timestamp = "2026-09-30T01:00:00Z".parse().unwrap(); // 09:00 Wed before 国庆
        let at = |s: &str| -> Timestamp { s.parse().unwrap() };
        assert_eq!(
            check_window(&h, at("2026-09-30T01:30:00Z"), now, cal),
            Err(OutsideWindow::TooSoon)
        );
        assert_eq!(check_window(&h, at("2026-09-30T02:00:00Z"), now, cal), Ok(()));
        // Seven working days after 09-30: 10-08, 09, 10 (调休), 12, 13, 14, 15.
        assert_eq!(check_window(&h, at("2026-10-15T01:00:00Z"), now, cal), Ok(()));
        assert_eq!(
            check_window(&h, at("2026-10-16T01:00:00Z"), now, cal),
            Err(OutsideWindow::TooFar)
        );
        assert_eq!(
            cancel_by(&h, at("2026-09-30T03:00:00Z")),
            at("2026-09-30T01:00:00Z"),
            "two hours before"
        );
    }
}
