//! Property tests: the parsers at the edge (ID numbers, phones, cursors, WeChat messages and
//! their encryption) and the state machines (applications, 差评 rectification, and bookings
//! driven at random against the real store).

use api::cursor::{Cursor, CursorKey};
use model::application::{self, Action, Status};
use model::evaluation::{self, RectificationAction, ReviewStatus};
use model::{IdNumber, Phone};
use proptest::prelude::*;
use wechat::crypto::MessageCrypto;
use wechat::message::Message;
use wechat::reply;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: &[u8; 11] = b"10X98765432";

fn with_check(body: &str) -> String {
    let sum: u32 = body.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    format!("{body}{}", CHECK[(sum % 11) as usize] as char)
}

const STATUSES: [Status; 6] = [
    Status::Submitted,
    Status::CorrectionRequired,
    Status::Accepted,
    Status::Rejected,
    Status::Completed,
    Status::Withdrawn,
];
const ACTIONS: [Action; 4] = [
    Action::Accept,
    Action::RequestCorrection,
    Action::Reject,
    Action::Complete,
];

proptest! {
    #[test]
    fn an_id_number_with_its_check_character_parses_and_every_other_check_character_is_refused(
        region in prop::sample::select(vec!["110105", "310101", "440305", "510104"]),
        days in 0i32..30_000,
        seq in 0u32..1000,
    ) {
        let birth = jiff::civil::date(1940, 1, 1).checked_add(jiff::Span::new().days(days)).unwrap();
        let body = format!("{region}{}{seq:03}", birth.strftime("%Y%m%d"));
        let good = with_check(&body);
        let id: IdNumber = good.parse().unwrap();
        prop_assert_eq!(id.birth_date(), birth);
        prop_assert!(!id.masked().contains(&good[6..14]), "the birth date is masked");
        for c in CHECK.iter().map(|&c| c as char).filter(|c| !good.ends_with(*c)) {
            let other = format!("{body}{c}");
            prop_assert!(other.parse::<IdNumber>().is_err(), "{} parsed", other);
        }
    }

    #[test]
    fn no_text_panics_the_id_number_phone_cursor_or_message_parsers(text in any::<String>()) {
        let _ = text.parse::<IdNumber>();
        let _ = text.parse::<Phone>();
        let _ = CursorKey::new(b"the property tests' cursor key, 32+ bytes").open("scope", &text);
        let _ = Message::from_xml(&text);
        let _ = Message::from_json(&text);
    }

    #[test]
    fn a_cursor_reads_back_every_field_it_was_made_with(
        fields in prop::collection::btree_map("[a-zA-Z]{1,8}", "\\PC{0,40}", 1..5),
    ) {
        let cursor = Cursor::new(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let key = CursorKey::new(b"the property tests' cursor key, 32+ bytes");
        let back = key.open("scope", &key.seal("scope", &cursor)).unwrap();
        for (k, v) in &fields {
            prop_assert_eq!(back.get(k), Some(v.as_str()));
        }
    }

    #[test]
    fn a_reply_carries_any_printable_content_through_xml_unchanged(
        content in "\\PC{0,120}",
        to in "[a-zA-Z0-9_-]{1,28}",
    ) {
        let xml = reply::text(&to, "gh_fingertip", 1_700_000_000, &content);
        let msg = Message::from_xml(&xml).unwrap();
        prop_assert_eq!(msg.get("Content"), Some(content.as_str()));
        prop_assert_eq!(msg.get("ToUserName"), Some(to.as_str()));
    }

    #[test]
    fn sealed_messages_open_to_what_was_sealed_and_a_flipped_bit_never_opens_to_it(
        message in "\\PC{0,300}",
        random in any::<[u8; 16]>(),
        at in any::<usize>(),
        bit in 0u8..8,
    ) {
        let crypto = MessageCrypto::new("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wxb11529c136998cb6").unwrap();
        let sealed = crypto.encrypt(&message, random);
        prop_assert_eq!(crypto.decrypt(&sealed).unwrap(), message.clone());
        let mut raw = base64_simd::STANDARD.decode_to_vec(&sealed).unwrap();
        let i = at % raw.len();
        raw[i] ^= 1 << bit;
        let tampered = base64_simd::STANDARD.encode_to_string(raw);
        // CBC has no integrity of its own (the msg_signature provides it), so a flip may
        // still decrypt; it must never decrypt to the original.
        if let Ok(opened) = crypto.decrypt(&tampered) {
            prop_assert_ne!(opened, message);
        }
    }

    #[test]
    fn no_sequence_of_staff_actions_leaves_a_final_status(
        actions in prop::collection::vec(prop::sample::select(ACTIONS.to_vec()), 0..24),
        instant in any::<bool>(),
    ) {
        let mut status = Status::Submitted;
        for action in actions {
            if let Some(to) = application::next(status, action, instant) {
                prop_assert!(!status.is_final(), "{:?} left the final {:?}", action, status);
                prop_assert_ne!(to, status);
                status = to;
            }
        }
        prop_assert!(STATUSES.contains(&status));
    }

    #[test]
    fn an_applications_status_is_one_its_cases_have_and_a_correction_anywhere_wins(
        cases in prop::collection::vec(prop::sample::select(STATUSES.to_vec()), 1..6),
    ) {
        let derived = application::derived_status(&cases);
        prop_assert!(cases.contains(&derived), "{:?} from {:?}", derived, cases);
        if cases.contains(&Status::CorrectionRequired) {
            prop_assert_eq!(derived, Status::CorrectionRequired);
        }
        if cases.iter().all(|c| *c == cases[0]) {
            prop_assert_eq!(derived, cases[0]);
        }
    }

    #[test]
    fn a_bad_review_ends_in_one_outcome_and_nothing_moves_it_after(
        actions in prop::collection::vec(prop::sample::select(vec![
            RectificationAction::Verify,
            RectificationAction::Rectify,
            RectificationAction::Invalidate,
            RectificationAction::CannotRectify,
        ]), 0..12),
    ) {
        let outcomes = [ReviewStatus::Rectified, ReviewStatus::Invalid, ReviewStatus::CannotRectify];
        let mut status = ReviewStatus::PendingVerification;
        for action in actions {
            if let Some(to) = evaluation::next(status, action) {
                prop_assert!(!outcomes.contains(&status), "{:?} moved from {:?}", action, status);
                if to == ReviewStatus::Rectified {
                    prop_assert_eq!(status, ReviewStatus::Rectifying, "rectified only after verification");
                }
                status = to;
            }
        }
    }
}

/// Random bookings, cancellations, reschedules and check-ins by three citizens over three
/// slots, against the real store: after every step each slot's seats taken equal the live
/// bookings in it, whatever each step answered.
#[test]
fn random_booking_operations_keep_every_slots_seats_equal_to_its_live_bookings() {
    use fingertip_tests::{EventExt, TestApp, event, read, spawn_app};
    use serde_json::json;
    const SLOTS: [&str; 3] = [
        "spb-center.20261202.1000.C",
        "spb-center.20261202.1030.C",
        "spb-center.20261202.1100.C",
    ];
    async fn check(app: &TestApp, tokens: &[String]) {
        let (_, slots) = read(
            app.invoke(
                "booking",
                event("booking-slots").query(&[("date", "2026-12-02"), ("item", "RSJ-0001")]),
            )
            .await,
        );
        let mut live = std::collections::BTreeMap::<String, u64>::new();
        for t in tokens {
            let all = event("booking-mine").bearer(t).query(&[("limit", "100")]);
            let (_, mine) = read(app.invoke("booking", all).await);
            for b in mine["items"].as_array().unwrap() {
                if b["status"] == "booked" || b["status"] == "checked_in" {
                    *live.entry(b["slotId"].as_str().unwrap().to_owned()).or_default() += 1;
                }
            }
        }
        for slot in SLOTS {
            let s = slots["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["slotId"] == slot)
                .unwrap();
            let taken = s["capacity"].as_u64().unwrap() - s["remaining"].as_u64().unwrap();
            assert_eq!(taken, live.get(slot).copied().unwrap_or(0), "{slot}: {slots}");
        }
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 4,
        ..ProptestConfig::default()
    });
    let steps = prop::collection::vec((0usize..3, 0usize..4, 0usize..3), 1..14);
    runner
        .run(&steps, |steps| {
            rt.block_on(async {
                let app = spawn_app().await;
                app.set_time("2026-12-02T08:00");
                let mut tokens = Vec::new();
                for n in 0..3u32 {
                    tokens.push(app.citizen(&format!("prop-{n}"), 40 + n).await.0);
                }
                let staff = app.staff_token("RSJ", Some("spb-center")).await;
                let mut held: [Option<String>; 3] = [None, None, None];
                for (who, op, slot) in steps {
                    let t = &tokens[who];
                    let answer = match (op, &held[who]) {
                        (0, _) | (_, None) => {
                            let mut req = event("booking-create")
                                .bearer(t)
                                .json(&json!({ "slotId": SLOTS[slot], "itemCode": "RSJ-0001" }));
                            req.headers_mut().remove("idempotency-key");
                            let (status, body) = read(app.invoke("booking", req).await);
                            if status == 201 {
                                held[who] = body["id"].as_str().map(str::to_owned);
                            }
                            status
                        }
                        (1, Some(id)) => {
                            read(
                                app.invoke("booking", event("booking-cancel").bearer(t).path_param("id", id))
                                    .await,
                            )
                            .0
                        }
                        (2, Some(id)) => {
                            let req = event("booking-reschedule").bearer(t).path_param("id", id);
                            let (status, body) =
                                read(app.invoke("booking", req.json(&json!({ "slotId": SLOTS[slot] }))).await);
                            if let Some(new) = body["id"].as_str().filter(|_| status == 200) {
                                held[who] = Some(new.to_owned());
                            }
                            status
                        }
                        (_, Some(id)) => {
                            read(
                                app.invoke("hall", event("hall-check-in-by-id").bearer(&staff).path_param("id", id))
                                    .await,
                            )
                            .0
                        }
                    };
                    assert!(answer < 500, "a step answered {answer}");
                    check(&app, &tokens).await;
                }
            });
            Ok(())
        })
        .unwrap();
}
