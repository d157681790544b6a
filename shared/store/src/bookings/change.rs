//! Changes to a booking once made: cancel, reschedule, check in. Each is conditional on
//! the booking still being as the caller read it, so a concurrent change is noticed, never
//! overwritten; a cancel and a move tell the owner in their own transaction.

use super::write::{Cond, day_end_epoch, n, unexpected};
use super::{Booking, BookingStore, booking_key, key};
use crate::StoreError;
use crate::tx::{Outcome, Transaction};
use crate::{AttributeValue, s, sdk_error};
use aws_sdk_dynamodb::types::Update;
use model::FreeText;
use model::time::rfc3339;

/// How moving a booking ended.
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moved {
    Done,
    /// It is no longer booked at the slot it was read at: another request changed it, or an
    /// earlier attempt of this one moved it and only its answer was lost.
    Changed,
    SlotFull,
    /// The person has a booking of the item on the new day.
    Duplicate,
    /// Another booking of the new day holds the verification code: draw again.
    CodeTaken,
}

impl BookingStore {
    /// Cancels a booked booking and frees the seat of the slot it holds. `Ok(false)`: it is
    /// no longer booked at that slot (already cancelled, or moved meanwhile), so nothing
    /// changed; the caller re-reads it. A second cancel therefore frees nothing.
    pub async fn cancel(
        &self,
        b: &Booking,
        reason: Option<&FreeText>,
        now: jiff::Timestamp,
    ) -> Result<bool, StoreError> {
        let (pk, sk) = booking_key(&b.id);
        let at = rfc3339(now);
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .update_expression("SET #status = :cancelled, cancelledAt = :at, cancelReason = :reason, updatedAt = :at")
            .condition_expression("#status = :booked AND slotId = :slot")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":cancelled", s("cancelled"))
            .expression_attribute_values(":booked", s("booked"))
            .expression_attribute_values(":slot", s(b.slot_id.as_str()))
            .expression_attribute_values(":at", s(at))
            .expression_attribute_values(":reason", reason.map_or(AttributeValue::Null(true), |r| s(r.expose())));
        let mut tx = Transaction::new("cancelling a booking");
        tx.update(Cond::Booking, update)?;
        self.free_seat(&mut tx, &b.slot_id, &b.date)?;
        self.unguard(&mut tx, b)?;
        // The owner is told, as of every other change: a cancel they did not make shows.
        tx.item(
            Cond::Notice,
            crate::outbox::item(&b.cancelled_notice(), &self.outbox_table, now)?,
        );
        match tx.run(&self.client).await? {
            Outcome::Done => Ok(true),
            o if o.refused(Cond::Booking) => Ok(false),
            Outcome::Refused(_) => Err(unexpected("cancelling a booking: its seat or guard is missing")),
        }
    }

    /// Moves a booked booking to another slot: the old seat freed and the new one taken in
    /// one transaction; anything but `Done` leaves everything as it was.
    pub async fn reschedule(
        &self,
        old: &Booking,
        moved: &Booking,
        capacity: u32,
        now: jiff::Timestamp,
    ) -> Result<Moved, StoreError> {
        let (pk, sk) = booking_key(&old.id);
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .update_expression(
                "SET slotId = :slot, #date = :date, #start = :start, #end = :end, hallId = :hall, hallName = :hallName, \
                 windowCode = :window, queuePrefix = :prefix, hallDay = :hallDay, cancelBy = :cancelBy, \
                 verificationCode = :code, updatedAt = :at",
            )
            .condition_expression("#status = :booked AND slotId = :old")
            .expression_attribute_names("#status", "status")
            .expression_attribute_names("#date", "date")
            .expression_attribute_names("#start", "start")
            .expression_attribute_names("#end", "end")
            .expression_attribute_values(":booked", s("booked"))
            .expression_attribute_values(":old", s(old.slot_id.as_str()))
            .expression_attribute_values(":slot", s(moved.slot_id.as_str()))
            .expression_attribute_values(":date", s(moved.date.clone()))
            .expression_attribute_values(":start", s(moved.start.clone()))
            .expression_attribute_values(":end", s(moved.end.clone()))
            .expression_attribute_values(":hall", s(moved.hall_id.as_str()))
            .expression_attribute_values(":hallName", s(moved.hall_name.clone()))
            .expression_attribute_values(":window", s(moved.window_code.clone()))
            .expression_attribute_values(":prefix", s(moved.queue_prefix.clone()))
            .expression_attribute_values(":cancelBy", s(moved.cancel_by.clone()))
            .expression_attribute_values(":hallDay", s(moved.hall_day.clone()))
            .expression_attribute_values(":code", s(moved.verification_code.clone()))
            .expression_attribute_values(":at", s(rfc3339(now)));
        let mut tx = Transaction::new("rescheduling a booking");
        tx.update(Cond::Booking, update)?;
        self.free_seat(&mut tx, &old.slot_id, &old.date)?;
        self.take_seat(&mut tx, &moved.slot_id, capacity, &moved.date)?;
        // A confirmation of the new time (and the new code, when the day changed).
        tx.item(
            Cond::Notice,
            crate::outbox::item(&moved.moved_notice(), &self.outbox_table, now)?,
        );
        if old.date != moved.date {
            self.unguard(&mut tx, old)?;
            self.guard(&mut tx, moved)?;
            self.claim_code(&mut tx, moved)?;
        }
        Ok(match tx.run(&self.client).await? {
            Outcome::Done => Moved::Done,
            o if o.refused(Cond::Booking) => Moved::Changed,
            o if o.refused(Cond::Seat) => Moved::SlotFull,
            o if o.refused(Cond::Guard) => Moved::Duplicate,
            o if o.refused(Cond::Code) => Moved::CodeTaken,
            Outcome::Refused(_) => return Err(unexpected("rescheduling: the old seat is missing")),
        })
    }

    /// The next queue number of a window group at a hall on a day: `A001`, `A002`, …
    pub async fn next_queue_number(
        &self,
        hall: &model::HallId,
        date: &str,
        prefix: &str,
    ) -> Result<String, StoreError> {
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(format!("QUEUE#{hall}#{date}"), prefix.to_owned())))
            .update_expression("SET expiresAt = :exp ADD #last :one")
            .expression_attribute_names("#last", "last")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":exp", n(day_end_epoch(date)))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(|e| sdk_error("taking a queue number", e))?;
        let number = match out.attributes.as_ref().and_then(|a| a.get("last")) {
            Some(AttributeValue::N(v)) => v
                .parse::<u64>()
                .map_err(|e| StoreError::fault("reading a queue number", e))?,
            _ => {
                return Err(StoreError::fault(
                    "taking a queue number",
                    std::io::Error::other("no number returned"),
                ));
            }
        };
        Ok(format!("{prefix}{number:03}"))
    }
}
