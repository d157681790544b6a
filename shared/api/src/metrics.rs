//! Business metrics (bookings, cancellations, no-shows, submissions, completions, 差评
//! opened and rectified; the daily gauges of what is late and unanswered) as CloudWatch Embedded Metric Format lines on stdout: Lambda's
//! log pipeline turns each into a metric in the `Fingertip` namespace, with no API call and
//! no client at cold start. The alarms in template.yaml watch some of them.

use serde_json::json;

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

/// The EMF line for `n` of `metric` at `at`.
pub fn line(metric: Metric, n: u64, at: jiff::Timestamp) -> String {
    let name = metric.name();
    let mut doc = json!({
        "_aws": {
            "Timestamp": at.as_millisecond(),
            "CloudWatchMetrics": [{
                "Namespace": NAMESPACE,
                "Dimensions": [[]],
                "Metrics": [{ "Name": name, "Unit": "Count" }],
            }],
        },
    });
    if let Some(fields) = doc.as_object_mut() {
        fields.insert(name.to_owned(), json!(n));
    }
    doc.to_string()
}

/// Counts `n` of `metric` now. Nothing is written for zero.
pub fn count(metric: Metric, n: u64) {
    if n > 0 {
        println!("{}", line(metric, n, jiff::Timestamp::now()));
    }
}

/// Publishes a level (zero too): for figures an alarm reads as "how many now".
pub fn gauge(metric: Metric, n: u64) {
    println!("{}", line(metric, n, jiff::Timestamp::now()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_metric_line_is_embedded_metric_format_naming_its_value() {
        let at: jiff::Timestamp = "2026-12-01T02:00:00Z".parse().unwrap();
        let v: serde_json::Value = serde_json::from_str(&line(Metric::NoShows, 3, at)).unwrap();
        assert_eq!(v["NoShows"], 3);
        assert_eq!(v["_aws"]["Timestamp"], 1_796_090_400_000i64);
        assert_eq!(v["_aws"]["CloudWatchMetrics"][0]["Namespace"], "Fingertip");
        assert_eq!(v["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Name"], "NoShows");
    }
}
