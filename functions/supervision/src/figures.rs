//! `GET /v1/supervision/overview` and `GET /v1/supervision/trends`: the supervisors' figures,
//! read from the figures' items (one query per month of the span) and the evaluations'
//! monthly counters, never from the applications, cases and reviews they count; so their
//! round trips are the same for twenty cases as for twenty thousand.
//!
//! Flows are summed over the span's days; stocks are those the daily sweep recorded on the
//! latest day of the span it ran (`asOf`). The 好差评 figures count by month: the months the
//! span touches.

use crate::App;
use api::ApiError;
use api::http::{self, Response};
use model::application::{ReturnReason, UNSPECIFIED, reason_codes};
use model::figures::{self, BY_REASON, FLOWS, STOCKS};
use model::{DeptCode, FieldErrors, Invalid, LocalDate};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use store::evaluations::Figures;
use store::figures::Day;

/// Days a span may cover.
const MAX_DAYS: i32 = 366;

/// A span and a unit as the query names them; the span defaults to this month so far.
struct Span {
    from: jiff::civil::Date,
    to: jiff::civil::Date,
    dept: Option<DeptCode>,
}

fn span(app: &App, req: &lambda_http::Request, errors: &mut FieldErrors) -> Span {
    let bad = |_: ApiError| "应为YYYY-MM-DD";
    let from = errors.check("from", http::query::<LocalDate>(req, "from").map_err(bad));
    let to = errors.check("to", http::query::<LocalDate>(req, "to").map_err(bad));
    let dept = errors.check(
        "dept",
        http::query::<DeptCode>(req, "dept").map_err(|_| "部门代码格式不正确"),
    );
    let to = to.flatten().map_or(app.today(), LocalDate::date);
    let from = from.flatten().map_or(to.first_of_month(), LocalDate::date);
    match from.until(to).map(|s| s.get_days()) {
        Ok(days) if days < 0 => errors.add("from", "不能晚于to"),
        Ok(days) if days >= MAX_DAYS => errors.add("from", format!("查询跨度不超过{MAX_DAYS}天")),
        Err(_) => errors.add("from", "日期无效"),
        Ok(_) => {}
    }
    Span {
        from,
        to,
        dept: dept.flatten(),
    }
}

async fn supervisor(app: &App, req: &lambda_http::Request) -> Result<(), ApiError> {
    app.gate.supervisor(&app.verifier, req).await.map(drop)
}

fn rate(part: i64, whole: i64) -> Value {
    if whole > 0 {
        json!(((part as f64 / whole as f64) * 10_000.0).round() / 10_000.0)
    } else {
        Value::Null
    }
}

/// One unit's (or the district's) figures over the span.
#[derive(Default)]
struct Row {
    values: BTreeMap<String, i64>,
    evaluations: Figures,
}

impl Row {
    fn add(&mut self, values: &BTreeMap<String, i64>, keep: impl Fn(&str) -> bool) {
        for (k, v) in values.iter().filter(|(k, _)| keep(k)) {
            let slot = self.values.entry(k.clone()).or_insert(0);
            *slot = slot.saturating_add(*v);
        }
    }

    fn join(&mut self, other: &Row) {
        self.add(&other.values, |_| true);
        self.evaluations.add(&other.evaluations);
    }

    fn json(&self, unit: Option<&str>) -> Value {
        let mut out = Map::new();
        if let Some(u) = unit {
            out.insert("unit".into(), json!(u));
        }
        for m in FLOWS.iter().chain(STOCKS) {
            out.insert((*m).into(), json!(self.values.get(*m).copied().unwrap_or(0)));
        }
        let n = |m: &str| self.values.get(m).copied().unwrap_or(0);
        // 退件 by reason: every category, zeros included, so charts keep their bars.
        let by_reason: Map<String, Value> = BY_REASON
            .iter()
            .map(|flow| {
                let counts: Map<String, Value> = reason_codes()
                    .map(|r| (r.to_owned(), json!(n(&format!("{flow}:{r}")))))
                    .collect();
                ((*flow).to_owned(), Value::Object(counts))
            })
            .collect();
        out.insert("returnsByReason".into(), Value::Object(by_reason));
        out.insert(
            "onTimeRate".into(),
            rate(n(figures::COMPLETED_ON_TIME), n(figures::COMPLETED)),
        );
        let e = &self.evaluations;
        let [_, _, r3, r4, r5] = e.by_rating;
        let open = e.bad.saturating_sub(e.rectified).saturating_sub(e.invalid).max(0);
        out.insert(
            "evaluations".into(),
            json!({
                "count": e.count, "satisfactionRate": rate(r3.saturating_add(r4).saturating_add(r5), e.count),
                "bad": e.bad, "badOpen": open, "rectified": e.rectified, "invalid": e.invalid,
            }),
        );
        Value::Object(out)
    }
}

/// The latest day of `days` the sweep recorded, if any.
fn as_of(days: &[Day]) -> Option<jiff::civil::Date> {
    days.iter().filter(|d| d.swept).map(|d| d.day).max()
}

fn months(span: &Span) -> Vec<String> {
    let mut out = Vec::new();
    let mut m = span.from.first_of_month();
    while m <= span.to {
        out.push(m.strftime("%Y-%m").to_string());
        match m.last_of_month().tomorrow() {
            Ok(next) => m = next,
            Err(_) => break,
        }
    }
    out
}

/// `GET /v1/supervision/overview?from=&to=&dept=`.
pub async fn overview(app: &App, req: &lambda_http::Request) -> Result<Response, ApiError> {
    supervisor(app, req).await?;
    let mut errors = FieldErrors::default();
    let span = span(app, req, &mut errors);
    errors.finish()?;
    let months = months(&span);
    let (days, graded) = tokio::try_join!(
        async { Ok::<_, ApiError>(app.figures.days(span.from, span.to).await?) },
        async { Ok::<_, ApiError>(app.evaluations.grouped("dept", &months).await?) },
    )?;
    let asof = as_of(&days);
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    for d in &days {
        let row = rows.entry(d.unit.clone()).or_default();
        row.add(&d.values, figures::is_flow);
        if Some(d.day) == asof {
            row.add(&d.values, |k| STOCKS.contains(&k));
        }
    }
    for (dept, group) in &graded {
        rows.entry(dept.clone()).or_default().evaluations.add(&group.figures);
    }
    if let Some(dept) = &span.dept {
        rows.retain(|unit, _| unit == dept.as_str());
    }
    let mut district = Row::default();
    for row in rows.values() {
        district.join(row);
    }
    let reasons: Vec<Value> = ReturnReason::ALL
        .iter()
        .map(|r| json!({ "code": r.code(), "label": r.label() }))
        .chain([json!({ "code": UNSPECIFIED, "label": "未注明" })])
        .collect();
    http::ok(&json!({
        "from": span.from.to_string(), "to": span.to.to_string(),
        "asOf": asof.map(|d| d.to_string()), "reasons": reasons,
        "district": district.json(None),
        "units": rows.iter().map(|(u, r)| r.json(Some(u))).collect::<Vec<_>>(),
    }))
}

/// A figure the trends chart.
struct Metric(&'static str);

impl std::str::FromStr for Metric {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        FLOWS
            .iter()
            .chain(STOCKS)
            .chain(figures::REASON_FLOWS.iter())
            .find(|m| **m == raw)
            .map(|m| Metric(m))
            .ok_or(Invalid::new(
                "应为overview中的一项指标，如received、completedOnTime、overdue、rejected:duplicate",
            ))
    }
}

/// `GET /v1/supervision/trends?metric=&dept=&from=&to=`: one figure per day (a stock on a
/// day the sweep did not run is `null`).
pub async fn trends(app: &App, req: &lambda_http::Request) -> Result<Response, ApiError> {
    supervisor(app, req).await?;
    let mut errors = FieldErrors::default();
    let metric = errors.check("metric", http::query::<Metric>(req, "metric").map_err(|_| "指标不存在"));
    let span = span(app, req, &mut errors);
    let metric = metric.flatten();
    if metric.is_none() {
        // A metric that did not parse has its reason already; the first reason stands.
        errors.add("metric", "请指定指标");
    }
    errors.finish()?;
    let Some(Metric(metric)) = metric else {
        return Err(ApiError::field("metric", "请指定指标"));
    };
    let stock = STOCKS.contains(&metric);
    let days = app.figures.days(span.from, span.to).await?;
    let mut by_day: BTreeMap<jiff::civil::Date, (i64, bool)> = BTreeMap::new();
    for d in days
        .iter()
        .filter(|d| span.dept.as_ref().is_none_or(|u| u.as_str() == d.unit))
    {
        let slot = by_day.entry(d.day).or_insert((0, false));
        slot.0 = slot.0.saturating_add(d.values.get(metric).copied().unwrap_or(0));
        slot.1 |= d.swept;
    }
    let mut points = Vec::new();
    let mut day = span.from;
    while day <= span.to {
        let (value, swept) = by_day.get(&day).copied().unwrap_or((0, false));
        let value = if stock && !swept { Value::Null } else { json!(value) };
        points.push(json!({ "date": day.to_string(), "value": value }));
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    http::ok(&json!({
        "metric": metric, "dept": span.dept.map(|d| d.to_string()),
        "from": span.from.to_string(), "to": span.to.to_string(), "points": points,
    }))
}
