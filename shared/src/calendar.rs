//! The working-day calendar: weekends and statutory holidays off, except the weekend days the
//! State Council designates as make-up working days (调休).
//!
//! The calendar is data (`shared/data/calendar/YYYY.json`, one file per published year),
//! compiled into the binary and parsed once on first use. Dates outside the shipped years
//! fall back to Monday-Friday; `covers` tells callers when that happens.

use jiff::civil::{Date, Weekday};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

const SHIPPED: &[&str] = &[
    include_str!("../data/calendar/2026.json"),
    include_str!("../data/calendar/2027.json"),
];

#[expect(
    clippy::expect_used,
    reason = "the shipped files are compiled in and checked by a test; no request reaches this"
)]
static CALENDAR: LazyLock<WorkCalendar> =
    LazyLock::new(|| WorkCalendar::from_years(SHIPPED).expect("the shipped calendar data is checked by tests"));

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct YearFile {
    year: i16,
    #[expect(
        dead_code,
        reason = "the file names its source for people; the code does not read it"
    )]
    source: String,
    provisional: bool,
    holidays: Vec<HolidayRange>,
    workdays: Vec<MakeUpDay>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidayRange {
    name: String,
    from: Date,
    to: Date,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MakeUpDay {
    date: Date,
    #[serde(rename = "for")]
    for_holiday: String,
}

/// Statutory holidays and make-up working days for the years it holds.
#[derive(Debug, Clone)]
pub struct WorkCalendar {
    holidays: BTreeMap<Date, String>,
    workdays: BTreeSet<Date>,
    years: BTreeMap<i16, bool>,
}

#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    #[error("calendar file is not valid: {0}")]
    Format(#[from] serde_json::Error),
    #[error("calendar {year}: {problem}")]
    Inconsistent { year: i16, problem: String },
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

impl WorkCalendar {
    /// The calendar compiled into this binary.
    pub fn shipped() -> &'static WorkCalendar {
        &CALENDAR
    }

    /// Builds a calendar from year files, checking each is consistent: dates inside its
    /// year, ranges in order, make-up days on weekends and never on a holiday.
    pub fn from_years(files: &[&str]) -> Result<Self, CalendarError> {
        let mut cal = WorkCalendar {
            holidays: BTreeMap::new(),
            workdays: BTreeSet::new(),
            years: BTreeMap::new(),
        };
        for text in files {
            let file: YearFile = serde_json::from_str(text)?;
            let bad = |problem: String| CalendarError::Inconsistent {
                year: file.year,
                problem,
            };
            for h in &file.holidays {
                if h.from > h.to || h.from.year() != file.year || h.to.year() != file.year {
                    return Err(bad(format!("{} runs {}..{}", h.name, h.from, h.to)));
                }
                let mut d = h.from;
                while d <= h.to {
                    cal.holidays.insert(d, h.name.clone());
                    let Ok(next) = d.tomorrow() else { break };
                    d = next;
                }
            }
            for w in &file.workdays {
                if w.date.year() != file.year || !is_weekend(w.date) || cal.holidays.contains_key(&w.date) {
                    return Err(bad(format!(
                        "make-up day {} for {} is not a free weekend day",
                        w.date, w.for_holiday
                    )));
                }
                cal.workdays.insert(w.date);
            }
            if cal.years.insert(file.year, file.provisional).is_some() {
                return Err(bad("year given twice".to_owned()));
            }
        }
        Ok(cal)
    }

    /// Whether the calendar holds published data for this date's year.
    pub fn covers(&self, d: Date) -> bool {
        self.years.contains_key(&d.year())
    }

    /// Whether this date's year is a provisional schedule awaiting the published notice.
    pub fn is_provisional(&self, d: Date) -> bool {
        self.years.get(&d.year()).copied().unwrap_or(false)
    }

    /// The holiday a date falls in, if any.
    pub fn holiday(&self, d: Date) -> Option<&str> {
        self.holidays.get(&d).map(String::as_str)
    }

    pub fn is_working_day(&self, d: Date) -> bool {
        if self.holidays.contains_key(&d) {
            return false;
        }
        self.workdays.contains(&d) || !is_weekend(d)
    }

    /// The `n`th working day after `start`, counting from the day after (a 承诺件 accepted on
    /// a Friday with 1 promised day is due the next working day). At the end of
    /// representable time it stops there rather than fail: no caller's date comes near it
    /// (requests name dates before 2100, see `time::LAST_DATE`).
    pub fn add_working_days(&self, start: Date, n: u32) -> Date {
        let mut d = start;
        let mut left = n;
        while left > 0 {
            let Ok(next) = d.tomorrow() else { return d };
            d = next;
            if self.is_working_day(d) {
                left = left.saturating_sub(1);
            }
        }
        d
    }

    /// Working days strictly after `start` up to and including `end`.
    pub fn working_days_between(&self, start: Date, end: Date) -> u32 {
        let mut d = start;
        let mut count = 0u32;
        while d < end {
            let Ok(next) = d.tomorrow() else { break };
            d = next;
            if self.is_working_day(d) {
                count = count.saturating_add(1);
            }
        }
        count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn the_shipped_years_load_and_are_covered() {
        let cal = WorkCalendar::from_years(SHIPPED).unwrap();
        assert!(cal.covers(d("2026-06-01")) && cal.covers(d("2027-06-01")));
        assert!(!cal.covers(d("2028-01-03")));
        assert!(!cal.is_provisional(d("2026-01-01")));
    }

    #[test]
    fn holidays_are_off_and_make_up_weekends_are_worked() {
        let cal = WorkCalendar::shipped();
        assert!(!cal.is_working_day(d("2026-10-05")), "国庆 Monday");
        assert_eq!(cal.holiday(d("2026-02-17")), Some("春节"));
        assert!(cal.is_working_day(d("2026-02-14")), "调休 Saturday before 春节");
        assert!(cal.is_working_day(d("2026-10-10")), "调休 Saturday after 国庆");
        assert!(!cal.is_working_day(d("2026-03-07")), "an ordinary Saturday");
        assert!(cal.is_working_day(d("2026-03-09")), "an ordinary Monday");
    }

    #[test]
    fn working_days_skip_a_holiday_and_count_a_make_up_weekend() {
        let cal = WorkCalendar::shipped();
        // Accepted Wed 2026-09-30: 国庆 runs 10-01..10-07; 10-08 (Thu), 10-09 (Fri),
        // 10-10 (make-up Sat) are the next three working days.
        assert_eq!(cal.add_working_days(d("2026-09-30"), 3), d("2026-10-10"));
        assert_eq!(cal.working_days_between(d("2026-09-30"), d("2026-10-10")), 3);
        // A Friday plus one working day is the Monday.
        assert_eq!(cal.add_working_days(d("2026-03-06"), 1), d("2026-03-09"));
    }

    #[test]
    fn inconsistent_data_is_refused() {
        let on_weekday = r#"{"year":2026,"source":"t","provisional":false,"holidays":[],"workdays":[{"date":"2026-03-04","for":"x"}]}"#;
        assert!(WorkCalendar::from_years(&[on_weekday]).is_err());
        let wrong_year = r#"{"year":2026,"source":"t","provisional":false,"holidays":[{"name":"x","from":"2025-12-31","to":"2026-01-01"}],"workdays":[]}"#;
        assert!(WorkCalendar::from_years(&[wrong_year]).is_err());
    }
}
