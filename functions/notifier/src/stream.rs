//! The DynamoDB Stream event Lambda delivers, and the partial-failure answer it expects.
//!
//! Only the record's name, key and sequence number are read: the notifier takes the record
//! itself from the table (which it must update anyway), so it always sends what is stored
//! now, not what the stream saw. These few fields are spelled out here rather than taken
//! from `aws_lambda_events`, whose DynamoDB module brings chrono and a second copy of the
//! attribute-value types into every cold start for them.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct StreamEvent {
    #[serde(rename = "Records", default)]
    pub records: Vec<StreamRecord>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct StreamRecord {
    #[serde(rename = "eventName", default)]
    pub event_name: String,
    pub dynamodb: Change,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Change {
    #[serde(rename = "Keys", default)]
    pub keys: serde_json::Map<String, serde_json::Value>,
    #[serde(rename = "SequenceNumber", default)]
    pub sequence_number: String,
}

impl StreamRecord {
    /// The outbox record's id (`Keys.id.S`).
    pub fn id(&self) -> Option<&str> {
        self.dynamodb.keys.get("id")?.get("S")?.as_str()
    }
}

/// `ReportBatchItemFailures`: the sequence numbers to deliver again; Lambda retries from the
/// first of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct BatchResponse {
    #[serde(rename = "batchItemFailures")]
    pub batch_item_failures: Vec<ItemFailure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ItemFailure {
    #[serde(rename = "itemIdentifier")]
    pub item_identifier: String,
}
