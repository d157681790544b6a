//! The hall's queue in the bookings table: tickets, the waiting line, and the transactions
//! that issue, call and finish a number.
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
use super::{Booking, BookingStore, booking_key, key, person_pk};
use crate::idempotency::Claim;
use crate::outbox::Notification;
use crate::tx::{Outcome as TxOutcome, Transaction};
use crate::{AttributeValue, StoreError, s, to_item};
use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem, Update};
use model::booking::BookingStatus;
use model::queue::{Outcome, Ticket, TicketId, TicketStatus};
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

/// The booking behind a finished ticket, as far as the outcome changes it.
#[derive(Debug, Clone, Copy)]
pub enum Visit<'a> {
    /// A walk-in's, or a transfer: no booking changes.
    None,
    /// Served: the booking becomes `completed`.
    Served(&'a model::booking::BookingId),
    /// Absent when called: the booking becomes a no-show on the person's record.
    Absent(&'a Booking),
}

/// A window calling a waiting number.
#[derive(Debug, Clone, Copy)]
pub struct Call<'a> {
    pub waiting: &'a super::Waiting,
    pub window: &'a WindowId,
    /// The member of staff at the window.
    pub staff: &'a str,
}

/// A window ending a visit.
#[derive(Debug, Clone, Copy)]
pub struct Finish<'a> {
    pub ticket: &'a Ticket,
    pub window: &'a WindowId,
    pub outcome: Outcome,
    /// The application taken in at the window (served only).
    pub application_no: Option<&'a str>,
    pub visit: Visit<'a>,
}

/// How a finish ended.
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finished {
    Done,
    /// The ticket is not called by this window (finished meanwhile, or another's).
    NotCalled,
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
    fn wait(&self, tx: &mut Transaction<Cond>, t: &Ticket) -> Result<(), StoreError> {
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

    /// Ends a called ticket at `window`. `served` completes its booking; `absent` makes the
    /// booking a no-show on the person's record; `transferred` puts the number back in its
    /// place for the other windows. All or nothing, with the audit record.
    pub async fn finish(
        &self,
        finish: Finish<'_>,
        audit: TransactWriteItem,
        now: jiff::Timestamp,
    ) -> Result<Finished, StoreError> {
        let Finish {
            ticket: t,
            window,
            outcome,
            application_no,
            visit,
        } = finish;
        let (pk, sk) = ticket_key(&t.ticket_id);
        let at = rfc3339(now);
        let mut ticket = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .condition_expression("#status = :called AND calledBy = :w")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":called", s(TicketStatus::Called.as_str()))
            .expression_attribute_values(":w", s(window.as_str()));
        let mut tx = Transaction::new("finishing a visit");
        let done = match outcome {
            Outcome::Served => Some(TicketStatus::Served),
            Outcome::Absent => Some(TicketStatus::Absent),
            Outcome::Transferred => None,
        };
        if let Some(status) = done {
            let mut set = String::from("SET #status = :done, finishedAt = :at");
            if let Some(no) = application_no {
                set.push_str(", applicationNo = :app");
                ticket = ticket.expression_attribute_values(":app", s(no));
            }
            ticket = ticket
                .update_expression(set)
                .expression_attribute_values(":done", s(status.as_str()))
                .expression_attribute_values(":at", s(at.clone()));
            tx.update(Cond::Ticket, ticket)?;
        } else {
            ticket = ticket
                .update_expression(
                    "SET #status = :waiting, passedOver = list_append(if_not_exists(passedOver, :none), :me) \
                     REMOVE calledBy, calledAt, calledStaff",
                )
                .expression_attribute_values(":waiting", s(TicketStatus::Waiting.as_str()))
                .expression_attribute_values(":none", AttributeValue::L(Vec::new()))
                .expression_attribute_values(":me", AttributeValue::L(vec![s(window.as_str())]));
            tx.update(Cond::Ticket, ticket)?;
            let mut back = t.clone();
            back.status = TicketStatus::Waiting;
            back.called_by = None;
            back.called_at = None;
            back.called_staff = None;
            back.passed_over.push(window.clone());
            self.wait(&mut tx, &back)?;
        }
        match visit {
            Visit::None => {}
            Visit::Served(id) => self.complete_visit(&mut tx, id, &at)?,
            Visit::Absent(b) => self.absent_visit(&mut tx, b, &at)?,
        }
        tx.item(Cond::Audit, audit);
        match tx.run(&self.client).await? {
            TxOutcome::Done => Ok(Finished::Done),
            o if o.refused(Cond::Ticket) => Ok(Finished::NotCalled),
            // The booking changed under a called ticket only if it was already finished
            // through another ticket: the same answer.
            o if o.refused(Cond::Booking) => Ok(Finished::NotCalled),
            TxOutcome::Refused(_) => Err(unexpected("finishing a visit")),
        }
    }

    /// The booking of a served visit: `checked_in → completed`.
    fn complete_visit(
        &self,
        tx: &mut Transaction<Cond>,
        id: &model::booking::BookingId,
        at: &str,
    ) -> Result<(), StoreError> {
        let (pk, sk) = booking_key(id);
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .update_expression("SET #status = :done, completedAt = :at, updatedAt = :at")
            .condition_expression("#status = :in")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":done", s(BookingStatus::Completed.as_str()))
            .expression_attribute_values(":in", s(BookingStatus::CheckedIn.as_str()))
            .expression_attribute_values(":at", s(at));
        tx.update(Cond::Booking, update)?;
        Ok(())
    }

    /// The booking of a visitor who did not come to the window when called: a no-show on
    /// the person's record, as the sweeper records one.
    fn absent_visit(&self, tx: &mut Transaction<Cond>, b: &Booking, at: &str) -> Result<(), StoreError> {
        let (pk, sk) = booking_key(&b.id);
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .update_expression("SET #status = :ns, updatedAt = :at")
            .condition_expression("#status = :in")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":ns", s(BookingStatus::NoShow.as_str()))
            .expression_attribute_values(":in", s(BookingStatus::CheckedIn.as_str()))
            .expression_attribute_values(":at", s(at));
        tx.update(Cond::Booking, update)?;
        let record = Put::builder()
            .table_name(&self.table)
            .item("pk", s(person_pk(&b.id_key)))
            .item("sk", s(format!("NOSHOW#{}#{}", b.date, b.id)))
            .item("hallId", s(b.hall_id.as_str()))
            .item("bookingId", s(b.id.as_str()))
            .item("at", s(at))
            .condition_expression("attribute_not_exists(pk)");
        tx.put(Cond::NoShow, record)?;
        Ok(())
    }
}
