//! Rating a completed application (一事一评) or a hall visit after check-in (一次一评), once;
//! and the one follow-up (追评).

use crate::App;
use lambda_http::Request;
use serde::{Deserialize, Serialize};
use shared::ApiError;
use shared::domain::application::{ApplicationNo, Status};
use shared::domain::booking::{BookingId, BookingStatus};
use shared::domain::evaluation::{self, Channel, EvaluationId, RECTIFY_DAYS, ReviewStatus, VERIFY_DAYS};
use shared::domain::time::{local, rfc3339};
use shared::domain::{CitizenId, DeptCode, FreeText, Invalid, ItemCode};
use shared::error::{Code, FieldErrors};
use shared::http::{self, Response};
use shared::store::evaluations::{FollowUp, Review, WriteError};
use std::collections::BTreeMap;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RateBody {
    rating: i64,
    /// Values are read by hand, so a key the client chose never reaches an error's path.
    #[serde(default)]
    indicators: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    comment: Option<String>,
    #[serde(default)]
    anonymous: bool,
}

/// What the citizen sees of their review.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OwnView<'a> {
    id: &'a str,
    channel: Channel,
    subject_name: &'a str,
    rating: u8,
    indicators: &'a BTreeMap<String, u8>,
    tags: &'a [String],
    comment: Option<&'a FreeText>,
    anonymous: bool,
    status: &'static str,
    created_at: &'a str,
    follow_up: Option<&'a FollowUp>,
}

impl<'a> From<&'a Review> for OwnView<'a> {
    fn from(r: &'a Review) -> Self {
        OwnView {
            id: r.id.as_str(),
            channel: r.channel,
            subject_name: &r.subject_name,
            rating: r.rating,
            indicators: &r.indicators,
            tags: &r.tags,
            comment: r.comment.as_ref(),
            anonymous: r.anonymous,
            status: r.status.as_str(),
            created_at: &r.created_at,
            follow_up: r.follow_up.as_ref(),
        }
    }
}

/// A comment: at most 500 characters, nothing hidden in it.
pub(crate) fn comment(raw: Option<&str>) -> Result<Option<FreeText>, Invalid> {
    FreeText::optional(raw, 500).map_err(|_| Invalid::new("评价内容不超过500字，且不含不可见字符"))
}

/// The checked parts of a rating.
struct Checked {
    rating: u8,
    indicators: BTreeMap<String, u8>,
    tags: Vec<String>,
    comment: Option<FreeText>,
}

fn check(body: &RateBody, channel: Channel) -> Result<Checked, ApiError> {
    let mut errors = FieldErrors::default();
    let rating = u8::try_from(body.rating).ok().filter(|r| evaluation::valid_rating(*r));
    if rating.is_none() {
        errors.add("rating", "评分应为1-5的整数");
    }
    // Problems are reported under the indicator's own (national) name, or as `indicators`
    // for a name that is not one: a key the client chose is never quoted back.
    let mut indicators = BTreeMap::new();
    for (name, value) in &body.indicators {
        let Some(known) = channel.indicators().iter().find(|i| **i == name.as_str()) else {
            errors.add(
                "indicators",
                format!("含有不支持的指标，指标应为{}之一", channel.indicators().join("、")),
            );
            continue;
        };
        match value
            .as_u64()
            .and_then(|v| u8::try_from(v).ok())
            .filter(|v| evaluation::valid_rating(*v))
        {
            Some(v) => {
                indicators.insert((*known).to_owned(), v);
            }
            None => errors.add(&format!("indicators.{known}"), "评分应为1-5的整数"),
        }
    }
    if let Some(r) = rating {
        let offered = evaluation::tags(r);
        if body.tags.len() > offered.len() || body.tags.iter().any(|t| !offered.contains(&t.as_str())) {
            errors.add("tags", format!("该评分可选标签：{}", offered.join("、")));
        } else if body
            .tags
            .iter()
            .enumerate()
            .any(|(i, t)| body.tags.iter().take(i).any(|o| o == t))
        {
            errors.add("tags", "标签不能重复");
        }
    }
    let comment = errors.check("comment", comment(body.comment.as_deref()));
    let (rating, comment) = errors.done(rating.zip(comment))?;
    Ok(Checked {
        rating,
        indicators,
        tags: body.tags.clone(),
        comment,
    })
}

/// Writes a new review; 409 `ALREADY_EVALUATED` for a second one.
async fn record(app: &App, review: Review) -> Result<Response, ApiError> {
    match app.evaluations.rate(&review).await {
        Ok(()) => {
            tracing::info!(evaluation = %review.id, rating = review.rating, "rated");
            if shared::domain::evaluation::is_bad(review.rating) {
                shared::metrics::count(shared::metrics::Metric::BadReviewsOpened, 1);
            }
            Ok(http::json_response(201, &OwnView::from(&review)))
        }
        Err(WriteError::Conflict) => Err(ApiError::code(Code::AlreadyEvaluated)),
        Err(WriteError::Store(e)) => Err(e),
    }
}

/// What was rated: the service instance and who and what it involved.
struct Rated {
    id: EvaluationId,
    channel: Channel,
    subject: String,
    subject_name: String,
    citizen: CitizenId,
    item_codes: Vec<ItemCode>,
    dept: DeptCode,
    dept_codes: Vec<DeptCode>,
    hall_id: Option<String>,
    window_code: Option<String>,
    staff_id: Option<String>,
}

/// The review of a rating: a 差评 starts its workflow with its due dates, a good one is closed.
fn review(app: &App, rated: Rated, c: Checked, anonymous: bool) -> Review {
    let now = app.clock.now();
    let today = local(now).date();
    let bad = evaluation::is_bad(c.rating);
    let due = |days| {
        bad.then(|| {
            app.calendar
                .add_working_days(today, days)
                .strftime("%Y-%m-%d")
                .to_string()
        })
    };
    Review {
        id: rated.id,
        channel: rated.channel,
        subject: rated.subject,
        subject_name: rated.subject_name,
        citizen_id: rated.citizen,
        anonymous,
        rating: c.rating,
        indicators: c.indicators,
        tags: c.tags,
        comment: c.comment,
        follow_up: None,
        item_codes: rated.item_codes,
        dept: rated.dept,
        dept_codes: rated.dept_codes,
        hall_id: rated.hall_id,
        window_code: rated.window_code,
        staff_id: rated.staff_id,
        month: today.strftime("%Y-%m").to_string(),
        created_at: rfc3339(now),
        status: if bad {
            ReviewStatus::PendingVerification
        } else {
            ReviewStatus::Closed
        },
        verify_due: due(VERIFY_DAYS),
        rectify_due: due(RECTIFY_DAYS),
        steps: vec![],
        version: 1,
    }
}

/// `POST /v1/applications/{no}/evaluation`: the owner, once it is completed.
pub async fn application(app: &App, req: &Request) -> Result<Response, ApiError> {
    let citizen = app.verifier.citizen(req)?;
    let no: ApplicationNo = http::path(req, "no")?;
    let body: RateBody = http::json_body(req)?;
    let checked = check(&body, Channel::Online)?;
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
    };
    let review = review(app, rated, checked, body.anonymous);
    record(app, review).await
}

/// `POST /v1/bookings/{id}/evaluation`: the owner, after check-in.
pub async fn visit(app: &App, req: &Request) -> Result<Response, ApiError> {
    let citizen = app.verifier.citizen(req)?;
    let id: BookingId = http::path(req, "id")?;
    let body: RateBody = http::json_body(req)?;
    let checked = check(&body, Channel::InPerson)?;
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
    let rated = Rated {
        id: EvaluationId::for_booking(&id),
        channel: Channel::InPerson,
        subject: id.to_string(),
        subject_name: format!("{}（{}）", b.item_name, b.hall_name),
        citizen,
        item_codes: vec![b.item_code.clone()],
        dept: dept.clone(),
        dept_codes: vec![dept],
        hall_id: Some(b.hall_id.to_string()),
        window_code: Some(b.window_code.clone()),
        staff_id: b.checked_in_by.clone(),
    };
    let review = review(app, rated, checked, body.anonymous);
    record(app, review).await
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FollowUpBody {
    comment: String,
}

/// `POST /v1/evaluations/{id}/follow-up`: the one 追评.
pub async fn follow_up(app: &App, req: &Request) -> Result<Response, ApiError> {
    let citizen = app.verifier.citizen(req)?;
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
    match app.evaluations.follow_up(&id, &f).await {
        Ok(()) => {
            let mut done = review;
            done.follow_up = Some(f);
            Ok(http::json_response(201, &OwnView::from(&done)))
        }
        Err(WriteError::Conflict) => Err(ApiError::with_message(Code::AlreadyEvaluated, "已追评过")),
        Err(WriteError::Store(e)) => Err(e),
    }
}
