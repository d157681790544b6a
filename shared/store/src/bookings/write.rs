//! Making a booking: the one transaction that takes a seat, and the pieces every booking
//! transaction shares. Every invariant (seats, one booking per person and day, bans,
//! once-only changes) is a named condition of the write.

use super::{Booking, BookingStore, guard_key, key, person_pk, slot_key};
use crate::idempotency::{Claim, Recorded};
use crate::outbox::Notification;
use crate::tx::{Outcome, Transaction};
use crate::{AttributeValue, StoreError, TransactWriteItem, s};
use aws_sdk_dynamodb::types::{ConditionCheck, Delete, Put, Update};
use model::booking::SlotId;

/// Counters and guards outlive their day by this much, then TTL removes them.
const KEEP_DAYS: i64 = 30;

/// The conditions of the bookings table's transactions, by what each holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cond {
    /// The booking record: absent when made, as read when changed.
    Booking,
    /// A seat taken: below capacity.
    Seat,
    /// A seat freed: one was taken.
    Freed,
    /// One active booking per person, item and day.
    Guard,
    /// The guard a change removes is this booking's.
    GuardOwned,
    /// No ban in force.
    Ban,
    /// The notification is written once.
    Notice,
    /// The idempotency key is new.
    Key,
    /// The no-show is recorded once.
    NoShow,
    /// The audit record of a staff act is new.
    Audit,
    /// The verification code is no other booking's that day.
    Code,
    /// Its maker may still act for its enterprise.
    Acting,
    /// A ticket: new when issued, in the state its change expects.
    Ticket,
    /// A waiting entry: new when a number joins the line, there when it is called.
    Waiting,
}

/// What a booking needs written.
pub struct NewBooking {
    pub booking: Booking,
    pub capacity: u32,
    /// When the client sent an `Idempotency-Key`.
    pub idempotency: Option<Claim>,
    pub confirmation: Notification,
    /// For a booking made for an enterprise: the condition that its maker still may act
    /// for it (`EnterpriseStore::still_acting`).
    pub acting: Option<TransactWriteItem>,
}

/// How making a booking ended.
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Booked {
    Done,
    SlotFull,
    /// The person has a booking of the item that day.
    Duplicate,
    Banned,
    /// The idempotency key was used before: replay or refuse by comparing the hash.
    KeyUsed,
    /// Another booking that day holds the verification code drawn: draw again.
    CodeTaken,
    /// Its maker may no longer act for its enterprise (revoked or run out just now).
    NotActing,
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
            model::time::SHANGHAI
                .to_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
                .ok()
        })
        .map_or(i64::MAX, |t| {
            t.as_second()
                .saturating_add(KEEP_DAYS.saturating_add(1).saturating_mul(86_400))
        })
}

/// A condition failed that the write's own reading rules out: a fault, named.
pub(super) fn unexpected(what: &'static str) -> StoreError {
    StoreError::fault(what, std::io::Error::other("an unexpected condition failed"))
}

impl BookingStore {
    /// A seat taken in `slot`, only while one is free. The first booking creates the counter.
    pub(super) fn take_seat(
        &self,
        tx: &mut Transaction<Cond>,
        slot: &SlotId,
        capacity: u32,
        date: &str,
    ) -> Result<(), StoreError> {
        let (pk, sk) = slot_key(slot);
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .update_expression("SET #cap = :cap, expiresAt = :exp ADD taken :d")
            .condition_expression("attribute_not_exists(taken) OR taken < :cap")
            .expression_attribute_names("#cap", "capacity")
            .expression_attribute_values(":cap", n(capacity))
            .expression_attribute_values(":d", n(1))
            .expression_attribute_values(":exp", n(day_end_epoch(date)));
        tx.update(Cond::Seat, update)?;
        Ok(())
    }

    /// A seat of `slot` freed, never below zero.
    pub(super) fn free_seat(&self, tx: &mut Transaction<Cond>, slot: &SlotId, date: &str) -> Result<(), StoreError> {
        let (pk, sk) = slot_key(slot);
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .update_expression("SET expiresAt = :exp ADD taken :d")
            .condition_expression("taken > :zero")
            .expression_attribute_values(":d", n(-1))
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":exp", n(day_end_epoch(date)));
        tx.update(Cond::Freed, update)?;
        Ok(())
    }

    pub(super) fn guard(&self, tx: &mut Transaction<Cond>, b: &Booking) -> Result<(), StoreError> {
        let (pk, sk) = guard_key(&b.id_key, &b.item_code, &b.date);
        let put = Put::builder()
            .table_name(&self.table)
            .item("pk", s(pk))
            .item("sk", s(sk))
            .item("bookingId", s(b.id.as_str()))
            .item("expiresAt", n(day_end_epoch(&b.date)))
            .condition_expression("attribute_not_exists(pk)");
        tx.put(Cond::Guard, put)?;
        Ok(())
    }

    /// Claims the booking's verification code for its date, so a code names one booking
    /// of a day and the hall finds it by the code alone. Claims expire with their day.
    pub(super) fn claim_code(&self, tx: &mut Transaction<Cond>, b: &Booking) -> Result<(), StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .item("pk", s(format!("CODE#{}", b.date)))
            .item("sk", s(b.verification_code.clone()))
            .item("bookingId", s(b.id.as_str()))
            .item("expiresAt", n(day_end_epoch(&b.date)))
            .condition_expression("attribute_not_exists(pk)");
        tx.put(Cond::Code, put)?;
        Ok(())
    }

    pub(super) fn unguard(&self, tx: &mut Transaction<Cond>, b: &Booking) -> Result<(), StoreError> {
        let (pk, sk) = guard_key(&b.id_key, &b.item_code, &b.date);
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .condition_expression("bookingId = :id")
            .expression_attribute_values(":id", s(b.id.as_str()));
        tx.delete(Cond::GuardOwned, delete)?;
        Ok(())
    }

    /// Books a seat: counter, booking, guard, ban check, the confirmation and the
    /// idempotency record, all or nothing.
    pub async fn book(&self, new: &NewBooking, now: jiff::Timestamp) -> Result<Booked, StoreError> {
        let b = &new.booking;
        let mut tx = Transaction::new("booking a seat");
        self.take_seat(&mut tx, &b.slot_id, new.capacity, &b.date)?;
        let booking = Put::builder()
            .table_name(&self.table)
            .set_item(Some(self.booking_item(b)?))
            .condition_expression("attribute_not_exists(pk)");
        tx.put(Cond::Booking, booking)?;
        self.guard(&mut tx, b)?;
        self.claim_code(&mut tx, b)?;
        let ban = ConditionCheck::builder()
            .table_name(&self.table)
            .set_key(Some(key(person_pk(&b.id_key), "BAN".into())))
            .condition_expression("attribute_not_exists(pk) OR untilEpoch <= :now")
            .expression_attribute_values(":now", n(now.as_second()));
        tx.check(Cond::Ban, ban)?;
        tx.item(
            Cond::Notice,
            crate::outbox::item(&new.confirmation, &self.outbox_table, now)?,
        );
        if let Some(claim) = &new.idempotency {
            tx.item(Cond::Key, claim.put(&self.table, b.id.as_str(), now)?);
        }
        if let Some(acting) = &new.acting {
            tx.item(Cond::Acting, acting.clone());
        }
        Ok(match tx.run(&self.client).await? {
            Outcome::Done => Booked::Done,
            // The booking id is fresh for this request, so if it already exists, an earlier
            // attempt of this very request committed and only its answer was lost.
            o if o.refused(Cond::Booking) => Booked::Done,
            o if o.refused(Cond::Key) => Booked::KeyUsed,
            o if o.refused(Cond::Guard) => Booked::Duplicate,
            o if o.refused(Cond::Ban) => Booked::Banned,
            o if o.refused(Cond::Seat) => Booked::SlotFull,
            o if o.refused(Cond::Code) => Booked::CodeTaken,
            o if o.refused(Cond::Acting) => Booked::NotActing,
            Outcome::Refused(_) => return Err(unexpected("booking a seat")),
        })
    }

    /// What an idempotency key of the citizen's recorded in this table.
    pub async fn recorded(&self, claim: &Claim) -> Result<Option<Recorded>, StoreError> {
        crate::idempotency::recorded(&self.client, &self.table, &claim.scope, &claim.key).await
    }
}
