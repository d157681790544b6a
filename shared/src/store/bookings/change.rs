//! Changes to a booking once made: cancel, reschedule, check in. Each is conditional on
//! the booking still being as the caller read it, so a concurrent change is noticed, never
//! overwritten.

use super::write::{BookError, built, day_end_epoch, n};
use super::{Booking, BookingStore, booking_key, key};
use crate::domain::FreeText;
use crate::domain::booking::BookingStatus;
use crate::domain::time::rfc3339;
use crate::error::ApiError;
use crate::store::{AttributeValue, error_code, s, sdk_error};
use aws_sdk_dynamodb::types::{TransactWriteItem, Update};

impl BookingStore {
    /// Cancels a booked booking and frees the seat of the slot it holds. `Ok(false)`: it is
    /// no longer booked at that slot (already cancelled, or moved meanwhile), so nothing
    /// changed; the caller re-reads it. A second cancel therefore frees nothing.
    pub async fn cancel(&self, b: &Booking, reason: Option<&FreeText>, now: jiff::Timestamp) -> Result<bool, ApiError> {
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
        let items = vec![
            TransactWriteItem::builder().update(built(update.build())?).build(),
            self.seat_update(&b.slot_id, -1, None, &b.date)?,
            self.guard_delete(b)?,
        ];
        match self.transact(items, "cancelling a booking").await? {
            Ok(()) => Ok(true),
            Err(failed) if failed.first() == Some(&true) => Ok(false),
            Err(_) => Err(ApiError::internal(
                "cancelling a booking: its seat or guard is missing",
                std::io::Error::other("condition"),
            )),
        }
    }

    /// Moves a booked booking to another slot: the old seat freed and the new one taken in
    /// one transaction. `Err(SlotFull)` leaves everything as it was.
    pub async fn reschedule(
        &self,
        old: &Booking,
        moved: &Booking,
        capacity: u32,
        now: jiff::Timestamp,
    ) -> Result<bool, BookError> {
        let (pk, sk) = booking_key(&old.id);
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .update_expression(
                "SET slotId = :slot, #date = :date, #start = :start, #end = :end, hallId = :hall, hallName = :hallName, \
                 windowCode = :window, queuePrefix = :prefix, hallDay = :hallDay, cancelBy = :cancelBy, updatedAt = :at",
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
            .expression_attribute_values(":at", s(rfc3339(now)));
        let mut items = vec![
            TransactWriteItem::builder().update(built(update.build())?).build(),
            self.seat_update(&old.slot_id, -1, None, &old.date)?,
            self.seat_update(&moved.slot_id, 1, Some(capacity), &moved.date)?,
        ];
        if old.date != moved.date {
            items.push(self.guard_delete(old)?);
            items.push(self.guard_put(moved, &moved.date)?);
        }
        match self.transact(items, "rescheduling a booking").await? {
            Ok(()) => Ok(true),
            Err(failed) if failed.first() == Some(&true) => Ok(false),
            Err(failed) if failed.get(2) == Some(&true) => Err(BookError::SlotFull),
            Err(failed) if failed.get(4) == Some(&true) => Err(BookError::Duplicate),
            Err(_) => Err(BookError::Store(ApiError::internal(
                "rescheduling: the old seat is missing",
                std::io::Error::other("condition"),
            ))),
        }
    }

    /// The next queue number of a window group at a hall today: `A001`, `A002`, …
    pub async fn next_queue_number(&self, b: &Booking, prefix: &str) -> Result<String, ApiError> {
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(format!("QUEUE#{}#{}", b.hall_id, b.date), prefix.to_owned())))
            .update_expression("SET expiresAt = :exp ADD #last :one")
            .expression_attribute_names("#last", "last")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":exp", n(day_end_epoch(&b.date)))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(|e| sdk_error("taking a queue number", e))?;
        let number = match out.attributes.as_ref().and_then(|a| a.get("last")) {
            Some(AttributeValue::N(v)) => v
                .parse::<u64>()
                .map_err(|e| ApiError::internal("reading a queue number", e))?,
            _ => {
                return Err(ApiError::internal(
                    "taking a queue number",
                    std::io::Error::other("no number returned"),
                ));
            }
        };
        Ok(format!("{prefix}{number:03}"))
    }

    /// Marks a booked booking checked in with its queue number; `false` if it was no longer
    /// booked.
    pub async fn check_in(
        &self,
        b: &Booking,
        queue_number: &str,
        staff: &str,
        now: jiff::Timestamp,
    ) -> Result<bool, ApiError> {
        let (pk, sk) = booking_key(&b.id);
        let at = rfc3339(now);
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .update_expression(
                "SET #status = :in, queueNumber = :q, checkedInAt = :at, checkedInBy = :by, updatedAt = :at",
            )
            .expression_attribute_values(":by", s(staff))
            .condition_expression("#status = :booked")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":in", s(BookingStatus::CheckedIn.as_str()))
            .expression_attribute_values(":booked", s("booked"))
            .expression_attribute_values(":q", s(queue_number))
            .expression_attribute_values(":at", s(at))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if error_code(&e) == Some("ConditionalCheckFailedException") => Ok(false),
            Err(e) => Err(sdk_error("checking a booking in", e)),
        }
    }
}
