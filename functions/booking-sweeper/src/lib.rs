//! The booking sweeper, run hourly: after a hall closes, bookings not checked in become
//! `no_show` and count toward the person's record (N within W days ban booking for B days,
//! per the hall's rules); and the day before a booking, its reminder goes to the outbox.
//!
//! Every write is conditional, so a sweep that runs twice, or overlaps another, changes
//! nothing the second time; a missed run is caught up by the next, which also looks at
//! yesterday.

use api::ApiError;
use jiff::Timestamp;
use jiff::civil::Date;
use model::WorkCalendar;
use model::booking::sessions;
use model::catalog::Hall;
use model::config::{ConfigError, Env};
use model::time::{Clock, SHANGHAI, local};
use serde::Serialize;
use store::bookings::BookingStore;
use store::catalog::CatalogStore;
use store::outbox::{Kind, Outbox};

#[derive(Debug, Clone)]
pub struct App {
    bookings: BookingStore,
    catalog: CatalogStore,
    outbox: Outbox,
    calendar: &'static WorkCalendar,
    clock: Clock,
}

/// What one sweep did.
#[derive(Debug, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub no_shows: u32,
    pub bans: u32,
    pub reminders: u32,
}

fn ymd(d: Date) -> String {
    d.strftime("%Y-%m-%d").to_string()
}

/// When the hall's last session of a day closes, if it opens at all that day.
fn closing(hall: &Hall, date: Date, cal: &WorkCalendar) -> Option<Timestamp> {
    let close = sessions(hall, date, cal).iter().map(|s| s.close.clone()).max()?;
    let (h, m) = close.split_once(':')?;
    let time = jiff::civil::Time::new(h.parse().ok()?, m.parse().ok()?, 0, 0).ok()?;
    SHANGHAI.to_timestamp(date.to_datetime(time)).ok()
}

impl App {
    /// Reads `BOOKINGS_TABLE`, `OUTBOX_TABLE` and `CATALOG_TABLE`, and connects the store.
    pub async fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let bookings = env.required("BOOKINGS_TABLE")?.to_owned();
        let outbox = env.required("OUTBOX_TABLE")?.to_owned();
        let catalog = env.required("CATALOG_TABLE")?.to_owned();
        let client = store::connect(env).await;
        Ok(Self {
            bookings: BookingStore::new(client.clone(), bookings, outbox.clone()),
            catalog: CatalogStore::new(client.clone(), catalog),
            outbox: Outbox::new(client, outbox),
            calendar: WorkCalendar::shipped(),
            clock: Clock::system(),
        })
    }

    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// One sweep over every hall.
    pub async fn sweep(&self) -> Result<Report, ApiError> {
        let now = self.clock.now();
        let today = local(now).date();
        let mut report = Report::default();
        for hall in self.catalog.halls().await? {
            for day in [today.yesterday().ok(), Some(today)].into_iter().flatten() {
                let closed = closing(&hall, day, self.calendar).is_some_and(|c| c <= now);
                if closed {
                    self.no_shows(&hall, day, now, &mut report).await?;
                }
            }
            let Ok(tomorrow) = today.tomorrow() else { continue };
            for b in self.bookings.booked_on(&hall.hall_id, &ymd(tomorrow)).await? {
                if self.outbox.notify(&b.notification(Kind::BookingReminder), now).await? {
                    report.reminders = report.reminders.saturating_add(1);
                }
            }
        }
        api::metrics::count(api::metrics::Metric::NoShows, u64::from(report.no_shows));
        tracing::info!(
            no_shows = report.no_shows,
            bans = report.bans,
            reminders = report.reminders,
            "swept"
        );
        Ok(report)
    }

    async fn no_shows(&self, hall: &Hall, day: Date, now: Timestamp, report: &mut Report) -> Result<(), ApiError> {
        let rules = &hall.booking;
        for b in self.bookings.booked_on(&hall.hall_id, &ymd(day)).await? {
            if !self.bookings.mark_no_show(&b, now).await? {
                continue;
            }
            report.no_shows = report.no_shows.saturating_add(1);
            if self.bookings.after_no_show(&b, rules, day, now).await? {
                report.bans = report.bans.saturating_add(1);
            }
        }
        Ok(())
    }
}
