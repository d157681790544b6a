//! `POST /v1/applications`: an item or a 一件事 package, one form, one set of materials, one
//! submission that fans out into one case per item. A citizen applies online; window staff
//! take one in for the person in front of them ([`crate::intake`]).

use crate::App;
use crate::subject::{self, Named, Reader};
use api::http::{self, Response};
use api::staff::Caller;
use api::{ApiError, Code, idempotency};
use lambda_http::Request;
use model::application::view::{self, Viewer};
use model::application::{
    ApplicationNo, Delivery, DeliveryMethod, Intake, MaterialRef, Subject, Submission, Upload, View,
};
use model::time::local;
use model::{CitizenId, FieldErrors};
use serde::Deserialize;
use store::TransactWriteItem;
use store::applications::{Change, Committed};
use store::idempotency::Claim;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SubmitBody {
    #[serde(default)]
    pub item_code: Option<String>,
    #[serde(default)]
    pub package_code: Option<String>,
    #[serde(default)]
    pub form: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    pub materials: Vec<MaterialRef>,
    /// `online` (the default) or `window` (staff taking it in).
    #[serde(default)]
    pub channel: Option<String>,
    /// The person in front of the window (window intake only).
    #[serde(default)]
    pub applicant: Option<crate::intake::ApplicantBody>,
    /// How the result is to reach the applicant (出件): window pickup unless they say.
    #[serde(default)]
    pub delivery: Option<DeliveryBody>,
    /// The credit code of the enterprise applied for (法人), by its representative or an
    /// agent (online only).
    #[serde(default)]
    pub enterprise: Option<String>,
    /// A station agent's word to the citizen with a 代办 (`channel: proxy` only).
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeliveryBody {
    method: String,
    #[serde(default)]
    address: Option<String>,
}

/// The delivery asked for, checked: mail needs an address (5 to 200 characters), window
/// pickup takes none.
pub fn delivery(raw: Option<&DeliveryBody>, errors: &mut FieldErrors) -> Option<Delivery> {
    let raw = raw?;
    let method = errors.check("delivery.method", raw.method.parse::<DeliveryMethod>())?;
    let address = match (method, raw.address.as_deref()) {
        (DeliveryMethod::Mail, Some(a)) => errors.check(
            "delivery.address",
            model::FreeText::parse(a, 200).and_then(|t| {
                if t.expose().chars().count() < 5 {
                    Err(model::Invalid::new("请填写完整的邮寄地址"))
                } else {
                    Ok(t)
                }
            }),
        )?,
        (DeliveryMethod::Mail, None) => {
            errors.add("delivery.address", "邮寄须填写地址");
            return None;
        }
        (DeliveryMethod::Window, Some(_)) => {
            errors.add("delivery.address", "窗口领取无需地址");
            return None;
        }
        (DeliveryMethod::Window, None) => return Some(Delivery { method, address: None }),
    };
    Some(Delivery {
        method,
        address: Some(address),
    })
}

/// A submission checked and ready to write: whose, what, and what comes with it.
pub struct Ready {
    pub owner: CitizenId,
    pub subject: Subject,
    pub given: Submission,
    pub uploads: Vec<Upload>,
    pub claim: Option<Claim>,
    pub intake: Option<Intake>,
    /// The audit record of a member of staff's intake.
    pub audit: Option<TransactWriteItem>,
    /// Prepared by a station's agent and confirmed by the citizen (代办): `intake` names the
    /// agent and their station's window.
    pub proxy: bool,
    /// What must still hold when it is written, and the answer when it no longer does: the
    /// maker's standing with its enterprise, or the citizen's open consent to a 代办.
    pub precondition: Option<(TransactWriteItem, Code)>,
    pub viewer: Viewer,
}

pub async fn create(app: &App, req: &Request) -> Result<Response, ApiError> {
    match app.gate.caller(&app.verifier, req).await? {
        Caller::Citizen(citizen) => online(app, req, citizen).await,
        Caller::Staff(actor) => crate::intake::take_in(app, req, actor).await,
    }
}

async fn online(app: &App, req: &Request, citizen: CitizenId) -> Result<Response, ApiError> {
    let body: SubmitBody = http::json_body(req)?;
    if body.channel.as_deref().is_some_and(|c| c != "online") {
        return Err(ApiError::field("channel", "网上申报应为online；窗口收件由工作人员提交"));
    }
    if body.applicant.is_some() {
        return Err(ApiError::field("applicant", "仅窗口收件时填写"));
    }
    let claim = idempotency::claim(req, citizen.as_str(), req.body().as_ref())?;
    let named = Named::parse(body.item_code.as_deref(), body.package_code.as_deref())?;
    let read = subject::read(app, Reader::Citizen(&citizen), &named).await?;
    let identity = read
        .citizen
        .as_ref()
        .and_then(|c| c.identity.clone())
        .ok_or_else(|| ApiError::code(Code::IdentityRequired))?;
    // A package asks for the strictest identity any of its items does.
    let required = read
        .subject
        .items
        .iter()
        .map(|i| i.identity_level)
        .max()
        .unwrap_or_default();
    ApiError::unless_identity(Some(identity.level), required)?;
    let phone = identity.phone.clone();
    read.subject
        .audience
        .admits(body.enterprise.is_some())
        .map_err(|e| ApiError::field("enterprise", e.0))?;
    let acting = match body.enterprise.as_deref() {
        Some(raw) => Some(
            api::enterprise::acting(
                &app.enterprises,
                read.citizen.as_ref(),
                raw,
                "enterprise",
                model::LocalDate::new(local(app.clock.now()).date()),
            )
            .await?,
        ),
        None => None,
    };
    let mut errors = FieldErrors::default();
    let form = model::form::check(&read.subject.form, &body.form, &mut errors);
    let delivery = delivery(body.delivery.as_ref(), &mut errors);
    let uploads =
        crate::materials::check(app, citizen.as_str(), &read.subject.items, &body.materials, &mut errors).await?;
    errors.finish()?;
    let ready = Ready {
        given: Submission {
            form,
            materials: body.materials,
            phone_last4: last4(&phone),
            delivery,
            enterprise: acting.as_ref().map(|a| a.acting.clone()),
            helper: acting.as_ref().and_then(|a| a.helper.clone()),
        },
        owner: citizen,
        subject: read.subject,
        uploads,
        claim,
        intake: None,
        audit: None,
        proxy: false,
        precondition: acting.map(|a| (a.condition, Code::EnterpriseNotAuthorized)),
        viewer: Viewer::Applicant,
    };
    submit(app, ready).await
}

/// The last four digits of a phone number: the public lookup's second key.
pub fn last4(phone: &str) -> String {
    phone
        .get(phone.len().saturating_sub(4)..)
        .unwrap_or_default()
        .to_owned()
}

/// Writes a checked submission: its files attached, then one transaction under a fresh
/// application number (drawn again on the rare collision).
pub async fn submit(app: &App, ready: Ready) -> Result<Response, ApiError> {
    // A key used before is answered before any file is tagged: the first answer, or 422.
    if let Some(claim) = &ready.claim
        && let Some(recorded) = app.applications.recorded(claim).await?
    {
        return replay(app, claim, Some(recorded), ready.viewer).await;
    }
    crate::materials::attach(app, &ready.uploads).await?;
    let now = app.clock.now();
    for _ in 0..3 {
        let no = ApplicationNo::generate(local(now).date());
        let mut v = View::submit(
            no.clone(),
            ready.owner.clone(),
            &ready.subject,
            ready.given.clone(),
            now,
        );
        if let Some(intake) = &ready.intake {
            v = if ready.proxy {
                v.proxied(intake.clone())
            } else {
                v.taken_in(intake.clone())
            };
        }
        let change = Change::submitted(&v, ready.claim.as_ref())
            .ok_or_else(|| ApiError::internal("a submission without its entry", std::io::Error::other("entry")))?
            .audited(ready.audit.clone())
            .precondition(ready.precondition.as_ref().map(|(c, _)| c.clone()));
        match app.applications.commit(&change, now).await? {
            Committed::Done => {
                tracing::info!(application = %no, subject = %ready.subject.code, cases = v.cases.len(), channel = ?v.application.channel, "submitted");
                api::metrics::count(api::metrics::Metric::Submissions, 1);
                return Ok(http::json_response(
                    201,
                    &view::present(&v, local(now).date(), app.calendar, ready.viewer),
                ));
            }
            // Another number was drawn at the same moment: draw again.
            Committed::Stale => continue,
            // Revoked, answered or lapsed between the check and the write.
            Committed::Precluded => {
                let code = ready.precondition.as_ref().map_or(Code::VersionConflict, |(_, c)| *c);
                return Err(ApiError::code(code));
            }
            Committed::KeyUsed => {
                let Some(claim) = &ready.claim else {
                    return Err(ApiError::code(Code::IdempotencyKeyReused));
                };
                return replay(app, claim, app.applications.recorded(claim).await?, ready.viewer).await;
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
    viewer: Viewer,
) -> Result<Response, ApiError> {
    let no: ApplicationNo = idempotency::replay(claim, recorded)?
        .parse()
        .map_err(|e| ApiError::internal("a stored application number", e))?;
    let v = app.applications.view(&no).await?.ok_or_else(ApiError::not_found)?;
    Ok(http::json_response(
        201,
        &view::present(&v, local(app.clock.now()).date(), app.calendar, viewer),
    ))
}
