//! The daily limit on an account's binding attempts (typed or face-verified): enough for a
//! person who mistypes, too few to learn which ID numbers have accounts.

use crate::App;
use api::ApiError;
use model::CitizenId;

/// Counts an attempt, or answers 429 with the seconds until the next Beijing midnight.
pub async fn count(app: &App, id: &CitizenId) -> Result<(), ApiError> {
    let now = app.clock.now();
    let today = model::time::local(now).date();
    let yesterday = today.yesterday().unwrap_or(today);
    let counted = app
        .citizens
        .count_attempt(id, &today.to_string(), &yesterday.to_string(), app.attempts_per_day)
        .await?;
    if counted {
        return Ok(());
    }
    tracing::warn!(citizen = %id, "binding attempts over the daily limit");
    let midnight = today
        .tomorrow()
        .ok()
        .and_then(|d| {
            model::time::SHANGHAI
                .to_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
                .ok()
        })
        .unwrap_or(now);
    let wait = midnight.as_second().saturating_sub(now.as_second()).max(1);
    Err(ApiError::rate_limited(u64::try_from(wait).unwrap_or(1)))
}
