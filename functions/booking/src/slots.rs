//! `GET /v1/halls/{hallId}/slots?date=&item=`: a hall-day's slots with seats remaining.
//! Two reads: the hall (and item), and the day's counters in one query.

use crate::App;
use crate::context::load;
use api::ApiError;
use api::http::{self, List, Response};
use lambda_http::Request;
use model::booking::{self, serves};
use model::catalog::{Hall, Item};
use model::time::rfc3339;
use model::{HallId, ItemCode, LocalDate};
use serde::Serialize;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SlotView {
    slot_id: String,
    start: String,
    end: String,
    window_code: String,
    window_name: String,
    capacity: u32,
    remaining: u32,
    /// Whether the slot can be booked now (inside the window and lead time, seats left).
    bookable: bool,
}

pub async fn list(app: &App, req: &Request) -> Result<Response, ApiError> {
    let hall_id: HallId = http::path(req, "hallId")?;
    let date: LocalDate = http::query(req, "date")?.ok_or_else(|| ApiError::field("date", "必填"))?;
    let item_code: Option<ItemCode> = http::query(req, "item")?;
    let day = date.to_string();
    let (ctx, taken) = tokio::join!(
        load(app, None, &hall_id, item_code.as_ref()),
        app.bookings.taken(&hall_id, &day)
    );
    let ctx = ctx?;
    let hall: Hall = ctx.hall.ok_or_else(ApiError::not_found)?;
    let item: Option<Item> = match item_code {
        Some(_) => Some(ctx.item.ok_or_else(|| ApiError::field("item", "事项不存在"))?),
        None => None,
    };
    let taken = taken?;
    let now = app.clock.now();
    let slots = booking::slots_of_day(&hall, date.date(), app.calendar)
        .into_iter()
        .filter(|s| match &item {
            Some(i) => booking::window_of(&hall, &s.id).is_some_and(|w| serves(w, &i.code)),
            None => true,
        })
        .map(|s| {
            let used = taken.get(&s.id.counter_key()).copied().unwrap_or(0);
            let remaining = s.capacity.saturating_sub(used);
            SlotView {
                bookable: remaining > 0 && booking::check_window(&hall, s.start, now, app.calendar).is_ok(),
                slot_id: s.id.to_string(),
                start: rfc3339(s.start),
                end: rfc3339(s.end),
                window_code: s.id.window().to_owned(),
                window_name: s.window_name,
                capacity: s.capacity,
                remaining,
            }
        })
        .collect();
    http::ok(&List {
        items: slots,
        next_cursor: None,
    })
}
