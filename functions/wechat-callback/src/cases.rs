//! Consultations and complaints by text to the official account: `咨询……` or `投诉……` opens
//! one for the sender, when they are a follower we know as a citizen (signed in to the
//! mini-program with the same WeChat), and the passive reply gives its number. A text names
//! nothing the office could route by, so it waits at the dispatch desk.

use crate::App;
use api::ApiError;
use model::FreeText;
use model::feedback::{self, Desk, Feedback, FeedbackNo, Filed, Kind, Source};

const UNKNOWN: &str =
    "请先在「指尖办」小程序登录（使用同一微信），再发送「咨询」或「投诉」加内容；也可在小程序「咨询投诉」中提交。";
const EMPTY: &str = "请在「咨询」或「投诉」后写明具体内容，例如：投诉 某窗口未一次性告知所需材料。";

/// What a text opens: its kind and the words after the keyword.
#[derive(Debug, PartialEq, Eq)]
pub struct Opening<'a> {
    kind: Kind,
    rest: &'a str,
}

/// A text that starts with 咨询 or 投诉 (after spaces), the keyword's own punctuation
/// (`投诉：`) left out of the content.
pub fn opening(content: &str) -> Option<Opening<'_>> {
    let text = content.trim_start();
    let (kind, rest) = if let Some(rest) = text.strip_prefix("咨询") {
        (Kind::Consultation, rest)
    } else {
        (Kind::Complaint, text.strip_prefix("投诉")?)
    };
    let rest = rest.trim_start_matches(|c: char| c.is_whitespace() || ":：,，。.、-".contains(c));
    Some(Opening { kind, rest })
}

/// Opens the case and words the reply.
pub async fn open(app: &App, openid: &str, opening: Opening<'_>) -> Result<String, ApiError> {
    let Ok(content) = FreeText::parse(opening.rest, feedback::CONTENT_CHARS) else {
        return Ok(EMPTY.to_owned());
    };
    let Some(citizen) = crate::answer::citizen_of(app, openid).await? else {
        return Ok(UNKNOWN.to_owned());
    };
    let now = app.clock.now();
    let today = model::time::local(now).date();
    let filed = Filed {
        kind: opening.kind,
        content,
        about: None,
        conduct: false,
        anonymous: false,
        source: Source::OfficialAccount,
    };
    let case = Feedback::file(
        FeedbackNo::generate(today),
        citizen,
        filed,
        Desk::Dispatch,
        (None, None),
        now,
        app.calendar,
    );
    // The push was claimed before this answer, so WeChat's retries never file it twice.
    match app.feedback.file(&case, None, None, now).await? {
        store::feedback::Written::Done => {
            tracing::info!(feedback = %case.no, "filed from the official account");
            Ok(format!(
                "您的{}已受理，编号 {}，将于 {} 前答复。可在小程序「咨询投诉」中查看进度。",
                case.kind.text(),
                case.no,
                case.due
            ))
        }
        _ => Err(ApiError::internal(
            "filing from the official account",
            std::io::Error::other("a fresh number was taken"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_opens_a_case_only_when_it_starts_with_the_keyword() {
        let o = opening("  投诉：窗口态度差").expect("a complaint");
        assert_eq!((o.kind, o.rest), (Kind::Complaint, "窗口态度差"));
        assert_eq!(opening("咨询 社保卡怎么补办").map(|o| o.kind), Some(Kind::Consultation));
        assert_eq!(opening("投诉").map(|o| o.rest), Some(""));
        assert!(opening("我要投诉").is_none());
        assert!(opening("SQ20261201ABCD2345").is_none());
    }
}
