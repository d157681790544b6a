//! `GET /v1/staff/applications?status=&overdue=`: the cases of the caller's department.

use crate::App;
use crate::change::today;
use api::ApiError;
use api::http::{self, Flag, Page, Response};
use lambda_http::Request;
use model::application::Status;
use model::application::view;
use serde::Serialize;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct QueueEntry<'a> {
    application_no: &'a str,
    item_code: &'a str,
    item_name: &'a str,
    status: &'static str,
    status_text: &'static str,
    submitted_at: &'a str,
    deadline: Option<&'a str>,
    near_due: bool,
    overdue: bool,
    flag: Option<&'a str>,
}

pub async fn queue(app: &App, req: &Request) -> Result<Response, ApiError> {
    let actor = app.gate.staff(&app.verifier, req).await?;
    let dept = actor.approver_dept().ok_or_else(ApiError::forbidden)?;
    let status: Option<Status> = http::query(req, "status")?;
    let overdue: Option<Flag> = http::query(req, "overdue")?;
    let overdue_only = overdue.as_ref().is_some_and(|f| f.0);
    let scope = [
        dept.as_str(),
        status.map_or("", Status::as_str),
        if overdue_only { "overdue" } else { "" },
    ];
    let page = Page::from_request(req, &app.cursors, &scope).await?;
    let today = today(app);
    let due_before = overdue_only.then(|| today.strftime("%Y-%m-%d").to_string());
    let found = app
        .applications
        .queue(dept, status, due_before.as_deref(), page.cursor.as_ref(), page.limit)
        .await?;
    let items: Vec<QueueEntry> = found
        .items
        .iter()
        .map(|c| {
            let (near, over) = c
                .deadline
                .as_deref()
                .map_or((false, false), |d| view::due_flags(d, today, app.calendar));
            QueueEntry {
                application_no: c.application_no.as_str(),
                item_code: c.item_code.as_str(),
                item_name: &c.item_name,
                status: c.status.as_str(),
                status_text: c.status.text(),
                submitted_at: &c.submitted_at,
                deadline: c.deadline.as_deref(),
                near_due: near,
                overdue: over,
                flag: c.flag.as_deref(),
            }
        })
        .collect();
    http::ok(&page.list(items, found.next).await?)
}
