//! Moving a person's applications from an account a window opened to the WeChat account
//! that adopted it (see `citizens::window`). Each move is a conditional update of the
//! application's owner, so a move interrupted half-way is finished by the next attempt and
//! never moves an application twice or from anyone else.

use super::{ApplicationStore, app_pk};
use crate::{StoreError, error_code, s, sdk_error};
use model::CitizenId;

impl ApplicationStore {
    /// Moves every application of `from` to `to`; how many moved.
    pub async fn reown(&self, from: &CitizenId, to: &CitizenId) -> Result<u32, StoreError> {
        let query = || {
            self.client
                .query()
                .table_name(&self.table)
                .index_name("ByCitizen")
                .key_condition_expression("citizenId = :c")
                .expression_attribute_values(":c", s(from.as_str()))
        };
        let owned = crate::page::all(query, "listing an adopted account's applications").await?;
        let mut moved: u32 = 0;
        for item in owned {
            let Some(no) = item.get("applicationNo").and_then(|v| v.as_s().ok()) else {
                continue;
            };
            let Ok(no) = no.parse() else { continue };
            let result = self
                .client
                .update_item()
                .table_name(&self.table)
                .key("pk", s(app_pk(&no)))
                .key("sk", s("APP"))
                .update_expression("SET citizenId = :to")
                .condition_expression("citizenId = :from")
                .expression_attribute_values(":to", s(to.as_str()))
                .expression_attribute_values(":from", s(from.as_str()))
                .send()
                .await;
            match result {
                Ok(_) => moved = moved.saturating_add(1),
                Err(e) if error_code(&e) == Some("ConditionalCheckFailedException") => {}
                Err(e) => return Err(sdk_error("moving an application to its adopting account", e)),
            }
        }
        Ok(moved)
    }
}
