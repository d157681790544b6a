//! `POST /v1/staff/applications/{no}/delivery` `{method, trackingNo?}`: the result of a
//! completed application handed over (出件): at the window, or mailed with a tracking
//! number. Recorded once, by an approver of a department it involves or by window staff of
//! the window that took it in (统一出件); the applicant is told.
//!
//! Round trips: the application's partition (one `Query`), one transaction (the
//! application at the version read, the timeline entry, the notice, the audit record);
//! plus the staff gate's directory read when stale.

use crate::App;
use crate::change::{commit_audited, load, today};
use api::http::{self, Response};
use api::{ApiError, Code};
use lambda_http::Request;
use model::application::view::{self, Viewer};
use model::application::{ApplicationNo, Delivered, DeliveryMethod, Plan, Status, Step};
use model::notification::Kind;
use model::staff::StaffRole;
use model::time::rfc3339;
use model::{FieldErrors, FreeText, Invalid};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DeliveryBody {
    method: String,
    #[serde(default)]
    tracking_no: Option<String>,
}

/// A carrier's tracking number: 6 to 40 letters, digits and dashes.
fn tracking_no(raw: &str) -> Result<String, Invalid> {
    let ok = (6..=40).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if ok {
        Ok(raw.to_owned())
    } else {
        Err(Invalid::new("运单号应为6-40位字母、数字或连字符"))
    }
}

pub async fn record(app: &App, req: &Request) -> Result<Response, ApiError> {
    let actor = app.gate.staff(&app.verifier, req).await?;
    let no: ApplicationNo = http::path(req, "no")?;
    if !(actor.has(StaffRole::Approver) || actor.has(StaffRole::Window)) {
        return Err(ApiError::forbidden());
    }
    let body: DeliveryBody = http::json_body(req)?;
    let mut errors = FieldErrors::default();
    let method = errors.check("method", body.method.parse::<DeliveryMethod>());
    let tracking = match (method, body.tracking_no.as_deref()) {
        (Some(DeliveryMethod::Mail), Some(raw)) => errors.check("trackingNo", tracking_no(raw)).map(Some),
        (Some(DeliveryMethod::Mail), None) => {
            errors.add("trackingNo", "邮寄须填写运单号");
            None
        }
        (Some(DeliveryMethod::Window), Some(_)) => {
            errors.add("trackingNo", "窗口领取无需运单号");
            None
        }
        _ => Some(None),
    };
    let (method, tracking) = errors.done(method.zip(tracking))?;

    let v = load(app, &no).await?;
    let a = &v.application;
    let approver = actor.approver_dept().filter(|d| a.dept_codes.contains(d));
    let at_window = a
        .intake
        .as_ref()
        .filter(|i| actor.has(StaffRole::Window) && actor.windows.contains(&i.window_id));
    let actor_text = match (approver, at_window) {
        (Some(dept), _) => format!("staff:{}@{dept}", actor.id),
        (None, Some(_)) => format!("window:{}", actor.id),
        (None, None) => return Err(ApiError::not_found()),
    };
    if a.status != Status::Completed || a.delivered.is_some() {
        return Err(ApiError::code(Code::InvalidTransition)
            .with_details(serde_json::json!({ "status": a.status.as_str(), "delivered": a.delivered.is_some() })));
    }
    let now = app.clock.now();
    let note = match &tracking {
        Some(t) => format!("结果已邮寄，运单号{t}"),
        None => "结果已在窗口领取".to_owned(),
    };
    let mut plan = Plan::new(v);
    plan.application().delivered = Some(Delivered {
        method,
        tracking_no: tracking,
        at: rfc3339(now),
        by: actor.id.to_string(),
    });
    let record = actor.record("application.deliver", format!("application:{no}"), now);
    let step = Step {
        action: "deliver",
        actor: actor_text,
        item: None,
        note: FreeText::parse(&note, 200).ok(),
    };
    let v = commit_audited(app, plan, step, Some(Kind::ResultDelivered), Some(record)).await?;
    tracing::info!(application = %no, method = ?method, "result delivered");
    http::ok(&view::present(&v, today(app), app.calendar, Viewer::Staff))
}
