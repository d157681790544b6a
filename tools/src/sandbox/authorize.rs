//! The sandbox's WeCom authorize page (`/_sandbox/wecom/authorize`): where the console sends
//! a member to sign in, as WeCom's OAuth page would. Instead of asking WeCom who they are, it
//! lists the demo directory; a click returns to the console's `redirect_uri` with the
//! `state` it was given and the code `wecom-<userid>` that `auth/getuserinfo` answers for.

use super::Sandbox;
use super::api::Answer;
use bytes::Bytes;
use http_body_util::Full;
use std::collections::HashMap;

/// A demo member as the page lists them: WeCom user id, name, roles.
pub(super) type Listed = (String, String, String);

/// The demo directory, read once when the sandbox starts.
pub(super) fn directory() -> Vec<Listed> {
    let members = crate::seed::parse(crate::seed::DEMO_CATALOG)
        .and_then(|c| crate::seed::demo_directory(&c, "2026-01-01T00:00:00+08:00"))
        .unwrap_or_default();
    members
        .into_iter()
        .map(|m| {
            let roles: Vec<&str> = m.roles.iter().map(|r| r.as_str()).collect();
            (m.wecom_user_id.to_string(), m.name, roles.join("、"))
        })
        .collect()
}

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Only pages on this machine may receive codes: the sandbox signs nobody in elsewhere.
fn local(redirect: &str) -> bool {
    ["http://127.0.0.1:", "http://localhost:"]
        .iter()
        .any(|p| redirect.starts_with(p))
}

fn page(status: u16, body: String) -> Answer {
    hyper::Response::builder()
        .status(status)
        .header("content-type", "text/html; charset=utf-8")
        .body(Full::new(Bytes::from(body)))
        .expect("static response")
}

impl Sandbox {
    pub(super) fn authorize(&self, q: &HashMap<String, String>) -> Answer {
        let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
        let redirect = get("redirect_uri");
        if get("appid") != self.corpid || get("agentid") != self.agent_id || !local(redirect) {
            return page(
                400,
                "<!doctype html><meta charset=utf-8><title>参数错误</title><p>appid、agentid或redirect_uri无效</p>"
                    .into(),
            );
        }
        let sep = if redirect.contains('?') { '&' } else { '?' };
        let state: String = form_urlencoded::byte_serialize(get("state").as_bytes()).collect();
        let rows: String = self
            .directory
            .iter()
            .map(|(user, name, roles)| {
                let href = format!("{redirect}{sep}code=wecom-{user}&state={state}");
                format!(
                    "<li><a data-user=\"{u}\" href=\"{h}\">{n}</a> <span>{u} · {r}</span></li>",
                    u = esc(user),
                    h = esc(&href),
                    n = esc(name),
                    r = esc(roles)
                )
            })
            .collect();
        page(
            200,
            format!(
                "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><link rel=\"icon\" href=\"data:,\"><title>政务微信登录（本地沙箱）</title>\
                 <style>body{{font-family:sans-serif;max-width:640px;margin:40px auto}}li{{margin:8px 0}}span{{color:#555}}</style>\
                 <main><h1>政务微信登录（本地沙箱）</h1><p>选择以哪位演示人员登录：</p><ul>{rows}</ul></main></html>"
            ),
        )
    }
}
