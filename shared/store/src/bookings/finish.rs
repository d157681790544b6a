//! Finishing a visit at a window: the ticket ended (or put back in its place), the booking
//! completed or made a no-show, and the audit record, in one transaction.

use super::queue::ticket_key;
use super::write::{Cond, unexpected};
use super::{Booking, BookingStore, booking_key, key};
use crate::tx::{Outcome as TxOutcome, Transaction};
use crate::{AttributeValue, StoreError, s};
use aws_sdk_dynamodb::types::{TransactWriteItem, Update};
use model::booking::BookingStatus;
use model::queue::{Outcome, Ticket, TicketStatus};
use model::staff::WindowId;
use model::time::rfc3339;

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
            let back = t.clone().finished(outcome, window, None, now);
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
        let record = self.no_show_record(b, at);
        tx.put(Cond::NoShow, record)?;
        Ok(())
    }
}
