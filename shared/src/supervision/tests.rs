use super::*;

fn at(local: &str) -> jiff::Timestamp {
    format!("{local}+08:00").parse().expect("a Shanghai time")
}

fn note(text: &str) -> FreeText {
    FreeText::parse(text, NOTE_CHARS).expect("note")
}

fn day(text: &str) -> LocalDate {
    text.parse().expect("a date")
}

fn order(now: jiff::Timestamp, due: &str) -> Result<Order, BadDue> {
    let subject = Subject::parse(&serde_json::json!({"feedbackNo": "FK20261202ABCDEFGH"})).expect("subject");
    Order::issue(
        subject,
        "RSJ".parse().expect("dept"),
        note("三日内回复群众"),
        day(due),
        "jiancha",
        now,
    )
}

#[test]
fn ids_are_db_the_shanghai_date_and_eight_characters_of_the_alphabet() {
    // 23:30 UTC on the 2nd is already the 3rd in Shanghai.
    let o = order("2026-12-02T23:30:00Z".parse().expect("utc"), "2026-12-03").expect("issued");
    assert!(o.id.as_str().starts_with("DB20261203") && o.id.as_str().len() == 18);
    assert_eq!(o.id.as_str().parse::<OrderId>(), Ok(o.id.clone()));
    for bad in ["", "DB2026", "FK20261202ABCDEFGH", "DB20261202abcdefgh"] {
        assert!(bad.parse::<OrderId>().is_err(), "{bad}");
    }
}

#[test]
fn a_subject_is_exactly_one_well_formed_number() {
    let ok = Subject::parse(&serde_json::json!({"applicationNo": "SQ20261202ABCDEFGH"}));
    assert!(ok.is_ok(), "{ok:?}");
    assert_eq!(ok.expect("parsed").key(), "application:SQ20261202ABCDEFGH");
    for bad in [
        serde_json::json!({}),
        serde_json::json!("SQ20261202ABCDEFGH"),
        serde_json::json!({"applicationNo": "SQ1", }),
        serde_json::json!({"applicationNo": "SQ20261202ABCDEFGH", "feedbackNo": "FK20261202ABCDEFGH"}),
        serde_json::json!({"bookingId": "x"}),
        serde_json::json!({"evaluationId": 7}),
    ] {
        assert!(Subject::parse(&bad).is_err(), "{bad}");
    }
}

#[test]
fn a_due_date_is_today_or_later_within_ninety_days_in_shanghai() {
    let late_evening = at("2026-12-03T23:59:00");
    assert!(order(late_evening, "2026-12-03").is_ok());
    assert_eq!(order(late_evening, "2026-12-02").err(), Some(BadDue::Past));
    assert!(order(late_evening, "2027-03-03").is_ok());
    assert_eq!(order(late_evening, "2027-03-04").err(), Some(BadDue::TooFar));
}

#[test]
fn the_department_answers_and_the_supervisor_returns_or_closes() {
    let now = at("2026-12-03T09:00:00");
    let mut o = order(now, "2026-12-10").expect("issued");
    assert_eq!(o.step(OrderAction::Return, "jiancha", note("?"), now), Err(NotNow));
    o.step(OrderAction::Respond, "rsj", note("已回电"), now)
        .expect("answer");
    assert_eq!(o.step(OrderAction::Respond, "rsj", note("again"), now), Err(NotNow));
    o.step(OrderAction::Return, "jiancha", note("请附通话记录"), now)
        .expect("return");
    assert_eq!(o.status, OrderStatus::Returned);
    o.step(OrderAction::Respond, "rsj", note("已附"), now)
        .expect("answer again");
    o.step(OrderAction::Close, "jiancha", note("办结"), now).expect("close");
    assert_eq!(o.step(OrderAction::Close, "jiancha", note("again"), now), Err(NotNow));
    let actions: Vec<&str> = o.steps.iter().map(|s| s.action.as_str()).collect();
    assert_eq!(actions, ["issue", "respond", "return", "respond", "close"]);
    assert_eq!(o.version, 5);
}

#[test]
fn an_order_is_overdue_only_while_it_waits_for_the_department_past_its_day() {
    let now = at("2026-12-03T09:00:00");
    let mut o = order(now, "2026-12-04").expect("issued");
    assert!(!o.overdue(jiff::civil::date(2026, 12, 4)));
    assert!(o.overdue(jiff::civil::date(2026, 12, 5)));
    o.step(OrderAction::Respond, "rsj", note("已办"), now).expect("answer");
    assert!(!o.overdue(jiff::civil::date(2026, 12, 5)));
    o.step(OrderAction::Return, "jiancha", note("不够"), now)
        .expect("return");
    assert!(o.overdue(jiff::civil::date(2026, 12, 5)));
}
