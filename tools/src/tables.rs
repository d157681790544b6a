//! `create-tables`: every table of `template.yaml`, created on the local server with the
//! same keys, indexes, TTL and streams as in AWS.

use crate::template::{TableDef, Template};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection, ProjectionType,
    ScalarAttributeType, StreamSpecification, StreamViewType, TimeToLiveSpecification,
};
use std::collections::BTreeMap;

/// The local name of each table: `prefix` + logical id (`fingertip-local-CitizensTable`).
pub fn local_names(template: &Template, prefix: &str) -> BTreeMap<String, String> {
    template
        .tables
        .iter()
        .map(|t| (t.logical_id.clone(), format!("{prefix}{}", t.logical_id)))
        .collect()
}

fn keys(schema: &[(String, String)]) -> Result<Vec<KeySchemaElement>, String> {
    schema
        .iter()
        .map(|(name, kind)| {
            KeySchemaElement::builder()
                .attribute_name(name)
                .key_type(KeyType::from(kind.as_str()))
                .build()
                .map_err(|e| e.to_string())
        })
        .collect()
}

/// Creates one table unless it exists; returns whether it was created.
pub async fn create_table(client: &Client, def: &TableDef, name: &str) -> Result<bool, String> {
    let mut req = client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest);
    for (attr, kind) in &def.attributes {
        req = req.attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(attr)
                .attribute_type(ScalarAttributeType::from(kind.as_str()))
                .build()
                .map_err(|e| e.to_string())?,
        );
    }
    req = req.set_key_schema(Some(keys(&def.key_schema)?));
    for index in &def.indexes {
        let mut projection = Projection::builder().projection_type(ProjectionType::from(index.projection.as_str()));
        for attr in &index.non_key_attributes {
            projection = projection.non_key_attributes(attr);
        }
        req = req.global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(&index.name)
                .set_key_schema(Some(keys(&index.key_schema)?))
                .projection(projection.build())
                .build()
                .map_err(|e| e.to_string())?,
        );
    }
    if let Some(view) = &def.stream_view {
        req = req.stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::from(view.as_str()))
                .build()
                .map_err(|e| e.to_string())?,
        );
    }
    match req.send().await {
        Ok(_) => {}
        Err(e) if store::error_code(&e) == Some("ResourceInUseException") => {
            return Ok(false);
        }
        Err(e) => {
            return Err(format!("creating {name}: {}", store::error_code(&e).unwrap_or("error")));
        }
    }
    if let Some(attr) = &def.ttl_attribute {
        client
            .update_time_to_live()
            .table_name(name)
            .time_to_live_specification(
                TimeToLiveSpecification::builder()
                    .enabled(true)
                    .attribute_name(attr)
                    .build()
                    .map_err(|e| e.to_string())?,
            )
            .send()
            .await
            .map_err(|e| format!("enabling TTL on {name}: {e}"))?;
    }
    Ok(true)
}

/// Creates a bucket unless it exists, as the template's lifecycle rules would have it.
pub async fn create_bucket(s3: &aws_sdk_s3::Client, name: &str) -> Result<bool, String> {
    let mut req = s3.create_bucket().bucket(name);
    // Outside us-east-1, S3 wants the bucket's region named.
    if let Some(region) = s3
        .config()
        .region()
        .map(|r| r.as_ref().to_owned())
        .filter(|r| r != "us-east-1")
    {
        req = req.create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(region.as_str()))
                .build(),
        );
    }
    match req.send().await {
        Ok(_) => Ok(true),
        Err(e) => {
            let code = aws_sdk_s3::error::ProvideErrorMetadata::code(&e).map(str::to_owned);
            match code.as_deref() {
                Some("BucketAlreadyOwnedByYou" | "BucketAlreadyExists") => Ok(false),
                _ => Err(format!(
                    "creating bucket {name}: {}",
                    code.unwrap_or_else(|| e.to_string())
                )),
            }
        }
    }
}

/// Creates every table of the template under `prefix`; returns the names created.
pub async fn create_all(client: &Client, template: &Template, prefix: &str) -> Result<Vec<String>, String> {
    let mut created = Vec::new();
    for def in &template.tables {
        let name = format!("{prefix}{}", def.logical_id);
        if create_table(client, def, &name).await? {
            created.push(name);
        }
    }
    Ok(created)
}

/// The S3 client for the local server (path-style, as moto serves it).
pub fn local_s3(sdk: &aws_config::SdkConfig, endpoint: &str) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(sdk)
            .endpoint_url(endpoint)
            .force_path_style(true)
            .build(),
    )
}

/// Creates every bucket of the template under the stack's names.
pub async fn create_buckets(
    s3: &aws_sdk_s3::Client,
    template: &Template,
    stack: &crate::local::Stack,
) -> Result<Vec<String>, String> {
    let mut created = Vec::new();
    for b in &template.buckets {
        let name = stack.bucket_name(b);
        let new = create_bucket(s3, &name).await?;
        allow_local_console(s3, &name).await?;
        if new {
            created.push(name);
        }
    }
    Ok(created)
}

/// The bucket's CORS for the console as the local gateway serves it (any port on this
/// machine), standing in for the template's rule for the deployed console's origin: window
/// staff PUT scans to presigned URLs from the page.
async fn allow_local_console(s3: &aws_sdk_s3::Client, name: &str) -> Result<(), String> {
    use aws_sdk_s3::types::{CorsConfiguration, CorsRule};
    let rule = CorsRule::builder()
        .allowed_origins("http://127.0.0.1:*")
        .allowed_origins("http://localhost:*")
        .allowed_methods("PUT")
        .allowed_methods("GET")
        .allowed_headers("*")
        .max_age_seconds(600)
        .build()
        .map_err(|e| format!("the local CORS rule: {e}"))?;
    let cors = CorsConfiguration::builder()
        .cors_rules(rule)
        .build()
        .map_err(|e| format!("the local CORS rule: {e}"))?;
    s3.put_bucket_cors()
        .bucket(name)
        .cors_configuration(cors)
        .send()
        .await
        .map_err(|e| format!("the CORS of bucket {name}: {e}"))?;
    Ok(())
}
