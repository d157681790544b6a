//! How tickets and checked-in bookings look to hall staff. Nothing here names a person: a
//! booking shows its item, slot and number, never whose it is.

use model::queue::Ticket;
use serde::Serialize;
use store::bookings::Booking;

/// A checked-in booking and its number.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckedIn<'a> {
    /// The booking's id (as `bookingId`; kept for the check-in by id's first clients).
    id: &'a str,
    booking_id: &'a str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    ticket_id: Option<&'a str>,
    queue_number: &'a str,
    /// Booked visitors are called ahead of walk-ins.
    priority: bool,
    item_code: &'a str,
    item_name: &'a str,
    window_code: &'a str,
    start: &'a str,
    checked_in_at: &'a str,
}

impl<'a> From<&'a Booking> for CheckedIn<'a> {
    fn from(b: &'a Booking) -> Self {
        CheckedIn {
            id: b.id.as_str(),
            booking_id: b.id.as_str(),
            status: b.status.as_str(),
            ticket_id: b.ticket_id.as_ref().map(|t| t.as_str()),
            queue_number: b.queue_number.as_deref().unwrap_or(""),
            priority: true,
            item_code: b.item_code.as_str(),
            item_name: &b.item_name,
            window_code: &b.window_code,
            start: &b.start,
            checked_in_at: b.checked_in_at.as_deref().unwrap_or(""),
        }
    }
}

/// A ticket as the board and the windows see it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketView<'a> {
    ticket_id: &'a str,
    queue_number: &'a str,
    lane: model::queue::Lane,
    status: &'static str,
    item_code: &'a str,
    item_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    dept_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    booking_id: Option<&'a str>,
    issued_at: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    called_by: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    called_at: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    passed_over: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    finished_at: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    application_no: Option<&'a str>,
}

impl<'a> From<&'a Ticket> for TicketView<'a> {
    fn from(t: &'a Ticket) -> Self {
        TicketView {
            ticket_id: t.ticket_id.as_str(),
            queue_number: &t.queue_number,
            lane: t.lane,
            status: t.status.as_str(),
            item_code: t.item_code.as_str(),
            item_name: &t.item_name,
            dept_code: t.dept_code.as_ref().map(|d| d.as_str()),
            booking_id: t.booking_id.as_ref().map(|b| b.as_str()),
            issued_at: &t.issued_at,
            called_by: t.called_by.as_ref().map(|w| w.as_str()),
            called_at: t.called_at.as_deref(),
            passed_over: t.passed_over.iter().map(|w| w.as_str()).collect(),
            finished_at: t.finished_at.as_deref(),
            application_no: t.application_no.as_deref(),
        }
    }
}
