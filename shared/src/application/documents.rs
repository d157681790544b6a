//! The documents an application's state stands for, as structured data a client lays out
//! and prints: the 受理回执 (acceptance receipt), the 一次告知书 (what to correct, all at
//! once), the 不予受理决定书 (refusal to accept) and the 不予许可决定书 (denial after review).
//! Before any department has acted, the receipt is the 收件回执 of what was received.
//!
//! Each names what was received and when, who took it in or accepted it, the legal and
//! promised time limits, the deadline, and how to look the case up (the application number
//! and the last four digits of the applicant's phone at `GET /v1/progress`).

use super::{Channel, Status, View};
use crate::FreeText;
use serde::Serialize;

/// Which document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// 收件回执: received, not yet accepted.
    SubmissionReceipt,
    /// 受理回执.
    AcceptanceReceipt,
    /// 一次告知书.
    CorrectionNotice,
    /// 不予受理决定书.
    RejectionDecision,
    /// 不予许可决定书.
    DenialDecision,
}

impl DocumentKind {
    pub fn title(self) -> &'static str {
        match self {
            DocumentKind::SubmissionReceipt => "收件回执",
            DocumentKind::AcceptanceReceipt => "受理回执",
            DocumentKind::CorrectionNotice => "一次性告知书",
            DocumentKind::RejectionDecision => "不予受理决定书",
            DocumentKind::DenialDecision => "不予许可决定书",
        }
    }
}

/// One case as a document shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseLine<'a> {
    pub item_code: &'a str,
    pub item_name: &'a str,
    pub dept_code: &'a str,
    pub status: &'static str,
    pub status_text: &'static str,
    /// The statutory limit (法定办结时限), working days; absent for cases kept before it was.
    pub legal_days: Option<u32>,
    /// The promised limit (承诺办结时限), working days.
    pub promised_days: u32,
    pub accepted_at: Option<&'a str>,
    pub deadline: Option<&'a str>,
    /// Who acted on the case last: the department, and (for staff) the member.
    pub decided_by_dept: Option<&'a str>,
    /// The reason and legal basis of a refusal or denial.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'a FreeText>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis: Option<&'a FreeText>,
    /// The category of a refusal (不予受理) or of a correction asked for, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason_category: Option<&'static str>,
    /// What to correct (一次告知), every item at once.
    #[serde(skip_serializing_if = "<[FreeText]>::is_empty")]
    pub correction_items: &'a [FreeText],
}

/// How to follow the case.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Lookup<'a> {
    pub application_no: &'a str,
    pub how: &'static str,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Document<'a> {
    pub kind: DocumentKind,
    pub title: &'static str,
    pub application_no: &'a str,
    pub subject_name: &'a str,
    pub received_at: &'a str,
    /// Online, or at which window.
    pub channel: Channel,
    pub received_by_window: Option<&'a str>,
    /// The materials received, by code.
    pub materials: Vec<&'a str>,
    pub cases: Vec<CaseLine<'a>>,
    /// The correction notice's note, for a 一次告知书.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'a FreeText>,
    pub lookup: Lookup<'a>,
}

/// The department a recorded staff actor (`staff:<id>@<dept>`) acted for.
fn dept_of(actor: &str) -> Option<&str> {
    actor
        .strip_prefix("staff:")
        .and_then(|r| r.rsplit_once('@'))
        .map(|(_, d)| d)
}

/// The document the application's state stands for.
pub fn document(v: &View) -> Document<'_> {
    let a = &v.application;
    let statuses: Vec<Status> = v.cases.iter().map(|c| c.status).collect();
    let kind = if statuses.contains(&Status::CorrectionRequired) {
        DocumentKind::CorrectionNotice
    } else if statuses.contains(&Status::Denied) {
        DocumentKind::DenialDecision
    } else if !statuses.is_empty() && statuses.iter().all(|s| *s == Status::Rejected) {
        DocumentKind::RejectionDecision
    } else if statuses
        .iter()
        .any(|s| matches!(s, Status::Accepted | Status::Completed))
    {
        DocumentKind::AcceptanceReceipt
    } else {
        DocumentKind::SubmissionReceipt
    };
    let cases = v
        .cases
        .iter()
        .map(|c| {
            // The case's last step by staff: who decided, and why when it was a refusal.
            let last = v
                .timeline
                .iter()
                .rev()
                .find(|e| e.item_code.as_ref() == Some(&c.item_code) && dept_of(&e.actor).is_some());
            let refused = matches!(c.status, Status::Rejected | Status::Denied);
            CaseLine {
                item_code: c.item_code.as_str(),
                item_name: &c.item_name,
                dept_code: c.dept.as_str(),
                status: c.status.as_str(),
                status_text: c.status.text(),
                legal_days: c.legal_days,
                promised_days: c.promised_days,
                accepted_at: c.accepted_at.as_deref(),
                deadline: c.deadline.as_deref(),
                decided_by_dept: last.and_then(|e| dept_of(&e.actor)),
                reason: if refused {
                    c.decision
                        .as_ref()
                        .and_then(|d| d.reason.as_ref())
                        .or(last.and_then(|e| e.note.as_ref()))
                } else {
                    None
                },
                basis: c.decision.as_ref().filter(|_| refused).map(|d| &d.basis),
                reason_category: c
                    .return_reason
                    .filter(|_| matches!(c.status, Status::Rejected | Status::CorrectionRequired))
                    .map(super::ReturnReason::label),
                correction_items: &c.correction_items,
            }
        })
        .collect();
    Document {
        kind,
        title: kind.title(),
        application_no: a.application_no.as_str(),
        subject_name: &a.subject_name,
        received_at: &a.submitted_at,
        channel: a.channel,
        received_by_window: a.intake.as_ref().map(|i| i.window_id.as_str()),
        materials: a.materials.iter().map(|m| m.code.as_str()).collect(),
        cases,
        note: (kind == DocumentKind::CorrectionNotice)
            .then(|| a.correction.as_ref().map(|c| &c.note))
            .flatten(),
        lookup: Lookup {
            application_no: a.application_no.as_str(),
            how: "在“进度查询”中输入申报编号和申请人手机号后四位",
        },
    }
}
