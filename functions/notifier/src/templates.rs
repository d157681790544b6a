//! Which WeChat template each kind of notification uses, and how its fields are filled:
//! configuration (`WECHAT_TEMPLATES`), because template ids belong to each district's own
//! mini-program and official account.
//!
//! ```json
//! {"booking_confirmed": {
//!    "mp": {"id": "<subscribe template id>", "fields": {"thing1": "itemName", "time2": "start"}},
//!    "oa": {"id": "<template message id>", "fields": {"first": "=您的预约已确认", "keyword1": "itemName"}}}}
//! ```
//!
//! A field names a value of the notification (`itemName`) or, after `=`, fixed text. Names
//! are checked against what each kind carries when the function starts, so a typo fails the
//! deploy's first cold start instead of every message. Values are shaped for WeChat's field
//! types, which refuse over-long values (47003): `thing` 20 characters, `phrase` 5, `name`
//! 10, `character_string` and `number` 32, `time`/`date` as local date and time.

use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use store::outbox::Kind;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKind {
    mp: Option<RawTemplate>,
    oa: Option<RawTemplate>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplate {
    id: String,
    fields: BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
enum Source {
    Fixed(String),
    Value(String),
}

#[derive(Debug, Clone)]
pub struct Template {
    pub id: String,
    fields: Vec<(String, Source)>,
}

#[derive(Debug, Clone, Default)]
pub struct Templates {
    mp: HashMap<&'static str, Template>,
    oa: HashMap<&'static str, Template>,
}

/// The values each kind of notification carries (see the writers of `outbox::Notification`),
/// plus `outcomeText`, derived here.
fn values_of(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::BookingConfirmed | Kind::BookingReminder => &["itemName", "hallName", "start", "verificationCode"],
        Kind::BookingCancelled => &["itemName", "hallName", "start"],
        Kind::BookingRestricted => &["until", "note"],
        Kind::ApplicationAccepted
        | Kind::CorrectionRequired
        | Kind::ApplicationCompleted
        | Kind::ApplicationRejected => &["applicationNo", "subjectName", "status", "at"],
        Kind::EvaluationInvitation => &["subjectName"],
        Kind::ReviewOutcome => &["subjectName", "outcome", "outcomeText", "note", "at"],
        Kind::NumberCalled => &["queueNumber", "windowName", "hallName", "itemName", "at"],
        Kind::ApplicationDenied | Kind::ResultDelivered => &["applicationNo", "subjectName", "status", "at", "note"],
        Kind::FeedbackUpdate => &["feedbackNo", "kindText", "status", "note", "at"],
        Kind::IdentityChange => &["status", "note", "at"],
        Kind::ConsentRequest => &["subjectName", "hallName", "expiresAt"],
        // Told to staff through WeCom as text, never through a WeChat template.
        Kind::HelperUpdate => &[],
    }
}

impl Templates {
    pub fn parse(json: &str) -> Result<Self, String> {
        let raw: BTreeMap<String, RawKind> = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let mut out = Templates::default();
        for (name, channels) in raw {
            let kind = Kind::parse(&name).ok_or_else(|| format!("unknown notification kind {name:?}"))?;
            for (map, template) in [(&mut out.mp, channels.mp), (&mut out.oa, channels.oa)] {
                let Some(t) = template else { continue };
                if t.id.trim().is_empty() {
                    return Err(format!("{name}: an empty template id"));
                }
                let mut fields = Vec::new();
                for (field, source) in t.fields {
                    let source = match source.strip_prefix('=') {
                        Some(fixed) => Source::Fixed(fixed.to_owned()),
                        None if values_of(kind).contains(&source.as_str()) => Source::Value(source),
                        None => return Err(format!("{name}.{field}: {name} carries no value {source:?}")),
                    };
                    fields.push((field, source));
                }
                map.insert(kind.as_str(), Template { id: t.id, fields });
            }
        }
        Ok(out)
    }

    pub fn mp(&self, kind: Kind) -> Option<&Template> {
        self.mp.get(kind.as_str())
    }

    pub fn oa(&self, kind: Kind) -> Option<&Template> {
        self.oa.get(kind.as_str())
    }
}

impl Template {
    /// The `data` object of a send request.
    pub fn data(&self, values: &BTreeMap<String, String>) -> Value {
        let mut data = serde_json::Map::new();
        for (field, source) in &self.fields {
            let raw = match source {
                Source::Fixed(text) => text.clone(),
                Source::Value(name) if name == "outcomeText" => {
                    outcome_text(values.get("outcome").map_or("", String::as_str)).to_owned()
                }
                Source::Value(name) => values.get(name).cloned().unwrap_or_default(),
            };
            // The one way out to WeChat: what a value holds (a staff note, say) is masked.
            let raw = model::mask::scrub(&raw);
            data.insert(field.clone(), json!({ "value": shape(field, &raw) }));
        }
        Value::Object(data)
    }
}

fn outcome_text(status: &str) -> &'static str {
    match status {
        "rectifying" => "已核实，整改中",
        "rectified" => "已整改",
        "cannot_rectify" => "已核实，暂无法整改并已说明",
        "invalid" => "经复核为无效评价",
        "closed" => "已办结",
        _ => "已处理",
    }
}

/// A value cut or formatted to what the field's type accepts.
fn shape(field: &str, raw: &str) -> String {
    let kind = field.trim_end_matches(|c: char| c.is_ascii_digit());
    let cut = |n: usize| -> String {
        if raw.chars().count() <= n {
            raw.to_owned()
        } else {
            let mut s: String = raw.chars().take(n.saturating_sub(1)).collect();
            s.push('…');
            s
        }
    };
    // An instant reads as local date and time in any field that shows text.
    if !matches!(kind, "character_string" | "number" | "letter")
        && let Ok(t) = raw.parse::<jiff::Timestamp>()
    {
        let local = model::time::local(t).strftime("%Y-%m-%d %H:%M").to_string();
        return if kind == "thing" || kind == "phrase" {
            local.chars().take(20).collect()
        } else {
            local
        };
    }
    match kind {
        "thing" => cut(20),
        "phrase" => raw.chars().take(5).collect(),
        "name" => cut(10),
        "character_string" | "number" | "letter" => raw.chars().filter(|c| !c.is_whitespace()).take(32).collect(),
        "time" | "date" => cut(20),
        _ => cut(200),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_filled_and_shaped_for_their_wechat_types() {
        let t = Templates::parse(
            r#"{"booking_confirmed":{"mp":{"id":"T","fields":{"thing1":"itemName","time2":"start","phrase3":"=已确认"}}}}"#,
        )
        .unwrap();
        let values = BTreeMap::from([
            (
                "itemName".to_owned(),
                "一个名字非常非常非常非常非常长的办理事项名称".to_owned(),
            ),
            ("start".to_owned(), "2026-12-03T01:30:00Z".to_owned()),
        ]);
        let data = t.mp(Kind::BookingConfirmed).unwrap().data(&values);
        assert_eq!(data["thing1"]["value"].as_str().unwrap().chars().count(), 20);
        assert_eq!(data["time2"]["value"], "2026-12-03 09:30");
        assert_eq!(data["phrase3"]["value"], "已确认");
        let oa = Templates::parse(r#"{"booking_confirmed":{"oa":{"id":"T","fields":{"keyword2":"start"}}}}"#).unwrap();
        let data = oa.oa(Kind::BookingConfirmed).unwrap().data(&values);
        assert_eq!(
            data["keyword2"]["value"], "2026-12-03 09:30",
            "an instant reads as local time anywhere"
        );
        assert!(t.oa(Kind::BookingConfirmed).is_none());
    }

    #[test]
    fn a_field_naming_a_value_the_kind_does_not_carry_is_refused_at_start() {
        let err = Templates::parse(r#"{"evaluation_invitation":{"mp":{"id":"T","fields":{"thing1":"itemNmae"}}}}"#)
            .unwrap_err();
        assert!(err.contains("itemNmae"), "{err}");
        assert!(Templates::parse(r#"{"no_such_kind":{}}"#).is_err());
    }
}
