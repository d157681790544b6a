//! What a booking request reads before it writes: the citizen, the hall and the item, in
//! one batched read, and the checks that turn a slot id into a bookable slot.

use crate::App;
use api::ApiError;
use api::Code;
use model::booking::{self, OutsideWindow, Slot, SlotId};
use model::catalog::{Hall, Item, Window};
use model::{CitizenId, HallId, ItemCode};
use store::citizens::Citizen;

/// The citizen, hall and item a booking request names, as far as they exist.
pub struct Context {
    pub citizen: Option<Citizen>,
    pub hall: Option<Hall>,
    pub item: Option<Item>,
}

/// One `BatchGetItem` across the citizens and catalog tables for whichever of the three the
/// request needs.
pub async fn load(
    app: &App,
    citizen: Option<&CitizenId>,
    hall: &HallId,
    item: Option<&ItemCode>,
) -> Result<Context, ApiError> {
    let mut batch = app.catalog.batch();
    let hall = app.catalog.hall_in(&mut batch, hall);
    let item = item.map(|code| app.catalog.item_in(&mut batch, code));
    let citizen = citizen.map(|id| app.citizens.citizen_in(&mut batch, id));
    let mut got = batch.send("reading the booking's hall, item and citizen").await?;
    Ok(Context {
        hall: got.take(hall)?,
        item: item.map(|t| got.take(t)).transpose()?.flatten(),
        citizen: citizen.map(|t| got.take(t)).transpose()?.flatten(),
    })
}

/// The person behind a citizen's account, or 403 `IDENTITY_REQUIRED`.
pub fn person(citizen: Option<&Citizen>) -> Result<String, ApiError> {
    citizen
        .filter(|c| c.identity.is_some())
        .and_then(|c| c.id_key.clone())
        .ok_or_else(|| ApiError::code(Code::IdentityRequired))
}

/// A slot the hall really has, whose window serves the item, inside the booking window.
pub fn bookable_slot<'h>(
    app: &App,
    hall: Option<&'h Hall>,
    item: Option<&'h Item>,
    id: &SlotId,
) -> Result<(&'h Hall, Slot, &'h Window, &'h Item), ApiError> {
    let hall = hall.ok_or_else(|| ApiError::field("slotId", "时段所属大厅不存在"))?;
    let item = item.ok_or_else(|| ApiError::field("itemCode", "事项不存在"))?;
    let slot = booking::find_slot(hall, id, app.calendar)
        .ok_or_else(|| ApiError::field("slotId", "该大厅当天没有这个时段"))?;
    let window = booking::window_of(hall, id).ok_or_else(|| ApiError::field("slotId", "窗口不存在"))?;
    if !item.bookable {
        return Err(ApiError::field("itemCode", "该事项无需预约"));
    }
    if !booking::serves(window, &item.code) {
        return Err(ApiError::field("itemCode", "该时段的窗口不办理此事项"));
    }
    let now = app.clock.now();
    booking::check_window(hall, slot.start, now, app.calendar).map_err(|why| {
        let latest = app
            .calendar
            .add_working_days(model::time::local(now).date(), hall.booking.window_working_days);
        ApiError::code(Code::OutsideBookingWindow).with_details(serde_json::json!({
            "reason": match why { OutsideWindow::TooSoon => "too_soon", OutsideWindow::TooFar => "too_far" },
            "leadMinutes": hall.booking.lead_minutes,
            "lastBookableDate": latest.strftime("%Y-%m-%d").to_string(),
        }))
    })?;
    Ok((hall, slot, window, item))
}
