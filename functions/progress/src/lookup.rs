//! `GET /v1/progress?applicationNo=&phoneLast4=`: the public lookup, for whoever holds the
//! receipt. It shows no personal data; a wrong pair and an unknown number get the same 404
//! after the same work (one read either way, a constant-time comparison); and it is
//! rate-limited per client and per number by TTL'd counters, so numbers cannot be probed.

use crate::App;
use api::ApiError;
use api::http::{self, Response};
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};
use model::Invalid;
use model::application::ApplicationNo;
use serde_json::json;
use std::str::FromStr;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub per_client_per_minute: u32,
    pub per_number_per_hour: u32,
}

/// Four digits.
struct Last4(String);

impl FromStr for Last4 {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        if raw.len() == 4 && raw.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Last4(raw.to_owned()))
        } else {
            Err(Invalid::new("应为手机号后4位数字"))
        }
    }
}

fn client_of(req: &Request) -> String {
    match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx.http.source_ip.clone().unwrap_or_default(),
        _ => String::new(),
    }
}

fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && aws_lc_rs::constant_time::verify_slices_are_equal(a, b).is_ok()
}

/// Seconds until the next window of `window` seconds starts.
fn until_next(now: jiff::Timestamp, window: i64) -> u64 {
    u64::try_from(window.saturating_sub(now.as_second().rem_euclid(window))).unwrap_or(1)
}

pub async fn public(app: &App, req: &Request) -> Result<Response, ApiError> {
    let (no, last4) = model::parse_fields!(
        applicationNo => http::query::<ApplicationNo>(req, "applicationNo").and_then(|v| v.ok_or_else(|| ApiError::field("applicationNo", "必填"))).map_err(|_| "应为不超过20位的数字和大写字母"),
        phoneLast4 => http::query::<Last4>(req, "phoneLast4").and_then(|v| v.ok_or_else(|| ApiError::field("phoneLast4", "必填"))).map_err(|_| "应为手机号后4位数字"),
    )?;
    let now = app.clock.now();
    let client = client_of(req);
    if !app
        .applications
        .take("client", &client, 60, app.limits.per_client_per_minute, now)
        .await?
    {
        return Err(ApiError::rate_limited(until_next(now, 60)));
    }
    if !app
        .applications
        .take("number", no.as_str(), 3600, app.limits.per_number_per_hour, now)
        .await?
    {
        return Err(ApiError::rate_limited(until_next(now, 3600)));
    }
    let found = app.applications.application(&no).await?;
    let stored = found.as_ref().map_or("----", |a| a.phone_last4.as_str());
    let matches = same(stored.as_bytes(), last4.0.as_bytes()) && found.is_some();
    match found.filter(|_| matches) {
        Some(a) => http::ok(&json!({
            "applicationNo": a.application_no,
            "subjectName": a.subject_name,
            "status": a.status.as_str(),
            "statusText": a.status.text(),
            "submittedAt": a.submitted_at,
            "updatedAt": a.updated_at,
        })),
        None => Err(ApiError::with_message(
            api::Code::NotFound,
            "未找到匹配的申报，请核对申报编号和手机号后4位",
        )),
    }
}
