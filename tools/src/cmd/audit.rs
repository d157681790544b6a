//! `fingertip-cli audit --user USERID`: a member's audit trail (留痕) on the local stack,
//! oldest first, for following a walkthrough before the supervisors' route exists for it.

use super::stack::{Ctx, client};

pub async fn audit(ctx: &Ctx, user: &str) -> Result<(), String> {
    let stack = &ctx.stack;
    let db = client(stack).await;
    let directory = store::staff::StaffStore::new(db.clone(), format!("{}StaffTable", stack.table_prefix));
    let member = directory
        .by_wecom(&user.parse().map_err(|e| format!("--user: {e}"))?)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("{user} is not in the staff directory"))?;
    let out = db
        .query()
        .table_name(format!("{}AuditTable", stack.table_prefix))
        .key_condition_expression("pk = :pk")
        .expression_attribute_values(":pk", store::s(format!("A#{}", member.id)))
        .send()
        .await
        .map_err(|e| format!("reading the audit trail: {e}"))?;
    for item in out.items() {
        let text = |k: &str| item.get(k).and_then(|v| v.as_s().ok()).map_or("", String::as_str);
        println!(
            "{}  {:22} {:36} {}",
            text("at"),
            text("action"),
            text("subject"),
            text("reason")
        );
    }
    Ok(())
}
