//! Check-in: a booked visitor gets a number in the booked lane, ahead of walk-ins. At the
//! hall by the six-digit code the visitor shows (`POST /v1/staff/halls/{hallId}/check-in`),
//! or by the booking's id (`POST /v1/staff/bookings/{id}/check-in`).
//!
//! Round trips: 3 (the booking: by code a `Query` of the hall-day, by id a `GetItem`; the
//! queue counter's `UpdateItem`; the transaction of the booking's `booked → checked_in`, the
//! ticket, its waiting entry and the audit record), and the staff gate's directory read when
//! its memory of the caller is stale. A counter's new value cannot come out of a transaction,
//! so the number is taken first: a lost race burns a number, never duplicates one.

use crate::App;
use crate::view::CheckedIn;
use api::audit::Actor;
use api::http::{self, Response};
use api::{ApiError, Code};
use lambda_http::Request;
use model::booking::{BookingId, BookingStatus};
use model::queue::{Ticket, TicketId};
use model::staff::StaffRole;
use model::{HallId, Invalid};
use serde::Deserialize;
use store::bookings::{Booking, Issued};

/// Window staff and hall managers of the hall check visitors in there.
pub(crate) fn hall_staff(actor: &Actor, hall: &HallId) -> Result<(), ApiError> {
    let role = actor.has(StaffRole::Window) || actor.has(StaffRole::HallManager);
    if role && actor.works_at(hall) {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

/// The six digits on the visitor's booking.
struct VerificationCode(String);

impl std::str::FromStr for VerificationCode {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        if raw.len() == 6 && raw.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(Invalid::new("核验码应为6位数字"))
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ByCode {
    verification_code: String,
}

pub async fn by_code(app: &App, req: &Request) -> Result<Response, ApiError> {
    let actor = app.gate.staff(&app.verifier, req).await?;
    let hall: HallId = http::path(req, "hallId")?;
    hall_staff(&actor, &hall)?;
    let body: ByCode = http::json_body(req)?;
    let code: VerificationCode = body
        .verification_code
        .parse()
        .map_err(|e: Invalid| ApiError::field("verificationCode", e.0))?;
    let today = app.today().strftime("%Y-%m-%d").to_string();
    let b = app
        .bookings
        .by_code(&hall, &today, &code.0)
        .await?
        .ok_or_else(|| ApiError::code(Code::WrongVerificationCode))?;
    issue(app, &actor, b).await
}

pub async fn by_id(app: &App, req: &Request) -> Result<Response, ApiError> {
    let actor = app.gate.staff(&app.verifier, req).await?;
    let id: BookingId = http::path(req, "id")?;
    if !(actor.has(StaffRole::Window) || actor.has(StaffRole::HallManager)) {
        return Err(ApiError::forbidden());
    }
    let b = app.bookings.get(&id).await?.ok_or_else(ApiError::not_found)?;
    // Another hall's booking looks like no booking: staff learn nothing outside their halls.
    if !actor.works_at(&b.hall_id) {
        return Err(ApiError::not_found());
    }
    if b.date != app.today().strftime("%Y-%m-%d").to_string() && b.status == BookingStatus::Booked {
        return Err(ApiError::with_message(Code::InvalidTransition, "只能在预约当天签到"));
    }
    issue(app, &actor, b).await
}

/// Gives a booking of today its number; a booking already checked in answers with the
/// number it has, so a repeated check-in is harmless.
async fn issue(app: &App, actor: &Actor, b: Booking) -> Result<Response, ApiError> {
    match b.status {
        BookingStatus::CheckedIn => return http::ok(&CheckedIn::from(&b)),
        BookingStatus::Booked => {}
        _ => return Err(ApiError::code(Code::InvalidTransition)),
    }
    let now = app.clock.now();
    let number = app
        .bookings
        .next_queue_number(&b.hall_id, &b.date, &b.queue_prefix)
        .await?;
    let day = b.slot_id.date();
    let id = TicketId::new(&b.hall_id, day, &number).map_err(|e| ApiError::internal("naming a ticket", e))?;
    let ticket = Ticket::booked(&b, id.clone(), actor.id.as_str(), now);
    let audit = app
        .trail
        .item(&actor.record("booking.check_in", format!("booking:{}", b.id), now))?;
    match app.bookings.check_in(&b, &ticket, audit, now).await? {
        Issued::Done => {
            tracing::info!(booking = %b.id, ticket = %id, "checked in");
            http::ok(&CheckedIn::from(&b.checked_in(&id, actor.id.as_str(), now)))
        }
        // Someone else checked it in (or cancelled it) meanwhile: answer with what is there.
        Issued::Changed | Issued::KeyUsed => {
            let current = app.bookings.get(&b.id).await?.ok_or_else(ApiError::not_found)?;
            match current.status {
                BookingStatus::CheckedIn => http::ok(&CheckedIn::from(&current)),
                _ => Err(ApiError::code(Code::InvalidTransition)),
            }
        }
    }
}
