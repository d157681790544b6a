//! `POST /v1/staff/halls/{hallId}/walk-ins` `{itemCode}`: a number for a visitor without a
//! booking (现场取号), in the walk-in lane of the window group that serves the item.
//!
//! Round trips: 3 (one `BatchGetItem` for the hall and the item, the queue counter's
//! `UpdateItem`, the transaction of the ticket, its waiting entry, the audit record and the
//! idempotency record), and the staff gate's directory read when its memory is stale.

use crate::App;
use crate::checkin::hall_staff;
use crate::view::TicketView;
use api::http::{self, Response};
use api::{ApiError, idempotency};
use lambda_http::Request;
use model::queue::{Ticket, TicketId};
use model::{HallId, Invalid, ItemCode};
use serde::Deserialize;
use store::bookings::Issued;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct WalkIn {
    item_code: String,
}

pub async fn issue(app: &App, req: &Request) -> Result<Response, ApiError> {
    let actor = app.gate.staff(&app.verifier, req).await?;
    let hall_id: HallId = http::path(req, "hallId")?;
    hall_staff(&actor, &hall_id)?;
    let body: WalkIn = http::json_body(req)?;
    let item_code: ItemCode = body
        .item_code
        .parse()
        .map_err(|e: Invalid| ApiError::field("itemCode", e.0))?;
    let claim = idempotency::claim(req, actor.id.as_str(), format!("{hall_id}\n{item_code}").as_bytes())?;

    let mut batch = app.catalog.batch();
    let hall = app.catalog.hall_in(&mut batch, &hall_id);
    let item = app.catalog.item_in(&mut batch, &item_code);
    let mut got = batch.send("reading the hall and the item").await?;
    let hall = got.take(hall)?.ok_or_else(ApiError::not_found)?;
    let item = got
        .take(item)?
        .ok_or_else(|| ApiError::field("itemCode", "事项不存在"))?;
    let window = hall
        .windows
        .iter()
        .find(|w| model::booking::serves(w, &item.code))
        .ok_or_else(|| ApiError::field("itemCode", "本大厅没有办理该事项的窗口"))?;

    let now = app.clock.now();
    let today = app.today();
    let date = today.strftime("%Y-%m-%d").to_string();
    let number = app
        .bookings
        .next_queue_number(&hall_id, &date, &window.queue_prefix)
        .await?;
    let id = TicketId::new(&hall_id, today, &number).map_err(|e| ApiError::internal("naming a ticket", e))?;
    let ticket = Ticket::walk_in(id.clone(), &item, actor.id.as_str(), now);
    let audit = app
        .trail
        .item(&actor.record("queue.walk_in", format!("ticket:{id}"), now))?;
    match app.bookings.walk_in(&ticket, claim.as_ref(), audit, now).await? {
        Issued::Changed => Err(ApiError::internal(
            "issuing a walk-in",
            std::io::Error::other("a walk-in has no booking to change"),
        )),
        Issued::Done => {
            tracing::info!(ticket = %id, "walk-in number issued");
            Ok(http::json_response(201, &TicketView::from(&ticket)))
        }
        Issued::KeyUsed => {
            let Some(claim) = &claim else {
                return Err(ApiError::internal(
                    "a key refused without one",
                    std::io::Error::other("key"),
                ));
            };
            let created = idempotency::replay(claim, app.bookings.recorded(claim).await?)?;
            let first: TicketId = created
                .parse()
                .map_err(|e| ApiError::internal("a stored ticket id", e))?;
            let t = app.bookings.ticket(&first).await?.ok_or_else(ApiError::not_found)?;
            Ok(http::json_response(201, &TicketView::from(&t)))
        }
    }
}
