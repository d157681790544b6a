//! The owner's side of a booking: list, read, cancel, reschedule. Another citizen's
//! booking is 404, never 403: its existence is not revealed.
//!
//! Round trips: read 1 (`GetItem`); list 1 (`Query`); cancel 2 (`GetItem`, one transaction);
//! reschedule 3 (`GetItem`, `BatchGetItem` of the new hall and the item, one transaction).

use crate::App;
use crate::context::{bookable_slot, load};
use crate::view::BookingView;
use api::ApiError;
use api::Code;
use api::http::{self, Page, Response};
use lambda_http::Request;
use model::booking::{BookingId, BookingStatus, SlotId, Visit};
use model::{CitizenId, FreeText};
use serde::Deserialize;
use store::bookings::{Booking, Moved};

/// The caller's booking named in the path, or 404.
async fn own_booking(app: &App, req: &Request) -> Result<(CitizenId, Booking), ApiError> {
    let citizen = app.verifier.citizen(req).await?;
    let id: BookingId = http::path(req, "id")?;
    let booking = app
        .bookings
        .get(&id)
        .await?
        .filter(|b| b.citizen_id == citizen)
        .ok_or_else(ApiError::not_found)?;
    Ok((citizen, booking))
}

pub async fn get(app: &App, req: &Request) -> Result<Response, ApiError> {
    let (_, booking) = own_booking(app, req).await?;
    http::ok(&BookingView::from(&booking))
}

pub async fn list_mine(app: &App, req: &Request) -> Result<Response, ApiError> {
    let citizen = app.verifier.citizen(req).await?;
    let status: Option<BookingStatus> = http::query(req, "status")?;
    let today = model::LocalDate::new(model::time::local(app.clock.now()).date());
    let enterprise = api::enterprise::listed(req, &app.enterprises, &app.citizens, &citizen, today).await?;
    let code = enterprise.as_ref().map_or("", |c| c.as_str());
    let scope = [citizen.as_str(), status.map_or("", BookingStatus::as_str), code];
    let page = Page::from_request(req, &app.cursors, &scope).await?;
    let owner = match &enterprise {
        Some(c) => store::page::Owner::Enterprise(c.as_str()),
        None => store::page::Owner::Citizen(citizen.as_str()),
    };
    let found = app
        .bookings
        .for_owner(owner, status, page.cursor.as_ref(), page.limit)
        .await?;
    // A colleague's booking is listed without its code: the code is its visitor's to show.
    let items: Vec<BookingView> = found
        .items
        .iter()
        .map(|b| BookingView::from(b).for_viewer(&citizen))
        .collect();
    http::ok(&page.list(items, found.next).await?)
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CancelBody {
    #[serde(default)]
    reason: Option<String>,
}

fn reason(raw: Option<&str>) -> Result<Option<FreeText>, ApiError> {
    FreeText::optional(raw, 200).map_err(|_| ApiError::field("reason", "取消原因不超过200字，且不含不可见字符"))
}

/// 422 `CANCEL_DEADLINE_PASSED` once the booking's cancel-by time has gone.
fn check_deadline(app: &App, b: &Booking) -> Result<(), ApiError> {
    let by: jiff::Timestamp = b
        .cancel_by
        .parse()
        .map_err(|e| ApiError::internal("a stored cancel-by time", e))?;
    if app.clock.now() <= by {
        Ok(())
    } else {
        Err(ApiError::code(Code::CancelDeadlinePassed).with_details(serde_json::json!({ "cancelBy": b.cancel_by })))
    }
}

pub async fn cancel(app: &App, req: &Request) -> Result<Response, ApiError> {
    let (_, mut b) = own_booking(app, req).await?;
    let body: CancelBody = if req.body().is_empty() {
        CancelBody::default()
    } else {
        http::json_body(req)?
    };
    let why = reason(body.reason.as_deref())?;
    // A concurrent reschedule can move the booking between our read and our write; the
    // write's condition notices, and we try again with what is there now.
    for _ in 0..3 {
        match b.status {
            // Cancelling again is answered with the booking as it is: the seat was freed once.
            BookingStatus::Cancelled => return http::ok(&BookingView::from(&b)),
            BookingStatus::Booked => {}
            _ => return Err(ApiError::code(Code::InvalidTransition)),
        }
        check_deadline(app, &b)?;
        let now = app.clock.now();
        if app.bookings.cancel(&b, why.as_ref(), now).await? {
            tracing::info!(booking = %b.id, "cancelled");
            api::metrics::count(api::metrics::Metric::Cancellations, 1);
            return http::ok(&BookingView::from(&b.cancelled(why, now)));
        }
        b = app.bookings.get(&b.id).await?.ok_or_else(ApiError::not_found)?;
    }
    Err(ApiError::code(Code::VersionConflict))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RescheduleBody {
    slot_id: String,
}

pub async fn reschedule(app: &App, req: &Request) -> Result<Response, ApiError> {
    let (_, b) = own_booking(app, req).await?;
    let body: RescheduleBody = http::json_body(req)?;
    let slot_id: SlotId = body
        .slot_id
        .parse()
        .map_err(|e: model::Invalid| ApiError::field("slotId", e.0))?;
    if b.status != BookingStatus::Booked {
        return Err(ApiError::code(Code::InvalidTransition));
    }
    if slot_id == b.slot_id {
        return http::ok(&BookingView::from(&b));
    }
    check_deadline(app, &b)?;
    let ctx = load(app, None, slot_id.hall(), Some(&b.item_code)).await?;
    let (hall, slot, window, _) = bookable_slot(app, ctx.hall.as_ref(), ctx.item.as_ref(), &slot_id)?;
    let now = app.clock.now();
    let mut moved = b.moved_to(
        Visit {
            hall,
            window,
            slot: &slot,
        },
        now,
    );
    let mut outcome = app.bookings.reschedule(&b, &moved, slot.capacity, now).await?;
    // The code is claimed again for a new day, where another booking may hold it.
    for _ in 0..crate::book::CODE_DRAWS {
        if outcome != Moved::CodeTaken {
            break;
        }
        moved.redraw_code();
        outcome = app.bookings.reschedule(&b, &moved, slot.capacity, now).await?;
    }
    match outcome {
        Moved::Done => {
            tracing::info!(booking = %b.id, from = %b.slot_id, to = %slot_id, "rescheduled");
            http::ok(&BookingView::from(&moved))
        }
        // Not booked at the old slot any more: either another request changed it, or an
        // earlier attempt of this one committed and only its answer was lost.
        Moved::Changed => match app.bookings.get(&b.id).await? {
            Some(current) if current.status == BookingStatus::Booked && current.slot_id == slot_id => {
                http::ok(&BookingView::from(&current))
            }
            _ => Err(ApiError::code(Code::InvalidTransition)),
        },
        Moved::SlotFull => Err(ApiError::code(Code::SlotFull)),
        Moved::Duplicate => Err(ApiError::code(Code::DuplicateBooking)),
        Moved::CodeTaken => Err(ApiError::internal(
            "drawing a free verification code",
            std::io::Error::other("every code drawn was taken"),
        )),
    }
}
