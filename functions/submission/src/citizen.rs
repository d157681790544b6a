//! The applicant's changes: resubmitting after 补正, and withdrawing.

use crate::App;
use crate::change::{commit, load, today};
use api::http::{self, Response};
use api::{ApiError, Code};
use lambda_http::Request;
use model::FieldErrors;
use model::application::view::{self, Viewer};
use model::application::{ApplicationNo, MaterialRef, Plan, Status, Step, View, may_withdraw};
use serde::Deserialize;

/// The caller's application, or 404 (never revealing another's).
async fn own(app: &App, req: &Request) -> Result<View, ApiError> {
    let citizen = app.verifier.citizen(req).await?;
    let no: ApplicationNo = http::path(req, "no")?;
    let v = load(app, &no).await?;
    if v.application.citizen_id != citizen {
        return Err(ApiError::not_found());
    }
    Ok(v)
}

/// A step the applicant took.
fn by_citizen(action: &str) -> Step<'_> {
    Step {
        action,
        actor: "citizen".into(),
        item: None,
        note: None,
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CorrectionBody {
    #[serde(default)]
    form: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    materials: Vec<MaterialRef>,
}

/// `POST /v1/applications/{no}/corrections`: the corrected form fields and materials, merged
/// over what was submitted; every case waiting for them goes back where it was, and a
/// stopped clock runs again with the days it had left.
pub async fn correct(app: &App, req: &Request) -> Result<Response, ApiError> {
    let v = own(app, req).await?;
    let body: CorrectionBody = http::json_body(req)?;
    if v.application.status != Status::CorrectionRequired {
        return Err(ApiError::code(Code::InvalidTransition));
    }
    let mut form = v.application.form.clone();
    form.extend(body.form);
    let mut errors = FieldErrors::default();
    let form = model::form::check(&v.application.form_fields, &form, &mut errors);
    let prefix = format!("materials/{}/", v.application.citizen_id);
    let keys: Vec<String> = body.materials.iter().map(|m| m.object_key.clone()).collect();
    let uploads = crate::materials::owned(app, &prefix, &keys).await?;
    let mut attached = Vec::new();
    for (i, (m, u)) in body.materials.iter().zip(uploads).enumerate() {
        let Some(u) = u.filter(|u| u.uploaded_by == v.application.citizen_id.as_str()) else {
            errors.add(&format!("materials[{i}].objectKey"), "不是您上传的文件");
            continue;
        };
        attached.push(u);
        let asked = v
            .cases
            .iter()
            .any(|c| c.correction_items.iter().any(|i| i.expose() == m.code));
        if !v.application.materials.iter().any(|old| old.code == m.code) && !asked {
            errors.add(&format!("materials[{i}].code"), "该申报没有这项材料");
        }
    }
    errors.finish()?;
    crate::materials::attach(app, &attached).await?;
    let now = app.clock.now();
    let mut plan = Plan::new(v);
    let a = plan.application();
    a.form = form;
    for m in body.materials {
        match a.materials.iter_mut().find(|old| old.code == m.code) {
            Some(old) => *old = m,
            None => a.materials.push(m),
        }
    }
    a.correction = None;
    plan.touch(
        |c| c.status == Status::CorrectionRequired,
        |case| {
            case.status = case.resume_to.take().unwrap_or(Status::Submitted);
            case.correction_items.clear();
            case.resume_clock(now, app.calendar);
        },
    );
    let v = commit(app, plan, by_citizen("resubmit"), None).await?;
    http::ok(&view::present(&v, today(app), app.calendar, Viewer::Applicant))
}

/// `POST /v1/applications/{no}/withdraw`: every open case is withdrawn.
pub async fn withdraw(app: &App, req: &Request) -> Result<Response, ApiError> {
    let v = own(app, req).await?;
    if !may_withdraw(v.application.status) {
        return Err(ApiError::code(Code::InvalidTransition));
    }
    let mut plan = Plan::new(v);
    plan.touch(
        |c| !c.status.is_final(),
        |case| {
            case.status = Status::Withdrawn;
            case.deadline = None;
            case.remaining_days = None;
            case.flag = None;
        },
    );
    let v = commit(app, plan, by_citizen("withdraw"), None).await?;
    http::ok(&view::present(&v, today(app), app.calendar, Viewer::Applicant))
}
