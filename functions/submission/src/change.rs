//! What every change to an application shares: reading it, and writing a finished plan (the
//! version advanced, the status derived, the step recorded, the citizen told) in one
//! transaction.

use crate::App;
use api::{ApiError, Code};
use model::application::{ApplicationNo, Plan, Step, View};
use model::notification::Kind;
use store::applications::{Change, Committed};
use store::audit::Record;

/// The application, or 404.
pub async fn load(app: &App, no: &ApplicationNo) -> Result<View, ApiError> {
    app.applications.view(no).await?.ok_or_else(ApiError::not_found)
}

/// Finishes `plan` with its step and writes it; 409 `VERSION_CONFLICT` if the application
/// changed since it was read.
pub async fn commit(app: &App, plan: Plan, step: Step<'_>, notify: Option<Kind>) -> Result<View, ApiError> {
    commit_audited(app, plan, step, notify, None).await
}

/// [`commit`] of a staff member's change, with its audit record in the same transaction.
pub async fn commit_audited(
    app: &App,
    plan: Plan,
    step: Step<'_>,
    notify: Option<Kind>,
    audit: Option<Record>,
) -> Result<View, ApiError> {
    let now = app.clock.now();
    let planned = plan.finish(step, notify, now);
    let audit = audit.map(|r| app.trail.item(&r)).transpose()?;
    match app
        .applications
        .commit(&Change::planned(&planned).audited(audit), now)
        .await?
    {
        Committed::Done => {}
        Committed::Stale => return Err(ApiError::code(Code::VersionConflict)),
        Committed::KeyUsed => return Err(ApiError::code(Code::IdempotencyKeyReused)),
        // Only a new application has a precondition.
        Committed::Precluded => return Err(ApiError::code(Code::VersionConflict)),
    }
    if planned.completed {
        api::metrics::count(api::metrics::Metric::Completions, 1);
    }
    Ok(planned.into_view())
}

/// Today's date in Shanghai.
pub fn today(app: &App) -> jiff::civil::Date {
    model::time::local(app.clock.now()).date()
}
