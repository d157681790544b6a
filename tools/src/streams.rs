//! The local stand-in for Lambda's DynamoDB Stream trigger: reads the outbox table's stream
//! from the local server and hands each batch to the notifier's `handle`, in the event shape
//! Lambda uses, with Lambda's rules for what comes back.
//!
//! Like the event source mapping in template.yaml: only `INSERT` records are delivered
//! (its FilterCriteria); batches are at most 20 records; when the handler reports
//! batch-item failures, delivery resumes at the first failed record, so it and everything
//! after it come again; a batch that keeps failing past `MAX_RETRIES` goes to the
//! dead-letter list (the SQS queue, deployed).

use aws_sdk_dynamodbstreams::types::{OperationType, ShardIteratorType};
use notifier::stream::{Change, StreamEvent, StreamRecord};
use serde_json::{Value, json};
use std::collections::BTreeMap;

const BATCH: usize = 20;
const MAX_RETRIES: u32 = 20;

pub struct OutboxStream {
    client: aws_sdk_dynamodbstreams::Client,
    arn: String,
    /// Per shard: the iterator for what comes next, once started.
    iterators: BTreeMap<String, Option<String>>,
    /// Records read but not yet delivered successfully, in order, per shard.
    waiting: BTreeMap<String, Vec<StreamRecord>>,
    retries: u32,
    /// Batches given up on: what the dead-letter queue would hold.
    pub dead_letters: Vec<Value>,
}

impl OutboxStream {
    /// The stream of `table`, read from its start.
    pub async fn open(sdk: &aws_config::SdkConfig, endpoint: &str, table: &str) -> Result<Self, String> {
        let dynamodb = aws_sdk_dynamodb::Client::from_conf(
            aws_sdk_dynamodb::config::Builder::from(sdk)
                .endpoint_url(endpoint)
                .build(),
        );
        let described = dynamodb
            .describe_table()
            .table_name(table)
            .send()
            .await
            .map_err(|e| format!("describing {table}: {e:?}"))?;
        let arn = described
            .table()
            .and_then(|t| t.latest_stream_arn())
            .ok_or_else(|| format!("{table} has no stream"))?
            .to_owned();
        let client = aws_sdk_dynamodbstreams::Client::from_conf(
            aws_sdk_dynamodbstreams::config::Builder::from(sdk)
                .endpoint_url(endpoint)
                .build(),
        );
        Ok(Self {
            client,
            arn,
            iterators: BTreeMap::new(),
            waiting: BTreeMap::new(),
            retries: 0,
            dead_letters: Vec::new(),
        })
    }

    /// Reads what is new and delivers one batch per shard; the number of records delivered
    /// (failed ones included).
    pub async fn deliver_once(&mut self, notifier: &notifier::App) -> Result<usize, String> {
        self.read_new().await?;
        let mut delivered = 0;
        let shards: Vec<String> = self.waiting.keys().cloned().collect();
        for shard in shards {
            let records = self.waiting.get(&shard).cloned().unwrap_or_default();
            if records.is_empty() {
                continue;
            }
            let batch: Vec<StreamRecord> = records.iter().take(BATCH).cloned().collect();
            delivered += batch.len();
            let answer = notifier::handle(notifier, StreamEvent { records: batch.clone() }).await;
            let first_failed = answer
                .batch_item_failures
                .iter()
                .filter_map(|f| {
                    batch
                        .iter()
                        .position(|r| r.dynamodb.sequence_number == f.item_identifier)
                })
                .min();
            let done = match first_failed {
                None => {
                    self.retries = 0;
                    batch.len()
                }
                Some(_) if self.retries >= MAX_RETRIES => {
                    self.dead_letters.push(json!({
                        "shard": shard,
                        "firstSequenceNumber": batch[0].dynamodb.sequence_number,
                        "lastSequenceNumber": batch[batch.len() - 1].dynamodb.sequence_number,
                        "batchSize": batch.len(),
                    }));
                    tracing::error!(%shard, "an outbox batch kept failing; sent to the dead-letter list");
                    self.retries = 0;
                    batch.len()
                }
                Some(i) => {
                    self.retries += 1;
                    i
                }
            };
            if let Some(w) = self.waiting.get_mut(&shard) {
                w.drain(..done);
            }
        }
        Ok(delivered)
    }

    /// Delivers until nothing is waiting or `rounds` deliveries were made; whether the
    /// stream was drained.
    pub async fn drain(&mut self, notifier: &notifier::App, rounds: usize) -> Result<bool, String> {
        for _ in 0..rounds {
            self.deliver_once(notifier).await?;
            if self.waiting.values().all(Vec::is_empty) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Delivers for as long as the process runs, polling twice a second (`make run`).
    pub async fn run(mut self, notifier: &'static notifier::App) {
        loop {
            if let Err(e) = self.deliver_once(notifier).await {
                tracing::warn!(error = %e, "reading the outbox stream");
            }
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        }
    }

    /// How many records wait for (re)delivery.
    pub fn waiting(&self) -> usize {
        self.waiting.values().map(Vec::len).sum()
    }

    async fn read_new(&mut self) -> Result<(), String> {
        let described = self
            .client
            .describe_stream()
            .stream_arn(&self.arn)
            .send()
            .await
            .map_err(|e| format!("describing the outbox stream: {e:?}"))?;
        let shards: Vec<String> = described
            .stream_description()
            .map(|d| {
                d.shards()
                    .iter()
                    .filter_map(|s| s.shard_id().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        for shard in shards {
            let iterator = match self.iterators.get(&shard) {
                Some(Some(it)) => it.clone(),
                Some(None) => continue,
                None => self
                    .client
                    .get_shard_iterator()
                    .stream_arn(&self.arn)
                    .shard_id(&shard)
                    .shard_iterator_type(ShardIteratorType::TrimHorizon)
                    .send()
                    .await
                    .map_err(|e| format!("starting the outbox stream: {e:?}"))?
                    .shard_iterator()
                    .map(str::to_owned)
                    .ok_or("no shard iterator")?,
            };
            let out = self
                .client
                .get_records()
                .shard_iterator(iterator)
                .send()
                .await
                .map_err(|e| format!("reading the outbox stream: {e:?}"))?;
            let records = out.records().iter().filter_map(|r| {
                // The mapping's FilterCriteria: INSERT only.
                if r.event_name() != Some(&OperationType::Insert) {
                    return None;
                }
                let change = r.dynamodb()?;
                let id = change.keys()?.get("id")?.as_s().ok()?.clone();
                let keys = json!({ "id": { "S": id } });
                Some(StreamRecord {
                    event_name: "INSERT".into(),
                    dynamodb: Change {
                        keys: keys.as_object().cloned().unwrap_or_default(),
                        sequence_number: change.sequence_number().unwrap_or_default().to_owned(),
                    },
                })
            });
            self.waiting.entry(shard.clone()).or_default().extend(records);
            self.iterators
                .insert(shard, out.next_shard_iterator().map(str::to_owned));
        }
        Ok(())
    }
}
