//! What the hall reads: a hall-day's bookings and queue, the waiting line in calling order,
//! one ticket, and the booking behind a verification code.

use super::queue::{queue_pk, ticket_key};
use super::{Booking, BookingStore, Filter, stored};
use crate::{AttributeValue, StoreError, from_item, s};
use model::HallId;
use model::queue::{Ticket, TicketId};

/// A number waiting to be called, as the line holds it.
#[derive(Debug, Clone)]
pub struct Waiting {
    /// The entry's sort key: its place in the line.
    pub entry: String,
    /// The ticket as it joined the line.
    pub ticket: Ticket,
}

impl BookingStore {
    /// One ticket.
    pub async fn ticket(&self, id: &TicketId) -> Result<Option<Ticket>, StoreError> {
        let (pk, sk) = ticket_key(id);
        self.read_one(pk, sk, "reading a ticket").await
    }

    /// The records of a hall-day's queue whose sort key starts with `prefix`.
    async fn queue_records(&self, hall: &HallId, date: &str, prefix: &str) -> Result<Vec<crate::Item>, StoreError> {
        let query = || {
            self.client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
                .expression_attribute_values(":pk", s(queue_pk(hall, date)))
                .expression_attribute_values(":prefix", s(prefix))
                .consistent_read(true)
        };
        crate::page::all(query, "reading a hall's queue").await
    }

    /// The line of a hall-day, in calling order.
    pub async fn waiting(&self, hall: &HallId, date: &str) -> Result<Vec<Waiting>, StoreError> {
        let items = self.queue_records(hall, date, "W#").await?;
        items
            .into_iter()
            .map(|item| {
                let entry = match item.get("sk") {
                    Some(AttributeValue::S(sk)) => sk.clone(),
                    _ => String::new(),
                };
                Ok(Waiting {
                    entry,
                    ticket: from_item(stored(item), "reading a waiting number")?,
                })
            })
            .collect()
    }

    /// Every ticket of a hall-day, in number order.
    pub async fn tickets(&self, hall: &HallId, date: &str) -> Result<Vec<Ticket>, StoreError> {
        let items = self.queue_records(hall, date, "T#").await?;
        items
            .into_iter()
            .map(|i| from_item(stored(i), "reading a ticket"))
            .collect()
    }

    /// Every booking of a hall-day, in slot order.
    pub async fn of_day(&self, hall: &HallId, date: &str) -> Result<Vec<Booking>, StoreError> {
        self.hall_day(hall, date, None, "listing a hall-day's bookings").await
    }

    /// The booking of a hall-day with a verification code. Codes are unique per day (each
    /// booking claims its code for its date when it is made or moved), so there is at most one.
    pub async fn by_code(&self, hall: &HallId, date: &str, code: &str) -> Result<Option<Booking>, StoreError> {
        let values = [(":code", s(code))];
        let filter = Filter {
            expression: "verificationCode = :code",
            names: &[],
            values: &values,
        };
        let found = self
            .hall_day(hall, date, Some(filter), "finding a booking by its code")
            .await?;
        Ok(found.into_iter().next())
    }
}
