//! What the scheduled sweeper writes: no-shows, their record against the person, bans, and
//! reminders in the outbox. Each step is conditional, so a sweep that runs twice, or two
//! sweeps at once, change nothing the second time.

use super::write::Cond;
use super::{Booking, BookingStore, Filter, booking_key, key, person_pk};
use crate::StoreError;
use crate::tx::{Outcome, Transaction};
use crate::{AttributeValue, s, sdk_error};
use aws_sdk_dynamodb::types::builders::PutBuilder;
use aws_sdk_dynamodb::types::{Put, Update};
use model::HallId;
use model::booking::BookingStatus;
use model::time::rfc3339;

impl BookingStore {
    /// The bookings of a hall-day that are still `booked`.
    pub async fn booked_on(&self, hall: &HallId, date: &str) -> Result<Vec<Booking>, StoreError> {
        self.on_day(hall, date, BookingStatus::Booked).await
    }

    /// The bookings of a hall-day with a status.
    pub async fn on_day(&self, hall: &HallId, date: &str, status: BookingStatus) -> Result<Vec<Booking>, StoreError> {
        let values = [(":st", s(status.as_str()))];
        let filter = Filter {
            expression: "#status = :st",
            names: &[("#status", "status")],
            values: &values,
        };
        self.hall_day(hall, date, Some(filter), "listing a hall-day's bookings")
            .await
    }

    /// The no-show's record against the person: once per booking (its key names both).
    pub(super) fn no_show_record(&self, b: &Booking, at: &str) -> PutBuilder {
        Put::builder()
            .table_name(&self.table)
            .item("pk", s(person_pk(&b.id_key)))
            .item("sk", s(format!("NOSHOW#{}#{}", b.date, b.id)))
            .item("hallId", s(b.hall_id.as_str()))
            .item("bookingId", s(b.id.as_str()))
            .item("at", s(at))
            .condition_expression("attribute_not_exists(pk)")
    }

    /// Marks a booking `no_show` and records it against the person, in one transaction;
    /// `false` when it was no longer booked (checked in, cancelled, or already swept).
    pub async fn mark_no_show(&self, b: &Booking, now: jiff::Timestamp) -> Result<bool, StoreError> {
        let (pk, sk) = booking_key(&b.id);
        let at = rfc3339(now);
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .update_expression("SET #status = :ns, updatedAt = :at")
            .condition_expression("#status = :booked")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":ns", s("no_show"))
            .expression_attribute_values(":booked", s("booked"))
            .expression_attribute_values(":at", s(at.clone()));
        let record = self.no_show_record(b, &at);
        let mut tx = Transaction::new("recording a no-show");
        tx.update(Cond::Booking, update)?;
        tx.put(Cond::NoShow, record)?;
        Ok(tx.run(&self.client).await? == Outcome::Done)
    }

    /// After a no-show of `b` on `day` was recorded: the person's no-shows in the hall's
    /// window of `W` days ending that day, and the ban when they reach `N`. `true` if banned.
    pub async fn after_no_show(
        &self,
        b: &Booking,
        rules: &model::catalog::BookingRules,
        day: jiff::civil::Date,
        now: jiff::Timestamp,
    ) -> Result<bool, StoreError> {
        use jiff::{Span, Timestamp, civil::Date};
        let ymd = |d: Date| d.strftime("%Y-%m-%d").to_string();
        // A window too long to reckon (a hall's misconfiguration) counts from the earliest day.
        let back = i64::from(rules.no_show_window_days.max(1)).saturating_sub(1);
        let from = Span::new()
            .try_days(back)
            .ok()
            .and_then(|span| day.checked_sub(span).ok())
            .unwrap_or(Date::MIN);
        let count = self.no_shows_between(&b.id_key, &ymd(from), &ymd(day)).await?;
        if rules.no_show_limit == 0 || count < rules.no_show_limit {
            return Ok(false);
        }
        let until = Span::new()
            .try_hours(i64::from(rules.ban_days).saturating_mul(24))
            .ok()
            .and_then(|span| now.checked_add(span).ok())
            .unwrap_or(Timestamp::MAX);
        let told = self
            .ban(&b.id_key, until, Some(&b.restricted_notice(until, count)), now)
            .await?;
        tracing::info!(booking = %b.id, no_shows = count, told, "booking ban");
        Ok(true)
    }

    /// A person's no-shows on dates from `from` to `to` (inclusive, `YYYY-MM-DD`).
    pub async fn no_shows_between(&self, id_key: &str, from: &str, to: &str) -> Result<u32, StoreError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND sk BETWEEN :from AND :to")
            .expression_attribute_values(":pk", s(person_pk(id_key)))
            .expression_attribute_values(":from", s(format!("NOSHOW#{from}")))
            .expression_attribute_values(":to", s(format!("NOSHOW#{to}#~")))
            .select(aws_sdk_dynamodb::types::Select::Count)
            .send()
            .await
            .map_err(|e| sdk_error("counting no-shows", e))?;
        Ok(out.count.max(0) as u32)
    }

    /// Bans a person from booking until `until`, telling them with `notice` in the same
    /// transaction. A ban is only ever extended, never cut short by a later, shorter one;
    /// `true` if this one was written (and the notice with it).
    pub async fn ban(
        &self,
        id_key: &str,
        until: jiff::Timestamp,
        notice: Option<&model::notification::Notification>,
        now: jiff::Timestamp,
    ) -> Result<bool, StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .item("pk", s(person_pk(id_key)))
            .item("sk", s("BAN"))
            .item("until", s(rfc3339(until)))
            .item("untilEpoch", AttributeValue::N(until.as_second().to_string()))
            .item("bannedAt", s(rfc3339(now)))
            .condition_expression("attribute_not_exists(pk) OR untilEpoch < :until")
            .expression_attribute_values(":until", AttributeValue::N(until.as_second().to_string()));
        let mut tx = Transaction::new("banning a person from booking");
        tx.put(Cond::Ban, put)?;
        if let Some(note) = notice {
            tx.item(Cond::Notice, crate::outbox::item(note, &self.outbox_table, now)?);
        }
        Ok(tx.run(&self.client).await? == Outcome::Done)
    }
}
