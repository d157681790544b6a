//! The citizen's side: their cases with the whole timeline, and rating the reply (回访);
//! `unsatisfied` the first time sends the case back to its desk (重办).

use crate::App;
use crate::view::OwnView;
use api::http::{self, Page, Response};
use api::{ApiError, Code};
use lambda_http::Request;
use model::feedback::{self, Feedback, FeedbackNo, Satisfaction};
use model::{CitizenId, FieldErrors, FreeText};
use serde::Deserialize;
use store::feedback::Written;

/// The citizen's own case; another's is 404, as if it did not exist.
async fn own(app: &App, citizen: &CitizenId, no: &FeedbackNo) -> Result<Feedback, ApiError> {
    app.feedback
        .get(no)
        .await?
        .filter(|f| &f.citizen_id == citizen)
        .ok_or_else(ApiError::not_found)
}

/// `GET /v1/me/feedback`: newest first.
pub async fn list(app: &App, req: &Request) -> Result<Response, ApiError> {
    let citizen = app.verifier.citizen(req).await?;
    let page = Page::from_request(req, &app.cursors, &[citizen.as_str()]).await?;
    let (cases, next) = app
        .feedback
        .of_citizen(&citizen, page.cursor.as_ref(), page.limit)
        .await?;
    http::ok(&page.list(cases.iter().map(OwnView::from).collect(), next).await?)
}

/// `GET /v1/feedback/{no}`.
pub async fn get(app: &App, req: &Request) -> Result<Response, ApiError> {
    let citizen = app.verifier.citizen(req).await?;
    let no: FeedbackNo = http::path(req, "no")?;
    http::ok(&OwnView::from(&own(app, &citizen, &no).await?))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RateBody {
    result: String,
    #[serde(default)]
    comment: Option<String>,
}

/// `POST /v1/feedback/{no}/rating`: after the reply, once (twice when the first reopened it).
pub async fn rate(app: &App, req: &Request) -> Result<Response, ApiError> {
    let citizen = app.verifier.citizen(req).await?;
    let no: FeedbackNo = http::path(req, "no")?;
    let body: RateBody = http::json_body(req)?;
    let mut errors = FieldErrors::default();
    let result = errors.check("result", body.result.parse::<Satisfaction>());
    let comment = errors.check(
        "comment",
        FreeText::optional(body.comment.as_deref(), feedback::COMMENT_CHARS),
    );
    let (result, comment) = errors.done(result.zip(comment))?;
    let mut case = own(app, &citizen, &no).await?;
    let read = case.version;
    let now = app.clock.now();
    case.rate(result, comment, now, app.calendar)
        .map_err(|_| ApiError::code(Code::InvalidTransition))?;
    match app
        .feedback
        .step(&case, read, case.notice(now).as_ref(), None, now)
        .await?
    {
        Written::Done => {
            tracing::info!(feedback = %no, reopened = case.status.is_open(), "rated");
            http::ok(&OwnView::from(&case))
        }
        Written::Stale | Written::KeyUsed => Err(ApiError::code(Code::VersionConflict)),
    }
}
