//! How a booking looks to its owner and to staff.

use model::FreeText;
use serde::Serialize;
use store::bookings::Booking;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BookingView<'a> {
    #[serde(skip)]
    citizen_id: &'a str,
    id: &'a str,
    status: &'static str,
    slot_id: &'a str,
    start: &'a str,
    end: &'a str,
    hall_id: &'a str,
    hall_name: &'a str,
    window_code: &'a str,
    item_code: &'a str,
    item_name: &'a str,
    verification_code: &'a str,
    created_at: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    queue_number: Option<&'a str>,
    /// The hall's ticket for the visit, from check-in.
    #[serde(skip_serializing_if = "Option::is_none")]
    ticket_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    completed_at: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    checked_in_at: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cancelled_at: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cancel_reason: Option<&'a FreeText>,
    /// The enterprise the visit is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    enterprise: Option<&'a model::enterprise::Acting>,
}

impl BookingView<'_> {
    /// The view for `viewer`: a booking of someone else's (an enterprise's list) shows no
    /// verification code.
    pub fn for_viewer(mut self, viewer: &model::CitizenId) -> Self {
        if self.citizen_id != viewer.as_str() {
            self.verification_code = "";
        }
        self
    }
}

impl<'a> From<&'a Booking> for BookingView<'a> {
    fn from(b: &'a Booking) -> Self {
        BookingView {
            citizen_id: b.citizen_id.as_str(),
            id: b.id.as_str(),
            status: b.status.as_str(),
            slot_id: b.slot_id.as_str(),
            start: &b.start,
            end: &b.end,
            hall_id: b.hall_id.as_str(),
            hall_name: &b.hall_name,
            window_code: &b.window_code,
            item_code: b.item_code.as_str(),
            item_name: &b.item_name,
            verification_code: &b.verification_code,
            created_at: &b.created_at,
            queue_number: b.queue_number.as_deref(),
            ticket_id: b.ticket_id.as_ref().map(|t| t.as_str()),
            completed_at: b.completed_at.as_deref(),
            checked_in_at: b.checked_in_at.as_deref(),
            cancelled_at: b.cancelled_at.as_deref(),
            cancel_reason: b.cancel_reason.as_ref(),
            enterprise: b.enterprise.as_ref(),
        }
    }
}
