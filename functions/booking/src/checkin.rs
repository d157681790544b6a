//! `POST /v1/staff/bookings/{id}/check-in`: staff of the booking's hall give the visitor a
//! queue number. Booked visitors are called ahead of walk-ins: the response marks them so.
//!
//! Round trips: 3 (`GetItem`, the queue counter's `UpdateItem`, the transaction of the
//! booking's conditional update and the audit record), and the staff gate's directory read
//! when its memory of the caller is older than its recheck age. A counter's new value cannot
//! come out of a transaction, so the number is taken first; a lost race burns a number,
//! never duplicates one.

use crate::App;
use api::ApiError;
use api::Code;
use api::http::{self, Response};
use lambda_http::Request;
use model::booking::{BookingId, BookingStatus};
use model::staff::StaffRole;
use model::time::local;
use serde::Serialize;
use store::bookings::Booking;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CheckedIn<'a> {
    id: &'a str,
    status: &'static str,
    queue_number: &'a str,
    /// Booked visitors are served ahead of walk-ins.
    priority: bool,
    window_code: &'a str,
    checked_in_at: &'a str,
}

pub async fn check_in(app: &App, req: &Request) -> Result<Response, ApiError> {
    let actor = app.gate.staff(&app.verifier, req).await?;
    let id: BookingId = http::path(req, "id")?;
    // Only window staff and hall managers check visitors in.
    if !(actor.has(StaffRole::Window) || actor.has(StaffRole::HallManager)) {
        return Err(ApiError::forbidden());
    }
    let b = app.bookings.get(&id).await?.ok_or_else(ApiError::not_found)?;
    // Another hall's booking looks like no booking: staff learn nothing outside their halls.
    if !actor.works_at(&b.hall_id) {
        return Err(ApiError::not_found());
    }
    let now = app.clock.now();
    let reply = |b: &Booking| {
        http::ok(&CheckedIn {
            id: b.id.as_str(),
            status: BookingStatus::CheckedIn.as_str(),
            queue_number: b.queue_number.as_deref().unwrap_or(""),
            priority: true,
            window_code: &b.window_code,
            checked_in_at: b.checked_in_at.as_deref().unwrap_or(""),
        })
    };
    match b.status {
        BookingStatus::CheckedIn => return reply(&b),
        BookingStatus::Booked => {}
        _ => return Err(ApiError::code(Code::InvalidTransition)),
    }
    if local(now).date().strftime("%Y-%m-%d").to_string() != b.date {
        return Err(ApiError::with_message(Code::InvalidTransition, "只能在预约当天签到"));
    }
    let number = app.bookings.next_queue_number(&b, &b.queue_prefix).await?;
    let audit = app
        .trail
        .item(&actor.record("booking.check_in", format!("booking:{id}"), now))?;
    if app
        .bookings
        .check_in(&b, &number, actor.id.as_str(), audit, now)
        .await?
    {
        tracing::info!(booking = %id, queue = %number, "checked in");
        return reply(&b.checked_in(number, actor.id.as_str(), now));
    }
    // Someone else checked it in (or cancelled it) meanwhile: answer with what is there.
    let current = app.bookings.get(&id).await?.ok_or_else(ApiError::not_found)?;
    match current.status {
        BookingStatus::CheckedIn => reply(&current),
        _ => Err(ApiError::code(Code::InvalidTransition)),
    }
}
