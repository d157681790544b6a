//! DynamoDB round trips per route, counted by the SDK interceptor (`store::count`)
//! while every sample event is driven in a day's order, and held at the figures below: each
//! beside the fewest its access pattern allows, with the reason when it is more. Counts, not
//! times: deterministic, so asserted. `make bench` reads the table this test writes to
//! `FINGERTIP_ROUND_TRIPS_JSON`.

use fingertip_tests::samples::drive_every_sample;
use fingertip_tests::spawn_app;

/// (sample, round trips, the fewest the access pattern allows, why)
const TABLE: &[(&str, u64, u64, &str)] = &[
    ("auth-login", 1, 1, "one upsert: the citizen id derives from the openid"),
    (
        "auth-identity",
        3,
        3,
        "the day's attempt count (one UpdateItem, which must stand when the binding is refused), one transaction (binding + the ID number's claim); a transaction returns no item, so one GetItem for the profile",
    ),
    (
        "auth-identity-verification",
        8,
        5,
        "the citizen (GetItem: its openid and held identity), the day's attempt count (UpdateItem), the claim's holder (GetItem), one transaction conditioned on that holder (claim, account, notices), the profile (GetItem); plus 3 for the instance's first mini-program access token (cache read, refresh lease, store), none once it is held",
    ),
    (
        "auth-enterprise-register",
        2,
        1,
        "one transaction: the enterprise if new, its representative, the clerk's audit record; plus 1 for the staff gate's directory read, the first request of this member in this function's instance (none for the next 4 minutes: api::staff)",
    ),
    (
        "auth-enterprise-mine",
        2,
        2,
        "the citizen (GetItem: their identity key and level), one Query of the members' index",
    ),
    (
        "auth-enterprise-get",
        3,
        3,
        "the citizen (GetItem), their standing (GetItem, strongly consistent), the members (one Query)",
    ),
    (
        "auth-enterprise-agent-grant",
        3,
        3,
        "the citizen (GetItem), their standing (GetItem), one transaction conditioned on their still being the representative",
    ),
    (
        "auth-enterprise-agent-revoke",
        4,
        3,
        "the citizen, their standing, one transaction conditioned on it; then the agent's record (GetItem) for the answer, which a transaction does not return",
    ),
    (
        "auth-enterprise-helper",
        3,
        2,
        "the helper's directory entry (GetItem: on staff and enabled), one transaction (the enterprise's helper, the supervisor's audit record); plus 1 for the staff gate's directory read, the first request of this member in this function's instance (none for the next 4 minutes: api::staff)",
    ),
    ("auth-me", 1, 1, "one GetItem"),
    (
        "auth-staff-sign-in",
        5,
        2,
        "the member by WeCom account (one GetItem: the account item carries the entry), the audit record (PutItem); plus 3 for the instance's first WeCom access token (cache read, refresh lease, store), none once it is held",
    ),
    (
        "auth-staff-me",
        1,
        1,
        "one GetItem, which is the staff gate's check too",
    ),
    (
        "auth-admin-staff-list",
        2,
        1,
        "one Query of the directory's partition; plus 1 for the staff gate's directory read, the first request of this member in this function's instance (none for the next 4 minutes: api::staff)",
    ),
    (
        "auth-admin-staff-create",
        2,
        2,
        "the scope's department and halls (one BatchGet), one transaction (entry, WeCom account, audit record, idempotency key)",
    ),
    (
        "auth-admin-staff-update",
        2,
        2,
        "the entry and its scope's department and halls (one BatchGet), one transaction (entry, WeCom account, audit record)",
    ),
    (
        "wechat-callback-oa-verify",
        1,
        1,
        "a signature check, then its (timestamp, nonce) claimed (conditional put), so no push can reuse the signed query",
    ),
    (
        "wechat-callback-oa-subscribe",
        6,
        3,
        "claim the push and its signed query's nonce (one transaction), the follower as known (a known unionid saves the user/info call), the follower both ways (one transaction); plus 3 for the instance's first access token (cache read, refresh lease, store), none once it is held",
    ),
    (
        "wechat-callback-oa-text-safe",
        4,
        4,
        "claim the push and its nonce (one transaction), the sender's follower record (its unionid), the citizen by unionid (ByUnionId), the application (one Query)",
    ),
    (
        "wechat-callback-mp-verify",
        1,
        1,
        "a signature check, then its (timestamp, nonce) claimed (conditional put), so no push can reuse the signed query",
    ),
    (
        "wechat-callback-mp-popup-safe",
        2,
        2,
        "claim the push and its nonce (one transaction), the consent (one update: the citizen id derives from the openid)",
    ),
    ("catalog-items", 1, 1, "one Query"),
    ("catalog-item", 1, 1, "one GetItem"),
    ("catalog-packages", 1, 1, "one Query"),
    ("catalog-package", 1, 1, "one GetItem"),
    ("catalog-halls", 1, 1, "one Query"),
    ("catalog-hall", 1, 1, "one GetItem"),
    (
        "booking-slots",
        2,
        2,
        "the hall's rules (GetItem) and the day's seat counters (Query), sent together",
    ),
    (
        "booking-create",
        2,
        2,
        "citizen + hall + item in one BatchGet, then one transaction (seat, booking, guard, ban check, outbox)",
    ),
    ("booking-mine", 1, 1, "one Query"),
    ("booking-get", 1, 1, "one GetItem"),
    (
        "booking-reschedule",
        3,
        3,
        "the booking (its item decides the new hall's rules), hall + item (BatchGet), one transaction",
    ),
    (
        "hall-check-in",
        4,
        3,
        "the booking by its code (one Query of the hall-day), the queue counter (an update that returns the number), one transaction (the booking, the ticket, its place in the line, the audit record); plus 1 for the staff gate's directory read, the first request of this member in this function's instance (none for the next 4 minutes: api::staff)",
    ),
    (
        "hall-check-in-by-id",
        1,
        1,
        "the booking (GetItem): it is checked in already, and answers with its number",
    ),
    (
        "hall-walk-in",
        3,
        3,
        "the hall and the item (one BatchGet), the queue counter, one transaction (the ticket, its place in the line, the audit record, the idempotency record)",
    ),
    (
        "hall-call-next",
        3,
        3,
        "the hall (what the window serves) and the line (one Query), read at once; one transaction (the line's entry, the ticket, the audit record, the visitor's notice)",
    ),
    (
        "hall-day",
        3,
        3,
        "the hall, the hall-day's bookings (one Query of ByHallDay) and its queue (one Query), read at once",
    ),
    (
        "hall-finish",
        2,
        2,
        "the ticket (GetItem), one transaction (the ticket, the booking completed, the audit record)",
    ),
    (
        "booking-cancel",
        2,
        2,
        "the booking (its slot names the seat), one transaction",
    ),
    (
        "submission-upload",
        1,
        1,
        "the upload's record (owner, size), then a presigned URL",
    ),
    (
        "submission-create",
        4,
        3,
        "citizen + item (BatchGet), the uploads' records (BatchGet), one transaction; the sample's Idempotency-Key is read first, so a key reused with another body is refused before any file is tagged in S3 (3 without a key)",
    ),
    (
        "submission-intake",
        5,
        4,
        "the item and the window's hall (one BatchGet), the scans' records (BatchGet), the person's identity claim (GetItem: the sample's person has an account; with none, one more transaction opens it), one transaction with the audit record; plus 1: the sample's Idempotency-Key is read first, as for the citizen's",
    ),
    (
        "submission-proxy",
        4,
        4,
        "the station's hall and the item (one BatchGet), the scans' records (one BatchGet), the person's identity claim (GetItem), one transaction (the consent request, the citizen's notice, the audit record)",
    ),
    (
        "submission-consents",
        1,
        1,
        "one Query of the citizen's consent partition",
    ),
    (
        "submission-consent-answer",
        4,
        4,
        "the request (GetItem), the station's hall and the item (one BatchGet), the scans' records (one BatchGet), one transaction (the application, its cases, the first entry, the request's removal on the condition it is open, the figures)",
    ),
    (
        "submission-queue",
        2,
        1,
        "one Query of the department's index; plus 1 for the staff gate's directory read, the first request of this member in this function's instance (none for the next 4 minutes: api::staff)",
    ),
    (
        "submission-transition",
        2,
        2,
        "the application's partition (one Query), one transaction",
    ),
    (
        "submission-correct",
        3,
        3,
        "the application (Query), the new uploads (BatchGet), one transaction",
    ),
    ("submission-withdraw", 2, 2, "the application (Query), one transaction"),
    (
        "submission-decide",
        2,
        2,
        "the application's partition (one Query), one transaction (application, case, timeline entry, audit record)",
    ),
    (
        "submission-material",
        2,
        2,
        "the application (GetItem: its departments and materials), the audit record (PutItem, before the link is given); the link is signed locally",
    ),
    (
        "submission-applicant",
        3,
        3,
        "the application (GetItem), the applicant's account (GetItem: it names the account), the audit record with the reason (PutItem, before the identity is given)",
    ),
    (
        "submission-delivery",
        2,
        2,
        "the application's partition (one Query), one transaction (application, timeline entry, notice, audit record)",
    ),
    (
        "progress-receipt",
        1,
        1,
        "one Query: application, cases and timeline share a partition",
    ),
    (
        "progress-get",
        1,
        1,
        "one Query: application, cases and timeline share a partition",
    ),
    ("progress-mine", 1, 1, "one Query"),
    (
        "progress-lookup",
        3,
        3,
        "two rate-limit counters (per address, per number: updates that return the count), one GetItem",
    ),
    (
        "evaluation-application",
        2,
        2,
        "the application and its timeline (one Query), one transaction with the counters",
    ),
    (
        "evaluation-visit",
        2,
        2,
        "the booking (GetItem: it carries the item's department), one transaction with the counters",
    ),
    (
        "evaluation-follow-up",
        2,
        2,
        "owner check (GetItem), one conditional update",
    ),
    (
        "evaluation-staff",
        2,
        1,
        "one Query; plus 1 for the staff gate's directory read, the first request of this member in this function's instance (none for the next 4 minutes: api::staff)",
    ),
    (
        "evaluation-rectify",
        2,
        2,
        "the review (GetItem: its department), one conditional update",
    ),
    (
        "evaluation-rulings",
        2,
        1,
        "one Query of the sparse ByReview index; plus 1 for the staff gate's directory read, the first request of this member in this function's instance",
    ),
    (
        "evaluation-ruling-review",
        2,
        2,
        "the review (GetItem: its status and version), one transaction (the review, its counters, the citizen's notice, the audit record)",
    ),
    (
        "evaluation-stats",
        13,
        13,
        "the sample asks a year by item: the months' totals in one BatchGet, then one Query per month for the breakdown",
    ),
    (
        "booking-sweeper-hourly",
        11,
        11,
        "per run over the demo day's 5 halls (two per hall, its day's bookings and no-shows), not per request: grows with the halls and their bookings",
    ),
    (
        "deadline-sweeper-daily",
        68,
        68,
        "per run over the demo day's 10 departments, 4 other desks and 5 halls (each hall's day: two reads): the departments and the halls, then per department its cases due (ByDeadline), its submitted cases (ByDept), its desk's open cases (ByDue), its 差评 waiting for verification and the day's stocks (UpdateItem); per other desk its open cases and its stocks; the 督办 orders and the unresolved alerts (one Query each); grows with the units, and with a page per 100 cases; an alert raised, stepped or pushed adds its own writes",
    ),
    (
        "evaluation-sweeper-daily",
        34,
        34,
        "per run over the demo day's 5 halls: the halls once, then for the day three days ago (invitations) and the day the rating period ended (defaults) the completed applications (ByCompletedOn) and each hall's visits (ByHallDay), whether they were rated (BatchGet), and the overdue 差评 per department; grows with the halls and the finished work",
    ),
    (
        "feedback-create",
        2,
        2,
        "what it is about (the department: one BatchGet), one transaction (the case, the idempotency key)",
    ),
    ("feedback-mine", 1, 1, "one Query (ByCitizen)"),
    ("feedback-get", 1, 1, "one GetItem"),
    (
        "feedback-staff",
        2,
        1,
        "one Query (ByDesk); plus 1 for the staff gate's directory read, this member's first request in this function's instance",
    ),
    ("feedback-staff-get", 1, 1, "one GetItem"),
    (
        "feedback-transition",
        2,
        2,
        "the case (GetItem), one transaction (the case at its version, the audit record)",
    ),
    (
        "feedback-extension",
        3,
        2,
        "the case (GetItem), one transaction (the case at its version, the citizen's notice, the audit record); plus 1 for the supervisor's first directory read in this instance",
    ),
    (
        "feedback-complainant",
        3,
        3,
        "the case (GetItem), the complainant's account (GetItem), the audit record with the reason (PutItem, before the identity is given)",
    ),
    (
        "feedback-rating",
        2,
        2,
        "the case (GetItem), one transaction (the case at its version, the notice when it reopens)",
    ),
    (
        "supervision-order-issue",
        4,
        3,
        "the subject (GetItem) and the department (BatchGet), read at once, one transaction (the order, the audit record, the idempotency key); plus 1 for the supervisor's first directory read in this instance",
    ),
    ("supervision-orders", 1, 1, "one Query (ByList)"),
    (
        "supervision-department-orders",
        2,
        1,
        "one Query (ByDept); plus 1 for the staff gate's directory read, this member's first request in this function's instance",
    ),
    (
        "supervision-order-respond",
        2,
        2,
        "the order (GetItem), one transaction (the order at its version, the audit record)",
    ),
    (
        "supervision-order-return",
        2,
        2,
        "the order (GetItem), one transaction (the order at its version, the audit record)",
    ),
    (
        "supervision-order-close",
        2,
        2,
        "the order (GetItem), one transaction (the order at its version, the audit record)",
    ),
    ("supervision-audit", 1, 1, "one Query (BySubject) over the span's days"),
    (
        "supervision-overview",
        2,
        2,
        "the span's one month of figures (one Query: every unit's days) and of 好差评 counters (one Query), read at once; the same with twenty cases as with twenty thousand (tests/office/figures.rs)",
    ),
    (
        "supervision-trends",
        2,
        2,
        "one Query of the figures per month of the span (the sample's 30 days touch two months)",
    ),
    ("supervision-alerts", 1, 1, "one Query (ByList; a unit's: ByDept)"),
    (
        "supervision-alert-acknowledge",
        2,
        2,
        "the alert (GetItem), one transaction (the alert at its version, the audit record)",
    ),
    (
        "notifier-outbox-insert",
        2,
        2,
        "per record in the batch: the sample's record taken (conditional update) and its outcome recorded",
    ),
];

#[tokio::test]
async fn every_route_makes_the_fewest_round_trips_its_access_pattern_allows() {
    let app = spawn_app().await;
    let driven = drive_every_sample(&app).await;
    let mut rows = Vec::new();
    let mut wrong = Vec::new();
    for d in &driven {
        let Some(&(_, want, minimum, why)) = TABLE.iter().find(|(name, ..)| *name == d.name) else {
            wrong.push(format!("{}: not in the table", d.name));
            continue;
        };
        if d.round_trips != want {
            wrong.push(format!(
                "{}: {} round trips, the table says {want}",
                d.name, d.round_trips
            ));
        }
        if want > minimum {
            assert!(!why.is_empty(), "{}: above the minimum without a reason", d.name);
        }
        let route = match &d.route {
            Some(route) if driven.iter().filter(|o| o.route == d.route).count() > 1 => format!("{route} ({})", d.name),
            Some(route) => route.clone(),
            None => format!("{} (per run)", d.name),
        };
        rows.push(serde_json::json!({
            "label": route, "route": d.route, "sample": d.name, "measured": d.round_trips, "minimum": minimum, "why": why,
        }));
    }
    if let Ok(path) = std::env::var("FINGERTIP_ROUND_TRIPS_JSON") {
        std::fs::write(&path, serde_json::to_string_pretty(&rows).unwrap()).expect("the table is written");
    }
    for r in &rows {
        println!(
            "{:60} {:>3} (min {:>2})  {}",
            r["label"].as_str().unwrap(),
            r["measured"],
            r["minimum"],
            r["why"].as_str().unwrap()
        );
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
