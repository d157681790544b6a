//! An application as it is kept: the application, one case per item, the timeline (留痕),
//! uploads; made whole by [`View::submit`] and [`Upload::new`], and changed case by case
//! (the clocks of [`Case`]; the changes in [`super::plan`]).

use super::outcome::{Decision, Delivered, Delivery};
use super::{ApplicationNo, ReturnReason, Status};
use crate::WorkCalendar;
use crate::catalog::{FormField, Item, ItemKind};
use crate::time::{local, rfc3339};
use crate::{CitizenId, DeptCode, FreeText, ItemCode};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// A material as the application holds it: which one, and where its file is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MaterialRef {
    pub code: String,
    pub object_key: String,
}

/// The latest correction notice (一次告知): everything to fix, at once.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Correction {
    pub items: Vec<FreeText>,
    pub note: FreeText,
    pub requested_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    pub application_no: ApplicationNo,
    pub citizen_id: CitizenId,
    /// `item` or `package`.
    pub subject_kind: String,
    pub subject_code: String,
    pub subject_name: String,
    pub dept_codes: Vec<DeptCode>,
    pub status: Status,
    pub version: u64,
    pub form: serde_json::Map<String, serde_json::Value>,
    /// The form's fields, kept so any reader can mask identity fields without the catalog.
    pub form_fields: Vec<FormField>,
    pub materials: Vec<MaterialRef>,
    pub phone_last4: String,
    pub submitted_at: String,
    pub updated_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correction: Option<Correction>,
    /// The day it became `completed` (`YYYY-MM-DD`): the key of the evaluation invitations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_on: Option<String>,
    /// Where it was submitted: online, or taken in at a hall's window (收件).
    #[serde(default)]
    pub channel: Channel,
    /// The window that took it in, and who: results return there (统一出件).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intake: Option<Intake>,
    /// How the applicant takes the result, as chosen at submission (window pickup when
    /// they did not say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<Delivery>,
    /// The result handed over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered: Option<Delivered>,
    /// The enterprise it was made for (法人), by its representative or an agent: the
    /// owner is the person who made it, the enterprise's members all see it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise: Option<crate::enterprise::Acting>,
    /// The enterprise's 帮办员 when it was made (a staff id): told of every step, and may
    /// read it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub helper: Option<String>,
}

impl Application {
    /// What the enterprise's 帮办员 is told of a step (`entry`), if it has one: which
    /// enterprise, which application, what happened and where it stands.
    pub fn helper_notice(&self, entry: &TimelineEntry) -> Option<crate::notification::Notification> {
        let helper = self.helper.as_ref()?;
        let enterprise = self.enterprise.as_ref()?;
        Some(crate::notification::Notification {
            kind: crate::notification::Kind::HelperUpdate,
            citizen: self.citizen_id.clone(),
            cause: format!("{}#{}", self.application_no, self.version),
            source: format!("application:{}", self.application_no),
            page: String::new(),
            data: std::collections::BTreeMap::from([
                ("helper", helper.clone()),
                ("enterpriseName", enterprise.name.as_str().to_owned()),
                ("applicationNo", self.application_no.to_string()),
                ("subjectName", self.subject_name.clone()),
                ("action", entry.action.clone()),
                ("status", self.status.text().to_owned()),
                ("at", entry.at.clone()),
            ]),
        })
    }
}

/// Where an application was submitted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    #[default]
    Online,
    Window,
    /// Prepared by a community station's staff on the citizen's behalf (代办), submitted
    /// when the citizen consented.
    Proxy,
}

/// An application taken in at a window: which window, by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Intake {
    pub window_id: crate::staff::WindowId,
    /// The member of staff's id.
    pub staff: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Case {
    pub application_no: ApplicationNo,
    pub item_code: ItemCode,
    pub item_name: String,
    pub dept: DeptCode,
    pub kind: ItemKind,
    pub promised_days: u32,
    pub status: Status,
    pub submitted_at: String,
    pub updated_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_at: Option<String>,
    /// The due date (`YYYY-MM-DD`) while the clock runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    /// Working days left when the clock was stopped for a correction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_days: Option<u32>,
    /// Where a correction returns the case: `submitted` or `accepted`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume_to: Option<Status>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub correction_items: Vec<FreeText>,
    /// `near_due` or `overdue`, as the sweeper last found it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<String>,
    /// The statutory limit (法定办结时限) in working days, kept from the catalog.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_days: Option<u32>,
    /// The department's decision (准予 / 不予许可), once taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    /// Once completed: whether within its promised limit (the supervisors' 按时办结率).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_time: Option<bool>,
    /// The category of the latest refusal or correction request, when staff gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_reason: Option<ReturnReason>,
}

/// One step of an application's life, as it is kept for good (留痕).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelineEntry {
    pub at: String,
    pub status: Status,
    pub action: String,
    /// `citizen` or `staff:<id>@<dept>`.
    pub actor: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_code: Option<ItemCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<FreeText>,
    /// The application's version this step produced: orders entries within a second.
    pub version: u64,
}

/// An uploaded material's record: whose it is and what was announced.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Upload {
    pub object_key: String,
    /// Who uploaded it: a citizen's id, or a member of staff's for a scan at a window.
    #[serde(alias = "citizenId")]
    pub uploaded_by: String,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    pub created_at: String,
}

/// An application with everything one query returns.
#[derive(Debug, Clone)]
pub struct View {
    pub application: Application,
    pub cases: Vec<Case>,
    pub timeline: Vec<TimelineEntry>,
}

/// What is applied for, as the catalog describes it: an item, or a 一件事 package of items
/// with one form.
#[derive(Debug, Clone)]
pub struct Subject {
    /// `item` or `package`.
    pub kind: &'static str,
    pub code: String,
    pub name: String,
    pub form: Vec<FormField>,
    pub items: Vec<Item>,
    /// Whom it serves: a package's own audience, or its one item's.
    pub audience: crate::catalog::Audience,
}

/// What a citizen submits, checked: the form's values and the materials.
#[derive(Debug, Clone)]
pub struct Submission {
    pub form: serde_json::Map<String, serde_json::Value>,
    pub materials: Vec<MaterialRef>,
    /// The last four digits of the applicant's phone: the public lookup's second key.
    pub phone_last4: String,
    /// How they will take the result.
    pub delivery: Option<Delivery>,
    /// The enterprise it is made for, if any, and that enterprise's 帮办员.
    pub enterprise: Option<crate::enterprise::Acting>,
    pub helper: Option<String>,
}

impl View {
    /// A new application: one submitted case per item, each owned by the item's department,
    /// and the first timeline entry.
    pub fn submit(no: ApplicationNo, citizen: CitizenId, subject: &Subject, given: Submission, now: Timestamp) -> Self {
        let at = rfc3339(now);
        let application = Application {
            application_no: no.clone(),
            citizen_id: citizen,
            subject_kind: subject.kind.to_owned(),
            subject_code: subject.code.clone(),
            subject_name: subject.name.clone(),
            dept_codes: subject.items.iter().map(|i| i.dept_code.clone()).collect(),
            status: Status::Submitted,
            version: 1,
            form: given.form,
            form_fields: subject.form.clone(),
            materials: given.materials,
            phone_last4: given.phone_last4,
            submitted_at: at.clone(),
            updated_at: at.clone(),
            correction: None,
            completed_on: None,
            channel: Channel::Online,
            intake: None,
            delivery: given.delivery,
            delivered: None,
            enterprise: given.enterprise,
            helper: given.helper,
        };
        let cases = subject
            .items
            .iter()
            .map(|i| Case {
                application_no: no.clone(),
                item_code: i.code.clone(),
                item_name: i.name.clone(),
                dept: i.dept_code.clone(),
                kind: i.kind,
                promised_days: i.promised_days,
                status: Status::Submitted,
                submitted_at: at.clone(),
                updated_at: at.clone(),
                accepted_at: None,
                deadline: None,
                remaining_days: None,
                resume_to: None,
                correction_items: vec![],
                flag: None,
                legal_days: Some(i.legal_days),
                decision: None,
                on_time: None,
                return_reason: None,
            })
            .collect();
        let entry = TimelineEntry {
            at,
            status: Status::Submitted,
            action: "submit".into(),
            actor: "citizen".into(),
            item_code: None,
            note: None,
            version: 1,
        };
        View {
            application,
            cases,
            timeline: vec![entry],
        }
    }

    /// The same new application taken in at a window (收件) by a member of staff, for the
    /// person in front of it: the first step is theirs, and results return to that window.
    pub fn taken_in(mut self, intake: Intake) -> Self {
        for e in &mut self.timeline {
            e.action = "intake".into();
            e.actor = format!("window:{}", intake.staff);
        }
        self.application.channel = Channel::Window;
        self.application.intake = Some(intake);
        self
    }

    /// The application as a station's agent prepared it and the citizen consented (代办):
    /// the timeline names the agent; results return to the station's window.
    pub fn proxied(mut self, intake: Intake) -> Self {
        for e in &mut self.timeline {
            e.action = "proxy_submit".into();
            e.actor = format!("agent:{}", intake.staff);
            e.note = FreeText::parse("经申请人在小程序确认，由便民服务站代办提交", 200).ok();
        }
        self.application.channel = Channel::Proxy;
        self.application.intake = Some(intake);
        self
    }
}

fn ymd(d: jiff::civil::Date) -> String {
    d.strftime("%Y-%m-%d").to_string()
}

impl Case {
    /// Starts the clock at acceptance: due `promisedDays` working days after today
    /// (即办件: today).
    pub fn start_clock(&mut self, now: Timestamp, cal: &WorkCalendar) {
        let days = if self.kind == ItemKind::Instant {
            0
        } else {
            self.promised_days
        };
        self.accepted_at = Some(rfc3339(now));
        self.deadline = Some(ymd(cal.add_working_days(local(now).date(), days)));
    }

    /// Ends the clock at completion, recording whether the case was completed on or before
    /// its due date (a case with no clock running was handled at once: on time).
    pub fn finish_clock(&mut self, now: Timestamp) {
        let today = ymd(local(now).date());
        self.on_time = Some(self.deadline.take().is_none_or(|due| today <= due));
        self.flag = None;
    }

    /// Stops a running clock for a correction, keeping the working days that were left.
    pub fn stop_clock(&mut self, now: Timestamp, cal: &WorkCalendar) {
        if let Some(due) = self.deadline.take().and_then(|d| d.parse::<jiff::civil::Date>().ok()) {
            let today = local(now).date();
            self.remaining_days = Some(if today >= due {
                0
            } else {
                cal.working_days_between(today, due)
            });
        }
        self.flag = None;
    }

    /// Restarts a stopped clock with the working days that were left.
    pub fn resume_clock(&mut self, now: Timestamp, cal: &WorkCalendar) {
        if let Some(left) = self.remaining_days.take() {
            self.deadline = Some(ymd(cal.add_working_days(local(now).date(), left)));
        }
    }
}

impl Upload {
    /// The record of an upload about to happen: whose it is (a citizen's id, or the member
    /// of staff scanning at a window) and what was declared.
    pub fn new(
        object_key: String,
        owner: String,
        file_name: String,
        content_type: String,
        size: u64,
        now: Timestamp,
    ) -> Self {
        Self {
            object_key,
            uploaded_by: owner,
            file_name,
            content_type,
            size,
            created_at: rfc3339(now),
        }
    }
}
