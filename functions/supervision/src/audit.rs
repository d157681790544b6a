//! `GET /v1/supervision/audit?actor=&subject=&from=&to=`: the audit trail (留痕) for the
//! supervisors, newest first, over Shanghai days.
//!
//! The span defaults to the last 7 days up to today. One member's or one subject's records
//! may span a year (366 days: each is one partition's range); everyone's at most 31 days,
//! as they are read one day's partition after another.

use crate::App;
use api::ApiError;
use api::http::{self, Page, Response};
use lambda_http::Request;
use model::{FieldErrors, Invalid, LocalDate, StaffId};
use store::audit::Filter;

/// Days one member's or one subject's records may span, and everyone's.
const SPAN_ONE: i32 = 366;
const SPAN_ALL: i32 = 31;

/// What a record is about, as the trail names it: `<kind>:<id>`.
struct AuditSubject(String);

/// The kinds of subject the trail records.
const KINDS: &[&str] = &[
    "alert",
    "application",
    "booking",
    "evaluation",
    "feedback",
    "order",
    "staff",
    "ticket",
    "window",
];

impl std::str::FromStr for AuditSubject {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        let ok = raw.split_once(':').is_some_and(|(kind, id)| {
            KINDS.contains(&kind)
                && (1..=64).contains(&id.len())
                && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        });
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(Invalid::new("应为<类别>:<编号>，如application:SQ20261202ABCDEFGH"))
        }
    }
}

pub async fn read(app: &App, req: &Request) -> Result<Response, ApiError> {
    let actor = app.gate.supervisor(&app.verifier, req).await?;
    let mut errors = FieldErrors::default();
    let who = errors.check(
        "actor",
        http::query::<StaffId>(req, "actor").map_err(|_| "工作人员编号格式不正确"),
    );
    let what = errors.check(
        "subject",
        http::query::<AuditSubject>(req, "subject").map_err(|_| "应为<类别>:<编号>"),
    );
    let from = errors.check(
        "from",
        http::query::<LocalDate>(req, "from").map_err(|_| "应为YYYY-MM-DD"),
    );
    let to = errors.check("to", http::query::<LocalDate>(req, "to").map_err(|_| "应为YYYY-MM-DD"));
    errors.finish()?;
    let (who, what) = (who.flatten(), what.flatten());
    let to = to.flatten().map_or(app.today(), LocalDate::date);
    let from = match from.flatten() {
        Some(d) => d.date(),
        None => to.checked_sub(jiff::Span::new().days(6)).unwrap_or(to),
    };
    let span = if who.is_some() || what.is_some() {
        SPAN_ONE
    } else {
        SPAN_ALL
    };
    let days = from.until(to).map(|s| s.get_days()).unwrap_or(i32::MAX);
    if days < 0 {
        return Err(ApiError::field("from", "不能晚于to"));
    }
    if days >= span {
        return Err(ApiError::field("from", format!("查询跨度不超过{span}天")));
    }
    let filter = Filter {
        actor: who.as_ref().map(StaffId::as_str),
        subject: what.as_ref().map(|s| s.0.as_str()),
    };
    let (from_text, to_text) = (from.to_string(), to.to_string());
    let scope = [
        actor.id.as_str(),
        filter.actor.unwrap_or(""),
        filter.subject.unwrap_or(""),
        from_text.as_str(),
        to_text.as_str(),
    ];
    let page = Page::from_request(req, &app.cursors, &scope).await?;
    let (records, next) = app
        .trail
        .read(filter, (from, to), page.cursor.as_ref(), page.limit)
        .await?;
    http::ok(&page.list(records, next).await?)
}
