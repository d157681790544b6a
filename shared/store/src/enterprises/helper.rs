//! 帮办员 (重大项目帮办制): a member of staff a supervisor assigns to an enterprise's major
//! project, who follows every application it makes from then on and is told of each step
//! (the applications carry the helper; the notifier tells them through WeCom).

use super::{Cond, EnterpriseStore, key, pk};
use crate::tx::{Outcome, Transaction};
use crate::{StoreError, TransactWriteItem};
use aws_sdk_dynamodb::types::Update;
use model::enterprise::CreditCode;
use serde::{Deserialize, Serialize};

/// A 帮办员: a member of staff who follows every application the enterprise makes and is
/// told of each step (重大项目帮办制).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Helper {
    pub staff_id: String,
    /// The major project they help with.
    pub project: model::FreeText,
    pub assigned_at: String,
    pub assigned_by: String,
}

impl EnterpriseStore {
    /// Assigns (or replaces) the enterprise's 帮办员, with the supervisor's audit record;
    /// `false` if no such enterprise.
    pub async fn assign_helper(
        &self,
        code: &CreditCode,
        helper: &Helper,
        audit: TransactWriteItem,
    ) -> Result<bool, StoreError> {
        // The project's name goes to the store as written (free text serialises masked elsewhere).
        let value = model::mask::storing(|| serde_dynamo::to_attribute_value(helper))
            .map_err(|e| StoreError::fault("mapping a helper", e))?;
        let mut tx = Transaction::new("assigning a helper");
        tx.update(
            Cond::Enterprise,
            Update::builder()
                .table_name(&self.table)
                .set_key(Some(key(pk(code), "ENT".into())))
                .update_expression("SET helper = :h")
                .condition_expression("attribute_exists(pk)")
                .expression_attribute_values(":h", value),
        )?;
        tx.item(Cond::Audit, audit);
        Ok(tx.run(&self.client).await? == Outcome::Done)
    }
}
