//! The SDK floor: hello-world plus what any function that reads the store pays, set up the
//! way the AWS examples do it (`aws_config::load_defaults`, a DynamoDB client at init) and
//! one GetItem per request. The cold-start budget is a ratio to this binary's.
//!
//! It reads the table and key from `BENCH_TABLE` and `BENCH_KEY` (the partition key's value,
//! attribute `pk`); the endpoint comes from `AWS_ENDPOINT_URL_DYNAMODB` as the SDK reads it.

use aws_sdk_dynamodb::types::AttributeValue;
use lambda_http::{Body, Error, Request, Response, service_fn};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let client = aws_sdk_dynamodb::Client::new(&config);
    let table = std::env::var("BENCH_TABLE")?;
    let key = std::env::var("BENCH_KEY")?;
    let (client, table, key) = (&client, table.as_str(), key.as_str());
    lambda_http::run(service_fn(move |_: Request| async move {
        let item = client
            .get_item()
            .table_name(table)
            .key("pk", AttributeValue::S(key.to_owned()))
            .send()
            .await?;
        let found = if item.item().is_some() { "found" } else { "missing" };
        Ok::<_, Error>(Response::builder().body(Body::from(found))?)
    }))
    .await
}
