//! Filling one page of a list from DynamoDB queries.
//!
//! A filter expression is applied after DynamoDB reads, so one query can return fewer
//! matches than asked for, or none, and still have more to read. [`fill`] keeps querying
//! until the page is full or the data ends, within a budget of queries, and reports where
//! the page stopped so the caller can write a cursor that skips nothing and repeats nothing.

use super::Item;
use crate::StoreError;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;

/// Queries per page at most: bounds the work a sparse filter can cause.
pub const MAX_QUERIES: usize = 5;

/// A page of raw items.
pub struct Filled {
    pub items: Vec<Item>,
    /// Where to continue: the last item returned when more matches exist, or the last key
    /// evaluated when the query budget ran out first. `None` when the data ended.
    pub resume_after: Option<Item>,
}

/// Whose records a list holds: a citizen's (index `ByCitizen`), or every record made for an
/// enterprise by any of its members (index `ByEnterprise`, on `enterpriseCode`).
#[derive(Debug, Clone, Copy)]
pub enum Owner<'a> {
    Citizen(&'a str),
    Enterprise(&'a str),
}

impl<'a> Owner<'a> {
    fn index(self) -> (&'static str, &'static str, &'a str) {
        match self {
            Owner::Citizen(c) => ("ByCitizen", "citizenId", c),
            Owner::Enterprise(e) => ("ByEnterprise", "enterpriseCode", e),
        }
    }
}

/// A citizen's (or an enterprise's) records on a table's `ByCitizen` (`ByEnterprise`) index
/// (sort key: when each was made), newest first, optionally of one status: the access
/// pattern bookings and applications share.
/// `key` names the index's and the table's key attributes, which the cursor carries.
pub struct OfCitizen<'a> {
    pub client: &'a super::Client,
    pub table: &'a str,
    pub key: &'a [&'a str],
    pub what: &'static str,
}

impl OfCitizen<'_> {
    pub async fn page(
        &self,
        owner: Owner<'_>,
        status: Option<&str>,
        after: Option<&crate::Cursor>,
        limit: u32,
    ) -> Result<(Vec<Item>, Option<crate::Cursor>), StoreError> {
        let Self {
            client,
            table,
            key,
            what,
        } = *self;
        let (index, hash, value) = owner.index();
        let start = start_key(after, key, &[(hash, value)])?;
        let query = || {
            let q = client
                .query()
                .table_name(table)
                .index_name(index)
                .key_condition_expression("#owner = :c")
                .expression_attribute_names("#owner", hash)
                .expression_attribute_values(":c", super::s(value))
                .scan_index_forward(false);
            match status {
                Some(st) => q
                    .filter_expression("#status = :st")
                    .expression_attribute_names("#status", "status")
                    .expression_attribute_values(":st", super::s(st)),
                None => q,
            }
        };
        // A status filter may drop most of what a query reads: read more per query then.
        let evaluate = if status.is_some() { 100 } else { one_more(limit) };
        let page = fill(query, start, limit as usize, evaluate, what).await?;
        let next = page.resume_after.as_ref().and_then(|k| cursor_from(k, key));
        Ok((page.items, next))
    }
}

/// Runs `query` (with `start` as its exclusive start key) until `limit` matches are found.
/// `evaluate` is how many items each query reads.
pub async fn fill(
    query: impl Fn() -> QueryFluentBuilder,
    start: Option<Item>,
    limit: usize,
    evaluate: i32,
    what: &'static str,
) -> Result<Filled, StoreError> {
    let mut found: Vec<Item> = Vec::new();
    let mut start = start;
    for _ in 0..MAX_QUERIES {
        let out = query()
            .limit(evaluate)
            .set_exclusive_start_key(start.take())
            .send()
            .await
            .map_err(|e| super::sdk_error(what, e))?;
        for item in out.items.unwrap_or_default() {
            if found.len() == limit {
                let last = found.last().cloned();
                return Ok(Filled {
                    items: found,
                    resume_after: last,
                });
            }
            found.push(item);
        }
        match out.last_evaluated_key {
            Some(key) => start = Some(key),
            None => {
                return Ok(Filled {
                    items: found,
                    resume_after: None,
                });
            }
        }
    }
    Ok(Filled {
        items: found,
        resume_after: start,
    })
}

/// Every item `query` matches, page after page: for the small, bounded sets (a hall-day's
/// counters, the halls, one day's bookings at one hall) that are read whole.
pub async fn all(query: impl Fn() -> QueryFluentBuilder, what: &'static str) -> Result<Vec<Item>, StoreError> {
    let mut found = Vec::new();
    let mut start = None;
    loop {
        let out = query()
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(|e| super::sdk_error(what, e))?;
        found.extend(out.items.unwrap_or_default());
        start = out.last_evaluated_key;
        if start.is_none() {
            return Ok(found);
        }
    }
}

/// The position after the last item of a page: the key fields of the item, as a start key is
/// built from them. The API seals it for a client (`api::cursor`); the store and the sweepers
/// pass it around as it is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cursor(std::collections::BTreeMap<String, String>);

impl Cursor {
    pub fn new<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Self(fields.into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect())
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// Every field, for sealing.
    pub fn fields(&self) -> &std::collections::BTreeMap<String, String> {
        &self.0
    }

    /// A position from fields a sealed cursor carried.
    pub fn from_fields(fields: std::collections::BTreeMap<String, String>) -> Self {
        Self(fields)
    }
}

/// The cursor for continuing after `key`: its `fields`, which must all be strings.
pub fn cursor_from(key: &Item, fields: &[&str]) -> Option<crate::Cursor> {
    let mut pairs = Vec::new();
    for f in fields {
        match key.get(*f) {
            Some(super::AttributeValue::S(v)) => pairs.push((*f, v.as_str())),
            _ => return None,
        }
    }
    Some(crate::Cursor::new(pairs))
}

/// The exclusive start key a cursor names. `fields` come from the cursor, checked for shape;
/// `fixed` come from the request: the partition the caller may read. A cursor therefore
/// only ever moves within the caller's own partition, and one naming another partition
/// cannot make the query fail (DynamoDB refuses a start key outside the key condition).
pub fn start_key(
    cursor: Option<&crate::Cursor>,
    fields: &[&str],
    fixed: &[(&str, &str)],
) -> Result<Option<Item>, StoreError> {
    let Some(c) = cursor else { return Ok(None) };
    // The API hands the store only cursors it sealed itself: a shape that is not one of
    // ours is a fault, not a client's mistake.
    let bad = || StoreError::fault("a cursor without its list's key", std::io::Error::other("cursor"));
    let mut key = Item::new();
    for f in fields {
        let v = c.get(f).ok_or_else(bad)?;
        if v.is_empty() || v.len() > 200 || v.chars().any(char::is_control) {
            return Err(bad());
        }
        key.insert((*f).to_owned(), super::s(v));
    }
    for (f, v) in fixed {
        key.insert((*f).to_owned(), super::s(*v));
    }
    Ok(Some(key))
}

/// How many items a query evaluates for a page of `limit` with nothing filtered out: one
/// more than the page, to learn whether another page follows.
pub fn one_more(limit: u32) -> i32 {
    i32::try_from(limit).unwrap_or(i32::MAX).saturating_add(1)
}
