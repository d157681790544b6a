//! The hall's queue in the bookings table: tickets, the waiting line, and the transactions
//! that issue and call a number (finishing one: the `finish` module).
//!
//! | record | pk | sk |
//! |---|---|---|
//! | ticket | `HALLQ#<hallId>#<date>` | `T#<queueNumber>` |
//! | waiting entry (while a ticket waits) | `HALLQ#<hallId>#<date>` | `W#<lane>#<issuedAt>#<queueNumber>` |
//!
//! A hall-day's queue is one partition: the board reads it with one `Query`, and a window
//! reads the waiting line with one `Query` on `W#`, already in calling order (booked lane
//! `0` before walk-in lane `1`, then by issue time). Calling a number deletes its waiting
//! entry on the condition that it exists, in the same transaction as the ticket's own
//! `waiting → called`: of two windows calling at once, exactly one transaction commits and
//! the other moves on to the next entry.

use super::write::{Cond, day_end_epoch, n, unexpected};
use super::{Booking, BookingStore, booking_key, key};
use crate::idempotency::Claim;
use crate::outbox::Notification;
use crate::tx::{Outcome as TxOutcome, Transaction};
use crate::{AttributeValue, StoreError, s, to_item};
use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem, Update};
use model::booking::BookingStatus;
use model::queue::{Ticket, TicketId, TicketStatus};
use model::staff::WindowId;
use model::time::rfc3339;

pub(crate) fn queue_pk(hall: &model::HallId, date: &str) -> String {
    format!("HALLQ#{hall}#{date}")
}

fn ticket_sk(number: &str) -> String {
    format!("T#{number}")
}

pub(crate) fn ticket_key(id: &TicketId) -> (String, String) {
    (
        queue_pk(id.hall(), &id.date().strftime("%Y-%m-%d").to_string()),
        ticket_sk(id.number()),
    )
}

/// How issuing a number ended.
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Issued {
    Done,
    /// The booking is no longer `booked` (checked in meanwhile, or cancelled).
    Changed,
    /// The idempotency key was used before.
    KeyUsed,
}

/// A window calling a waiting number.
#[derive(Debug, Clone, Copy)]
pub struct Call<'a> {
    pub waiting: &'a super::Waiting,
    pub window: &'a WindowId,
    /// The member of staff at the window.
    pub staff: &'a str,
}

impl BookingStore {
    /// The ticket's put and its waiting entry, for an issuing transaction.
    fn enqueue(&self, tx: &mut Transaction<Cond>, t: &Ticket) -> Result<(), StoreError> {
        let (pk, sk) = ticket_key(&t.ticket_id);
        let exp = day_end_epoch(&t.date).to_string();
        let mut item = to_item(t, &[("pk", pk), ("sk", sk)])?;
        item.insert("expiresAt".into(), AttributeValue::N(exp));
        let ticket = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)");
        tx.put(Cond::Ticket, ticket)?;
        self.wait(tx, t)
    }

    /// The waiting entry of a ticket: a copy of the ticket as it joins the line, so a window
    /// chooses and calls it without reading the ticket itself.
    pub(super) fn wait(&self, tx: &mut Transaction<Cond>, t: &Ticket) -> Result<(), StoreError> {
        let mut item = to_item(
            t,
            &[
                ("pk", queue_pk(&t.hall_id, &t.date)),
                ("sk", format!("W#{}", t.order_key())),
            ],
        )?;
        item.insert("expiresAt".into(), n(day_end_epoch(&t.date)));
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)");
        tx.put(Cond::Waiting, put)?;
        Ok(())
    }

    /// Checks a booked visitor in: the booking `booked → checked_in` with its number, the
    /// ticket and its place in the line, and the audit record, all or nothing.
    pub async fn check_in(
        &self,
        b: &Booking,
        ticket: &Ticket,
        audit: TransactWriteItem,
        now: jiff::Timestamp,
    ) -> Result<Issued, StoreError> {
        let (pk, sk) = booking_key(&b.id);
        let at = rfc3339(now);
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .update_expression(
                "SET #status = :in, queueNumber = :q, ticketId = :t, checkedInAt = :at, checkedInBy = :by, updatedAt = :at",
            )
            .condition_expression("#status = :booked")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":in", s(BookingStatus::CheckedIn.as_str()))
            .expression_attribute_values(":booked", s("booked"))
            .expression_attribute_values(":q", s(ticket.queue_number.clone()))
            .expression_attribute_values(":t", s(ticket.ticket_id.as_str()))
            .expression_attribute_values(":by", s(ticket.issued_by.clone()))
            .expression_attribute_values(":at", s(at));
        let mut tx = Transaction::new("checking a booking in");
        tx.update(Cond::Booking, update)?;
        self.enqueue(&mut tx, ticket)?;
        tx.item(Cond::Audit, audit);
        match tx.run(&self.client).await? {
            TxOutcome::Done => Ok(Issued::Done),
            o if o.refused(Cond::Booking) => Ok(Issued::Changed),
            TxOutcome::Refused(_) => Err(unexpected("checking in: a fresh ticket number was taken")),
        }
    }

    /// A walk-in's number (现场取号): the ticket, its place in the line, the audit record and
    /// the idempotency record of the request.
    pub async fn walk_in(
        &self,
        ticket: &Ticket,
        claim: Option<&Claim>,
        audit: TransactWriteItem,
        now: jiff::Timestamp,
    ) -> Result<Issued, StoreError> {
        let mut tx = Transaction::new("issuing a walk-in number");
        self.enqueue(&mut tx, ticket)?;
        tx.item(Cond::Audit, audit);
        if let Some(claim) = claim {
            tx.item(Cond::Key, claim.put(&self.table, ticket.ticket_id.as_str(), now)?);
        }
        match tx.run(&self.client).await? {
            TxOutcome::Done => Ok(Issued::Done),
            o if o.refused(Cond::Key) => Ok(Issued::KeyUsed),
            TxOutcome::Refused(_) => Err(unexpected("issuing a walk-in: a fresh ticket number was taken")),
        }
    }

    /// Calls a waiting number to a window: its entry deleted if still there, the ticket
    /// `waiting → called`, the audit record and the visitor's notice. `false`: another window
    /// called it first; nothing was written.
    pub async fn call(
        &self,
        call: Call<'_>,
        audit: TransactWriteItem,
        notice: Option<&Notification>,
        now: jiff::Timestamp,
    ) -> Result<bool, StoreError> {
        let Call { waiting, window, staff } = call;
        let entry = &waiting.entry;
        let (pk, sk) = ticket_key(&waiting.ticket.ticket_id);
        let waiting = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(key(pk.clone(), entry.to_owned())))
            .condition_expression("attribute_exists(pk)");
        let ticket = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .update_expression("SET #status = :called, calledBy = :w, calledStaff = :by, calledAt = :at ADD calls :one")
            .condition_expression("#status = :waiting")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":called", s(TicketStatus::Called.as_str()))
            .expression_attribute_values(":waiting", s(TicketStatus::Waiting.as_str()))
            .expression_attribute_values(":w", s(window.as_str()))
            .expression_attribute_values(":by", s(staff))
            .expression_attribute_values(":at", s(rfc3339(now)))
            .expression_attribute_values(":one", n(1));
        let mut tx = Transaction::new("calling a number");
        tx.delete(Cond::Waiting, waiting)?;
        tx.update(Cond::Ticket, ticket)?;
        tx.item(Cond::Audit, audit);
        if let Some(note) = notice {
            tx.item(Cond::Notice, crate::outbox::item(note, &self.outbox_table, now)?);
        }
        match tx.run(&self.client).await? {
            TxOutcome::Done => Ok(true),
            o if o.refused(Cond::Waiting) || o.refused(Cond::Ticket) => Ok(false),
            TxOutcome::Refused(_) => Err(unexpected("calling a number: its notice or audit record exists")),
        }
    }
}
