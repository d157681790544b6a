//! One outbox record's way to WeChat: take it, choose the channel, send with retries, and
//! record the outcome.
//!
//! A send that WeChat accepted but whose `sent` mark could not be written leaves the record
//! `sending`; when its lease runs out a redelivery sends it again. That is the one way a
//! message can arrive twice, and it needs the store to fail right after WeChat answered.

use crate::App;
use crate::templates::{Template, Templates};
use api::ApiError;
use serde_json::{Value, json};
use std::time::Duration;
use store::delivery::{Take, Taken};
use store::outbox::Kind;
use wechat::server::CallError;
use wechat::token::{TokenError, Tokens};

/// Sends tried per take before the record goes back to the stream.
const TRIES: u32 = 3;
const FIRST_BACKOFF: Duration = Duration::from_millis(200);

pub(crate) enum Outcome {
    Sent {
        channel: &'static str,
        template: String,
        msgid: Option<String>,
    },
    /// Ends `failed`: retrying cannot change it.
    Refused(String),
    /// Passing: try again on the stream's redelivery.
    Later(String),
}

enum Channel<'a> {
    Mp(&'a Template),
    Oa {
        template: &'a Template,
        openid: String,
        tokens: &'a Tokens,
    },
}

/// Whether the record is finished with (sent, failed, or not ours to send); `false` asks
/// the stream to deliver it again.
pub(crate) async fn one(app: &App, record: &crate::stream::StreamRecord) -> bool {
    // Only new records are sends; the notifier's own updates come back as MODIFY.
    if record.event_name != "INSERT" {
        return true;
    }
    let Some(id) = record.id() else {
        tracing::warn!(sequence = %record.dynamodb.sequence_number, "a stream record without an outbox id");
        return true;
    };
    match attempt(app, id).await {
        Ok(done) => done,
        Err(e) => {
            tracing::error!(outbox_id = id, error = %api::error::chain(&e), "a notification could not be processed");
            false
        }
    }
}

async fn attempt(app: &App, id: &str) -> Result<bool, ApiError> {
    let now = app.clock.now();
    let taken = match app.deliveries.take(id, now).await? {
        Take::Ready(t) => t,
        Take::Finished | Take::Missing => return Ok(true),
        Take::Busy => return Ok(false),
    };
    let outcome = match deliver(app, &taken).await {
        Ok(outcome) => outcome,
        Err(e) => {
            // Nothing was sent: hand the record back rather than leave it leased.
            app.deliveries
                .retry_later(id, "the store failed before sending", now)
                .await?;
            return Err(e);
        }
    };
    let now = app.clock.now();
    match outcome {
        Outcome::Sent {
            channel,
            template,
            msgid,
        } => {
            let delivery = msgid
                .as_deref()
                .map(|m| app.wechat.delivery(m, id, now).map(|record| (m.to_owned(), record)))
                .transpose()?;
            app.deliveries.sent(id, (channel, &template), delivery, now).await?;
            tracing::info!(outbox_id = id, kind = %taken.kind, channel, "notification sent");
            Ok(true)
        }
        Outcome::Refused(reason) => {
            app.deliveries.failed(id, &reason, now).await?;
            tracing::warn!(outbox_id = id, kind = %taken.kind, %reason, "notification failed");
            Ok(true)
        }
        Outcome::Later(error) if taken.attempts >= app.max_attempts => {
            let reason = format!("gave up after {} attempts: {error}", taken.attempts);
            app.deliveries.failed(id, &reason, now).await?;
            tracing::error!(outbox_id = id, kind = %taken.kind, %reason, "notification failed");
            Ok(true)
        }
        Outcome::Later(error) => {
            app.deliveries.retry_later(id, &error, now).await?;
            tracing::warn!(outbox_id = id, attempts = taken.attempts, %error, "notification will be retried");
            Ok(false)
        }
    }
}

async fn deliver(app: &App, t: &Taken) -> Result<Outcome, ApiError> {
    let Some(kind) = Kind::parse(&t.kind) else {
        return Ok(Outcome::Refused(format!("unknown kind {}", t.kind)));
    };
    if kind == Kind::HelperUpdate {
        return crate::helper::deliver(app, t).await;
    }
    let Some(who) = app.subscriptions.recipient(&t.citizen).await? else {
        return Ok(Outcome::Refused("the citizen's account does not exist".into()));
    };
    let templates = app.templates.get().await?;
    let channel = match (&t.channel, templates.mp(kind)) {
        // Chosen on an earlier take, which also used up one consent: keep to it.
        (Some((c, _)), Some(template)) if c == "mp" => Channel::Mp(template),
        (Some((c, _)), None) if c == "mp" => {
            return Ok(Outcome::Refused(
                "the mini-program template is no longer configured".into(),
            ));
        }
        (_, mp) => match choose(app, &templates, t, kind, &who, mp).await? {
            Some(channel) => channel,
            None => {
                return Ok(Outcome::Refused(
                    "no channel: no subscription left for this message and not following the official account".into(),
                ));
            }
        },
    };
    let (tokens, body, name, template) = match &channel {
        Channel::Mp(template) => (
            &app.mp,
            json!({
                "touser": who.openid,
                "template_id": template.id,
                "page": t.page,
                "miniprogram_state": app.mp_state,
                "lang": "zh_CN",
                "data": template.data(&t.data),
            }),
            "mp",
            template.id.clone(),
        ),
        Channel::Oa {
            template,
            openid,
            tokens,
        } => (
            *tokens,
            json!({
                "touser": openid,
                "template_id": template.id,
                "miniprogram": { "appid": app.mp_appid, "pagepath": t.page },
                "data": template.data(&t.data),
            }),
            "oa",
            template.id.clone(),
        ),
    };
    Ok(match send(app, tokens, name == "mp", &body).await {
        Ok(msgid) => Outcome::Sent {
            channel: name,
            template,
            msgid,
        },
        Err(e @ CallError::Refused { .. }) => Outcome::Refused(e.reason()),
        Err(e) => Outcome::Later(e.to_string()),
    })
}

/// The mini-program if the citizen has a use of that template left (taking it), else the
/// official account if they follow it.
async fn choose<'a>(
    app: &'a App,
    templates: &'a Templates,
    t: &Taken,
    kind: Kind,
    who: &store::subscriptions::Recipient,
    mp: Option<&'a Template>,
) -> Result<Option<Channel<'a>>, ApiError> {
    if let Some(template) = mp
        && who.consents.get(&template.id).is_some_and(|&n| n > 0)
    {
        let take = app.subscriptions.take(&t.citizen, &template.id)?;
        if app.deliveries.choose_mp(&t.id, take, &template.id).await? {
            return Ok(Some(Channel::Mp(template)));
        }
    }
    let (Some(template), Some(tokens), Some(unionid)) = (templates.oa(kind), app.oa.as_ref(), &who.unionid) else {
        return Ok(None);
    };
    Ok(app
        .wechat
        .follower_of(unionid)
        .await?
        .filter(|link| link.subscribed)
        .map(|link| Channel::Oa {
            template,
            openid: link.openid,
            tokens,
        }))
}

/// Sends with the shared token: a refused token is dropped and replaced once; passing
/// failures are tried again with growing, jittered waits.
async fn send(app: &App, tokens: &Tokens, mp: bool, body: &Value) -> Result<Option<String>, CallError> {
    let mut refreshed = false;
    let mut backoff = FIRST_BACKOFF;
    let mut tries: u32 = 0;
    loop {
        tries = tries.saturating_add(1);
        let result = match tokens.get().await {
            Ok(token) => {
                let sent = if mp {
                    app.api.send_subscribe(&token, body).await
                } else {
                    app.api.send_template(&token, body).await
                };
                match sent {
                    Err(CallError::Token(code)) if !refreshed => {
                        refreshed = true;
                        tracing::warn!(
                            appid = tokens.appid(),
                            code,
                            "wechat refused the access token; refreshing"
                        );
                        if let Err(e) = tokens.refused(&token).await {
                            tracing::warn!(error = %e, "dropping the refused token failed");
                        }
                        tries = tries.saturating_sub(1);
                        continue;
                    }
                    other => other,
                }
            }
            Err(TokenError::Wechat(e @ CallError::Refused { .. })) => return Err(e),
            Err(e) => Err(CallError::Transient(api::error::chain(&e))),
        };
        match result {
            Err(CallError::Transient(error)) if tries < TRIES => {
                tracing::warn!(tries, %error, "wechat failed; trying again");
                tokio::time::sleep(backoff.saturating_add(jitter(backoff))).await;
                backoff = backoff.saturating_mul(2);
            }
            other => return other,
        }
    }
}

/// Up to half the wait again, so instances that failed together do not retry together.
fn jitter(base: Duration) -> Duration {
    let [byte] = model::random::bytes::<1>();
    base.mul_f64(f64::from(byte) / 510.0)
}
