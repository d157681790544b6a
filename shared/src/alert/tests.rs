use super::*;

fn at(local: &str) -> jiff::Timestamp {
    format!("{local}+08:00").parse().expect("a Shanghai time")
}

fn alert(now: jiff::Timestamp) -> Alert {
    Alert::raise(
        AlertKind::Overdue,
        "SQ20261202ABCD2345.RSJ-0001",
        "application:SQ20261202ABCD2345".into(),
        "RSJ".into(),
        now,
    )
}

#[test]
fn an_alerts_id_names_its_condition_and_subject_and_parses_back() {
    let a = alert(at("2026-12-03T07:00:00"));
    assert_eq!(a.id, "overdue.SQ20261202ABCD2345.RSJ-0001");
    assert!(a.id.parse::<AlertId>().is_ok());
    for bad in ["", "overdue", "a/b.c", "x.y z"] {
        assert!(bad.parse::<AlertId>().is_err(), "{bad}");
    }
}

#[test]
fn an_unacknowledged_alert_escalates_after_a_whole_working_day_and_not_over_a_weekend() {
    let cal = WorkCalendar::shipped();
    // Raised on Friday 2026-12-04: Saturday and Sunday are no working days.
    let friday = alert(at("2026-12-04T07:00:00"));
    assert!(!friday.escalation_due(jiff::civil::date(2026, 12, 4), cal));
    assert!(!friday.escalation_due(jiff::civil::date(2026, 12, 6), cal));
    assert!(friday.escalation_due(jiff::civil::date(2026, 12, 7), cal));
    let mut seen = friday.clone();
    let note = crate::FreeText::parse("已安排加急", 100).expect("note");
    seen.acknowledge("s1", note.clone(), at("2026-12-04T09:00:00"))
        .expect("ack");
    assert!(!seen.escalation_due(jiff::civil::date(2026, 12, 7), cal));
    assert_eq!(
        seen.acknowledge("s1", note.clone(), at("2026-12-04T09:00:00")),
        Err(NotNow)
    );
    let mut late = friday;
    late.escalate(at("2026-12-07T07:00:00"));
    late.acknowledge("s1", note, at("2026-12-07T09:00:00"))
        .expect("an escalated alert is acknowledged too");
    late.resolve(at("2026-12-08T07:00:00"));
    let actions: Vec<&str> = late.steps.iter().map(|s| s.action.as_str()).collect();
    assert_eq!(actions, ["raise", "escalate", "acknowledge", "resolve"]);
}

#[test]
fn a_failed_push_is_pending_until_one_succeeds() {
    let mut a = alert(at("2026-12-03T07:00:00"));
    assert!(a.push_pending());
    a.pushed(2, false, at("2026-12-03T07:00:01"));
    assert!(a.push_pending());
    a.pushed(2, true, at("2026-12-04T07:00:01"));
    assert!(!a.push_pending());
    assert_eq!(a.audience(), "RSJ");
    // Escalated, it goes to the supervisors, who have not been told yet.
    a.escalate(at("2026-12-07T07:00:00"));
    assert!(a.push_pending());
    assert_eq!(a.audience(), "supervision");
    assert!(a.message().contains("预警升级"));
    a.pushed(1, false, at("2026-12-07T07:00:01"));
    assert!(a.push_pending(), "a failed push to the supervisors is tried again");
}
