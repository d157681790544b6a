//! A step of an enterprise's application, told to its 帮办员 through WeCom (政务微信): the
//! member of staff named on the application, while the directory still has them enabled.

use crate::App;
use crate::send::Outcome;
use api::ApiError;
use store::delivery::Taken;
use wechat::wecom::WecomError;

/// The WeCom text of a step, in the words staff read: enterprise, number, item, what
/// happened, where it stands, when.
fn text(t: &Taken) -> String {
    let get = |k: &str| t.data.get(k).map(String::as_str).unwrap_or_default();
    format!(
        "【帮办提醒】{}的申报{}（{}）：{}，当前状态：{}。时间：{}",
        get("enterpriseName"),
        get("applicationNo"),
        get("subjectName"),
        action_text(get("action")),
        get("status"),
        get("at"),
    )
}

fn action_text(action: &str) -> &'static str {
    match action {
        "submit" => "已提交",
        "accept" => "已受理",
        "request_correction" => "需补正材料",
        "resubmit" => "已补正",
        "complete" => "已办结",
        "reject" => "不予受理",
        "decide" => "已作出决定",
        "deliver" => "已送达",
        "withdraw" => "已撤回",
        _ => "有新进展",
    }
}

pub(crate) async fn deliver(app: &App, t: &Taken) -> Result<Outcome, ApiError> {
    let Some(helper) = t.data.get("helper").and_then(|h| h.parse::<model::StaffId>().ok()) else {
        return Ok(Outcome::Refused("a helper update without its helper".into()));
    };
    let Some(member) = app.staff.get(&helper).await? else {
        return Ok(Outcome::Refused(
            "the helper is no longer in the staff directory".into(),
        ));
    };
    if member.disabled {
        return Ok(Outcome::Refused("the helper's directory entry is disabled".into()));
    }
    match app.wecom.tell(&[member.wecom_user_id.to_string()], &text(t)).await {
        Ok(msgid) => {
            // WeCom sends no delivery reports to the WeChat callback: its id is only logged.
            tracing::info!(wecom_msgid = msgid.as_deref().unwrap_or(""), "helper told");
            Ok(Outcome::Sent {
                channel: "wecom",
                template: "text".into(),
                msgid: None,
            })
        }
        Err(e @ WecomError::Refused(_)) => Ok(Outcome::Refused(api::error::chain(&e))),
        Err(e) => Ok(Outcome::Later(api::error::chain(&e))),
    }
}
