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
    Err(ApiError::rate_limited(model::time::seconds_to_midnight(now)))
}
