//! Time in Asia/Shanghai: dates, and RFC 3339 timestamps with the `+08:00` offset.
//!
//! China has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact for
//! every date this service handles and spares a time-zone database in each binary.

use super::Invalid;
use jiff::civil::Date;
use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};
use jiff::{RoundMode, Timestamp, TimestampRound, Unit};
use std::str::FromStr;

/// UTC+08:00.
pub const SHANGHAI: Offset = Offset::constant(8);

pub fn shanghai() -> TimeZone {
    TimeZone::fixed(SHANGHAI)
}

/// The current instant.
pub fn now() -> Timestamp {
    Timestamp::now()
}

/// Where a handler gets "now": the system clock in production, a settable one in tests
/// that need a Tuesday morning or an hour after the hall closed.
#[derive(Debug, Clone, Default)]
pub struct Clock(Option<std::sync::Arc<std::sync::Mutex<Timestamp>>>);

impl Clock {
    pub fn system() -> Self {
        Self(None)
    }

    pub fn fixed(at: Timestamp) -> Self {
        Self(Some(std::sync::Arc::new(std::sync::Mutex::new(at))))
    }

    /// Moves a fixed clock; a system clock ignores this.
    pub fn set(&self, at: Timestamp) {
        if let Some(t) = &self.0 {
            // A test that panicked while holding the clock left a valid time in it.
            *t.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = at;
        }
    }

    pub fn now(&self) -> Timestamp {
        match &self.0 {
            Some(t) => *t.lock().unwrap_or_else(std::sync::PoisonError::into_inner),
            None => Timestamp::now(),
        }
    }
}

/// Whole seconds from `now` to the next midnight in Shanghai (at least 1): how long a
/// daily quota has left to run, for a `Retry-After`.
pub fn seconds_to_midnight(now: Timestamp) -> u64 {
    let next = local(now).date().tomorrow().ok().and_then(|d| {
        SHANGHAI
            .to_timestamp(DateTime::from_parts(d, jiff::civil::Time::midnight()))
            .ok()
    });
    next.map_or(3600, |t| {
        u64::try_from(t.as_second().saturating_sub(now.as_second()))
            .unwrap_or(1)
            .max(1)
    })
}

/// Today's date in Shanghai.
pub fn today() -> Date {
    local(now()).date()
}

/// `2026-12-01T14:39:57+08:00`: whole seconds, the offset the API promises.
pub fn rfc3339(ts: Timestamp) -> String {
    // Truncate, so a timestamp never reads later than the moment it records.
    let whole = ts
        .round(TimestampRound::new().smallest(Unit::Second).mode(RoundMode::Trunc))
        .unwrap_or(ts);
    whole.display_with_offset(SHANGHAI).to_string()
}

/// `2026-12-01T14:39:57.042+08:00`: to the millisecond, for what must keep its order
/// within a second (the audit trail's sort keys).
pub fn rfc3339_millis(ts: Timestamp) -> String {
    let ms = ts
        .round(TimestampRound::new().smallest(Unit::Millisecond).mode(RoundMode::Trunc))
        .unwrap_or(ts);
    format!("{:.3}", ms.display_with_offset(SHANGHAI))
}

/// The instant as Shanghai wall-clock time.
pub fn local(ts: Timestamp) -> DateTime {
    SHANGHAI.to_datetime(ts)
}

/// The dates a request may name: wide enough for any birth date or booking, narrow enough
/// that every instant of every such day, a year of working days after it and a month after
/// it are all representable, so no arithmetic on a date from outside can overflow.
pub const FIRST_DATE: Date = Date::constant(1900, 1, 1);
pub const LAST_DATE: Date = Date::constant(2099, 12, 31);

/// Whether a date is one a request may name.
pub fn in_range(d: Date) -> bool {
    (FIRST_DATE..=LAST_DATE).contains(&d)
}

/// A calendar date in Shanghai, written `YYYY-MM-DD`, between [`FIRST_DATE`] and
/// [`LAST_DATE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocalDate(Date);

impl LocalDate {
    pub fn new(date: Date) -> Self {
        Self(date)
    }

    pub fn date(self) -> Date {
        self.0
    }

    pub fn today() -> Self {
        Self(today())
    }

    pub fn as_str(&self) -> String {
        self.0.strftime("%Y-%m-%d").to_string()
    }
}

impl FromStr for LocalDate {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        let invalid = Invalid::new("日期应为YYYY-MM-DD格式、1900-01-01至2099-12-31之间的有效日期");
        let shape = matches!(raw.as_bytes(), [y @ .., b'-', _, _, b'-', _, _] if y.len() == 4)
            && raw
                .bytes()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape {
            return Err(invalid);
        }
        let part = |r: std::ops::Range<usize>| raw.get(r).ok_or_else(|| invalid.clone());
        let y: i16 = part(0..4)?.parse().map_err(|_| invalid.clone())?;
        let m: i8 = part(5..7)?.parse().map_err(|_| invalid.clone())?;
        let d: i8 = part(8..10)?.parse().map_err(|_| invalid.clone())?;
        Date::new(y, m, d)
            .ok()
            .filter(|d| in_range(*d))
            .map(Self)
            .ok_or(invalid)
    }
}

impl std::fmt::Display for LocalDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.as_str())
    }
}

impl serde::Serialize for LocalDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for LocalDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        raw.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_daily_quota_frees_at_the_next_midnight_in_beijing() {
        // 23:00 Beijing is 15:00 UTC: an hour to go, whatever the UTC date says.
        let late: Timestamp = "2026-12-02T15:00:00Z".parse().unwrap();
        assert_eq!(seconds_to_midnight(late), 3600);
        // Just after midnight Beijing (16:00:01 UTC the day before): nearly a whole day.
        let early: Timestamp = "2026-12-02T16:00:01Z".parse().unwrap();
        assert_eq!(seconds_to_midnight(early), 86_399);
    }

    #[test]
    fn timestamps_are_written_with_the_shanghai_offset() {
        let ts: Timestamp = "2026-12-01T06:39:57.6Z".parse().unwrap();
        assert_eq!(rfc3339(ts), "2026-12-01T14:39:57+08:00");
    }

    #[test]
    fn dates_parse_strictly() {
        assert_eq!("2026-02-28".parse::<LocalDate>().unwrap().to_string(), "2026-02-28");
        for bad in [
            "2026-02-29",
            "2026-2-28",
            "20260228",
            "2026-02-28T00:00",
            " 2026-02-28",
            "9999-12-31",
            "0001-01-01",
            "2100-01-01",
        ] {
            assert!(bad.parse::<LocalDate>().is_err(), "{bad}");
        }
    }
}
