//! The bookings table: bookings, slot counters, per-person guards, no-show records and bans,
//! hall queue counters and idempotency records.
//!
//! Key schema: `pk` (S), `sk` (S); TTL on `expiresAt`.
//!
//! | record | pk | sk |
//! |---|---|---|
//! | booking | `B#<bookingId>` | `BOOKING` |
//! | slot counter (`taken`, `capacity`) | `SLOT#<hallId>#<date>` | `<HHMM>#<window>` |
//! | guard: one active booking per person, item and day | `GUARD#<idKey>#<item>#<date>` | `GUARD` |
//! | no-show record | `PERSON#<idKey>` | `NOSHOW#<date>#<bookingId>` |
//! | booking ban (`untilEpoch`) | `PERSON#<idKey>` | `BAN` |
//! | queue counter (`last`) | `QUEUE#<hallId>#<date>` | `<prefix>` |
//! | verification code claim (`bookingId`) | `CODE#<date>` | `<code>` |
//! | ticket, waiting entry | `HALLQ#<hallId>#<date>` | `T#<number>`, `W#<lane>#<issuedAt>#<number>` (the `queue` module) |
//! | idempotency record | `IDEM#<scope>#<key>` | `IDEM` |
//!
//! Persons are keyed by `idKey` (the keyed hash of the ID number), so two WeChat accounts
//! of one person share one guard and one no-show record.
//!
//! GSIs (sparse: only bookings carry their keys): `ByCitizen` (`citizenId`, `createdAt`) for
//! a citizen's list, newest first; `ByHallDay` (`hallDay` = `<hallId>#<date>`, `start`) for
//! the sweeper's no-shows and reminders; `ByEnterprise` (`enterpriseCode`, `createdAt`) for an
//! enterprise's list, every member's bookings for it.
//!
//! Access patterns:
//! - Slots of a hall-day (`GET /v1/halls/{id}/slots`): one `Query pk = SLOT#hall#date`.
//!   Counters exist only for slots that have been booked: the first booking creates one
//!   with a conditional update, so no job has to materialise the calendar.
//! - Book: one transaction: counter `ADD taken 1` if `taken < capacity`, booking put if
//!   absent, guard put if absent, the verification code's claim for the day put if absent
//!   (a code names one booking of a day; a taken code is drawn again), ban checked absent or
//!   expired, idempotency record put if absent, and the confirmation's outbox record.
//! - Cancel: one transaction: booking `booked → cancelled` (the condition makes a second
//!   cancel a no-op), counter `ADD taken -1`, guard deleted.
//! - Reschedule: one transaction: booking moved if still `booked` at the old slot, old
//!   counter -1, new counter +1 if below capacity, guard and code claim moved when the day
//!   changes.
//! - Check-in: the booking by code (`Query ByHallDay`, filtered on the code) or by id; queue
//!   counter `ADD last 1` (returns the number), then one transaction: the booking
//!   `booked → checked_in`, its ticket and waiting entry, the audit record. A lost race burns
//!   a number; numbers stay unique. Calling and finishing numbers: the `queue` module.
//! - One booking: `GetItem`. A citizen's bookings: `Query ByCitizen`, newest first; an
//!   enterprise's: `Query ByEnterprise`.
//! - Sweeper: `Query ByHallDay`; each no-show is one transaction (status and record), the
//!   count a `Query pk = PERSON#idKey, sk between NOSHOW#from and NOSHOW#to`, the ban a
//!   conditional put that only ever extends it.

mod change;
mod finish;
mod hall;
mod queue;
mod sweep;
mod write;

pub use change::Moved;
pub use finish::{Finish, Finished, Visit};
pub use hall::Waiting;
pub use queue::{Call, Issued};
pub use write::{Booked, NewBooking};

use super::{AttributeValue, Client, Item, from_item, s, sdk_error, to_item};
use crate::Cursor;
use crate::StoreError;
pub use model::booking::Booking;
use model::booking::{BookingId, BookingStatus, SlotId};
use model::{HallId, ItemCode};
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct BookingStore {
    client: Client,
    table: String,
    outbox_table: String,
}

pub(crate) fn booking_key(id: &BookingId) -> (String, String) {
    (format!("B#{id}"), "BOOKING".to_owned())
}

pub(crate) fn slot_key(slot: &SlotId) -> (String, String) {
    (format!("SLOT#{}#{}", slot.hall(), slot.date()), slot.counter_key())
}

pub(crate) fn guard_key(id_key: &str, item: &ItemCode, date: &str) -> (String, String) {
    (format!("GUARD#{id_key}#{item}#{date}"), "GUARD".to_owned())
}

pub(crate) fn person_pk(id_key: &str) -> String {
    format!("PERSON#{id_key}")
}

fn key(pk: String, sk: String) -> HashMap<String, AttributeValue> {
    HashMap::from([("pk".to_owned(), s(pk)), ("sk".to_owned(), s(sk))])
}

fn stored(item: Item) -> Item {
    let mut item = item;
    for k in ["pk", "sk"] {
        item.remove(k);
    }
    item
}

/// A filter expression on a query, with its attribute names and values.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Filter<'a> {
    pub expression: &'a str,
    pub names: &'a [(&'a str, &'a str)],
    pub values: &'a [(&'a str, AttributeValue)],
}

/// A citizen's page of bookings and the cursor after it.
pub struct BookingPage {
    pub items: Vec<Booking>,
    pub next: Option<Cursor>,
}

impl BookingStore {
    pub fn new(client: Client, table: impl Into<String>, outbox_table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
            outbox_table: outbox_table.into(),
        }
    }

    /// A store for a function that only reads bookings: it has no outbox, so a booking made
    /// through it fails rather than losing its confirmation.
    pub fn reader(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
            outbox_table: String::new(),
        }
    }

    pub async fn get(&self, id: &BookingId) -> Result<Option<Booking>, StoreError> {
        let (pk, sk) = booking_key(id);
        self.read_one(pk, sk, "reading a booking").await
    }

    /// One record of this table, strongly consistent, as its type.
    pub(crate) async fn read_one<T: serde::de::DeserializeOwned>(
        &self,
        pk: String,
        sk: String,
        what: &'static str,
    ) -> Result<Option<T>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| sdk_error(what, e))?;
        out.item.map(|i| from_item(stored(i), what)).transpose()
    }

    /// The bookings of a hall-day (`ByHallDay`), those `filter` keeps, in slot order.
    pub(crate) async fn hall_day(
        &self,
        hall: &HallId,
        date: &str,
        filter: Option<Filter<'_>>,
        what: &'static str,
    ) -> Result<Vec<Booking>, StoreError> {
        let query = || {
            let mut q = self
                .client
                .query()
                .table_name(&self.table)
                .index_name("ByHallDay")
                .key_condition_expression("hallDay = :hd")
                .expression_attribute_values(":hd", s(format!("{hall}#{date}")));
            if let Some(f) = filter {
                q = q.filter_expression(f.expression);
                for (placeholder, name) in f.names {
                    q = q.expression_attribute_names(*placeholder, *name);
                }
                for (placeholder, value) in f.values {
                    q = q.expression_attribute_values(*placeholder, value.clone());
                }
            }
            q
        };
        let items = super::page::all(query, what).await?;
        items
            .into_iter()
            .map(|item| from_item(stored(item), "reading a booking"))
            .collect()
    }

    /// Seats taken per slot of a hall-day, by counter key (`HHMM#window`).
    pub async fn taken(&self, hall: &HallId, date: &str) -> Result<HashMap<String, u32>, StoreError> {
        let query = || {
            self.client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk")
                .expression_attribute_values(":pk", s(format!("SLOT#{hall}#{date}")))
        };
        let counters = super::page::all(query, "reading slot counters").await?;
        Ok(counters
            .into_iter()
            .filter_map(|item| match (item.get("sk"), item.get("taken")) {
                (Some(AttributeValue::S(sk)), Some(AttributeValue::N(n))) => Some((sk.clone(), n.parse().unwrap_or(0))),
                _ => None,
            })
            .collect())
    }

    /// The end of a person's booking ban, if one is in force at `now`.
    pub async fn ban_until(&self, id_key: &str, now: jiff::Timestamp) -> Result<Option<jiff::Timestamp>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(person_pk(id_key), "BAN".into())))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| sdk_error("reading a booking ban", e))?;
        let until = out
            .item
            .and_then(|i| match i.get("untilEpoch") {
                Some(AttributeValue::N(n)) => n.parse::<i64>().ok(),
                _ => None,
            })
            .and_then(|secs| jiff::Timestamp::from_second(secs).ok());
        Ok(until.filter(|u| *u > now))
    }

    /// A citizen's (or an enterprise's) bookings, newest first, optionally of one status.
    pub async fn for_owner(
        &self,
        owner: crate::page::Owner<'_>,
        status: Option<BookingStatus>,
        after: Option<&Cursor>,
        limit: u32,
    ) -> Result<BookingPage, StoreError> {
        const KEY: &[&str] = &["pk", "sk", "createdAt"];
        let status = status.map(|st| st.as_str());
        let index = super::page::OfCitizen {
            client: &self.client,
            table: &self.table,
            key: KEY,
            what: "listing bookings",
        };
        let (items, next) = index.page(owner, status, after, limit).await?;
        let items = items
            .into_iter()
            .map(|i| from_item(stored(i), "reading a booking"))
            .collect::<Result<_, _>>()?;
        Ok(BookingPage { items, next })
    }

    /// A booking as an item. Bookings carry no TTL: they are the record of a visit.
    fn booking_item(&self, b: &Booking) -> Result<Item, StoreError> {
        let (pk, sk) = booking_key(&b.id);
        let mut keys = vec![("pk", pk), ("sk", sk)];
        // The enterprise's list (`ByEnterprise`) reads this top-level copy of its code.
        if let Some(e) = &b.enterprise {
            keys.push(("enterpriseCode", e.credit_code.to_string()));
        }
        to_item(b, &keys)
    }
}
