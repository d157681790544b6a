//! Material files in S3: presigned uploads, and tagging a file once an application uses it.
//!
//! An upload is tagged `state=pending`; the bucket's lifecycle rule deletes pending files
//! after two days. Submitting an application retags its files `state=attached`, which keeps
//! them: unused uploads expire, used ones stay with their application.
//!
//! The presigned PUT carries `If-None-Match: *`, so it can create its object once and never
//! replace it: a URL used again after submission cannot swap an attached material's content
//! or tag it pending again. Before a file is attached, what S3 holds is checked against what
//! was declared: its size, its content type, and its first bytes (a PDF, JPEG or PNG
//! signature), so a file that is not what it claims is refused.

use api::ApiError;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::types::{Tag, Tagging};
use model::config::Env;
use std::time::Duration;
use store::applications::Upload;

/// How long a presigned upload URL works.
pub const UPLOAD_URL_SECONDS: u64 = 900;
/// How long staff may fetch a material once opened: long enough to load a scan, short
/// enough that a link passed on is soon useless (each opening is audited).
pub const MATERIAL_URL_SECONDS: u64 = 120;
/// Bytes read to tell a file's real type.
const SNIFF_BYTES: usize = 16;

/// What checking a file before attaching it found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attach {
    Attached,
    /// Nothing was uploaded to its URL.
    Missing,
    /// Its size, type or content is not what was declared.
    Mismatch,
}

/// Whether a file's first bytes are those of the type it was declared as.
fn looks_like(content_type: &str, first: &[u8]) -> bool {
    match content_type {
        "application/pdf" => first.starts_with(b"%PDF-"),
        "image/jpeg" => first.starts_with(&[0xFF, 0xD8, 0xFF]),
        "image/png" => first.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]),
        _ => false,
    }
}

#[derive(Debug, Clone)]
pub struct Files {
    s3: aws_sdk_s3::Client,
    bucket: String,
}

/// A presigned PUT and the headers the client must send with it.
pub struct Presigned {
    pub url: String,
    pub headers: Vec<(String, String)>,
}

impl Files {
    /// `AWS_ENDPOINT_URL_S3` points at a local server (path-style addressing, as moto wants).
    pub fn new(sdk: &aws_config::SdkConfig, env: &Env, bucket: String) -> Self {
        let mut config = aws_sdk_s3::config::Builder::from(sdk);
        if let Some(calls) = store::xray::AwsCalls::from_env(env) {
            config = config.interceptor(calls);
        }
        if let Some(url) = env.optional("AWS_ENDPOINT_URL_S3") {
            config = config.endpoint_url(url).force_path_style(true);
        }
        Self {
            s3: aws_sdk_s3::Client::from_conf(config.build()),
            bucket,
        }
    }

    /// A PUT of exactly this type and size, tagged pending, valid for 15 minutes.
    pub async fn presign_put(&self, key: &str, content_type: &str, size: u64) -> Result<Presigned, ApiError> {
        let config = PresigningConfig::expires_in(Duration::from_secs(UPLOAD_URL_SECONDS))
            .map_err(|e| ApiError::internal("presigning an upload", e))?;
        let request = self
            .s3
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .content_length(i64::try_from(size).unwrap_or(i64::MAX))
            .tagging("state=pending")
            .if_none_match("*")
            .presigned(config)
            .await
            .map_err(|e| ApiError::internal("presigning an upload", e))?;
        let headers = request
            .headers()
            .filter(|(name, _)| !name.eq_ignore_ascii_case("host"))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        Ok(Presigned {
            url: request.uri().to_owned(),
            headers,
        })
    }

    /// A short-lived GET of a material for the staff judging it (`MATERIAL_URL_SECONDS`).
    pub async fn presign_get(&self, key: &str) -> Result<String, ApiError> {
        let config = PresigningConfig::expires_in(Duration::from_secs(MATERIAL_URL_SECONDS))
            .map_err(|e| ApiError::internal("presigning a material", e))?;
        let request = self
            .s3
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .presigned(config)
            .await
            .map_err(|e| ApiError::internal("presigning a material", e))?;
        Ok(request.uri().to_owned())
    }

    /// Checks a file against its upload record and marks it used by an application.
    pub async fn attach(&self, upload: &Upload) -> Result<Attach, ApiError> {
        let head = match self
            .s3
            .get_object()
            .bucket(&self.bucket)
            .key(&upload.object_key)
            .range(format!("bytes=0-{}", SNIFF_BYTES - 1))
            .send()
            .await
        {
            Ok(out) => out,
            Err(e) => {
                return match aws_sdk_s3::error::ProvideErrorMetadata::code(&e) {
                    Some("NoSuchKey") => Ok(Attach::Missing),
                    _ => Err(store::sdk_error("reading a material file", e).into()),
                };
            }
        };
        // `bytes 0-15/12345`: the total after the slash.
        let size = head
            .content_range()
            .and_then(|r| r.rsplit_once('/'))
            .and_then(|(_, total)| total.parse::<u64>().ok());
        let content_type = head.content_type().unwrap_or_default().to_owned();
        let first = head
            .body
            .collect()
            .await
            .map_err(|e| ApiError::unavailable("reading a material file", e))?
            .into_bytes();
        if size != Some(upload.size) || content_type != upload.content_type || !looks_like(&upload.content_type, &first)
        {
            return Ok(Attach::Mismatch);
        }
        if self.tag_attached(&upload.object_key).await? {
            Ok(Attach::Attached)
        } else {
            Ok(Attach::Missing)
        }
    }

    /// Retags a file `state=attached`; `Ok(false)` when there is no such file.
    async fn tag_attached(&self, key: &str) -> Result<bool, ApiError> {
        let tagging = Tagging::builder()
            .tag_set(
                Tag::builder()
                    .key("state")
                    .value("attached")
                    .build()
                    .map_err(|e| ApiError::internal("a tag", e))?,
            )
            .build()
            .map_err(|e| ApiError::internal("a tag set", e))?;
        match self
            .s3
            .put_object_tagging()
            .bucket(&self.bucket)
            .key(key)
            .tagging(tagging)
            .send()
            .await
        {
            Ok(_) => Ok(true),
            Err(e) => match aws_sdk_s3::error::ProvideErrorMetadata::code(&e) {
                Some("NoSuchKey") => Ok(false),
                _ => Err(store::sdk_error("tagging a material file", e).into()),
            },
        }
    }
}
