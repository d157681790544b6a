//! Business metrics (bookings, cancellations, no-shows, submissions, completions, 差评
//! opened and rectified; the daily gauges of what is late and unanswered) as CloudWatch Embedded Metric Format lines on stdout: Lambda's
//! log pipeline turns each into a metric in the `Fingertip` namespace, with no API call and
//! no client at cold start. The alarms in template.yaml watch some of them.
//!
//! Every figure has two dimensions, `Service` (the stack, `METRICS_SERVICE`) and `Stage`
//! (`STAGE`: dev, staging, prod), both set for every function by the template: two stacks in
//! one account keep their figures apart, and alarms and the dashboard read their own.

use serde_json::json;
use std::sync::OnceLock;

pub const NAMESPACE: &str = "Fingertip";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    Bookings,
    Cancellations,
    NoShows,
    Submissions,
    Completions,
    BadReviewsOpened,
    BadReviewsRectified,
    /// A daily gauge: 差评 past a deadline.
    OverdueBadReviews,
    /// A daily gauge: alerts (预警) nobody has acknowledged (open or escalated).
    AlertsUnacknowledged,
    /// A daily gauge: 督办 orders waiting for their department past their due date.
    OrdersOverdue,
}

impl Metric {
    pub fn name(self) -> &'static str {
        match self {
            Metric::Bookings => "Bookings",
            Metric::Cancellations => "Cancellations",
            Metric::NoShows => "NoShows",
            Metric::Submissions => "Submissions",
            Metric::Completions => "Completions",
            Metric::BadReviewsOpened => "BadReviewsOpened",
            Metric::BadReviewsRectified => "BadReviewsRectified",
            Metric::OverdueBadReviews => "OverdueBadReviews",
            Metric::AlertsUnacknowledged => "AlertsUnacknowledged",
            Metric::OrdersOverdue => "OrdersOverdue",
        }
    }
}

/// Which stack and stage a figure belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dimensions {
    pub service: String,
    pub stage: String,
}

impl Dimensions {
    /// `METRICS_SERVICE` and `STAGE` from the process environment, read once; a process
    /// outside a deployment (the local stack, tests) counts as `fingertip`, `local`.
    pub fn of_process() -> &'static Dimensions {
        static DIMENSIONS: OnceLock<Dimensions> = OnceLock::new();
        DIMENSIONS.get_or_init(|| {
            let var = |name: &str, default: &str| {
                std::env::var(name)
                    .ok()
                    .filter(|v| !v.trim().is_empty())
                    .unwrap_or_else(|| default.to_owned())
            };
            Dimensions {
                service: var("METRICS_SERVICE", "fingertip"),
                stage: var("STAGE", "local"),
            }
        })
    }
}

/// The EMF line for `n` of `metric` at `at`, in `dims`.
pub fn line(metric: Metric, n: u64, at: jiff::Timestamp, dims: &Dimensions) -> String {
    let name = metric.name();
    json!({
        "_aws": {
            "Timestamp": at.as_millisecond(),
            "CloudWatchMetrics": [{
                "Namespace": NAMESPACE,
                "Dimensions": [["Service", "Stage"]],
                "Metrics": [{ "Name": name, "Unit": "Count" }],
            }],
        },
        "Service": dims.service,
        "Stage": dims.stage,
        name: n,
    })
    .to_string()
}

/// Counts `n` of `metric` now. Nothing is written for zero.
pub fn count(metric: Metric, n: u64) {
    if n > 0 {
        println!("{}", line(metric, n, jiff::Timestamp::now(), Dimensions::of_process()));
    }
}

/// Publishes a level (zero too): for figures an alarm reads as "how many now".
pub fn gauge(metric: Metric, n: u64) {
    println!("{}", line(metric, n, jiff::Timestamp::now(), Dimensions::of_process()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_metric_line_is_embedded_metric_format_naming_its_value_its_stack_and_its_stage() {
        let at: jiff::Timestamp = "2026-12-01T02:00:00Z".parse().unwrap();
        let dims = Dimensions {
            service: "fingertip-prod".into(),
            stage: "prod".into(),
        };
        let v: serde_json::Value = serde_json::from_str(&line(Metric::NoShows, 3, at, &dims)).unwrap();
        assert_eq!(v["NoShows"], 3);
        assert_eq!(
            v["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
            json!([["Service", "Stage"]])
        );
        assert_eq!(
            (v["Service"].as_str(), v["Stage"].as_str()),
            (Some("fingertip-prod"), Some("prod"))
        );
        assert_eq!(v["_aws"]["Timestamp"], 1_796_090_400_000i64);
        assert_eq!(v["_aws"]["CloudWatchMetrics"][0]["Namespace"], "Fingertip");
        assert_eq!(v["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Name"], "NoShows");
    }
}
