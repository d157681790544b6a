//! The demo day `make run` starts with: a few citizens who applied online for items that
//! need no scans, waiting in their departments' queues, and who booked a time at the hall
//! today, so the console has work on every demo member's screen from the first sign-in. All
//! of it goes through the functions as the mini-program's requests would, with Idempotency
//! Keys of its own, so a second start on the same store adds nothing.

use crate::gateway::Gateway;
use serde_json::{Value, json};

/// (wx.login code, real name, birth date, items applied for online)
const CITIZENS: [(&str, &str, &str, &str); 5] = [
    ("demo-zhangsan", "张三", "19800101", "SCJG-0001"),
    ("demo-lisi", "李四", "19850315", "SWJ-0003"),
    ("demo-wangwu", "王五", "19900708", "YBJ-0003"),
    ("demo-zhaoliu", "赵六", "19751120", "SCJG-0001"),
    ("demo-sunqi", "孙七", "19951231", "YBJ-0002"),
];

/// Items booked at the hall today, one per citizen in turn.
const BOOKED: [&str; 2] = ["SWJ-0003", "YBJ-0003"];

/// What the demo day left: applications waiting, and today's bookings' codes.
#[derive(Debug, Default)]
pub struct Day {
    pub applications: Vec<(String, String)>,
    pub bookings: Vec<(String, String, String)>,
}

/// An ID number of Shapingba district (500106) with a valid GB 11643 check digit.
fn id_number(birth: &str, seq: usize) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let body = format!("500106{birth}{:03}", seq.saturating_mul(2).saturating_add(11));
    let sum: u32 = body
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0).saturating_mul(w))
        .sum();
    let check = b"10X98765432"[usize::try_from(sum % 11).unwrap_or(0)];
    format!("{body}{}", char::from(check))
}

async fn ok(
    gw: &Gateway,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<&Value>,
) -> Result<Value, String> {
    match gw.call(method, uri, headers, body).await? {
        (s, v) if (200..300).contains(&s) => Ok(v),
        (s, v) => Err(format!("{method} {uri}: {s} {}", v["error"]["code"])),
    }
}

/// Seeds the day: what went in, or why a step could not (the stack runs either way).
pub async fn seed(gw: &Gateway, today: &str) -> Result<Day, String> {
    let mut day = Day::default();
    for (i, (code, name, birth, item)) in CITIZENS.iter().enumerate() {
        let login = ok(gw, "POST", "/v1/auth/wechat", &[], Some(&json!({ "code": code }))).await?;
        let bearer = format!("Bearer {}", login["token"].as_str().unwrap_or_default());
        let auth = ("authorization", bearer.as_str());
        let phone = format!("1391234{:04}", i.saturating_add(1));
        let identity = json!({ "realName": name, "idNumber": id_number(birth, i), "phone": phone });
        ok(gw, "PUT", "/v1/me/identity", &[auth], Some(&identity)).await?;
        let key = format!("demo-application-{code}");
        let form = json!({ "itemCode": item, "form": { "applicantName": name, "phone": phone }, "materials": [] });
        let created = ok(
            gw,
            "POST",
            "/v1/applications",
            &[auth, ("idempotency-key", &key)],
            Some(&form),
        )
        .await?;
        day.applications.push((
            created["applicationNo"].as_str().unwrap_or_default().to_owned(),
            (*item).to_owned(),
        ));
        // A time at the hall today, while one is still bookable (not in the evening).
        let Some(booked) = BOOKED.get(i) else { continue };
        let slots = ok(
            gw,
            "GET",
            &format!("/v1/halls/spb-center/slots?date={today}&item={booked}"),
            &[],
            None,
        )
        .await?;
        let free = slots["items"]
            .as_array()
            .and_then(|all| all.iter().find(|s| s["bookable"] == true))
            .and_then(|s| s["slotId"].as_str().map(str::to_owned));
        if let Some(slot) = free {
            let key = format!("demo-booking-{code}-{today}");
            let b = ok(
                gw,
                "POST",
                "/v1/bookings",
                &[auth, ("idempotency-key", &key)],
                Some(&json!({ "slotId": slot, "itemCode": booked })),
            )
            .await?;
            day.bookings.push((
                (*booked).to_owned(),
                b["start"].as_str().unwrap_or_default().to_owned(),
                b["verificationCode"].as_str().unwrap_or_default().to_owned(),
            ));
        }
    }
    Ok(day)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_demo_id_numbers_pass_the_check_digit() {
        for (i, (_, _, birth, _)) in super::CITIZENS.iter().enumerate() {
            let n = super::id_number(birth, i);
            assert!(n.parse::<model::IdNumber>().is_ok(), "{n}");
        }
    }
}
