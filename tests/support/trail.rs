//! Reading the audit trail (留痕) straight from its table, as the suites check what staff
//! acts left behind.

use crate::TestApp;

/// One audit record as the suites compare it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub action: String,
    pub subject: String,
    pub reason: Option<String>,
}

impl TestApp {
    /// The audit records of the member with directory id `staff_id`, oldest first.
    pub async fn trail_of(&self, staff_id: &str) -> Vec<Entry> {
        let out = self
            .dynamo
            .query()
            .table_name(&self.tables["AuditTable"])
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", store::s(format!("A#{staff_id}")))
            .send()
            .await
            .expect("the audit table answers");
        let text = |i: &store::Item, k: &str| i.get(k).and_then(|v| v.as_s().ok()).cloned();
        out.items()
            .iter()
            .map(|i| Entry {
                action: text(i, "action").unwrap_or_default(),
                subject: text(i, "subject").unwrap_or_default(),
                reason: text(i, "reason"),
            })
            .collect()
    }

    /// The actions on the trail of a member enrolled as WeCom user `user` (the demo
    /// directory's, or one a test enrolled): their ids derive from the user id.
    pub async fn actions_of(&self, user: &str) -> Vec<String> {
        let id = model::StaffId::derived(user);
        self.trail_of(id.as_str()).await.into_iter().map(|e| e.action).collect()
    }
}
