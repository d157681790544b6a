//! Making a booking: the one transaction that takes a seat, and the retry and condition
//! mapping every booking transaction shares. Every invariant (seats,
//! one booking per person and day, bans, once-only changes) is a condition of the write.

use super::{Booking, BookingStore, guard_key, key, person_pk, slot_key};
use crate::domain::CitizenId;
use crate::domain::booking::SlotId;
use crate::error::ApiError;
use crate::store::outbox::Notification;
use crate::store::{AttributeValue, s, sdk_error};
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

pub(super) fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

/// When the records of a day (`YYYY-MM-DD`) may go: `KEEP_DAYS` after it. A date that does
/// not parse (never one this service wrote) keeps its records for good.
pub(super) fn day_end_epoch(date: &str) -> i64 {
    date.parse::<jiff::civil::Date>()
        .ok()
        .and_then(|d| {
            crate::domain::time::SHANGHAI
                .to_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
                .ok()
        })
        .map_or(i64::MAX, |t| {
            t.as_second()
                .saturating_add(KEEP_DAYS.saturating_add(1).saturating_mul(86_400))
        })
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

pub(super) fn built<T, E: std::error::Error + Send + Sync + 'static>(r: Result<T, E>) -> Result<T, ApiError> {
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
        let mut attempt: u32 = 0;
        loop {
            attempt = attempt.saturating_add(1);
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
                Err(e) => match crate::store::failed_conditions(&e) {
                    Some(failed) if failed.iter().any(|f| *f) => return Ok(Err(failed)),
                    _ => return Err(sdk_error(what, e)),
                },
            }
        }
    }

    pub(super) fn seat_update(
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

    pub(super) fn guard_put(&self, b: &Booking, date: &str) -> Result<TransactWriteItem, ApiError> {
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

    pub(super) fn guard_delete(&self, b: &Booking) -> Result<TransactWriteItem, ApiError> {
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
                .item("expiresAt", n(now.as_second().saturating_add(IDEMPOTENCY_SECONDS)))
                .condition_expression("attribute_not_exists(pk)");
            items.push(TransactWriteItem::builder().put(built(put.build())?).build());
        }
        match self.transact(items, "booking a seat").await? {
            Ok(()) => Ok(()),
            // The booking id is fresh for this request, so if it already exists, an earlier
            // attempt of this very request committed and only its answer was lost.
            Err(failed) if failed.get(1) == Some(&true) => Ok(()),
            Err(failed) => Err(if failed.get(5) == Some(&true) {
                BookError::KeyUsed
            } else if failed.get(2) == Some(&true) {
                BookError::Duplicate
            } else if failed.get(3) == Some(&true) {
                BookError::Banned
            } else if failed.first() == Some(&true) {
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
}

fn idempotency_pk(citizen: &CitizenId, idem_key: &str) -> String {
    format!("IDEM#{citizen}#{idem_key}")
}
