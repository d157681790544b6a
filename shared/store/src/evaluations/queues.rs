//! The work queues of reviews: a department's (`ByDept`), and the district's rulings of
//! invalid awaiting a supervisor's review (`ByReview`, sparse). Both page the same way: a
//! sealed cursor over the index's key, oldest first.

use super::{EvaluationStore, REVIEW_QUEUE, Review, strip};
use crate::{StoreError, from_item, s};
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use model::DeptCode;
use model::evaluation::ReviewStatus;

/// The key an index page resumes after.
const KEY: &[&str] = &["pk", "sk", "queueKey"];

type Paged = (Vec<Review>, Option<crate::Cursor>);

impl EvaluationStore {
    /// The department rulings awaiting a supervisor's review, oldest first, a page at a time.
    pub async fn pending_review(&self, after: Option<&crate::Cursor>, limit: u32) -> Result<Paged, StoreError> {
        let start = crate::page::start_key(after, KEY, &[("reviewQueue", REVIEW_QUEUE)])?;
        let query = || {
            self.client
                .query()
                .table_name(&self.table)
                .index_name("ByReview")
                .key_condition_expression("reviewQueue = :q")
                .expression_attribute_values(":q", s(REVIEW_QUEUE))
        };
        page(query, start, limit, "listing rulings awaiting review").await
    }

    /// A department's reviews, optionally of one status, oldest first, a page at a time.
    pub async fn for_dept(
        &self,
        dept: &DeptCode,
        status: Option<ReviewStatus>,
        after: Option<&crate::Cursor>,
        limit: u32,
    ) -> Result<Paged, StoreError> {
        let start = crate::page::start_key(after, KEY, &[("dept", dept.as_str())])?;
        let query = || {
            let q = self
                .client
                .query()
                .table_name(&self.table)
                .index_name("ByDept")
                .expression_attribute_values(":d", s(dept.as_str()));
            match status {
                Some(st) => q
                    .key_condition_expression("dept = :d AND begins_with(queueKey, :st)")
                    .expression_attribute_values(":st", s(format!("{}#", st.as_str()))),
                None => q.key_condition_expression("dept = :d"),
            }
        };
        page(query, start, limit, "listing a department's reviews").await
    }
}

/// One page of reviews from an index query, and the cursor after it.
async fn page(
    query: impl Fn() -> QueryFluentBuilder,
    start: Option<crate::Item>,
    limit: u32,
    what: &'static str,
) -> Result<Paged, StoreError> {
    let page = crate::page::fill(query, start, limit as usize, crate::page::one_more(limit), what).await?;
    let next = page
        .resume_after
        .as_ref()
        .and_then(|k| crate::page::cursor_from(k, KEY));
    let items = page
        .items
        .into_iter()
        .map(|i| from_item(strip(i), "reading a review"))
        .collect::<Result<_, _>>()?;
    Ok((items, next))
}
