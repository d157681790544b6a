//! The deadline sweeper, run each working morning: per department, the cases whose clock
//! runs and whose due date is near (预警, within two working days) or past are found through
//! the `ByDeadline` index (no scan) and flagged, so the staff queue and the operations
//! alarms see them; then the day's stocks of each unit are recorded for the supervisors'
//! figures (`model::figures`): cases overdue and near due, acceptance decisions overdue
//! (submitted more than five working days ago, 行政许可法 §32), and each 咨询投诉 desk's open
//! and overdue cases. Every late thing it finds (and each 差评 not verified in time, each
//! 督办 order past its day) is an alert (预警), raised once, pushed to the staff who answer
//! for it by WeCom, escalated to the supervisors after a working day unacknowledged, and
//! resolved when the sweep no longer finds it.

mod alerts;
mod stocks;

pub use alerts::Condition;

use api::ApiError;
use model::WorkCalendar;
use model::application::view;
use model::config::{ConfigError, Env};
use model::time::{Clock, local};
use serde::Serialize;
use store::alerts::AlertStore;
use store::applications::ApplicationStore;
use store::catalog::CatalogStore;
use store::evaluations::EvaluationStore;
use store::feedback::FeedbackStore;
use store::figures::FigureStore;
use store::orders::OrderStore;
use store::staff::StaffStore;
use wechat::wecom::Wecom;

#[derive(Debug, Clone)]
pub struct App {
    applications: ApplicationStore,
    feedback: FeedbackStore,
    figures: FigureStore,
    alerts: AlertStore,
    orders: OrderStore,
    evaluations: EvaluationStore,
    directory: StaffStore,
    wecom: std::sync::Arc<Wecom>,
    catalog: CatalogStore,
    calendar: &'static WorkCalendar,
    clock: Clock,
}

#[derive(Debug, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub near_due: u32,
    pub overdue: u32,
    pub acceptance_overdue: u32,
    pub feedback_overdue: u32,
    /// Alerts raised, escalated and resolved by this sweep.
    pub raised: u32,
    pub escalated: u32,
    pub resolved: u32,
}

impl App {
    /// Reads `APPLICATIONS_TABLE`, `FEEDBACK_TABLE`, `SUPERVISION_TABLE`,
    /// `EVALUATIONS_TABLE`, `STAFF_TABLE`, `CATALOG_TABLE`, `WECHAT_TABLE` (WeCom's token)
    /// and the WeCom settings (`wechat::wecom`), and connects the store.
    pub async fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let applications = env.required("APPLICATIONS_TABLE")?.to_owned();
        let feedback = env.required("FEEDBACK_TABLE")?.to_owned();
        let supervision = env.required("SUPERVISION_TABLE")?.to_owned();
        let catalog = env.required("CATALOG_TABLE")?.to_owned();
        let client = store::connect(env).await;
        let tokens = store::wechat::WechatStore::new(client.clone(), env.required("WECHAT_TABLE")?);
        Ok(Self {
            applications: ApplicationStore::reader(client.clone(), applications),
            feedback: FeedbackStore::reader(client.clone(), feedback),
            figures: FigureStore::new(client.clone(), supervision.clone()),
            alerts: AlertStore::new(client.clone(), supervision.clone()),
            orders: OrderStore::new(client.clone(), supervision),
            evaluations: EvaluationStore::reader(client.clone(), env.required("EVALUATIONS_TABLE")?),
            directory: StaffStore::new(client.clone(), env.required("STAFF_TABLE")?),
            wecom: std::sync::Arc::new(Wecom::from_env(env, tokens)?),
            catalog: CatalogStore::new(client, catalog),
            calendar: WorkCalendar::shipped(),
            clock: Clock::system(),
        })
    }

    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    pub async fn sweep(&self) -> Result<Report, ApiError> {
        let now = self.clock.now();
        let today = local(now).date();
        // Everything due up to the near-due horizon, per department, from the index.
        let horizon = self
            .calendar
            .add_working_days(today, view::NEAR_DUE_DAYS + 1)
            .strftime("%Y-%m-%d")
            .to_string();
        let mut report = Report::default();
        let mut units = Vec::new();
        let mut found: Vec<Condition> = Vec::new();
        let depts = self.catalog.departments().await?;
        for dept in &depts {
            let (mut near, mut over) = (0u32, 0u32);
            let mut cursor = None;
            loop {
                let page = self
                    .applications
                    .queue(&dept.code, None, Some(&horizon), cursor.as_ref(), 100)
                    .await?;
                for case in &page.items {
                    let Some(deadline) = case.deadline.as_deref() else {
                        continue;
                    };
                    let flag = match view::due_flags(deadline, today, self.calendar) {
                        (_, true) => Some("overdue"),
                        (true, _) => Some("near_due"),
                        _ => None,
                    };
                    match flag {
                        Some("overdue") => over = over.saturating_add(1),
                        Some(_) => near = near.saturating_add(1),
                        None => {}
                    }
                    if let Some(f) = flag {
                        found.push(Condition::of_case(f, case));
                    }
                    if case.flag.as_deref() != flag {
                        self.applications.set_flag(case, flag).await?;
                    }
                }
                cursor = page.next;
                if cursor.is_none() {
                    break;
                }
            }
            if near > 0 || over > 0 {
                tracing::info!(dept = %dept.code, near_due = near, overdue = over, "deadlines");
            }
            report.near_due = report.near_due.saturating_add(near);
            report.overdue = report.overdue.saturating_add(over);
            units.push((dept.code.clone(), near, over));
        }
        self.overdue_elsewhere(&depts, today, &mut found).await?;
        self.record_stocks(&units, now, &mut report, &mut found).await?;
        self.reconcile(found, now, &mut report).await?;
        Ok(report)
    }
}
