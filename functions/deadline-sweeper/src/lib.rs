//! The deadline sweeper, run each working morning: per department, the cases whose clock
//! runs and whose due date is near (预警, within two working days) or past are found through
//! the `ByDeadline` index (no scan) and flagged, so the staff queue and the operations
//! alarms see them; each department's figures are logged.

use api::ApiError;
use model::WorkCalendar;
use model::application::view;
use model::config::{ConfigError, Env};
use model::time::{Clock, local};
use serde::Serialize;
use store::applications::ApplicationStore;
use store::catalog::CatalogStore;

#[derive(Debug, Clone)]
pub struct App {
    applications: ApplicationStore,
    catalog: CatalogStore,
    calendar: &'static WorkCalendar,
    clock: Clock,
}

#[derive(Debug, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub near_due: u32,
    pub overdue: u32,
}

impl App {
    /// Reads `APPLICATIONS_TABLE` and `CATALOG_TABLE`, and connects the store.
    pub async fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let applications = env.required("APPLICATIONS_TABLE")?.to_owned();
        let catalog = env.required("CATALOG_TABLE")?.to_owned();
        let client = store::connect(env).await;
        Ok(Self {
            applications: ApplicationStore::reader(client.clone(), applications),
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
        let today = local(self.clock.now()).date();
        // Everything due up to the near-due horizon, per department, from the index.
        let horizon = self
            .calendar
            .add_working_days(today, view::NEAR_DUE_DAYS + 1)
            .strftime("%Y-%m-%d")
            .to_string();
        let mut report = Report::default();
        for dept in self.catalog.departments().await? {
            let mut cursor = None;
            let (mut near, mut over) = (0u32, 0u32);
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
        }
        Ok(report)
    }
}
