//! `GET /v1/staff/halls/{hallId}/day?date=`: the hall's day at a glance for its staff: the
//! bookings by session (no one named: item, slot, status and number), the line per window
//! group, and the counts.
//!
//! Round trips: 3 at once (the hall's `GetItem`, the hall-day's bookings from `ByHallDay`,
//! the hall-day's queue partition), and the staff gate's directory read when stale.

use crate::App;
use crate::view::TicketView;
use api::ApiError;
use api::http::{self, Response};
use lambda_http::Request;
use model::booking::BookingStatus;
use model::queue::{Lane, TicketStatus};
use model::staff::{StaffRole, WindowId};
use model::{HallId, LocalDate, WorkCalendar};
use serde::Serialize;
use std::collections::BTreeMap;
use store::bookings::Booking;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Day<'a> {
    hall_id: &'a str,
    hall_name: &'a str,
    date: String,
    sessions: Vec<SessionView<'a>>,
    windows: Vec<WindowView<'a>>,
    /// Numbers being served now, at whichever window.
    serving: Vec<TicketView<'a>>,
    counts: BTreeMap<&'static str, u32>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SessionView<'a> {
    open: &'a str,
    close: &'a str,
    bookings: Vec<BookingLine<'a>>,
}

/// A booking on the board: what and when, never whose.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BookingLine<'a> {
    id: &'a str,
    start: &'a str,
    end: &'a str,
    item_code: &'a str,
    item_name: &'a str,
    window_code: &'a str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    queue_number: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    checked_in_at: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WindowView<'a> {
    window_id: String,
    name: &'a str,
    /// Its line in calling order: booked visitors, then walk-ins.
    waiting: Vec<TicketView<'a>>,
}

fn line(b: &Booking) -> BookingLine<'_> {
    BookingLine {
        id: b.id.as_str(),
        start: &b.start,
        end: &b.end,
        item_code: b.item_code.as_str(),
        item_name: &b.item_name,
        window_code: &b.window_code,
        status: b.status.as_str(),
        queue_number: b.queue_number.as_deref(),
        checked_in_at: b.checked_in_at.as_deref(),
    }
}

fn bump(counts: &mut BTreeMap<&'static str, u32>, key: &'static str) {
    let n = counts.entry(key).or_insert(0);
    *n = n.saturating_add(1);
}

pub async fn day(app: &App, req: &Request) -> Result<Response, ApiError> {
    // What the token says decides who may look; whether the directory still stands behind
    // it is read at the same time as the day (api::staff), so a member's first request in an
    // instance costs no extra round trip in sequence. Nothing is answered before both pass.
    let claims = app.verifier.staff_claims(req).await?;
    let hall_id: HallId = http::path(req, "hallId")?;
    let hall_staff = (claims.has(StaffRole::Window) || claims.has(StaffRole::HallManager)) && claims.works_at(&hall_id);
    // Supervisors read every hall's day; window staff and managers their own hall's.
    if !(hall_staff || claims.has(StaffRole::Supervisor)) {
        return Err(ApiError::forbidden());
    }
    let date = http::query::<LocalDate>(req, "date")?.map_or_else(|| app.today(), LocalDate::date);
    let ymd = date.strftime("%Y-%m-%d").to_string();
    let (_, hall, bookings, tickets) = tokio::try_join!(
        app.gate.staff(&app.verifier, req),
        async { Ok(app.catalog.hall(&hall_id).await?) },
        async { Ok(app.bookings.of_day(&hall_id, &ymd).await?) },
        async { Ok(app.bookings.tickets(&hall_id, &ymd).await?) },
    )?;
    let hall = hall.ok_or_else(ApiError::not_found)?;

    let mut counts = BTreeMap::new();
    for b in &bookings {
        bump(&mut counts, b.status.as_str());
        if b.status != BookingStatus::Cancelled {
            bump(&mut counts, "booked_total");
        }
    }
    for t in &tickets {
        bump(&mut counts, t.status.as_str());
        if t.lane == Lane::WalkIn {
            bump(&mut counts, "walk_in");
        }
    }

    // Each booking under the last session opening at or before its start (times compare as
    // `HH:MM` text in Shanghai).
    let open = model::booking::sessions(&hall, date, WorkCalendar::shipped());
    let mut sessions: Vec<SessionView<'_>> = open
        .iter()
        .map(|s| SessionView {
            open: &s.open,
            close: &s.close,
            bookings: Vec::new(),
        })
        .collect();
    for b in &bookings {
        // Stored starts are RFC 3339 at +08:00: `HH:MM` is characters 11 to 16.
        let at = b.start.get(11..16).unwrap_or("");
        let slot = sessions.iter().rposition(|s| s.open <= at).unwrap_or(0);
        if let Some(s) = sessions.get_mut(slot) {
            s.bookings.push(line(b));
        }
    }

    let mut in_order: Vec<_> = tickets.iter().collect();
    in_order.sort_by_key(|t| t.order_key());
    let windows = hall
        .windows
        .iter()
        .map(|w| {
            let id = WindowId::new(&hall_id, &w.code)
                .map(|id| id.to_string())
                .unwrap_or_default();
            let waiting = in_order
                .iter()
                .copied()
                .filter(|t| {
                    t.status == TicketStatus::Waiting
                        && w.item_codes.contains(&t.item_code)
                        && !t.passed_over.iter().any(|p| p.as_str() == id)
                })
                .map(TicketView::from)
                .collect();
            WindowView {
                window_id: id,
                name: &w.name,
                waiting,
            }
        })
        .collect();
    http::ok(&Day {
        hall_id: hall_id.as_str(),
        hall_name: &hall.name,
        date: ymd,
        sessions,
        windows,
        serving: tickets
            .iter()
            .filter(|t| t.status == TicketStatus::Called)
            .map(TicketView::from)
            .collect(),
        counts,
    })
}
