//! Window intake (收件, 一窗受理): window staff submit an application for the person in front
//! of their window, for any item a window they are posted at serves, with the materials they
//! scanned there. The application is that person's: their account if they have one, else one
//! the window opens for them (their WeChat account adopts it when they bind the same ID
//! number). The cases route to each department's approvers; results return to the window.
//!
//! Round trips: the staff gate's directory read when stale, one `BatchGetItem` (the item or
//! package and the windows' halls; a package's items in a second), the scans' records, the
//! person's identity claim (`GetItem`; with none, the transaction opening their account),
//! then the submission's transaction with its audit record.

use crate::App;
use crate::subject::{self, Named, Reader};
use crate::submit::{Ready, SubmitBody, last4, submit};
use api::audit::Actor;
use api::http::{self, Response};
use api::{ApiError, Code, idempotency};
use lambda_http::Request;
use model::application::view::Viewer;
use model::application::{Delivery, DeliveryMethod, Intake};
use model::catalog::Hall;
use model::staff::{StaffRole, WindowId};
use model::{FieldErrors, HallId, IdNumber, Identity, Phone, RealName};
use serde::Deserialize;
use store::citizens::identity_key;

/// The person in front of the window, as the window staff read it from their ID card.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApplicantBody {
    real_name: String,
    id_number: String,
    phone: String,
}

/// The first of the caller's windows whose group serves every item of the subject.
fn serving_window<'a>(windows: &'a [WindowId], halls: &[Hall], items: &[model::catalog::Item]) -> Option<&'a WindowId> {
    windows.iter().find(|w| {
        let group = halls
            .iter()
            .filter(|h| h.hall_id == w.hall())
            .flat_map(|h| h.windows.iter())
            .find(|g| g.code == w.code());
        group.is_some_and(|g| items.iter().all(|i| g.item_codes.contains(&i.code)))
    })
}

/// What a window's intake and a station's 代办 check alike: the person named, the subject
/// one of the caller's windows serves, the form, the delivery and the materials they scanned.
pub struct Prepared {
    pub identity: Identity,
    pub read: crate::subject::Read,
    pub window: WindowId,
    pub form: serde_json::Map<String, serde_json::Value>,
    pub delivery: Option<Delivery>,
    pub uploads: Vec<model::application::Upload>,
    pub claim: Option<store::idempotency::Claim>,
}

/// Checks a staff member's submission for the person in front of them (`channel` as the
/// route expects it); every bad field is named at once.
pub async fn prepare(app: &App, req: &Request, actor: &Actor, body: &SubmitBody) -> Result<Prepared, ApiError> {
    let Some(applicant) = &body.applicant else {
        return Err(ApiError::field("applicant", "须填写申请人的姓名、身份证号和手机号"));
    };
    if body.enterprise.is_some() {
        return Err(ApiError::field(
            "enterprise",
            "以企业身份办理须由企业的法定代表人或经办人在线申报",
        ));
    }
    let mut errors = FieldErrors::default();
    let real_name = errors.check("applicant.realName", applicant.real_name.parse::<RealName>());
    let id_number = errors.check("applicant.idNumber", applicant.id_number.parse::<IdNumber>());
    let phone = errors.check("applicant.phone", applicant.phone.parse::<Phone>());
    let claim = idempotency::claim(req, actor.id.as_str(), req.body().as_ref())?;
    let named = Named::parse(body.item_code.as_deref(), body.package_code.as_deref())?;
    let mut halls: Vec<HallId> = actor.windows.iter().map(WindowId::hall).collect();
    halls.sort();
    halls.dedup();
    let read = subject::read(app, Reader::Window(&halls), &named).await?;
    let window = serving_window(&actor.windows, &read.halls, &read.subject.items)
        .cloned()
        .ok_or_else(|| ApiError::with_message(Code::Forbidden, "您所在的窗口不办理该事项"))?;
    let form = model::form::check(&read.subject.form, &body.form, &mut errors);
    // Taken in at a window, the result comes back to it unless the person asks for mail.
    let delivery = crate::submit::delivery(body.delivery.as_ref(), &mut errors).or(Some(Delivery {
        method: DeliveryMethod::Window,
        address: None,
    }));
    let uploads = crate::materials::check(
        app,
        actor.id.as_str(),
        &read.subject.items,
        &body.materials,
        &mut errors,
    )
    .await?;
    let identity = errors.done(
        real_name
            .zip(id_number)
            .zip(phone)
            .map(|((real_name, id_number), phone)| Identity {
                real_name,
                id_number,
                phone,
            }),
    )?;
    Ok(Prepared {
        identity,
        read,
        window,
        form,
        delivery,
        uploads,
        claim,
    })
}

pub async fn take_in(app: &App, req: &Request, actor: Actor) -> Result<Response, ApiError> {
    let body: SubmitBody = http::json_body(req)?;
    if body.channel.as_deref() == Some("proxy") {
        return crate::proxy::request(app, req, actor, body).await;
    }
    if !actor.has(StaffRole::Window) {
        return Err(ApiError::forbidden());
    }
    if body.channel.as_deref() != Some("window") {
        return Err(ApiError::field("channel", "窗口收件应为window"));
    }
    let p = prepare(app, req, &actor, &body).await?;
    let (identity, window) = (p.identity, p.window);

    // Everything checked: now the person's account, opened if they have none.
    let now = app.clock.now();
    let key = identity_key(&app.identity_key.get().await?, &identity.id_number);
    let owner = app.citizens.account_for(&key, &identity, now).await?;
    let audit = app
        .trail
        .item(&actor.record("application.intake", format!("window:{window}"), now))?;
    tracing::info!(window = %window, citizen = %owner, id_number = %identity.id_number, "taken in at a window");
    let ready = Ready {
        owner,
        given: model::application::Submission {
            form: p.form,
            materials: body.materials,
            phone_last4: last4(identity.phone.expose()),
            delivery: p.delivery,
            enterprise: None,
            helper: None,
        },
        subject: p.read.subject,
        uploads: p.uploads,
        claim: p.claim,
        intake: Some(Intake {
            window_id: window,
            staff: actor.id.to_string(),
        }),
        audit: Some(audit),
        proxy: false,
        precondition: None,
        viewer: Viewer::Staff,
    };
    submit(app, ready).await
}
