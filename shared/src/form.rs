//! One form (一表申报): checking submitted values against a form's fields.
//!
//! Every problem is collected, so the citizen hears about all of them at once (一次告知).
//! Values of the identity kinds are checked as strictly as the binding is, and kept in the
//! normalised form their parser gives.

use super::catalog::FormField;
use super::{IdNumber, LocalDate, Phone};
use crate::fields::FieldErrors;
use serde_json::{Map, Value};

/// Text fields hold at most this many characters.
const MAX_TEXT: usize = 500;

/// The form every item without a form of its own asks for.
pub fn default_item_form() -> Vec<FormField> {
    let field = |name: &str, label: &str, kind: &str, required: bool| FormField {
        name: name.into(),
        label: label.into(),
        kind: kind.into(),
        required,
        options: vec![],
    };
    vec![
        field("applicantName", "申请人姓名", "string", true),
        field("phone", "联系电话", "phone", true),
        field("address", "联系地址", "string", false),
        field("remark", "备注", "string", false),
    ]
}

fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

fn check_value(field: &FormField, value: &Value) -> Result<Value, String> {
    let text = || value.as_str().ok_or_else(|| "应为字符串".to_owned());
    match field.kind.as_str() {
        "string" => {
            let t = text()?.trim();
            if t.is_empty() || t.chars().count() > MAX_TEXT || t.chars().any(is_invisible) {
                return Err(format!("应为1-{MAX_TEXT}个可见字符"));
            }
            Ok(Value::String(t.to_owned()))
        }
        "number" => match value.as_f64() {
            Some(n) if (0.0..1e12).contains(&n) => Ok(value.clone()),
            _ => Err("应为非负数字".to_owned()),
        },
        "date" => text()?
            .parse::<LocalDate>()
            .map(|d| Value::String(d.to_string()))
            .map_err(|e| e.0.into_owned()),
        "idNumber" => text()?
            .parse::<IdNumber>()
            .map(|i| Value::String(i.expose().to_owned()))
            .map_err(|e| e.0.into_owned()),
        "phone" => text()?
            .parse::<Phone>()
            .map(|p| Value::String(p.expose().to_owned()))
            .map_err(|e| e.0.into_owned()),
        "choice" => {
            let t = text()?;
            if field.options.iter().any(|o| o == t) {
                Ok(Value::String(t.to_owned()))
            } else {
                Err(format!("应为{}之一", field.options.join("、")))
            }
        }
        other => Err(format!("未知的字段类型{other}")),
    }
}

/// Checks `values` against `fields`: every required field present, every value of its type,
/// no field the form does not have. Problems go into `errors` as `form.NAME`.
pub fn check(fields: &[FormField], values: &Map<String, Value>, errors: &mut FieldErrors) -> Map<String, Value> {
    let mut clean = Map::new();
    for f in fields {
        match values.get(&f.name) {
            None | Some(Value::Null) => {
                if f.required {
                    errors.add(&format!("form.{}", f.name), format!("必填：{}", f.label));
                }
            }
            Some(v) => match check_value(f, v) {
                Ok(v) => {
                    clean.insert(f.name.clone(), v);
                }
                Err(why) => errors.add(&format!("form.{}", f.name), why),
            },
        }
    }
    // Fields are named by the form's own names; a key the client made up is never quoted.
    let unknown = values.keys().filter(|k| !fields.iter().any(|f| &f.name == *k)).count();
    if unknown > 0 {
        errors.add("form", format!("含有{unknown}个表单中没有的字段"));
    }
    clean
}

/// The form as responses show it: identity fields masked whole, and every other value
/// through the free-text scrubber, since people write phone numbers into an address or a
/// remark (a number field holding a phone-shaped value is shown as masked text).
pub fn masked(fields: &[FormField], values: &Map<String, Value>) -> Map<String, Value> {
    values
        .iter()
        .map(|(k, v)| {
            let kind = fields.iter().find(|f| &f.name == k).map(|f| f.kind.as_str());
            let shown = match (kind, v) {
                (Some("idNumber"), Value::String(s)) => Value::String(crate::mask::id_number(s)),
                (Some("phone"), Value::String(s)) => Value::String(crate::mask::phone(s)),
                (_, Value::String(s)) => Value::String(crate::mask::scrub(s).into_owned()),
                (_, Value::Number(n)) => {
                    let text = n.to_string();
                    match crate::mask::scrub(&text) {
                        std::borrow::Cow::Borrowed(_) => v.clone(),
                        std::borrow::Cow::Owned(masked) => Value::String(masked),
                    }
                }
                _ => v.clone(),
            };
            (k.clone(), shown)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_problem_is_reported_at_once_and_good_values_are_normalised() {
        let fields = default_item_form();
        let mut errors = FieldErrors::default();
        let values = json!({ "applicantName": 7, "phone": "12345", "extra": "x" });
        check(&fields, values.as_object().unwrap(), &mut errors);
        let fields_named: Vec<&String> = errors.reasons().keys().collect();
        assert_eq!(fields_named, ["form", "form.applicantName", "form.phone"]);
        let mut ok = FieldErrors::default();
        let clean = check(
            &fields,
            json!({ "applicantName": " 张三 ", "phone": "+8613812345678" })
                .as_object()
                .unwrap(),
            &mut ok,
        );
        assert!(ok.is_empty());
        assert_eq!(clean["applicantName"], "张三");
        assert_eq!(clean["phone"], "13812345678");
        assert_eq!(masked(&fields, &clean)["phone"], "138****5678");
    }
}
