//! The supervision table's two listing indexes, which the 督办 orders and the alerts share:
//! `ByDept` (`dept`, `orderKey`) for one department's or unit's, `ByList` (`list`,
//! `orderKey`) for every one of a kind; newest first, a status as a filter (each partition
//! holds few: an order or an alert per late thing).

use crate::page::{self, Cursor};
use crate::{Client, Item, StoreError, s};

/// Which partition of which index: `("ByDept", "dept", value)` or `("ByList", "list", value)`.
pub(crate) struct Partition<'a> {
    pub index: &'a str,
    pub hash: &'a str,
    pub value: String,
}

impl Partition<'_> {
    /// A department's or unit's (`dept` = `value`), or every one of a kind (`list` = `kind`).
    pub(crate) fn of(dept: Option<String>, kind: &str) -> Partition<'static> {
        match dept {
            Some(value) => Partition {
                index: "ByDept",
                hash: "dept",
                value,
            },
            None => Partition {
                index: "ByList",
                hash: "list",
                value: kind.to_owned(),
            },
        }
    }
}

/// A page of the partition's items, newest first, of one `status` if given.
pub(crate) async fn page(
    client: &Client,
    table: &str,
    p: &Partition<'_>,
    status: Option<&str>,
    after: Option<&Cursor>,
    limit: u32,
    what: &'static str,
) -> Result<(Vec<Item>, Option<Cursor>), StoreError> {
    // The cursor names the position; the partition comes from the request alone.
    let range: &[&str] = &["pk", "sk", "orderKey"];
    let start = page::start_key(after, range, &[(p.hash, p.value.as_str())])?;
    let query = || {
        let q = client
            .query()
            .table_name(table)
            .index_name(p.index)
            .key_condition_expression("#h = :h")
            .expression_attribute_names("#h", p.hash)
            .expression_attribute_values(":h", s(p.value.as_str()))
            .scan_index_forward(false);
        match status {
            Some(st) => q
                .filter_expression("#status = :st")
                .expression_attribute_names("#status", "status")
                .expression_attribute_values(":st", s(st)),
            None => q,
        }
    };
    let evaluate = if status.is_some() { 100 } else { page::one_more(limit) };
    let filled = page::fill(query, start, limit as usize, evaluate, what).await?;
    let next = filled.resume_after.as_ref().and_then(|k| page::cursor_from(k, range));
    Ok((filled.items, next))
}
