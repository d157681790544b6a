//! What each push does, and the passive reply (official account only) it earns.
//!
//! - `subscribe`: the follower is recorded with their unionid (from `user/info`), which is
//!   how a follower is known as a citizen of the mini-program; a welcome reply.
//! - `unsubscribe`: recorded, so no template message is sent to someone who left.
//! - a text starting with 咨询 or 投诉: a consultation or complaint opened for the sender
//!   (`cases`), its number in the reply.
//! - a text holding an application number: its status if the sender is its applicant, and
//!   otherwise the same hint whether the number exists or not.
//! - delivery reports update the notification they belong to; subscription choices in the
//!   mini-program add or remove the citizen's consents, which the notifier spends.

use crate::{Account, App};
use api::ApiError;
use model::CitizenId;
use model::application::ApplicationNo;
use store::wechat::Link;
use wechat::message::{Envelope, Inbound};

const WELCOME: &str =
    "欢迎关注指尖办！发送申报编号（如 SQ20261201ABCD2345）即可查询办理进度；预约、申报和评价请打开小程序。";
const HINT: &str = "发送申报编号（如 SQ20261201ABCD2345）即可查询办理进度。";

pub async fn answer(app: &App, account: &Account, env: &Envelope) -> Result<Option<String>, ApiError> {
    let oa = account.name == "oa";
    match &env.body {
        Inbound::Subscribe if oa => {
            follow(app, &env.from, true).await?;
            Ok(Some(WELCOME.to_owned()))
        }
        Inbound::Unsubscribe if oa => {
            follow(app, &env.from, false).await?;
            Ok(None)
        }
        // The mini-program cannot take passive text replies, so its texts are not looked up.
        Inbound::Text(content) if oa => match crate::cases::opening(content) {
            Some(opening) => Ok(Some(crate::cases::open(app, &env.from, opening).await?)),
            None => Ok(Some(progress(app, &env.from, content).await?)),
        },
        Inbound::Delivered(reports) => {
            let now = app.clock.now();
            for report in reports {
                match app.wechat.delivery_of(&report.msg_id).await? {
                    Some(id) => {
                        app.deliveries.delivered(&id, &report.status, now).await?;
                    }
                    None => tracing::info!(account = account.name, "a delivery report for a message we do not know"),
                }
            }
            Ok(None)
        }
        Inbound::Subscriptions(choices) if !oa => {
            let citizen = CitizenId::for_openid(&account.appid, &env.from);
            let change = env.event.as_deref() == Some("subscribe_msg_change_event");
            for choice in choices {
                let known = if choice.accepted {
                    app.subscriptions.grant(&citizen, &choice.template_id).await?
                } else if change {
                    app.subscriptions.revoke(&citizen, &choice.template_id).await?
                } else {
                    true
                };
                if !known {
                    tracing::info!("a subscription choice from someone who never logged in");
                }
            }
            Ok(None)
        }
        _ => Ok(None),
    }
}

/// Records a follower, with their unionid when WeChat tells it.
async fn follow(app: &App, openid: &str, subscribed: bool) -> Result<Link, ApiError> {
    let known = app.wechat.follower(openid).await?;
    let mut unionid = known.and_then(|l| l.unionid);
    if unionid.is_none() && subscribed {
        unionid = lookup_unionid(app, openid).await;
    }
    let link = Link {
        openid: openid.to_owned(),
        unionid,
        subscribed,
    };
    app.wechat.follow(&link, app.clock.now()).await?;
    Ok(link)
}

/// `user/info`, best effort: a follower recorded without a unionid is looked up again on
/// their next message, so a WeChat hiccup costs nothing but that.
async fn lookup_unionid(app: &App, openid: &str) -> Option<String> {
    let (api, tokens) = app.oa_api.as_ref()?;
    let token = match tokens.get().await {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!(error = %api::error::chain(&e), "no official-account token for user/info");
            return None;
        }
    };
    match api.follower(&token, openid).await {
        Ok(f) => f.unionid,
        Err(e) => {
            if matches!(e, wechat::server::CallError::Token(_)) {
                let _ = tokens.refused(&token).await;
            }
            tracing::warn!(error = %e, "user/info failed");
            None
        }
    }
}

/// The citizen account behind a follower, when WeChat has told us their unionid and they
/// have signed in to the mini-program with it.
pub(crate) async fn citizen_of(app: &App, openid: &str) -> Result<Option<CitizenId>, ApiError> {
    let link = match app.wechat.follower(openid).await? {
        Some(link) if link.unionid.is_some() => link,
        _ => follow(app, openid, true).await?,
    };
    let Some(unionid) = link.unionid else {
        return Ok(None);
    };
    Ok(app.subscriptions.citizen_of(&unionid).await?)
}

async fn progress(app: &App, openid: &str, content: &str) -> Result<String, ApiError> {
    let Some(no) = find_number(content) else {
        return Ok(HINT.to_owned());
    };
    let not_yours = format!(
        "未找到与您的微信绑定的申报 {}。请核对编号，或在小程序登录后查询。",
        no.as_str()
    );
    // The application is read only for a sender we know: a stranger costs no read.
    let Some(citizen) = citizen_of(app, openid).await? else {
        return Ok(not_yours);
    };
    let Some(application) = app.applications.application(&no).await? else {
        return Ok(not_yours);
    };
    if application.citizen_id != citizen {
        return Ok(not_yours);
    }
    let updated = application
        .updated_at
        .parse::<jiff::Timestamp>()
        .map(|t| model::time::local(t).strftime("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default();
    Ok(format!(
        "申报 {}（{}）当前状态：{}，更新于 {updated}。详情请在小程序「我的申报」中查看。",
        no.as_str(),
        application.subject_name,
        application.status.text()
    ))
}

/// The first application number in a text, in any letter case and among any other words.
fn find_number(content: &str) -> Option<ApplicationNo> {
    let upper = content.to_ascii_uppercase();
    let chars: Vec<char> = upper.chars().collect();
    chars.windows(18).find_map(|w| match w {
        ['S', 'Q', ..] => w.iter().collect::<String>().parse().ok(),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::find_number;

    #[test]
    fn an_application_number_is_found_among_other_words_in_any_case() {
        let no = model::application::ApplicationNo::generate(jiff::civil::date(2026, 12, 1));
        let text = format!("请问 {} 办得怎样了", no.as_str().to_ascii_lowercase());
        assert_eq!(find_number(&text), Some(no));
        assert_eq!(find_number("你好"), None);
        assert_eq!(find_number("SQ2026"), None);
    }
}
