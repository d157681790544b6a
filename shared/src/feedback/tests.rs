use super::*;
use crate::feedback::{About, Filed, Kind, Source};

fn at(local: &str) -> jiff::Timestamp {
    format!("{local}+08:00").parse().expect("a Shanghai time")
}

fn case(kind: Kind, desk: Desk, now: jiff::Timestamp) -> Feedback {
    let filed = Filed {
        kind,
        content: FreeText::parse("窗口让我跑了三次，请回电13812345678", 1000).expect("text"),
        about: None,
        conduct: false,
        anonymous: false,
        source: Source::MiniProgram,
    };
    let no = FeedbackNo::generate(crate::time::local(now).date());
    let citizen = CitizenId::for_openid("wx1", "openid-a");
    Feedback::file(no, citizen, filed, desk, (None, None), now, WorkCalendar::shipped())
}

fn note(text: &str) -> FreeText {
    FreeText::parse(text, 1000).expect("note")
}

fn rsj() -> DeptCode {
    "RSJ".parse().expect("dept")
}

#[test]
fn numbers_are_fk_the_date_and_eight_characters_of_the_alphabet() {
    let no = FeedbackNo::generate(jiff::civil::date(2026, 12, 2));
    assert!(no.as_str().starts_with("FK20261202") && no.as_str().len() == 18);
    assert_eq!(no.as_str().parse::<FeedbackNo>(), Ok(no.clone()));
    for bad in [
        "",
        "FK2026",
        "SQ20261202ABCDEFGH",
        "FK20261202abcdefgh",
        "FK2026120AABCDEFGH",
        "FK20261202ABCDEFGI",
    ] {
        assert!(bad.parse::<FeedbackNo>().is_err(), "{bad}");
    }
}

#[test]
fn limits_count_working_days_from_the_day_after_receipt() {
    // Received on a Friday evening: a consultation's three days are Mon, Tue, Wed.
    let friday = at("2026-12-04T21:30:00");
    let c = case(Kind::Consultation, Desk::Dept(rsj()), friday);
    assert_eq!(c.due, "2026-12-09");
    assert_eq!(c.due_at(), "2026-12-09T23:59:59+08:00");
    // A complaint's thirteen, from a Wednesday.
    let c = case(Kind::Complaint, Desk::Dept(rsj()), at("2026-12-02T07:30:00"));
    assert_eq!(c.due, "2026-12-21");
    assert!(!c.overdue(jiff::civil::date(2026, 12, 21)));
    assert!(c.overdue(jiff::civil::date(2026, 12, 22)));
}

#[test]
fn a_case_naming_nothing_waits_at_dispatch_for_one_working_day() {
    let c = case(Kind::Help, Desk::Dispatch, at("2026-12-04T23:59:00"));
    assert_eq!(
        (c.status, c.dispatch_due.as_deref()),
        (Status::Received, Some("2026-12-07"))
    );
    assert!(c.dispatch_overdue(jiff::civil::date(2026, 12, 8)));
    let routed = case(
        Kind::Help,
        Desk::Hall("spb-center".parse().expect("hall")),
        at("2026-12-04T10:00:00"),
    );
    assert_eq!(
        (routed.status, routed.dispatch_due.as_deref()),
        (Status::Received, None)
    );
    assert!(!routed.dispatch_overdue(jiff::civil::date(2026, 12, 31)));
}

#[test]
fn dispatch_assigns_a_department_which_replies_and_the_citizen_closes_it() {
    let now = at("2026-12-02T09:00:00");
    let cal = WorkCalendar::shipped();
    let mut c = case(Kind::Consultation, Desk::Dispatch, now);
    assert_eq!(
        c.act(DeskStep::Reply, "s1", note("答复"), now, cal),
        Err(Refused::InvalidTransition)
    );
    c.act(DeskStep::Assign(rsj()), "d1", note("人社事项"), now, cal)
        .expect("assign");
    assert_eq!((c.desk.key().as_str(), c.status), ("dept:RSJ", Status::Assigned));
    c.act(DeskStep::Reply, "s1", note("已电话答复"), now, cal)
        .expect("reply");
    c.rate(Satisfaction::Satisfied, None, now, cal).expect("rate");
    assert_eq!(c.status, Status::Closed);
    let actions: Vec<&str> = c.steps.iter().map(|s| s.action.as_str()).collect();
    assert_eq!(actions, ["receive", "assign", "reply", "rate"]);
    assert_eq!(c.version, 4);
}

#[test]
fn an_unsatisfied_rating_reopens_once_with_a_fresh_limit() {
    let cal = WorkCalendar::shipped();
    let mut c = case(Kind::Consultation, Desk::Dept(rsj()), at("2026-12-02T09:00:00"));
    c.act(DeskStep::Reply, "s1", note("答复"), at("2026-12-03T09:00:00"), cal)
        .expect("reply");
    c.rate(Satisfaction::Unsatisfied, None, at("2026-12-04T09:00:00"), cal)
        .expect("rate");
    assert_eq!(
        (c.status, c.reopened, c.due.as_str()),
        (Status::Assigned, true, "2026-12-09")
    );
    c.act(DeskStep::Reply, "s1", note("再次答复"), at("2026-12-07T09:00:00"), cal)
        .expect("reply again");
    c.rate(Satisfaction::Unsatisfied, None, at("2026-12-07T10:00:00"), cal)
        .expect("rate again");
    assert_eq!(c.status, Status::Closed, "重办 happens once");
    assert_eq!(
        c.rate(Satisfaction::Satisfied, None, at("2026-12-07T11:00:00"), cal),
        Err(Refused::InvalidTransition)
    );
}

#[test]
fn one_extension_moves_the_due_day_only_when_approved() {
    let now = at("2026-12-02T09:00:00");
    let cal = WorkCalendar::shipped();
    let mut c = case(Kind::Complaint, Desk::Dept(rsj()), now);
    assert_eq!(
        c.decide_extension(true, "j1", note("同意"), now, cal),
        Err(Refused::InvalidTransition)
    );
    c.act(DeskStep::RequestExtension(5), "s1", note("需现场核查"), now, cal)
        .expect("ask");
    assert_eq!(
        c.act(DeskStep::RequestExtension(2), "s1", note("再延"), now, cal),
        Err(Refused::ExtensionNotAllowed)
    );
    c.decide_extension(true, "j1", note("同意"), now, cal).expect("decide");
    assert_eq!(c.due, "2026-12-28", "five working days after the 21st");
    assert_eq!(
        c.decide_extension(false, "j1", note("再议"), now, cal),
        Err(Refused::InvalidTransition)
    );
    assert_eq!(
        c.act(DeskStep::RequestExtension(1), "s1", note("再延"), now, cal),
        Err(Refused::ExtensionNotAllowed),
        "a decided request still counts"
    );
}

#[test]
fn a_returned_case_goes_back_to_dispatch_but_a_conduct_complaint_cannot_be_returned() {
    let now = at("2026-12-02T09:00:00");
    let cal = WorkCalendar::shipped();
    let mut c = case(Kind::Complaint, Desk::Dept(rsj()), now);
    c.act(DeskStep::Return, "s1", note("非本部门事项"), now, cal)
        .expect("return");
    assert_eq!((c.desk.clone(), c.status), (Desk::Dispatch, Status::Received));
    assert_eq!(
        c.act(DeskStep::Return, "d1", note("再退"), now, cal),
        Err(Refused::InvalidTransition)
    );
    let mut conduct = case(Kind::Complaint, Desk::Supervision, now);
    conduct.conduct = true;
    assert_eq!(
        conduct.act(DeskStep::Return, "j1", note("退回"), now, cal),
        Err(Refused::InvalidTransition)
    );
}

#[test]
fn about_names_exactly_one_thing_in_its_format() {
    let ok = About::parse(&serde_json::json!({"deptCode": "RSJ"})).expect("dept");
    assert_eq!(ok, About::DeptCode(rsj()));
    for bad in [
        serde_json::json!({}),
        serde_json::json!({"deptCode": "RSJ", "hallId": "spb-center"}),
        serde_json::json!({"applicationNo": "sq-1"}),
        serde_json::json!({"window": "A"}),
        serde_json::json!("RSJ"),
    ] {
        assert!(About::parse(&bad).is_err(), "{bad}");
    }
}
