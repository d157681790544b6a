//! The materials of an application: every required one given, each known to the item and
//! uploaded by the one submitting (the citizen, or the window staff who scanned it), and
//! each file what its upload declared before it is attached.

use crate::App;
use crate::s3::Attach;
use api::ApiError;
use model::FieldErrors;
use model::application::{MaterialRef, Upload};
use model::catalog::{Item, Material};

/// Every required material present, every one known and uploaded by `owner` (a citizen's or
/// a member of staff's id); all problems reported together with the form's. Returns the
/// upload records, in order.
pub async fn check(
    app: &App,
    owner: &str,
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
    let prefix = format!("materials/{owner}/");
    let keys: Vec<String> = given.iter().map(|g| g.object_key.clone()).collect();
    let owned = owned(app, &prefix, &keys).await?;
    let mut uploads = Vec::new();
    for (i, (g, upload)) in given.iter().zip(owned).enumerate() {
        if !known.iter().any(|k| k.code == g.code) {
            errors.add(&format!("materials[{i}].code"), "该事项不需要这项材料");
        } else if given.iter().take(i).any(|o| o.code == g.code) {
            errors.add(&format!("materials[{i}].code"), "同一材料只能提交一份");
        }
        match upload.filter(|u| u.uploaded_by == owner) {
            Some(u) => uploads.push(u),
            None => errors.add(&format!("materials[{i}].objectKey"), "不是您上传的文件"),
        }
    }
    Ok(uploads)
}

/// Checks each file against what its upload declared and marks it attached; the first that
/// is missing or not what it claims is a 400 naming it.
pub async fn attach(app: &App, uploads: &[Upload]) -> Result<(), ApiError> {
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
pub async fn owned(app: &App, prefix: &str, keys: &[String]) -> Result<Vec<Option<Upload>>, ApiError> {
    let ok = |k: &String| k.starts_with(prefix) && k.len() <= 200;
    let mine: Vec<String> = keys.iter().filter(|k| ok(k)).cloned().collect();
    let mut found = app.applications.uploads(&mine).await?.into_iter();
    Ok(keys
        .iter()
        .map(|k| if ok(k) { found.next().flatten() } else { None })
        .collect())
}
