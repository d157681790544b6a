//! `POST /v1/staff/bookings/{id}/check-in`: staff of the booking's hall give the visitor a
//! queue number. Booked visitors are called ahead of walk-ins: the response marks them so.

use crate::App;
use lambda_http::Request;
use serde::Serialize;
use shared::ApiError;
use shared::domain::booking::{BookingId, BookingStatus};
use shared::domain::time::{local, rfc3339};
use shared::error::Code;
use shared::http::{self, Response};

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
    let staff = app.verifier.staff(req)?;
    let id: BookingId = http::path(req, "id")?;
    let b = app.bookings.get(&id).await?.ok_or_else(ApiError::not_found)?;
    if staff.hall.as_ref() != Some(&b.hall_id) {
        return Err(ApiError::forbidden());
    }
    let now = app.clock.now();
    let reply = |b: &shared::store::bookings::Booking| {
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
    let checked = app.bookings.check_in(&b, &number, now).await?;
    let current = app.bookings.get(&id).await?.ok_or_else(ApiError::not_found)?;
    if current.status != BookingStatus::CheckedIn {
        return Err(ApiError::code(Code::InvalidTransition));
    }
    if checked {
        tracing::info!(booking = %id, queue = %number, at = %rfc3339(now), "checked in");
    }
    reply(&current)
}
