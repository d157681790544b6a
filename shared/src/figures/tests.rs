use super::*;
use crate::WorkCalendar;
use crate::application::ReturnReason;

fn at(local: &str) -> jiff::Timestamp {
    format!("{local}+08:00").parse().expect("a Shanghai time")
}

fn case(kind: ItemKind) -> Case {
    serde_json::from_value(serde_json::json!({
        "applicationNo": "SQ20261202ABCDEFGH", "itemCode": "RSJ-0001", "itemName": "社保卡补办",
        "dept": "RSJ", "kind": kind, "promisedDays": 3, "status": "submitted",
        "submittedAt": "2026-12-02T09:00:00+08:00", "updatedAt": "2026-12-02T09:00:00+08:00"
    }))
    .expect("a case")
}

/// The case moved to `to` at `now` as the staff's transition moves it.
fn moved(mut c: Case, to: Status, now: jiff::Timestamp, step: impl FnOnce(&mut Case)) -> Case {
    c.status = to;
    step(&mut c);
    c.updated_at = crate::time::rfc3339(now);
    c
}

#[test]
fn a_new_case_is_received_and_an_unchanged_one_counts_nothing() {
    let c = case(ItemKind::Committed);
    assert_eq!(case_counts(None, &c), [RECEIVED]);
    assert!(case_counts(Some(Status::Submitted), &c).is_empty());
}

#[test]
fn an_acceptance_counts_once_and_a_resumption_after_correction_does_not() {
    let cal = WorkCalendar::shipped();
    let now = at("2026-12-02T10:00:00");
    let accepted = moved(case(ItemKind::Committed), Status::Accepted, now, |c| {
        c.start_clock(now, cal)
    });
    assert_eq!(case_counts(Some(Status::Submitted), &accepted), [ACCEPTED]);
    let later = at("2026-12-03T10:00:00");
    let corrected = moved(accepted, Status::CorrectionRequired, later, |c| {
        c.return_reason = Some(ReturnReason::MaterialsIncomplete);
        c.stop_clock(later, cal)
    });
    assert_eq!(
        case_counts(Some(Status::Accepted), &corrected),
        [CORRECTIONS, "corrections:materials_incomplete"]
    );
    let again = at("2026-12-04T10:00:00");
    let resumed = moved(corrected, Status::Accepted, again, |c| c.resume_clock(again, cal));
    assert!(case_counts(Some(Status::CorrectionRequired), &resumed).is_empty());
}

#[test]
fn a_completion_counts_on_time_by_its_due_date_in_shanghai_and_on_the_spot_for_an_instant_item() {
    let cal = WorkCalendar::shipped();
    let accepted_at = at("2026-12-02T10:00:00");
    let accepted = moved(case(ItemKind::Committed), Status::Accepted, accepted_at, |c| {
        c.start_clock(accepted_at, cal);
    });
    let due = accepted.deadline.clone().expect("a due date");
    // 23:59 on the due date is on time; the next morning is not.
    let last_minute = at(&format!("{due}T23:59:00"));
    let done = moved(accepted.clone(), Status::Completed, last_minute, |c| {
        c.finish_clock(last_minute)
    });
    assert_eq!(
        case_counts(Some(Status::Accepted), &done),
        [COMPLETED, COMPLETED_ON_TIME]
    );
    let next_day: jiff::civil::Date = due.parse().expect("a date");
    let late_at = at(&format!("{}T08:00:00", next_day.tomorrow().expect("a day")));
    let late = moved(accepted, Status::Completed, late_at, |c| c.finish_clock(late_at));
    assert_eq!(case_counts(Some(Status::Accepted), &late), [COMPLETED]);

    let now = at("2026-12-02T10:00:00");
    let spot = moved(case(ItemKind::Instant), Status::Completed, now, |c| {
        c.start_clock(now, cal);
        c.finish_clock(now);
    });
    assert_eq!(
        case_counts(Some(Status::Submitted), &spot),
        [ACCEPTED, COMPLETED, COMPLETED_ON_TIME, ON_THE_SPOT]
    );
}

#[test]
fn rejections_count_by_their_reason_or_as_unspecified_and_denials_as_themselves() {
    let now = at("2026-12-02T10:00:00");
    let rejected = moved(case(ItemKind::Committed), Status::Rejected, now, |_| {});
    assert_eq!(
        case_counts(Some(Status::Submitted), &rejected),
        [REJECTED, "rejected:unspecified"]
    );
    let duplicate = moved(case(ItemKind::Committed), Status::Rejected, now, |c| {
        c.return_reason = Some(ReturnReason::Duplicate)
    });
    assert_eq!(
        case_counts(Some(Status::Submitted), &duplicate),
        [REJECTED, "rejected:duplicate"]
    );
    let denied = moved(case(ItemKind::Committed), Status::Denied, now, |_| {});
    assert_eq!(case_counts(Some(Status::Accepted), &denied), [DENIED]);
    assert!(FLOWS.iter().chain(STOCKS).chain(REASON_FLOWS.iter()).all(|m| known(m)));
    assert!(!known("scan") && !known("rejected:scan") && !known("denied:duplicate"));
    assert_eq!(REASON_FLOWS.len(), 16);
}

#[test]
fn a_withdrawal_counts_as_a_return_only_while_a_correction_was_asked_for() {
    let now = at("2026-12-02T10:00:00");
    let gone = moved(case(ItemKind::Committed), Status::Withdrawn, now, |_| {});
    assert_eq!(
        case_counts(Some(Status::CorrectionRequired), &gone),
        [WITHDRAWN_AFTER_CORRECTION]
    );
    assert!(case_counts(Some(Status::Submitted), &gone).is_empty());
    assert!(case_counts(Some(Status::Accepted), &gone).is_empty());
}
