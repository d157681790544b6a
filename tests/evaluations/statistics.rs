//! The public statistics, equal to a brute-force recount of two hundred random reviews.

use super::stats;
use fingertip_tests::spawn_app;
use model::evaluation::{Channel, ReviewStatus};
use serde_json::Value;
use std::collections::BTreeMap;
use store::evaluations::{Review, Written};

#[tokio::test]
async fn statistics_equal_a_brute_force_recount_of_two_hundred_random_reviews() {
    let app = spawn_app().await;
    let store = store::evaluations::EvaluationStore::new(
        app.dynamo.clone(),
        app.tables["EvaluationsTable"].clone(),
        app.tables["OutboxTable"].clone(),
    );
    let depts = ["RSJ", "GAFJ", "MZJ"];
    let items = ["RSJ-0001", "RSJ-0002", "GAFJ-0002", "MZJ-0002"];
    let months = ["2026-10", "2026-11", "2026-12"];
    let mut rng = Lcg(42);
    let mut reviews = Vec::new();
    for i in 0..200 {
        let rating = (rng.next(5) + 1) as u8;
        let item = items[rng.next(items.len() as u64) as usize];
        let dept = depts.iter().find(|d| item.starts_with(*d)).unwrap();
        let review = Review {
            id: format!("Bb{:020x}", i).parse().unwrap(),
            channel: Channel::InPerson,
            subject: format!("visit-{i}"),
            subject_name: "测试".into(),
            citizen_id: "c000000000000000000000001".parse().unwrap(),
            anonymous: rng.next(2) == 0,
            rating,
            indicators: BTreeMap::new(),
            tags: vec![],
            comment: None,
            follow_up: None,
            item_codes: vec![item.parse().unwrap()],
            dept: dept.parse().unwrap(),
            dept_codes: vec![dept.parse().unwrap()],
            hall_id: Some(["spb-center", "spb-xiyong"][rng.next(2) as usize].into()),
            window_code: Some("A".into()),
            staff_id: None,
            month: months[rng.next(3) as usize].into(),
            created_at: "2026-12-01T10:00:00+08:00".into(),
            status: if rating <= 2 {
                ReviewStatus::PendingVerification
            } else {
                ReviewStatus::Closed
            },
            verify_due: None,
            rectify_due: None,
            steps: vec![],
            version: 1,
            defaulted: false,
            enterprise: None,
        };
        assert_eq!(store.rate(&review).await.unwrap(), Written::Done);
        reviews.push(review);
    }
    // Rectify a third of the 差评 through the API's workflow store call.
    let mut rectified = 0;
    for r in reviews.iter_mut().filter(|r| r.rating <= 2).step_by(3) {
        let read_version = r.version;
        r.status = ReviewStatus::Rectified;
        r.version += 1;
        let step = store.step(r, read_version, &[("rectified", 1)], None, None, jiff::Timestamp::now());
        assert_eq!(step.await.unwrap(), Written::Done);
        rectified += 1;
    }
    assert!(rectified > 10);
    let recount = |keep: &dyn Fn(&Review) -> bool| {
        let chosen: Vec<&Review> = reviews.iter().filter(|r| keep(r)).collect();
        let count = chosen.len() as f64;
        let bad = chosen.iter().filter(|r| r.rating <= 2).count() as f64;
        let good = chosen.iter().filter(|r| r.rating >= 3).count() as f64;
        let fixed = chosen.iter().filter(|r| r.status == ReviewStatus::Rectified).count() as f64;
        let round = |x: f64| (x * 10_000.0).round() / 10_000.0;
        (
            chosen.len() as i64,
            round(good / count),
            round(bad / count),
            round(fixed / bad),
        )
    };
    let got = |v: &Value| {
        (
            v["count"].as_i64().unwrap(),
            v["satisfactionRate"].as_f64().unwrap(),
            v["badRate"].as_f64().unwrap(),
            v["rectifiedRate"].as_f64().unwrap(),
        )
    };
    let range = [("from", "2026-10-01"), ("to", "2026-12-31")];
    assert_eq!(got(&stats(&app, &range).await), recount(&|_| true));
    let rsj = stats(&app, &[range[0], range[1], ("dept", "RSJ")]).await;
    assert_eq!(got(&rsj), recount(&|r| r.dept.as_str() == "RSJ"));
    let item = stats(&app, &[range[0], range[1], ("item", "GAFJ-0002")]).await;
    assert_eq!(got(&item), recount(&|r| r.item_codes[0].as_str() == "GAFJ-0002"));
    let november = stats(&app, &[("from", "2026-11-01"), ("to", "2026-11-30")]).await;
    assert_eq!(got(&november), recount(&|r| r.month == "2026-11"));
    let grouped = stats(&app, &[range[0], range[1], ("groupBy", "hall")]).await;
    for g in grouped["groups"].as_array().unwrap() {
        let hall = g["value"].as_str().unwrap().to_owned();
        assert_eq!(
            got(g),
            recount(&|r| r.hall_id.as_deref() == Some(hall.as_str())),
            "{hall}"
        );
    }
    let by_rating = &stats(&app, &range).await["byRating"];
    for level in 1..=5u8 {
        let expected = reviews.iter().filter(|r| r.rating == level).count() as i64;
        assert_eq!(by_rating[level.to_string()].as_i64(), Some(expected));
    }
    let text = stats(&app, &range).await.to_string();
    assert!(
        !text.contains("c000000000000000000000001"),
        "no personal data in public figures"
    );
}

/// A deterministic stream of numbers: enough randomness for a recount, and repeatable.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}
