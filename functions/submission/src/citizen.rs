//! The applicant's changes: resubmitting after 补正, and withdrawing.

use crate::App;
use crate::change::{Plan, load, refused, resume_clock, today};
use lambda_http::Request;
use serde::Deserialize;
use shared::ApiError;
use shared::domain::application::{ApplicationNo, Status, may_withdraw};
use shared::error::{Code, FieldErrors};
use shared::http::{self, Response};
use shared::store::applications::view::Viewer;
use shared::store::applications::{CommitError, MaterialRef, View, view};

/// The caller's application, or 404 (never revealing another's).
async fn own(app: &App, req: &Request) -> Result<View, ApiError> {
    let citizen = app.verifier.citizen(req)?;
    let no: ApplicationNo = http::path(req, "no")?;
    let v = load(app, &no).await?;
    if v.application.citizen_id != citizen {
        return Err(ApiError::not_found());
    }
    Ok(v)
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
    let form = shared::domain::form::check(&v.application.form_fields, &form, &mut errors);
    let prefix = format!("materials/{}/", v.application.citizen_id);
    let keys: Vec<String> = body.materials.iter().map(|m| m.object_key.clone()).collect();
    let uploads = crate::submit::owned_uploads(app, &prefix, &keys).await?;
    let mut attached = Vec::new();
    for (i, (m, u)) in body.materials.iter().zip(uploads).enumerate() {
        let Some(u) = u.filter(|u| u.citizen_id == v.application.citizen_id) else {
            errors.add(&format!("materials[{i}].objectKey"), "不是您上传的文件");
            continue;
        };
        attached.push(u);
        if !v.application.materials.iter().any(|old| old.code == m.code)
            && !v
                .cases
                .iter()
                .any(|c| c.correction_items.iter().any(|i| i.expose() == m.code))
        {
            errors.add(&format!("materials[{i}].code"), "该申报没有这项材料");
        }
    }
    errors.finish()?;
    crate::submit::attach_all(app, &attached).await?;
    let mut plan = Plan::new(v);
    plan.view.application.form = form;
    for m in body.materials {
        let list = &mut plan.view.application.materials;
        match list.iter_mut().find(|old| old.code == m.code) {
            Some(old) => *old = m,
            None => list.push(m),
        }
    }
    plan.view.application.correction = None;
    plan.touch(
        |c| c.status == Status::CorrectionRequired,
        |case| {
            case.status = case.resume_to.take().unwrap_or(Status::Submitted);
            case.correction_items.clear();
            resume_clock(app, case);
        },
    );
    match plan.commit(app, "resubmit", "citizen".into(), None, None, None).await {
        Ok(v) => http::ok(&view::present(&v, today(app), app.calendar, Viewer::Applicant)),
        Err(CommitError::Stale) => Err(ApiError::code(Code::VersionConflict)),
        Err(e) => Err(refused(e)),
    }
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
    let v = plan
        .commit(app, "withdraw", "citizen".into(), None, None, None)
        .await
        .map_err(refused)?;
    http::ok(&view::present(&v, today(app), app.calendar, Viewer::Applicant))
}
