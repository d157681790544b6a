//! Rating a completed application (一事一评) or a hall visit after check-in (一次一评), once;
//! and the one follow-up (追评).

use crate::App;
use crate::rating::{OwnView, RateBody, check, comment};
use api::http::{self, Response};
use api::{ApiError, Code};
use lambda_http::Request;
use model::application::{ApplicationNo, Status};
use model::booking::{BookingId, BookingStatus};
use model::evaluation::{Channel, EvaluationId, FollowUp, Rated, Review};
use model::time::rfc3339;
use serde::Deserialize;
use store::evaluations::Written;

/// Writes a new review; 409 `ALREADY_EVALUATED` for a second one.
async fn record(app: &App, review: Review) -> Result<Response, ApiError> {
    match app.evaluations.rate(&review).await? {
        Written::Done => {
            tracing::info!(evaluation = %review.id, rating = review.rating, "rated");
            if model::evaluation::is_bad(review.rating) {
                api::metrics::count(api::metrics::Metric::BadReviewsOpened, 1);
            }
            Ok(http::json_response(201, &OwnView::from(&review)))
        }
        Written::Conflict => Err(ApiError::code(Code::AlreadyEvaluated)),
    }
}

/// `POST /v1/applications/{no}/evaluation`: the owner, once it is completed.
pub async fn application(app: &App, req: &Request) -> Result<Response, ApiError> {
    let citizen = app.verifier.citizen(req).await?;
    let no: ApplicationNo = http::path(req, "no")?;
    let body: RateBody = http::json_body(req)?;
    let given = check(&body, Channel::Online)?;
    let v = app
        .applications
        .view(&no)
        .await?
        .filter(|v| v.application.citizen_id == citizen)
        .ok_or_else(ApiError::not_found)?;
    if v.application.status != Status::Completed {
        return Err(ApiError::code(Code::NotEvaluable));
    }
    let a = &v.application;
    // Who completed it, when the timeline says: the staff the rating is about.
    let staff = v
        .timeline
        .iter()
        .rev()
        .find(|e| e.action == "complete")
        .and_then(|e| e.actor.strip_prefix("staff:"));
    let dept = a
        .dept_codes
        .first()
        .cloned()
        .ok_or_else(|| ApiError::internal("an application without a department", std::io::Error::other("empty")))?;
    let rated = Rated {
        id: EvaluationId::for_application(&no),
        channel: Channel::Online,
        subject: no.to_string(),
        subject_name: a.subject_name.clone(),
        citizen,
        item_codes: v.cases.iter().map(|c| c.item_code.clone()).collect(),
        dept,
        dept_codes: a.dept_codes.clone(),
        hall_id: None,
        window_code: None,
        staff_id: staff.map(|s| s.split('@').next().unwrap_or(s).to_owned()),
        enterprise: a.enterprise.clone(),
    };
    record(app, Review::new(rated, given, app.clock.now(), app.calendar)).await
}

/// `POST /v1/bookings/{id}/evaluation`: the owner, after check-in.
pub async fn visit(app: &App, req: &Request) -> Result<Response, ApiError> {
    let citizen = app.verifier.citizen(req).await?;
    let id: BookingId = http::path(req, "id")?;
    let body: RateBody = http::json_body(req)?;
    let given = check(&body, Channel::InPerson)?;
    let b = app
        .bookings
        .get(&id)
        .await?
        .filter(|b| b.citizen_id == citizen)
        .ok_or_else(ApiError::not_found)?;
    if !matches!(b.status, BookingStatus::CheckedIn | BookingStatus::Completed) {
        return Err(ApiError::code(Code::NotEvaluable));
    }
    let dept = match &b.dept_code {
        Some(dept) => dept.clone(),
        None => {
            app.catalog
                .item(&b.item_code)
                .await?
                .ok_or_else(|| ApiError::internal("a booking's item is gone", std::io::Error::other("missing")))?
                .dept_code
        }
    };
    let rated = Rated::visit(&b, dept);
    record(app, Review::new(rated, given, app.clock.now(), app.calendar)).await
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FollowUpBody {
    comment: String,
}

/// `POST /v1/evaluations/{id}/follow-up`: the one 追评.
pub async fn follow_up(app: &App, req: &Request) -> Result<Response, ApiError> {
    let citizen = app.verifier.citizen(req).await?;
    let id: EvaluationId = http::path(req, "id")?;
    let body: FollowUpBody = http::json_body(req)?;
    let text = comment(Some(&body.comment))
        .map_err(|e| ApiError::field("comment", e))?
        .ok_or_else(|| ApiError::field("comment", "必填"))?;
    let review = app
        .evaluations
        .get(&id)
        .await?
        .filter(|r| r.citizen_id == citizen)
        .ok_or_else(ApiError::not_found)?;
    let f = FollowUp {
        comment: text,
        at: rfc3339(app.clock.now()),
    };
    match app.evaluations.follow_up(&id, &f).await? {
        Written::Done => {
            let mut done = review;
            done.follow_up = Some(f);
            Ok(http::json_response(201, &OwnView::from(&done)))
        }
        Written::Conflict => Err(ApiError::with_message(Code::AlreadyEvaluated, "已追评过")),
    }
}
