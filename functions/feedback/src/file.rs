//! `POST /v1/feedback`: a citizen files a case, and it lands on the desk of what it is
//! about: a department (named, or the one of an application or an item), a hall (named, or
//! the one of a booking), the supervisors for a complaint about staff conduct, or dispatch
//! when it names nothing.
//!
//! Round trips: the read that resolves `about` (one `GetItem` or `Query`; none when it names
//! nothing), and one transaction. An `Idempotency-Key` replay adds two reads.

use crate::App;
use crate::view::OwnView;
use api::http::{self, Response};
use api::{ApiError, idempotency};
use lambda_http::Request;
use model::feedback::{self, About, Desk, Feedback, FeedbackNo, Filed, Kind, Source};
use model::{CitizenId, DeptCode, FieldErrors, FreeText, HallId};
use serde::Deserialize;
use store::feedback::Written;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Body {
    kind: String,
    content: String,
    #[serde(default)]
    about: Option<serde_json::Value>,
    #[serde(default)]
    conduct: bool,
    #[serde(default)]
    anonymous: bool,
}

/// The body, parsed: every bad field named at once.
fn parse(body: &Body) -> Result<Filed, ApiError> {
    let mut errors = FieldErrors::default();
    let kind = errors.check("kind", body.kind.parse::<Kind>());
    let content = errors.check("content", FreeText::parse(&body.content, feedback::CONTENT_CHARS));
    let about = match &body.about {
        Some(raw) if !raw.is_null() => errors.check("about", About::parse(raw)).map(Some),
        _ => Some(None),
    };
    if body.conduct && kind.is_some_and(|k| k != Kind::Complaint) {
        errors.add("conduct", "仅投诉可标记为行政效能投诉");
    }
    let ((kind, content), about) = errors.done(kind.zip(content).zip(about))?;
    Ok(Filed {
        kind,
        content,
        about,
        conduct: body.conduct,
        anonymous: body.anonymous,
        source: Source::MiniProgram,
    })
}

/// The department and hall a case concerns, from what it names. Something the citizen
/// cannot name (another's application or booking, an unknown code) is a 400 on `about`,
/// the same whether it exists or not.
async fn concerns(
    app: &App,
    citizen: &CitizenId,
    about: Option<&About>,
) -> Result<(Option<DeptCode>, Option<HallId>), ApiError> {
    let unknown = |what: &str| ApiError::field(&format!("about.{what}"), "未找到，请核对编号");
    Ok(match about {
        None => (None, None),
        Some(About::ApplicationNo(no)) => {
            let a = app
                .applications
                .application(no)
                .await?
                .filter(|a| &a.citizen_id == citizen)
                .ok_or_else(|| unknown("applicationNo"))?;
            (a.dept_codes.first().cloned(), None)
        }
        Some(About::BookingId(id)) => {
            let b = app
                .bookings
                .get(id)
                .await?
                .filter(|b| &b.citizen_id == citizen)
                .ok_or_else(|| unknown("bookingId"))?;
            (b.dept_code, Some(b.hall_id))
        }
        Some(About::DeptCode(code)) => {
            let mut batch = app.catalog.batch();
            let dept = app.catalog.dept_in(&mut batch, code);
            let mut got = batch.send("reading a department").await?;
            let d = got.take(dept)?.ok_or_else(|| unknown("deptCode"))?;
            (Some(d.code), None)
        }
        Some(About::ItemCode(code)) => {
            let item = app.catalog.item(code).await?.ok_or_else(|| unknown("itemCode"))?;
            (Some(item.dept_code), None)
        }
        Some(About::HallId(id)) => {
            let hall = app.catalog.hall(id).await?.ok_or_else(|| unknown("hallId"))?;
            (None, Some(hall.hall_id))
        }
    })
}

/// The desk a case starts on.
fn desk_for(filed: &Filed, concerns: &(Option<DeptCode>, Option<HallId>)) -> Desk {
    if filed.conduct {
        return Desk::Supervision;
    }
    // A booking names both: the hall that received the visitor answers for it.
    match (filed.about.as_ref(), concerns) {
        (Some(About::BookingId(_) | About::HallId(_)), (_, Some(h))) => Desk::Hall(h.clone()),
        (Some(_), (Some(d), _)) => Desk::Dept(d.clone()),
        _ => Desk::Dispatch,
    }
}

pub async fn file(app: &App, req: &Request) -> Result<Response, ApiError> {
    let citizen = app.verifier.citizen(req).await?;
    let body: Body = http::json_body(req)?;
    let filed = parse(&body)?;
    let claim = idempotency::claim(req, citizen.as_str(), req.body().as_ref())?;
    let concerns = concerns(app, &citizen, filed.about.as_ref()).await?;
    let desk = desk_for(&filed, &concerns);
    let now = app.clock.now();
    let no = FeedbackNo::generate(app.today());
    let case = Feedback::file(no, citizen, filed, desk, concerns, now, app.calendar);
    match app
        .feedback
        .file(&case, claim.as_ref(), case.notice(now).as_ref(), now)
        .await?
    {
        Written::Done => {
            tracing::info!(feedback = %case.no, kind = ?case.kind, desk = %case.desk, "filed");
            Ok(http::json_response(201, &OwnView::from(&case)))
        }
        Written::KeyUsed => {
            let claim =
                claim.ok_or_else(|| ApiError::internal("a key refused without one", std::io::Error::other("key")))?;
            let created = idempotency::replay(&claim, app.feedback.recorded(&claim).await?)?;
            let first: FeedbackNo = created.parse().map_err(|e| ApiError::internal("a stored number", e))?;
            let f = app.feedback.get(&first).await?.ok_or_else(ApiError::not_found)?;
            Ok(http::json_response(201, &OwnView::from(&f)))
        }
        // A random number taken: astronomically rare, and a retry draws another.
        Written::Stale => Err(ApiError::code(api::Code::VersionConflict)),
    }
}
