//! Material files in S3: presigned uploads, and tagging a file once an application uses it.
//!
//! An upload is tagged `state=pending`; the bucket's lifecycle rule deletes pending files
//! after two days. Submitting an application retags its files `state=attached`, which keeps
//! them: unused uploads expire, used ones stay with their application.

use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::types::{Tag, Tagging};
use shared::ApiError;
use shared::config::Env;
use std::time::Duration;

/// How long a presigned upload URL works.
pub const UPLOAD_URL_SECONDS: u64 = 900;

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
            .content_length(size as i64)
            .tagging("state=pending")
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

    /// Marks a file as used by an application; `Ok(false)` when no such file was uploaded.
    pub async fn attach(&self, key: &str) -> Result<bool, ApiError> {
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
                _ => Err(shared::store::sdk_error("tagging a material file", e)),
            },
        }
    }
}
