//! `POST /v1/bookings`: one seat, one booking, one guard, in one transaction.

use crate::App;
use crate::context::{bookable_slot, load, person};
use crate::view::BookingView;
use lambda_http::Request;
use serde::Deserialize;
use shared::ApiError;
use shared::domain::booking::{self, BookingId, BookingStatus, SlotId};
use shared::domain::time::rfc3339;
use shared::domain::{CitizenId, ItemCode};
use shared::error::Code;
use shared::http::{self, Response};
use shared::parse_fields;
use shared::store::bookings::{BookError, Booking, NewBooking};
use shared::store::outbox::Kind;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct BookBody {
    slot_id: String,
    item_code: String,
}

fn request_hash(slot: &SlotId, item: &ItemCode) -> String {
    let d = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, format!("{slot}\n{item}").as_bytes());
    shared::domain::random::hex(d.as_ref())
}

fn verification_code() -> String {
    format!("{:06}", u32::from_le_bytes(shared::domain::random::bytes()) % 1_000_000)
}

pub async fn create(app: &App, req: &Request) -> Result<Response, ApiError> {
    let citizen = app.verifier.citizen(req)?;
    let body: BookBody = http::json_body(req)?;
    let idem = http::idempotency_key(req)?;
    let (slot_id, item_code) = parse_fields!(
        slotId => body.slot_id.parse::<SlotId>(),
        itemCode => body.item_code.parse::<ItemCode>(),
    )?;
    let ctx = load(app, Some(&citizen), slot_id.hall(), Some(&item_code)).await?;
    let id_key = person(ctx.citizen.as_ref())?;
    let (hall, slot, window, item) = bookable_slot(app, ctx.hall.as_ref(), ctx.item.as_ref(), &slot_id)?;

    let now = app.clock.now();
    let at = rfc3339(now);
    let booking = Booking {
        id: BookingId::generate(),
        citizen_id: citizen.clone(),
        id_key: id_key.clone(),
        hall_id: hall.hall_id.clone(),
        hall_name: hall.name.clone(),
        window_code: window.code.clone(),
        queue_prefix: window.queue_prefix.clone(),
        slot_id: slot_id.clone(),
        date: slot_id.date().strftime("%Y-%m-%d").to_string(),
        start: rfc3339(slot.start),
        end: rfc3339(slot.end),
        item_code: item_code.clone(),
        item_name: item.name.clone(),
        dept_code: Some(item.dept_code.clone()),
        status: BookingStatus::Booked,
        verification_code: verification_code(),
        cancel_by: rfc3339(booking::cancel_by(hall, slot.start)),
        created_at: at.clone(),
        updated_at: at,
        cancelled_at: None,
        cancel_reason: None,
        checked_in_at: None,
        queue_number: None,
        checked_in_by: None,
        hall_day: format!("{}#{}", hall.hall_id, slot_id.date().strftime("%Y-%m-%d")),
    };
    let confirmation = booking.notification(Kind::BookingConfirmed);
    let hash = request_hash(&slot_id, &item_code);
    let new = NewBooking {
        booking,
        capacity: slot.capacity,
        idempotency: idem.clone().map(|k| (k, hash.clone())),
        confirmation,
    };
    match app.bookings.book(&new, now).await {
        Ok(()) => {
            tracing::info!(booking = %new.booking.id, slot = %slot_id, "booked");
            shared::metrics::count(shared::metrics::Metric::Bookings, 1);
            Ok(http::json_response(201, &BookingView::from(&new.booking)))
        }
        Err(BookError::SlotFull) => Err(ApiError::code(Code::SlotFull)),
        Err(BookError::Duplicate) => Err(ApiError::code(Code::DuplicateBooking)),
        Err(BookError::Banned) => {
            let until = app.bookings.ban_until(&id_key, now).await?;
            Err(ApiError::code(Code::BookingRestricted)
                .with_details(serde_json::json!({ "until": until.map(rfc3339) })))
        }
        Err(BookError::KeyUsed) => replay(app, &citizen, idem.as_deref().unwrap_or(""), &hash).await,
        Err(BookError::Store(e)) => Err(e),
    }
}

/// The same key again: the first answer if the request is the same, 422 if it is not.
async fn replay(app: &App, citizen: &CitizenId, key: &str, hash: &str) -> Result<Response, ApiError> {
    let (stored_hash, booking_id) = app
        .bookings
        .idempotency(citizen, key)
        .await?
        .ok_or_else(|| ApiError::internal("an idempotency record vanished", std::io::Error::other("missing")))?;
    if stored_hash != hash {
        return Err(ApiError::code(Code::IdempotencyKeyReused));
    }
    let id: BookingId = booking_id
        .parse()
        .map_err(|e| ApiError::internal("a stored booking id", e))?;
    let booking = app.bookings.get(&id).await?.ok_or_else(ApiError::not_found)?;
    Ok(http::json_response(201, &BookingView::from(&booking)))
}
