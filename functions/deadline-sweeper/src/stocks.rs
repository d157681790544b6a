//! The day's stocks for the supervisors' figures: what is waiting and late, per unit, found
//! through the indexes (a department's submitted cases, each desk's open and overdue cases
//! of 咨询投诉, its 差评 not verified in time) and recorded for the day, zeros included.

use crate::{App, Condition, Report};
use api::ApiError;
use model::DeptCode;
use model::alert::AlertKind;
use model::application::Status;
use model::feedback::Desk;
use model::figures::{self, desk_unit};
use store::Cursor;

impl App {
    /// Records every unit's stocks today. `units` holds each department's near-due and
    /// overdue counts, found by the sweep.
    pub(crate) async fn record_stocks(
        &self,
        units: &[(DeptCode, u32, u32)],
        now: jiff::Timestamp,
        report: &mut Report,
        found: &mut Vec<Condition>,
    ) -> Result<(), ApiError> {
        let today = model::time::local(now).date();
        let at = model::time::rfc3339(now);
        for (dept, near, over) in units {
            let late = self.acceptance_overdue(dept, today, found).await?;
            let (open, overdue) = self.desk(&Desk::Dept(dept.clone()), today, found).await?;
            report.acceptance_overdue = report.acceptance_overdue.saturating_add(late);
            // Found before, with the 督办 orders (`overdue_elsewhere`).
            let unverified = found
                .iter()
                .filter(|c| c.kind == AlertKind::VerificationOverdue && c.unit == dept.as_str())
                .count();
            report.feedback_overdue = report.feedback_overdue.saturating_add(overdue);
            let stocks = [
                (figures::OVERDUE, i64::from(*over)),
                (figures::NEAR_DUE, i64::from(*near)),
                (figures::ACCEPTANCE_OVERDUE, i64::from(late)),
                (figures::FEEDBACK_OPEN, i64::from(open)),
                (figures::FEEDBACK_OVERDUE, i64::from(overdue)),
                (
                    figures::BAD_REVIEWS_OVERDUE,
                    i64::try_from(unverified).unwrap_or(i64::MAX),
                ),
            ];
            self.figures.swept(today, dept.as_str(), &stocks, &at).await?;
        }
        // The desks that are not a department's: the halls', dispatch, the supervisors'.
        let mut desks: Vec<Desk> = self
            .catalog
            .halls()
            .await?
            .into_iter()
            .map(|h| Desk::Hall(h.hall_id))
            .collect();
        desks.extend([Desk::Dispatch, Desk::Supervision]);
        for desk in desks {
            let (open, overdue) = self.desk(&desk, today, found).await?;
            report.feedback_overdue = report.feedback_overdue.saturating_add(overdue);
            let stocks = [
                (figures::FEEDBACK_OPEN, i64::from(open)),
                (figures::FEEDBACK_OVERDUE, i64::from(overdue)),
            ];
            self.figures.swept(today, &desk_unit(&desk), &stocks, &at).await?;
        }
        Ok(())
    }

    /// A department's cases submitted more than five working days before `today` and still
    /// without a decision on acceptance.
    async fn acceptance_overdue(
        &self,
        dept: &DeptCode,
        today: jiff::civil::Date,
        found: &mut Vec<Condition>,
    ) -> Result<u32, ApiError> {
        let mut late = 0u32;
        let mut cursor: Option<Cursor> = None;
        loop {
            let page = self
                .applications
                .queue(dept, Some(Status::Submitted), None, cursor.as_ref(), 100)
                .await?;
            for case in &page.items {
                let submitted = case.submitted_at.parse::<jiff::Timestamp>().ok();
                let day = submitted.map(|t| model::time::local(t).date());
                if day.is_some_and(|d| self.calendar.add_working_days(d, figures::ACCEPTANCE_DAYS) < today) {
                    late = late.saturating_add(1);
                    found.push(Condition::of_case("acceptance_overdue", case));
                }
            }
            cursor = page.next;
            if cursor.is_none() {
                return Ok(late);
            }
        }
    }

    /// A desk's open cases (received or assigned) and those of them past their last day.
    async fn desk(
        &self,
        desk: &Desk,
        today: jiff::civil::Date,
        found: &mut Vec<Condition>,
    ) -> Result<(u32, u32), ApiError> {
        let (mut open, mut overdue) = (0u32, 0u32);
        let mut cursor: Option<Cursor> = None;
        loop {
            let (cases, next) = self.feedback.open_at(desk, cursor.as_ref(), 100).await?;
            for case in &cases {
                open = open.saturating_add(1);
                if case.overdue(today) {
                    overdue = overdue.saturating_add(1);
                    found.push(Condition::of_feedback(case));
                }
            }
            cursor = next;
            if cursor.is_none() {
                return Ok((open, overdue));
            }
        }
    }
}
