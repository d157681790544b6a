//! `POST /v1/staff/windows/{windowId}/call-next`: the next number this window serves, booked
//! visitors first, then walk-ins, each in the order they joined the line; 204 when nobody
//! waits for it.
//!
//! Round trips: 3 when the first choice is free (the hall's `GetItem` for what the window
//! serves and the line's `Query`, at once; then the transaction), and the staff gate's
//! directory read when its memory is stale. Two windows calling at once both choose the
//! head of the line; the transaction's condition lets exactly one have it, and the other
//! tries the next number in its copy of the line, then reads the line again.

use crate::App;
use crate::view::TicketView;
use api::ApiError;
use api::http::{self, Response};
use lambda_http::Request;
use model::staff::{StaffRole, WindowId};
use serde::Serialize;
use store::bookings::Call;

/// Reads of the line before a window gives up for this request: each read follows a round
/// of numbers all taken by other windows, so the line was moving.
const ROUNDS: usize = 8;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Called<'a> {
    #[serde(flatten)]
    ticket: TicketView<'a>,
    window_id: &'a str,
}

pub async fn next(app: &App, req: &Request) -> Result<Response, ApiError> {
    let actor = app.gate.staff(&app.verifier, req).await?;
    let window: WindowId = http::path(req, "windowId")?;
    if !(actor.has(StaffRole::Window) && actor.windows.contains(&window)) {
        return Err(ApiError::forbidden());
    }
    let hall_id = window.hall();
    let today = app.today();
    let date = today.strftime("%Y-%m-%d").to_string();
    let (hall, mut line) = tokio::try_join!(app.catalog.hall(&hall_id), app.bookings.waiting(&hall_id, &date))?;
    let hall = hall.ok_or_else(ApiError::not_found)?;
    let group = hall
        .windows
        .iter()
        .find(|w| w.code == window.code())
        .ok_or_else(ApiError::not_found)?;
    for round in 0..ROUNDS {
        if round > 0 {
            line = app.bookings.waiting(&hall_id, &date).await?;
        }
        let mine: Vec<_> = line
            .iter()
            .filter(|w| w.ticket.callable_by(&window, &group.item_codes))
            .collect();
        if mine.is_empty() {
            return Ok(http::no_content());
        }
        for w in mine {
            let now = app.clock.now();
            let t = &w.ticket;
            let notice = t.called_notice(&window, &group.name, &hall.name, now);
            let audit = app
                .trail
                .item(&actor.record("queue.call", format!("ticket:{}", t.ticket_id), now))?;
            let called = app
                .bookings
                .call(
                    Call {
                        waiting: w,
                        window: &window,
                        staff: actor.id.as_str(),
                    },
                    audit,
                    notice.as_ref(),
                    now,
                )
                .await?;
            if called {
                tracing::info!(ticket = %t.ticket_id, window = %window, "number called");
                let t = t.clone().called(&window, actor.id.as_str(), now);
                return http::ok(&Called {
                    ticket: TicketView::from(&t),
                    window_id: window.as_str(),
                });
            }
        }
    }
    Err(ApiError::unavailable(
        "calling a number: the line kept moving",
        std::io::Error::other("every number chosen was called by another window"),
    ))
}
