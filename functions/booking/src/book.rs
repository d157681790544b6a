//! `POST /v1/bookings`: one seat, one booking, one guard, in one transaction.

use crate::App;
use crate::context::{bookable_slot, load, person};
use crate::view::BookingView;
use api::http::{self, Response};
use api::{ApiError, Code, idempotency};
use lambda_http::Request;
use model::booking::{Booking, BookingId, SlotId, Visit};
use model::notification::Kind;
use model::time::rfc3339;
use model::{ItemCode, parse_fields};
use serde::Deserialize;
use store::bookings::{Booked, NewBooking};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct BookBody {
    slot_id: String,
    item_code: String,
    /// The credit code of the enterprise the visit is for (法人).
    #[serde(default)]
    enterprise: Option<String>,
}

/// Further draws of a verification code when one is taken.
pub(crate) const CODE_DRAWS: usize = 3;

pub async fn create(app: &App, req: &Request) -> Result<Response, ApiError> {
    let citizen = app.verifier.citizen(req).await?;
    let body: BookBody = http::json_body(req)?;
    let (slot_id, item_code) = parse_fields!(
        slotId => body.slot_id.parse::<SlotId>(),
        itemCode => body.item_code.parse::<ItemCode>(),
    )?;
    // What decides the booking: the same slot and item again is the same request.
    let for_whom = body.enterprise.as_deref().unwrap_or_default();
    let claim = idempotency::claim(
        req,
        citizen.as_str(),
        format!("{slot_id}\n{item_code}\n{for_whom}").as_bytes(),
    )?;
    let ctx = load(app, Some(&citizen), slot_id.hall(), Some(&item_code)).await?;
    let id_key = person(ctx.citizen.as_ref())?;
    let (hall, slot, window, item) = bookable_slot(app, ctx.hall.as_ref(), ctx.item.as_ref(), &slot_id)?;
    let held = ctx.citizen.as_ref().and_then(|c| c.identity.as_ref()).map(|i| i.level);
    ApiError::unless_identity(held, item.identity_level)?;
    item.audience
        .admits(body.enterprise.is_some())
        .map_err(|e| ApiError::field("enterprise", e.0))?;
    let today = model::LocalDate::new(model::time::local(app.clock.now()).date());
    let acting = match body.enterprise.as_deref() {
        Some(raw) => {
            Some(api::enterprise::acting(&app.enterprises, ctx.citizen.as_ref(), raw, "enterprise", today).await?)
        }
        None => None,
    };

    let now = app.clock.now();
    let mut booking = Booking::new(
        citizen,
        id_key.clone(),
        Visit {
            hall,
            window,
            slot: &slot,
        },
        item,
        now,
    );
    booking.enterprise = acting.as_ref().map(|a| a.acting.clone());
    let mut new = NewBooking {
        confirmation: booking.notification(Kind::BookingConfirmed),
        booking,
        capacity: slot.capacity,
        idempotency: claim,
        acting: acting.map(|a| a.condition),
    };
    let mut outcome = app.bookings.book(&new, now).await?;
    // A code already another booking's that day: draw again (one in a million per booking
    // of the day, so a third draw is as good as never needed).
    for _ in 0..CODE_DRAWS {
        if outcome != Booked::CodeTaken {
            break;
        }
        new.booking.redraw_code();
        new.confirmation = new.booking.notification(Kind::BookingConfirmed);
        outcome = app.bookings.book(&new, now).await?;
    }
    match outcome {
        Booked::Done => {
            tracing::info!(booking = %new.booking.id, slot = %slot_id, "booked");
            api::metrics::count(api::metrics::Metric::Bookings, 1);
            Ok(http::json_response(201, &BookingView::from(&new.booking)))
        }
        Booked::SlotFull => Err(ApiError::code(Code::SlotFull)),
        Booked::CodeTaken => Err(ApiError::internal(
            "drawing a free verification code",
            std::io::Error::other("every code drawn was taken"),
        )),
        Booked::Duplicate => Err(ApiError::code(Code::DuplicateBooking)),
        Booked::NotActing => Err(api::enterprise::not_authorized()),
        Booked::Banned => {
            let until = app.bookings.ban_until(&id_key, now).await?;
            Err(ApiError::code(Code::BookingRestricted)
                .with_details(serde_json::json!({ "until": until.map(rfc3339) })))
        }
        Booked::KeyUsed => {
            // The same key again: the first answer if the request is the same, 422 if not.
            let Some(claim) = &new.idempotency else {
                return Err(ApiError::internal(
                    "a key refused without one",
                    std::io::Error::other("key"),
                ));
            };
            let created = idempotency::replay(claim, app.bookings.recorded(claim).await?)?;
            let id: BookingId = created
                .parse()
                .map_err(|e| ApiError::internal("a stored booking id", e))?;
            let booking = app.bookings.get(&id).await?.ok_or_else(ApiError::not_found)?;
            Ok(http::json_response(201, &BookingView::from(&booking)))
        }
    }
}
