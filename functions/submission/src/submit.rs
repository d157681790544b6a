//! `POST /v1/applications`: an item or a 一件事 package, one form, one set of materials, one
//! submission that fans out into one case per item.

use crate::App;
use crate::change::refused;
use crate::s3::Attach;
use lambda_http::Request;
use serde::Deserialize;
use shared::ApiError;
use shared::domain::application::{ApplicationNo, Status};
use shared::domain::catalog::{FormField, Item, Material, OnlineLevel, Package};
use shared::domain::time::{local, rfc3339};
use shared::domain::{CitizenId, ItemCode, PackageCode};
use shared::error::{Code, FieldErrors};
use shared::http::{self, Response};
use shared::store::applications::view::Viewer;
use shared::store::applications::{
    Application, Case, Change, CommitError, MaterialRef, TimelineEntry, Upload, View, view,
};
use shared::store::{catalog, citizens, from_item, get_many};

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

/// What is being applied for, read from the catalog.
struct Subject {
    kind: &'static str,
    code: String,
    name: String,
    form: Vec<FormField>,
    items: Vec<Item>,
}

fn hash(body: &[u8]) -> String {
    let d = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, body);
    shared::domain::random::hex(d.as_ref())
}

async fn subject(
    app: &App,
    citizen: &CitizenId,
    body: &SubmitBody,
) -> Result<(Option<citizens::Citizen>, Subject), ApiError> {
    let (kind, code) = match (&body.item_code, &body.package_code) {
        (Some(i), None) => (
            "ITEM",
            i.parse::<ItemCode>()
                .map_err(|e| ApiError::field("itemCode", e.0))?
                .to_string(),
        ),
        (None, Some(p)) => (
            "PACKAGE",
            p.parse::<PackageCode>()
                .map_err(|e| ApiError::field("packageCode", e.0))?
                .to_string(),
        ),
        _ => return Err(ApiError::field("itemCode", "itemCode与packageCode须且只须提供一个")),
    };
    let wanted = [
        (app.citizens.table(), citizens::key_of(citizen)),
        (app.catalog.table(), catalog::key_of(kind, &code)),
    ];
    let mut found = get_many(&app.client, &wanted, "reading the citizen and the catalog")
        .await?
        .into_iter();
    let who = found
        .next()
        .flatten()
        .map(|i| from_item(i, "reading a citizen"))
        .transpose()?;
    let record = found.next().flatten();
    let field = if kind == "ITEM" { "itemCode" } else { "packageCode" };
    let record = record.ok_or_else(|| ApiError::field(field, "目录中没有这个编码"))?;
    let subject = if kind == "ITEM" {
        let item: Item = catalog::decode(record, "reading an item")?;
        Subject {
            kind: "item",
            code,
            name: item.name.clone(),
            form: item.application_form(),
            items: vec![item],
        }
    } else {
        let package: Package = catalog::decode(record, "reading a package")?;
        let keys: Vec<(&str, _)> = package
            .item_codes
            .iter()
            .map(|c| (app.catalog.table(), catalog::key_of("ITEM", c.as_str())))
            .collect();
        let items = get_many(&app.client, &keys, "reading a package's items").await?;
        let items: Vec<Item> = items
            .into_iter()
            .map(|i| {
                i.ok_or_else(|| ApiError::internal("a package names a missing item", std::io::Error::other("missing")))
            })
            .map(|i| i.and_then(|i| catalog::decode(i, "reading an item")))
            .collect::<Result<_, _>>()?;
        Subject {
            kind: "package",
            code,
            name: package.name,
            form: package.form,
            items,
        }
    };
    if subject.items.iter().any(|i| i.online_level == OnlineLevel::Offline) {
        return Err(ApiError::field(field, "该事项须到大厅办理，不能网上申报"));
    }
    Ok((who, subject))
}

/// Every required material present, every one known and uploaded by this citizen; all
/// problems reported together with the form's. Returns the upload records, in order.
async fn check_materials(
    app: &App,
    citizen: &CitizenId,
    items: &[Item],
    given: &[MaterialRef],
    errors: &mut FieldErrors,
) -> Result<Vec<Upload>, ApiError> {
    let mut known: Vec<&Material> = Vec::new();
    for m in items.iter().flat_map(|i| &i.materials) {
        if !known.iter().any(|k| k.code == m.code) {
            known.push(m);
        }
    }
    if given.len() > 50 {
        errors.add("materials", "材料不超过50份");
        return Ok(Vec::new());
    }
    let missing: Vec<&str> = known
        .iter()
        .filter(|m| m.required && !given.iter().any(|g| g.code == m.code))
        .map(|m| m.name.as_str())
        .collect();
    if !missing.is_empty() {
        errors.add("materials", format!("缺少材料：{}", missing.join("、")));
    }
    let prefix = format!("materials/{citizen}/");
    let keys: Vec<String> = given.iter().map(|g| g.object_key.clone()).collect();
    let owned = owned_uploads(app, &prefix, &keys).await?;
    let mut uploads = Vec::new();
    for (i, (g, upload)) in given.iter().zip(owned).enumerate() {
        if !known.iter().any(|k| k.code == g.code) {
            errors.add(&format!("materials[{i}].code"), "该事项不需要这项材料");
        } else if given.iter().take(i).any(|o| o.code == g.code) {
            errors.add(&format!("materials[{i}].code"), "同一材料只能提交一份");
        }
        match upload.filter(|u| &u.citizen_id == citizen) {
            Some(u) => uploads.push(u),
            None => errors.add(&format!("materials[{i}].objectKey"), "不是您上传的文件"),
        }
    }
    Ok(uploads)
}

/// Checks each file against what its upload declared and marks it attached; the first that
/// is missing or not what it claims is a 400 naming it.
pub async fn attach_all(app: &App, uploads: &[Upload]) -> Result<(), ApiError> {
    for (i, upload) in uploads.iter().enumerate() {
        match app.files.attach(upload).await? {
            Attach::Attached => {}
            Attach::Missing => return Err(ApiError::field(&format!("materials[{i}].objectKey"), "文件尚未上传")),
            Attach::Mismatch => {
                return Err(ApiError::field(
                    &format!("materials[{i}].objectKey"),
                    "文件的大小、类型或内容与上传时声明的不符",
                ));
            }
        }
    }
    Ok(())
}

/// The upload records of the keys under the caller's prefix; `None` for any other key, which
/// is never looked up.
pub async fn owned_uploads(app: &App, prefix: &str, keys: &[String]) -> Result<Vec<Option<Upload>>, ApiError> {
    let ok = |k: &String| k.starts_with(prefix) && k.len() <= 200;
    let mine: Vec<String> = keys.iter().filter(|k| ok(k)).cloned().collect();
    let mut found = app.applications.uploads(&mine).await?.into_iter();
    Ok(keys
        .iter()
        .map(|k| if ok(k) { found.next().flatten() } else { None })
        .collect())
}

pub async fn create(app: &App, req: &Request) -> Result<Response, ApiError> {
    let citizen = app.verifier.citizen(req)?;
    let body: SubmitBody = http::json_body(req)?;
    let idem = http::idempotency_key(req)?;
    let request_hash = hash(req.body().as_ref());
    let (who, subject) = subject(app, &citizen, &body).await?;
    let phone = who
        .and_then(|c| c.identity)
        .map(|i| i.phone)
        .ok_or_else(|| ApiError::code(Code::IdentityRequired))?;
    let mut errors = FieldErrors::default();
    let form = shared::domain::form::check(&subject.form, &body.form, &mut errors);
    let uploads = check_materials(app, &citizen, &subject.items, &body.materials, &mut errors).await?;
    errors.finish()?;

    if let Some(key) = &idem
        && let Some(done) = replay(app, &citizen, key, &request_hash).await?
    {
        return Ok(done);
    }
    attach_all(app, &uploads).await?;
    let now = app.clock.now();
    let at = rfc3339(now);
    for _ in 0..3 {
        let no = ApplicationNo::generate(local(now).date());
        let application = Application {
            application_no: no.clone(),
            citizen_id: citizen.clone(),
            subject_kind: subject.kind.to_owned(),
            subject_code: subject.code.clone(),
            subject_name: subject.name.clone(),
            dept_codes: subject.items.iter().map(|i| i.dept_code.clone()).collect(),
            status: Status::Submitted,
            version: 1,
            form: form.clone(),
            form_fields: subject.form.clone(),
            materials: body.materials.clone(),
            phone_last4: phone
                .get(phone.len().saturating_sub(4)..)
                .unwrap_or_default()
                .to_owned(),
            submitted_at: at.clone(),
            updated_at: at.clone(),
            correction: None,
            completed_on: None,
        };
        let cases: Vec<Case> = subject
            .items
            .iter()
            .map(|i| Case {
                application_no: no.clone(),
                item_code: i.code.clone(),
                item_name: i.name.clone(),
                dept: i.dept_code.clone(),
                kind: i.kind,
                promised_days: i.promised_days,
                status: Status::Submitted,
                submitted_at: at.clone(),
                updated_at: at.clone(),
                accepted_at: None,
                deadline: None,
                remaining_days: None,
                resume_to: None,
                correction_items: vec![],
                flag: None,
            })
            .collect();
        let entry = TimelineEntry {
            at: at.clone(),
            status: Status::Submitted,
            action: "submit".into(),
            actor: "citizen".into(),
            item_code: None,
            note: None,
            version: 1,
        };
        let change = Change {
            application: &application,
            replaces: None,
            cases: cases.iter().map(|c| (c, None)).collect(),
            entry: entry.clone(),
            notifications: vec![],
            idempotency: idem.clone().map(|k| (citizen.clone(), k, request_hash.clone())),
        };
        match app.applications.commit(&change, now).await {
            Ok(()) => {
                tracing::info!(application = %no, subject = %subject.code, cases = cases.len(), "submitted");
                shared::metrics::count(shared::metrics::Metric::Submissions, 1);
                let v = View {
                    application: application.clone(),
                    cases: cases.clone(),
                    timeline: vec![entry],
                };
                return Ok(http::json_response(
                    201,
                    &view::present(&v, local(now).date(), app.calendar, Viewer::Applicant),
                ));
            }
            // Another number was drawn at the same moment: draw again.
            Err(CommitError::Stale) => continue,
            Err(CommitError::KeyUsed) => {
                let key = idem.as_deref().unwrap_or("");
                return replay(app, &citizen, key, &request_hash)
                    .await?
                    .ok_or_else(|| ApiError::code(Code::IdempotencyKeyReused));
            }
            Err(e) => return Err(refused(e)),
        }
    }
    Err(ApiError::internal(
        "drawing an application number",
        std::io::Error::other("three collisions"),
    ))
}

/// The first answer to an idempotency key used before with the same body; 422 with another.
async fn replay(app: &App, citizen: &CitizenId, key: &str, request_hash: &str) -> Result<Option<Response>, ApiError> {
    let Some((stored, no)) = app.applications.idempotency(citizen, key).await? else {
        return Ok(None);
    };
    if stored != request_hash {
        return Err(ApiError::code(Code::IdempotencyKeyReused));
    }
    let no: ApplicationNo = no
        .parse()
        .map_err(|e| ApiError::internal("a stored application number", e))?;
    let v = app.applications.view(&no).await?.ok_or_else(ApiError::not_found)?;
    Ok(Some(http::json_response(
        201,
        &view::present(&v, local(app.clock.now()).date(), app.calendar, Viewer::Applicant),
    )))
}
