//! Typed batch reads: ask for a hall, an item and a citizen in one `BatchGetItem`, across
//! tables, and get each back by the ticket its request gave, decoded as its own type.
//!
//! ```ignore
//! let mut batch = Batch::new(&client);
//! let hall = catalog.hall_in(&mut batch, &hall_id);
//! let citizen = citizens.citizen_in(&mut batch, &citizen_id);
//! let mut got = batch.send("reading the booking's hall and citizen").await?;
//! let (hall, citizen) = (got.take(hall)?, got.take(citizen)?);
//! ```

use crate::{Client, Item, StoreError, get_many};
use std::marker::PhantomData;

/// Reads being gathered.
pub struct Batch<'c> {
    client: &'c Client,
    wanted: Vec<(String, Item)>,
}

/// The claim to one answer of a batch, and how to read it.
#[must_use = "a ticket is how the answer is taken from the batch"]
pub struct Ticket<T> {
    index: usize,
    decode: fn(Item) -> Result<T, StoreError>,
    _answer: PhantomData<T>,
}

/// A batch's answers, taken by ticket.
pub struct Got {
    found: Vec<Option<Item>>,
}

impl<'c> Batch<'c> {
    pub fn new(client: &'c Client) -> Self {
        Self {
            client,
            wanted: Vec::new(),
        }
    }

    /// Asks for the item of `table` at `key`, read as a `T` by `decode`: for the stores' own
    /// `*_in` methods, which know the keys and the shapes.
    pub fn get<T>(&mut self, table: &str, key: Item, decode: fn(Item) -> Result<T, StoreError>) -> Ticket<T> {
        self.wanted.push((table.to_owned(), key));
        Ticket {
            index: self.wanted.len().saturating_sub(1),
            decode,
            _answer: PhantomData,
        }
    }

    /// Sends every read in one `BatchGetItem` (none when nothing was asked).
    pub async fn send(self, what: &'static str) -> Result<Got, StoreError> {
        if self.wanted.is_empty() {
            return Ok(Got { found: Vec::new() });
        }
        let wanted: Vec<(&str, Item)> = self.wanted.iter().map(|(t, k)| (t.as_str(), k.clone())).collect();
        let found = get_many(self.client, &wanted, what).await?;
        Ok(Got { found })
    }
}

impl Got {
    /// The answer a ticket claims: `None` when there is no such item.
    pub fn take<T>(&mut self, ticket: Ticket<T>) -> Result<Option<T>, StoreError> {
        self.found
            .get_mut(ticket.index)
            .and_then(Option::take)
            .map(ticket.decode)
            .transpose()
    }
}
