//! `POST /v1/staff/queue/{ticketId}/finish` `{outcome, applicationNo?}`: the window that
//! called a number ends the visit. `served` completes the booking; `absent` makes it a
//! no-show on the person's record (and may ban them, as the sweeper would); `transferred`
//! puts the number back in its place for the other windows.
//!
//! Round trips: 2 (the ticket's `GetItem`, then the transaction), 5 for an absent booked
//! visitor (the booking and hall read at once; after the transaction, the no-show count and
//! perhaps the ban), and the staff gate's directory read when its memory is stale.

use crate::App;
use crate::view::TicketView;
use api::http::{self, Response};
use api::{ApiError, Code};
use lambda_http::Request;
use model::Invalid;
use model::application::ApplicationNo;
use model::queue::{Outcome, TicketId, TicketStatus};
use model::staff::StaffRole;
use serde::Deserialize;
use store::bookings::{Finish, Finished, Visit};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FinishBody {
    outcome: String,
    #[serde(default)]
    application_no: Option<String>,
}

fn outcome(raw: &str) -> Result<Outcome, Invalid> {
    serde_json::from_value(serde_json::Value::String(raw.to_owned()))
        .map_err(|_| Invalid::new("应为served、absent或transferred"))
}

pub async fn finish(app: &App, req: &Request) -> Result<Response, ApiError> {
    let actor = app.gate.staff(&app.verifier, req).await?;
    let id: TicketId = http::path(req, "ticketId")?;
    if !actor.has(StaffRole::Window) {
        return Err(ApiError::forbidden());
    }
    let body: FinishBody = http::json_body(req)?;
    let mut bad = model::FieldErrors::default();
    let outcome = bad.check("outcome", outcome(&body.outcome));
    let application_no = match body.application_no.as_deref() {
        Some(raw) => bad.check("applicationNo", raw.parse::<ApplicationNo>()).map(Some),
        None => Some(None),
    };
    let (outcome, application_no) = bad.done(outcome.zip(application_no))?;
    if application_no.is_some() && outcome != Outcome::Served {
        return Err(ApiError::field("applicationNo", "只有办结的号码才能关联申报件"));
    }

    let t = app.bookings.ticket(&id).await?.ok_or_else(ApiError::not_found)?;
    // Another hall's ticket looks like no ticket.
    if !actor.works_at(&t.hall_id) {
        return Err(ApiError::not_found());
    }
    let window = match &t.called_by {
        Some(w) if t.status == TicketStatus::Called && actor.windows.contains(w) => w.clone(),
        _ => return Err(ApiError::code(Code::AlreadyCalled)),
    };
    let absent = match (&t.booking_id, outcome) {
        (Some(b), Outcome::Absent) => {
            let (booking, hall) = tokio::try_join!(app.bookings.get(b), app.catalog.hall(&t.hall_id))?;
            booking.zip(hall)
        }
        _ => None,
    };
    let visit = match (&t.booking_id, outcome, &absent) {
        (Some(b), Outcome::Served, _) => Visit::Served(b),
        (Some(_), Outcome::Absent, Some((booking, _))) => Visit::Absent(booking),
        _ => Visit::None,
    };

    let now = app.clock.now();
    let action = match outcome {
        Outcome::Served => "queue.served",
        Outcome::Absent => "queue.absent",
        Outcome::Transferred => "queue.transferred",
    };
    let audit = app.trail.item(&actor.record(action, format!("ticket:{id}"), now))?;
    let app_no = application_no.as_ref().map(|n| n.as_str());
    match app
        .bookings
        .finish(
            Finish {
                ticket: &t,
                window: &window,
                outcome,
                application_no: app_no,
                visit,
            },
            audit,
            now,
        )
        .await?
    {
        Finished::Done => {}
        Finished::NotCalled => return Err(ApiError::code(Code::AlreadyCalled)),
    }
    if let (Visit::Absent(b), Some((_, hall))) = (visit, &absent) {
        app.bookings
            .after_no_show(b, &hall.booking, b.slot_id.date(), now)
            .await?;
    }
    tracing::info!(ticket = %id, window = %window, outcome = action, "visit finished");
    let done = t.finished(outcome, &window, application_no.as_ref().map(|n| n.as_str()), now);
    http::ok(&TicketView::from(&done))
}
