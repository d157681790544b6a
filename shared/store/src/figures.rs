//! The supervision figures in the supervision table: one item per unit (a department, or a
//! 咨询投诉 desk that is not one) and Shanghai day, its flows added by the transactions of
//! the changes they count and its stocks set by the daily sweep (`model::figures`).
//!
//! | item | pk | sk |
//! |---|---|---|
//! | a unit's day: flows (`ADD`), stocks and `sweptAt` (`SET`) | `FIG#<yyyy-mm>` | `<yyyy-mm-dd>#<unit>` |
//!
//! Access patterns:
//! - A change: one `Update` per unit it counts for, an item of the change's own transaction
//!   (applications, 咨询投诉), so a figure is never without its change nor a change without
//!   its figure.
//! - The sweep: one `UpdateItem` per unit and day, setting the stocks.
//! - Reading: one `Query` per month of the span (`sk` between the days): every unit's days at
//!   once, however many cases they count.

use crate::{AttributeValue, Client, Item, StoreError, s, sdk_error};
use aws_sdk_dynamodb::types::{TransactWriteItem, Update};
use jiff::civil::Date;
use std::collections::BTreeMap;

fn n(v: i64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

fn ymd(d: Date) -> String {
    d.strftime("%Y-%m-%d").to_string()
}

fn key(day: Date, unit: &str) -> (AttributeValue, AttributeValue) {
    (
        s(format!("FIG#{}", day.strftime("%Y-%m"))),
        s(format!("{}#{unit}", ymd(day))),
    )
}

/// `SET`/`ADD` expression over `values`, the `i`th named `#fi` with value `:fi` (placeholders
/// by position, because a figure's name may hold characters a placeholder cannot, as in
/// `rejected:duplicate`).
fn expression(verb: &str, values: &[(&str, i64)]) -> String {
    let parts: Vec<String> = (0..values.len())
        .map(|i| match verb {
            "ADD" => format!("#f{i} :f{i}"),
            _ => format!("#f{i} = :f{i}"),
        })
        .collect();
    format!("{verb} {}", parts.join(", "))
}

/// The names and values [`expression`] refers to.
fn placeholders(values: &[(&str, i64)]) -> impl Iterator<Item = ((String, String), (String, AttributeValue))> {
    values
        .iter()
        .enumerate()
        .map(|(i, (k, v))| ((format!("#f{i}"), (*k).to_owned()), (format!(":f{i}"), n(*v))))
}

/// One unit's figures on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Day {
    pub day: Date,
    pub unit: String,
    /// Every figure the item holds, flows and stocks.
    pub values: BTreeMap<String, i64>,
    /// Whether the sweep measured this day's stocks.
    pub swept: bool,
}

/// Where the figures are.
#[derive(Debug, Clone)]
pub struct FigureStore {
    client: Client,
    table: String,
}

/// The transaction item adding `counts` to `unit`'s figures of `day`, for a change's own
/// transaction in `table`.
pub fn counted(
    table: &str,
    day: Date,
    unit: &str,
    counts: &BTreeMap<&'static str, i64>,
) -> Result<TransactWriteItem, StoreError> {
    let values: Vec<(&str, i64)> = counts.iter().map(|(k, v)| (*k, *v)).collect();
    let (pk, sk) = key(day, unit);
    let mut u = Update::builder()
        .table_name(table)
        .key("pk", pk)
        .key("sk", sk)
        .update_expression(expression("ADD", &values));
    for ((name, k), (value, v)) in placeholders(&values) {
        u = u
            .expression_attribute_names(name, k)
            .expression_attribute_values(value, v);
    }
    let update = u
        .build()
        .map_err(|e| StoreError::fault("building a figures update", e))?;
    Ok(TransactWriteItem::builder().update(update).build())
}

/// The counts of a change, per unit: what its cases count, added up per department.
pub fn tally(
    counts: impl IntoIterator<Item = (String, &'static str)>,
) -> BTreeMap<String, BTreeMap<&'static str, i64>> {
    let mut out: BTreeMap<String, BTreeMap<&'static str, i64>> = BTreeMap::new();
    for (unit, metric) in counts {
        let slot = out.entry(unit).or_default().entry(metric).or_insert(0);
        *slot = slot.saturating_add(1);
    }
    out
}

impl FigureStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// Records the sweep's measures of `unit` on `day` (each stock set, zeros included, so
    /// a day's stocks are whole).
    pub async fn swept(&self, day: Date, unit: &str, stocks: &[(&str, i64)], at: &str) -> Result<(), StoreError> {
        let (pk, sk) = key(day, unit);
        let mut u = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", pk)
            .key("sk", sk)
            .update_expression(format!("{}, sweptAt = :at", expression("SET", stocks)))
            .expression_attribute_values(":at", s(at));
        for ((name, k), (value, v)) in placeholders(stocks) {
            u = u
                .expression_attribute_names(name, k)
                .expression_attribute_values(value, v);
        }
        u.send().await.map_err(|e| sdk_error("recording the day's stocks", e))?;
        Ok(())
    }

    /// Every unit's figures of every day from `from` to `to` (Shanghai, both included): one
    /// query per month.
    pub async fn days(&self, from: Date, to: Date) -> Result<Vec<Day>, StoreError> {
        let mut out = Vec::new();
        let mut month = from.first_of_month();
        while month <= to {
            let query = || {
                self.client
                    .query()
                    .table_name(&self.table)
                    .key_condition_expression("pk = :pk AND sk BETWEEN :from AND :to")
                    .expression_attribute_values(":pk", s(format!("FIG#{}", month.strftime("%Y-%m"))))
                    .expression_attribute_values(":from", s(ymd(from)))
                    .expression_attribute_values(":to", s(format!("{}~", ymd(to))))
            };
            for item in crate::page::all(query, "reading the figures").await? {
                out.extend(read(&item));
            }
            month = month
                .last_of_month()
                .tomorrow()
                .map_err(|e| StoreError::fault("the month after", e))?;
        }
        Ok(out)
    }
}

fn read(item: &Item) -> Option<Day> {
    let sk = item.get("sk")?.as_s().ok()?;
    let (day, unit) = sk.split_once('#')?;
    let values = item
        .iter()
        .filter(|(k, _)| model::figures::known(k))
        .filter_map(|(k, v)| Some((k.clone(), v.as_n().ok()?.parse().ok()?)))
        .collect();
    Some(Day {
        day: day.parse().ok()?,
        unit: unit.to_owned(),
        values,
        swept: item.contains_key("sweptAt"),
    })
}
