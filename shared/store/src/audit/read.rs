//! Reading the audit trail, for the supervisors: one member's records, one subject's, or
//! everyone's day by day, newest first, always within a span of Shanghai days.
//!
//! - One member: `Query` of the table (`pk` = `A#<actor>`), `sk` between the days.
//! - One subject: `Query BySubject`, `sk` between the days.
//! - Everyone: `Query ByDay`, one day after another from the last, until the page is full;
//!   the cursor carries the day it stopped in. Never a scan.
//!
//! A record's `sk` starts with its time in Shanghai (`2026-12-03T09:15:02.120+08:00#…`), so
//! the span of days is a range of the sort key: from `<from>` to `<to>~` (`~` sorts after
//! every character of a time).

use super::{Record, Trail};
use crate::page::{self, Cursor};
use crate::{Item, StoreError, from_item, s};
use jiff::civil::Date;

/// Whose records: a member's, a subject's, or with both, that member's on that subject.
#[derive(Debug, Clone, Copy)]
pub struct Filter<'a> {
    pub actor: Option<&'a str>,
    pub subject: Option<&'a str>,
}

fn record(mut item: Item) -> Result<Record, StoreError> {
    for k in ["pk", "sk", "day"] {
        item.remove(k);
    }
    from_item(item, "reading an audit record")
}

fn day_text(d: Date) -> String {
    d.strftime("%Y-%m-%d").to_string()
}

impl Trail {
    /// Records between `from` and `to` (Shanghai days, both included), newest first.
    pub async fn read(
        &self,
        filter: Filter<'_>,
        (from, to): (Date, Date),
        after: Option<&Cursor>,
        limit: u32,
    ) -> Result<(Vec<Record>, Option<Cursor>), StoreError> {
        match filter {
            Filter {
                actor: Some(actor),
                subject,
            } => {
                let pk = format!("A#{actor}");
                self.range(None, ("pk", &pk), subject, (from, to), after, limit).await
            }
            Filter {
                actor: None,
                subject: Some(subject),
            } => {
                self.range(Some("BySubject"), ("subject", subject), None, (from, to), after, limit)
                    .await
            }
            Filter {
                actor: None,
                subject: None,
            } => self.days((from, to), after, limit).await,
        }
    }

    /// One partition (a member's, a subject's) over the days, optionally of one subject.
    async fn range(
        &self,
        index: Option<&str>,
        (hash, value): (&str, &str),
        subject: Option<&str>,
        (from, to): (Date, Date),
        after: Option<&Cursor>,
        limit: u32,
    ) -> Result<(Vec<Record>, Option<Cursor>), StoreError> {
        let fields: &[&str] = if index.is_some() { &["pk", "sk"] } else { &["sk"] };
        let start = page::start_key(after, fields, &[(hash, value)])?;
        let query = || {
            let q = self
                .client
                .query()
                .table_name(&self.table)
                .set_index_name(index.map(str::to_owned))
                .key_condition_expression("#h = :h AND sk BETWEEN :from AND :to")
                .expression_attribute_names("#h", hash)
                .expression_attribute_values(":h", s(value))
                .expression_attribute_values(":from", s(day_text(from)))
                .expression_attribute_values(":to", s(format!("{}~", day_text(to))))
                .scan_index_forward(false);
            match subject {
                Some(sub) => q
                    .filter_expression("#sub = :sub")
                    .expression_attribute_names("#sub", "subject")
                    .expression_attribute_values(":sub", s(sub)),
                None => q,
            }
        };
        let evaluate = if subject.is_some() { 100 } else { page::one_more(limit) };
        let filled = page::fill(query, start, limit as usize, evaluate, "reading the audit trail").await?;
        let next = filled.resume_after.as_ref().and_then(|k| page::cursor_from(k, fields));
        let records = filled.items.into_iter().map(record).collect::<Result<_, _>>()?;
        Ok((records, next))
    }

    /// Everyone's records, one day's partition after another from `to` back to `from`.
    async fn days(
        &self,
        (from, to): (Date, Date),
        after: Option<&Cursor>,
        limit: u32,
    ) -> Result<(Vec<Record>, Option<Cursor>), StoreError> {
        let bad = || StoreError::fault("an audit cursor without its day", std::io::Error::other("cursor"));
        let mut day = match after.and_then(|c| c.get("day")) {
            Some(d) => d.parse::<Date>().map_err(|_| bad())?,
            None => to,
        };
        // Within the day the cursor names, from the record it stopped at, if it names one.
        let mut resume = after.filter(|c| c.get("sk").is_some());
        let mut found: Vec<Record> = Vec::new();
        while day >= from {
            let want = limit.saturating_sub(u32::try_from(found.len()).unwrap_or(u32::MAX));
            let today = day_text(day);
            let start = page::start_key(resume.take(), &["pk", "sk"], &[("day", today.as_str())])?;
            let query = || {
                self.client
                    .query()
                    .table_name(&self.table)
                    .index_name("ByDay")
                    .key_condition_expression("#d = :d")
                    .expression_attribute_names("#d", "day")
                    .expression_attribute_values(":d", s(today.as_str()))
                    .scan_index_forward(false)
            };
            let filled = page::fill(
                query,
                start,
                want as usize,
                page::one_more(want),
                "reading the audit trail",
            )
            .await?;
            for item in filled.items {
                found.push(record(item)?);
            }
            if let Some(k) = filled.resume_after {
                return Ok((found, page::cursor_from(&k, &["pk", "sk", "day"])));
            }
            let Some(before) = day.yesterday().ok().filter(|d| *d >= from) else {
                break;
            };
            day = before;
            if found.len() >= limit as usize {
                // Full at a day's end: the next page starts on the day before.
                let d = day_text(day);
                return Ok((found, Some(Cursor::new([("day", d.as_str())]))));
            }
        }
        Ok((found, None))
    }
}
