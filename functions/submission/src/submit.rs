//! `POST /v1/applications`: an item or a 一件事 package, one form, one set of materials, one
//! submission that fans out into one case per item.

use crate::App;
use crate::subject::{self, Named};
use api::http::{self, Response};
use api::{ApiError, Code, idempotency};
use lambda_http::Request;
use model::FieldErrors;
use model::application::view::{self, Viewer};
use model::application::{ApplicationNo, MaterialRef, Submission, View};
use model::time::local;
use serde::Deserialize;
use store::applications::{Change, Committed};
use store::idempotency::Claim;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SubmitBody {
    #[serde(default)]
    item_code: Option<String>,
    #[serde(default)]
    package_code: Option<String>,
    #[serde(default)]
    form: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    materials: Vec<MaterialRef>,
}

pub async fn create(app: &App, req: &Request) -> Result<Response, ApiError> {
    let citizen = app.verifier.citizen(req)?;
    let body: SubmitBody = http::json_body(req)?;
    let claim = idempotency::claim(req, citizen.as_str(), req.body().as_ref())?;
    let named = Named::parse(body.item_code.as_deref(), body.package_code.as_deref())?;
    let (who, subject) = subject::read(app, &citizen, &named).await?;
    let phone = who
        .and_then(|c| c.identity)
        .map(|i| i.phone)
        .ok_or_else(|| ApiError::code(Code::IdentityRequired))?;
    let mut errors = FieldErrors::default();
    let form = model::form::check(&subject.form, &body.form, &mut errors);
    let uploads = crate::materials::check(app, &citizen, &subject.items, &body.materials, &mut errors).await?;
    errors.finish()?;

    // A key used before is answered before any file is tagged: the first answer, or 422.
    if let Some(claim) = &claim
        && let Some(recorded) = app.applications.recorded(claim).await?
    {
        return replay(app, claim, Some(recorded)).await;
    }
    crate::materials::attach(app, &uploads).await?;
    let now = app.clock.now();
    let given = Submission {
        form,
        materials: body.materials,
        phone_last4: phone
            .get(phone.len().saturating_sub(4)..)
            .unwrap_or_default()
            .to_owned(),
    };
    for _ in 0..3 {
        let no = ApplicationNo::generate(local(now).date());
        let v = View::submit(no.clone(), citizen.clone(), &subject, given.clone(), now);
        let change = Change::submitted(&v, claim.as_ref())
            .ok_or_else(|| ApiError::internal("a submission without its entry", std::io::Error::other("entry")))?;
        match app.applications.commit(&change, now).await? {
            Committed::Done => {
                tracing::info!(application = %no, subject = %subject.code, cases = v.cases.len(), "submitted");
                api::metrics::count(api::metrics::Metric::Submissions, 1);
                return Ok(http::json_response(
                    201,
                    &view::present(&v, local(now).date(), app.calendar, Viewer::Applicant),
                ));
            }
            // Another number was drawn at the same moment: draw again.
            Committed::Stale => continue,
            Committed::KeyUsed => {
                let Some(claim) = &claim else {
                    return Err(ApiError::code(Code::IdempotencyKeyReused));
                };
                return replay(app, claim, app.applications.recorded(claim).await?).await;
            }
        }
    }
    Err(ApiError::internal(
        "drawing an application number",
        std::io::Error::other("three collisions"),
    ))
}

/// The first answer to a key used before with the same body; 422 with another.
async fn replay(
    app: &App,
    claim: &Claim,
    recorded: Option<store::idempotency::Recorded>,
) -> Result<Response, ApiError> {
    let no: ApplicationNo = idempotency::replay(claim, recorded)?
        .parse()
        .map_err(|e| ApiError::internal("a stored application number", e))?;
    let v = app.applications.view(&no).await?.ok_or_else(ApiError::not_found)?;
    Ok(http::json_response(
        201,
        &view::present(&v, local(app.clock.now()).date(), app.calendar, Viewer::Applicant),
    ))
}
