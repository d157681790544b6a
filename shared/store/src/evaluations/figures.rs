//! The statistics counters of the evaluations table: one per dimension value and month,
//! changed in the same transactions as the reviews they count, so no read ever scans
//! reviews.

use super::EvaluationStore;
use crate::{AttributeValue, Item, StoreError, get_many, s};
use aws_sdk_dynamodb::types::Update;
use aws_sdk_dynamodb::types::builders::UpdateBuilder;
use model::evaluation::Review;
use serde::Serialize;
use std::collections::BTreeMap;

fn n(v: i64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

/// The figures of one counter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Figures {
    pub count: i64,
    pub by_rating: [i64; 5],
    pub bad: i64,
    pub rectified: i64,
    pub invalid: i64,
    /// 差评 called back (回访核实), and of those within the limit.
    pub called_back: i64,
    pub called_back_on_time: i64,
    /// Default ratings (matters left unrated past the period), apart from the rest.
    pub defaulted: i64,
}

impl Figures {
    fn read(item: &Item) -> Self {
        let n = |k: &str| match item.get(k) {
            Some(AttributeValue::N(v)) => v.parse().unwrap_or(0),
            _ => 0,
        };
        Figures {
            count: n("count"),
            by_rating: [n("r1"), n("r2"), n("r3"), n("r4"), n("r5")],
            bad: n("bad"),
            rectified: n("rectified"),
            invalid: n("invalid"),
            called_back: n("calledBack"),
            called_back_on_time: n("calledBackOnTime"),
            defaulted: n("defaulted"),
        }
    }

    pub fn add(&mut self, o: &Figures) {
        self.count = self.count.saturating_add(o.count);
        for (mine, theirs) in self.by_rating.iter_mut().zip(o.by_rating) {
            *mine = mine.saturating_add(theirs);
        }
        self.bad = self.bad.saturating_add(o.bad);
        self.rectified = self.rectified.saturating_add(o.rectified);
        self.invalid = self.invalid.saturating_add(o.invalid);
        self.called_back = self.called_back.saturating_add(o.called_back);
        self.called_back_on_time = self.called_back_on_time.saturating_add(o.called_back_on_time);
        self.defaulted = self.defaulted.saturating_add(o.defaulted);
    }
}

/// One value of a grouped dimension: its figures, and where a member of staff served.
#[derive(Debug, Clone, Default)]
pub struct Group {
    pub figures: Figures,
    pub dept: Option<String>,
    pub hall: Option<String>,
    pub window: Option<String>,
}

/// `ADD` the given deltas to every counter of the review: updates for its transaction.
pub(super) fn counters(table: &str, r: &Review, deltas: &[(&str, i64)]) -> Result<Vec<UpdateBuilder>, StoreError> {
    let add = format!(
        "ADD {}",
        deltas
            .iter()
            .map(|(k, _)| format!("#{k} :{k}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    // Where a member of staff served, for the public figures to show in their stead.
    let labels: Vec<(&str, &str)> = [
        ("deptCode", Some(r.dept.as_str())),
        ("hallId", r.hall_id.as_deref()),
        ("windowCode", r.window_code.as_deref()),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| (k, v)))
    .collect();
    let set = labels
        .iter()
        .map(|(k, _)| format!("{k} = :{k}"))
        .collect::<Vec<_>>()
        .join(", ");
    r.dimensions()
        .into_iter()
        .map(|(dim, value)| {
            let labelled = dim == "staff";
            let expr = if labelled {
                format!("SET {set} {add}")
            } else {
                add.clone()
            };
            let mut u = Update::builder()
                .table_name(table)
                .key("pk", s(format!("G#{dim}#{}", r.month)))
                .key("sk", s(value))
                .update_expression(expr);
            if labelled {
                for (k, v) in &labels {
                    u = u.expression_attribute_values(format!(":{k}"), s(*v));
                }
            }
            for (k, v) in deltas {
                u = u
                    .expression_attribute_names(format!("#{k}"), *k)
                    .expression_attribute_values(format!(":{k}"), n(*v));
            }
            Ok(u)
        })
        .collect()
}

impl EvaluationStore {
    /// One dimension value's figures over these months.
    pub async fn figures(
        &self,
        dim: &str,
        value: &str,
        months: &[String],
    ) -> Result<(Figures, BTreeMap<String, Figures>), StoreError> {
        let wanted: Vec<(&str, Item)> = months
            .iter()
            .map(|m| {
                (
                    self.table.as_str(),
                    Item::from([
                        ("pk".to_owned(), s(format!("G#{dim}#{m}"))),
                        ("sk".to_owned(), s(value)),
                    ]),
                )
            })
            .collect();
        let found = get_many(&self.client, &wanted, "reading statistics").await?;
        let mut total = Figures::default();
        let mut by_month = BTreeMap::new();
        for (m, item) in months.iter().zip(found) {
            let f = item.as_ref().map(Figures::read).unwrap_or_default();
            total.add(&f);
            by_month.insert(m.clone(), f);
        }
        Ok((total, by_month))
    }

    /// Every value of a dimension over these months, with its figures (and, for `staff`,
    /// where the member served).
    pub async fn grouped(&self, dim: &str, months: &[String]) -> Result<BTreeMap<String, Group>, StoreError> {
        let mut out: BTreeMap<String, Group> = BTreeMap::new();
        for m in months {
            let query = || {
                self.client
                    .query()
                    .table_name(&self.table)
                    .key_condition_expression("pk = :pk")
                    .expression_attribute_values(":pk", s(format!("G#{dim}#{m}")))
            };
            for item in crate::page::all(query, "reading grouped statistics").await? {
                if let Some(AttributeValue::S(v)) = item.get("sk") {
                    let group = out.entry(v.clone()).or_default();
                    group.figures.add(&Figures::read(&item));
                    let label = |k: &str| item.get(k).and_then(|a| a.as_s().ok()).cloned();
                    group.dept = group.dept.take().or_else(|| label("deptCode"));
                    group.hall = group.hall.take().or_else(|| label("hallId"));
                    group.window = group.window.take().or_else(|| label("windowCode"));
                }
            }
        }
        Ok(out)
    }
}
