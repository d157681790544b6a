//! `GET /v1/stats/evaluations?dept=&item=&hall=&from=&to=&groupBy=`: the public figures.
//! 满意率 is the share rated 3 or above, 差评率 the share rated 1 or 2, 整改率 the share of
//! 差评 rectified, 回访率 the share of 差评 called back within the limit (1 working day).
//! Read from counters kept at every write: never a scan, never a person.

use crate::App;
use api::ApiError;
use api::http::{self, Response};
use lambda_http::Request;
use model::time::local;
use model::{DeptCode, HallId, Invalid, ItemCode, LocalDate};
use serde_json::{Map, Value, json};
use std::str::FromStr;
use store::evaluations::Figures;

/// At most three years of months in one answer.
const MAX_MONTHS: usize = 36;

struct GroupBy(&'static str);

impl FromStr for GroupBy {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        ["dept", "item", "hall", "window", "staff"]
            .into_iter()
            .find(|d| *d == raw)
            .map(GroupBy)
            .ok_or(Invalid::new("groupBy应为dept、item、hall、window或staff"))
    }
}

fn rate(part: i64, whole: i64) -> Value {
    if whole > 0 {
        json!(((part as f64 / whole as f64) * 10_000.0).round() / 10_000.0)
    } else {
        Value::Null
    }
}

/// The figures as the answer shows them, as an object more fields can join.
fn figures(f: &Figures) -> Map<String, Value> {
    let [r1, r2, r3, r4, r5] = f.by_rating;
    // 满意率: rated 3 or above.
    let satisfied = r3.saturating_add(r4).saturating_add(r5);
    let mut out = Map::new();
    out.insert("count".into(), json!(f.count));
    out.insert("satisfactionRate".into(), rate(satisfied, f.count));
    out.insert("badRate".into(), rate(f.bad, f.count));
    out.insert("rectifiedRate".into(), rate(f.rectified, f.bad));
    out.insert("callbackRate".into(), rate(f.called_back_on_time, f.bad));
    out.insert("calledBack".into(), json!(f.called_back));
    // Ratings the rules gave matters left unrated: reported apart, in no rate above.
    out.insert("defaulted".into(), json!(f.defaulted));
    out.insert(
        "byRating".into(),
        json!({ "1": r1, "2": r2, "3": r3, "4": r4, "5": r5 }),
    );
    out
}

/// The months from `from` to `to`, as `YYYY-MM`.
fn months(from: jiff::civil::Date, to: jiff::civil::Date) -> Result<Vec<String>, ApiError> {
    if from > to {
        return Err(ApiError::field("from", "不能晚于to"));
    }
    let mut out = Vec::new();
    let mut m = from.first_of_month();
    while m <= to {
        out.push(m.strftime("%Y-%m").to_string());
        if out.len() > MAX_MONTHS {
            return Err(ApiError::field("from", "统计区间不超过36个月"));
        }
        // The month after `to`'s is past the range whether or not it can be represented.
        let Ok(next) = m.checked_add(jiff::Span::new().months(1)) else {
            break;
        };
        m = next;
    }
    Ok(out)
}

pub async fn get(app: &App, req: &Request) -> Result<Response, ApiError> {
    let dept: Option<DeptCode> = http::query(req, "dept")?;
    let item: Option<ItemCode> = http::query(req, "item")?;
    let hall: Option<HallId> = http::query(req, "hall")?;
    let group: Option<GroupBy> = http::query(req, "groupBy")?;
    let today = local(app.clock.now()).date();
    let to: LocalDate = http::query(req, "to")?.unwrap_or(LocalDate::new(today));
    let default_from = to
        .date()
        .first_of_month()
        .checked_sub(jiff::Span::new().months(11))
        .unwrap_or(to.date());
    let from: LocalDate = http::query(req, "from")?.unwrap_or(LocalDate::new(default_from));
    let months = months(from.date(), to.date())?;
    let (dim, value) = match (&item, &dept, &hall) {
        (Some(i), _, _) => ("item", i.to_string()),
        (None, Some(d), _) => ("dept", d.to_string()),
        (None, None, Some(h)) => ("hall", h.to_string()),
        _ => ("all", "ALL".to_owned()),
    };
    let (total, by_month) = app.evaluations.figures(dim, &value, &months).await?;
    let mut body = figures(&total);
    body.insert("from".into(), json!(months.first()));
    body.insert("to".into(), json!(months.last()));
    body.insert(
        "byMonth".into(),
        by_month
            .iter()
            .map(|(m, f)| {
                let mut v = figures(f);
                v.insert("month".into(), json!(m));
                Value::Object(v)
            })
            .collect(),
    );
    if let Some(GroupBy(kind)) = group {
        let groups = app.evaluations.grouped(kind, &months).await?;
        body.insert(
            "groups".into(),
            groups
                .iter()
                .map(|(k, g)| {
                    let mut v = figures(&g.figures);
                    if kind == "staff" {
                        // The public sees where a member served, never who they are.
                        v.insert("deptCode".into(), json!(g.dept));
                        v.insert("hallId".into(), json!(g.hall));
                        v.insert("windowCode".into(), json!(g.window));
                    } else {
                        v.insert("value".into(), json!(k));
                    }
                    Value::Object(v)
                })
                .collect(),
        );
    }
    let mut response = http::ok(&body)?;
    response
        .headers_mut()
        .insert("cache-control", http::HeaderValue::from_static("public, max-age=60"));
    Ok(response)
}
