//! The booking transactions: book, cancel, reschedule, check in. Every invariant (seats,
//! one booking per person and day, bans, once-only changes) is a condition of the write.

use super::{Booking, BookingStore, booking_key, guard_key, key, person_pk, slot_key};
use crate::domain::CitizenId;
use crate::domain::booking::{BookingStatus, SlotId};
use crate::domain::time::rfc3339;
use crate::error::ApiError;
use crate::store::outbox::Notification;
use crate::store::{AttributeValue, error_code, s, sdk_error};
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{ConditionCheck, Delete, Put, TransactWriteItem, Update};

/// Counters and guards outlive their day by this much, then TTL removes them.
const KEEP_DAYS: i64 = 30;
/// Idempotency records are kept a day.
const IDEMPOTENCY_SECONDS: i64 = 86_400;
/// Attempts when DynamoDB cancels a transaction for a conflict with another one.
const CONFLICT_ATTEMPTS: u32 = 4;

/// What a booking needs written.
pub struct NewBooking {
    pub booking: Booking,
    pub capacity: u32,
    /// `(key, request hash)` when the client sent an `Idempotency-Key`.
    pub idempotency: Option<(String, String)>,
    pub confirmation: Notification,
}

#[derive(Debug)]
pub enum BookError {
    SlotFull,
    Duplicate,
    Banned,
    /// The idempotency key was used before: replay or refuse by comparing the hash.
    KeyUsed,
    Store(ApiError),
}

impl From<ApiError> for BookError {
    fn from(e: ApiError) -> Self {
        BookError::Store(e)
    }
}

fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

fn day_end_epoch(date: &str) -> i64 {
    let d: jiff::civil::Date = date.parse().expect("stored date");
    crate::domain::time::SHANGHAI
        .to_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
        .map(|t| t.as_second() + (KEEP_DAYS + 1) * 86_400)
        .unwrap_or(i64::MAX)
}

/// Which items of a cancelled transaction failed their condition.
fn failed_conditions<R>(err: &SdkError<TransactWriteItemsError, R>) -> Option<Vec<bool>> {
    match err {
        SdkError::ServiceError(se) => match se.err() {
            TransactWriteItemsError::TransactionCanceledException(tc) => Some(
                tc.cancellation_reasons()
                    .iter()
                    .map(|r| r.code() == Some("ConditionalCheckFailed"))
                    .collect(),
            ),
            _ => None,
        },
        _ => None,
    }
}

fn conflicted<R>(err: &SdkError<TransactWriteItemsError, R>) -> bool {
    match err {
        SdkError::ServiceError(se) => match se.err() {
            TransactWriteItemsError::TransactionCanceledException(tc) => tc
                .cancellation_reasons()
                .iter()
                .any(|r| r.code() == Some("TransactionConflict")),
            TransactWriteItemsError::TransactionInProgressException(_) => true,
            _ => false,
        },
        _ => false,
    }
}

fn built<T, E: std::error::Error + Send + Sync + 'static>(r: Result<T, E>) -> Result<T, ApiError> {
    r.map_err(|e| ApiError::internal("building a transaction item", e))
}

impl BookingStore {
    /// Runs a transaction, retrying conflicts with other transactions; returns which items
    /// failed their conditions when it is cancelled for that.
    pub(super) async fn transact(
        &self,
        items: Vec<TransactWriteItem>,
        what: &'static str,
    ) -> Result<Result<(), Vec<bool>>, ApiError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self
                .client
                .transact_write_items()
                .set_transact_items(Some(items.clone()))
                .send()
                .await
            {
                Ok(_) => return Ok(Ok(())),
                Err(e) if conflicted(&e) && attempt < CONFLICT_ATTEMPTS => {
                    tokio::time::sleep(std::time::Duration::from_millis(20 * u64::from(attempt))).await;
                }
                Err(e) => match failed_conditions(&e) {
                    Some(failed) if failed.iter().any(|f| *f) => return Ok(Err(failed)),
                    _ => return Err(sdk_error(what, e)),
                },
            }
        }
    }

    fn seat_update(
        &self,
        slot: &SlotId,
        delta: i64,
        capacity: Option<u32>,
        date: &str,
    ) -> Result<TransactWriteItem, ApiError> {
        let (pk, sk) = slot_key(slot);
        let mut u = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .expression_attribute_values(":d", n(delta))
            .expression_attribute_values(":exp", n(day_end_epoch(date)));
        u = match capacity {
            // Taking a seat: only while one is free. The first booking creates the counter.
            Some(cap) => u
                .update_expression("SET #cap = :cap, expiresAt = :exp ADD taken :d")
                .condition_expression("attribute_not_exists(taken) OR taken < :cap")
                .expression_attribute_names("#cap", "capacity")
                .expression_attribute_values(":cap", n(cap)),
            // Freeing a seat: never below zero.
            None => u
                .update_expression("SET expiresAt = :exp ADD taken :d")
                .condition_expression("taken > :zero")
                .expression_attribute_values(":zero", n(0)),
        };
        Ok(TransactWriteItem::builder().update(built(u.build())?).build())
    }

    fn guard_put(&self, b: &Booking, date: &str) -> Result<TransactWriteItem, ApiError> {
        let (pk, sk) = guard_key(&b.id_key, &b.item_code, date);
        let put = Put::builder()
            .table_name(&self.table)
            .item("pk", s(pk))
            .item("sk", s(sk))
            .item("bookingId", s(b.id.as_str()))
            .item("expiresAt", n(day_end_epoch(date)))
            .condition_expression("attribute_not_exists(pk)");
        Ok(TransactWriteItem::builder().put(built(put.build())?).build())
    }

    fn guard_delete(&self, b: &Booking) -> Result<TransactWriteItem, ApiError> {
        let (pk, sk) = guard_key(&b.id_key, &b.item_code, &b.date);
        let del = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .condition_expression("bookingId = :id")
            .expression_attribute_values(":id", s(b.id.as_str()));
        Ok(TransactWriteItem::builder().delete(built(del.build())?).build())
    }

    /// Books a seat: counter, booking, guard, ban check, idempotency record and the
    /// confirmation, all or nothing.
    pub async fn book(&self, new: &NewBooking, now: jiff::Timestamp) -> Result<(), BookError> {
        let b = &new.booking;
        let put_booking = Put::builder()
            .table_name(&self.table)
            .set_item(Some(self.booking_item(b)?))
            .condition_expression("attribute_not_exists(pk)");
        let ban = ConditionCheck::builder()
            .table_name(&self.table)
            .set_key(Some(key(person_pk(&b.id_key), "BAN".into())))
            .condition_expression("attribute_not_exists(pk) OR untilEpoch <= :now")
            .expression_attribute_values(":now", n(now.as_second()));
        let mut items = vec![
            self.seat_update(&b.slot_id, 1, Some(new.capacity), &b.date)?,
            TransactWriteItem::builder().put(built(put_booking.build())?).build(),
            self.guard_put(b, &b.date)?,
            TransactWriteItem::builder()
                .condition_check(built(ban.build())?)
                .build(),
            TransactWriteItem::builder()
                .put(new.confirmation.put(&self.outbox_table, now)?)
                .build(),
        ];
        if let Some((idem_key, hash)) = &new.idempotency {
            let put = Put::builder()
                .table_name(&self.table)
                .item("pk", s(idempotency_pk(&b.citizen_id, idem_key)))
                .item("sk", s("IDEM"))
                .item("requestHash", s(hash.clone()))
                .item("bookingId", s(b.id.as_str()))
                .item("expiresAt", n(now.as_second() + IDEMPOTENCY_SECONDS))
                .condition_expression("attribute_not_exists(pk)");
            items.push(TransactWriteItem::builder().put(built(put.build())?).build());
        }
        match self.transact(items, "booking a seat").await? {
            Ok(()) => Ok(()),
            // The booking id is fresh for this request, so if it already exists, an earlier
            // attempt of this very request committed and only its answer was lost.
            Err(failed) if failed[1] => Ok(()),
            Err(failed) => Err(if failed.get(5) == Some(&true) {
                BookError::KeyUsed
            } else if failed[2] {
                BookError::Duplicate
            } else if failed[3] {
                BookError::Banned
            } else if failed[0] {
                BookError::SlotFull
            } else {
                BookError::Store(ApiError::internal(
                    "booking a seat: an unexpected condition failed",
                    std::io::Error::other("condition"),
                ))
            }),
        }
    }

    /// What an idempotency key recorded: (request hash, booking id).
    pub async fn idempotency(&self, citizen: &CitizenId, idem_key: &str) -> Result<Option<(String, String)>, ApiError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(idempotency_pk(citizen, idem_key), "IDEM".into())))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| sdk_error("reading an idempotency record", e))?;
        Ok(out.item.and_then(|i| match (i.get("requestHash"), i.get("bookingId")) {
            (Some(AttributeValue::S(h)), Some(AttributeValue::S(b))) => Some((h.clone(), b.clone())),
            _ => None,
        }))
    }

    /// Cancels a booked booking and frees the seat of the slot it holds. `Ok(false)`: it is
    /// no longer booked at that slot (already cancelled, or moved meanwhile), so nothing
    /// changed; the caller re-reads it. A second cancel therefore frees nothing.
    pub async fn cancel(&self, b: &Booking, reason: &str, now: jiff::Timestamp) -> Result<bool, ApiError> {
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
            .expression_attribute_values(":reason", s(reason));
        let items = vec![
            TransactWriteItem::builder().update(built(update.build())?).build(),
            self.seat_update(&b.slot_id, -1, None, &b.date)?,
            self.guard_delete(b)?,
        ];
        match self.transact(items, "cancelling a booking").await? {
            Ok(()) => Ok(true),
            Err(failed) if failed[0] => Ok(false),
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
            Err(failed) if failed[0] => Ok(false),
            Err(failed) if failed[2] => Err(BookError::SlotFull),
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
    pub async fn check_in(&self, b: &Booking, queue_number: &str, now: jiff::Timestamp) -> Result<bool, ApiError> {
        let (pk, sk) = booking_key(&b.id);
        let at = rfc3339(now);
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .update_expression("SET #status = :in, queueNumber = :q, checkedInAt = :at, updatedAt = :at")
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

fn idempotency_pk(citizen: &CitizenId, idem_key: &str) -> String {
    format!("IDEM#{citizen}#{idem_key}")
}
