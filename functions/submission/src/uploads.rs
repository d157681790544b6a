//! `POST /v1/uploads`: a presigned S3 PUT for one material file.

use crate::App;
use crate::s3::UPLOAD_URL_SECONDS;
use api::ApiError;
use api::http::{self, Response};
use api::staff::Caller;
use lambda_http::Request;
use model::FieldErrors;
use model::staff::StaffRole;
use model::time::rfc3339;
use serde::{Deserialize, Serialize};
use store::applications::Upload;

/// Scans and photos of documents: what the halls accept.
const TYPES: &[(&str, &str)] = &[("application/pdf", "pdf"), ("image/jpeg", "jpg"), ("image/png", "png")];
/// 20 MB: a multi-page scan at a readable resolution.
pub const MAX_BYTES: u64 = 20 * 1024 * 1024;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UploadBody {
    file_name: String,
    content_type: String,
    size: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UploadReply {
    object_key: String,
    upload_url: String,
    method: &'static str,
    headers: serde_json::Map<String, serde_json::Value>,
    expires_in: u64,
}

/// A file name safe to keep: no directories, no control or invisible characters, a known
/// extension matching the content type, at most 100 characters.
fn file_name(raw: &str, extension: &str) -> Result<String, String> {
    let name = raw.trim();
    let bad = name.is_empty()
        || name.chars().count() > 100
        || name.contains(['/', '\\'])
        || name.starts_with('.')
        || name.contains("..")
        || name.chars().any(|c| {
            c.is_control() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        });
    if bad {
        return Err("文件名应为1-100个字符，不含路径和不可见字符".into());
    }
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let ext_ok = ext == extension || (extension == "jpg" && ext == "jpeg");
    if !ext_ok {
        return Err(format!("文件扩展名应为.{extension}"));
    }
    Ok(name.to_owned())
}

pub async fn create(app: &App, req: &Request) -> Result<Response, ApiError> {
    // A citizen uploads their own materials; window staff scan those of the person in
    // front of them (收件). Either way the key starts with the uploader's id.
    let (owner, quota) = match app.gate.caller(&app.verifier, req).await? {
        Caller::Citizen(citizen) => (citizen.to_string(), app.upload_quota),
        // Window staff scan for intake, a station's agent for a 代办.
        Caller::Staff(actor) if actor.has(StaffRole::Window) || actor.has(StaffRole::Agent) => {
            (actor.id.to_string(), app.staff_upload_quota)
        }
        Caller::Staff(_) => return Err(ApiError::forbidden()),
    };
    let body: UploadBody = http::json_body(req)?;
    let mut errors = FieldErrors::default();
    let extension = TYPES.iter().find(|(t, _)| *t == body.content_type).map(|(_, e)| *e);
    if extension.is_none() {
        errors.add("contentType", "仅支持application/pdf、image/jpeg、image/png");
    }
    if body.size == 0 || body.size > MAX_BYTES {
        errors.add("size", "文件大小应为1字节至20MB");
    }
    let name = errors.check("fileName", file_name(&body.file_name, extension.unwrap_or("pdf")));
    let (name, extension) = errors.done(name.zip(extension))?;
    let id = store::random_id("");
    // The key holds the owner and a random part; the file's own name is kept in the record.
    let object_key = format!("materials/{owner}/{id}.{extension}");
    let now = app.clock.now();
    let day = model::time::local(now).date();
    let upload = Upload {
        object_key: object_key.clone(),
        uploaded_by: owner,
        file_name: name,
        content_type: body.content_type.clone(),
        size: body.size,
        created_at: rfc3339(now),
    };
    if !app
        .applications
        .put_upload(&upload, &day.strftime("%Y-%m-%d").to_string(), quota, now)
        .await?
    {
        // The quota is a day's in Shanghai: it frees at the next midnight there.
        return Err(ApiError::rate_limited(model::time::seconds_to_midnight(now))
            .with_details(serde_json::json!({ "dailyUploads": quota })));
    }
    let signed = app
        .files
        .presign_put(&object_key, &body.content_type, body.size)
        .await?;
    let headers = signed
        .headers
        .into_iter()
        .map(|(k, v)| (k, serde_json::Value::String(v)))
        .collect();
    Ok(http::json_response(
        201,
        &UploadReply {
            object_key,
            upload_url: signed.url,
            method: "PUT",
            headers,
            expires_in: UPLOAD_URL_SECONDS,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::file_name;

    #[test]
    fn file_names_refuse_paths_and_hidden_characters() {
        assert!(file_name("身份证正面.jpg", "jpg").is_ok());
        assert!(file_name("scan.JPEG", "jpg").is_ok());
        for bad in [
            "../etc/passwd.pdf",
            "a/b.pdf",
            "a\\b.pdf",
            ".hidden.pdf",
            "x\u{202e}fdp.exe",
            "a\0.pdf",
            "report.exe",
            "",
        ] {
            assert!(file_name(bad, "pdf").is_err(), "{bad:?}");
        }
    }
}
