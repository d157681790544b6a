//! What the citizen is told at each step of their case, through the outbox.

use super::Feedback;
use crate::notification::{Kind, Notification};
use crate::time::rfc3339;

impl Feedback {
    /// The notice of the step just taken, for the citizen; `None` for filing (the answer is
    /// the receipt) and for steps inside the office that change nothing the citizen waits
    /// for (a request for more days still undecided, a return to dispatch).
    pub fn notice(&self, now: jiff::Timestamp) -> Option<Notification> {
        let step = self.steps.last()?;
        let note = match step.action.as_str() {
            "assign" => "已分派承办单位办理".to_owned(),
            "reply" => "已答复，请在小程序查看并评价".to_owned(),
            "extension_approved" => format!("办理期限延至{}", self.due),
            "reopen" => format!("已重新交办，期限至{}", self.due),
            _ => return None,
        };
        Some(Notification {
            kind: Kind::FeedbackUpdate,
            citizen: self.citizen_id.clone(),
            // One notice per version: a retried step cannot send it twice.
            cause: format!("{}.{}", self.no, self.version),
            source: format!("feedback:{}", self.no),
            page: format!("pages/feedback/detail?no={}", self.no),
            data: std::collections::BTreeMap::from([
                ("feedbackNo", self.no.to_string()),
                ("kindText", self.kind.text().to_owned()),
                ("status", self.status.text().to_owned()),
                ("note", note),
                ("at", rfc3339(now)),
            ]),
        })
    }
}
