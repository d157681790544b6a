//! 就近办: the district's halls by level, parent and item, nearest first from where the
//! citizen is; and booking at a community station with its own hours and rules.

use fingertip_tests::{EventExt, TestApp, code, event, fields, read, spawn_app};
use serde_json::{Value, json};

async fn halls(app: &TestApp, query: &[(&str, &str)]) -> (u16, Value) {
    read(app.invoke("catalog", event("catalog-halls").query(query)).await)
}

fn ids(body: &Value) -> Vec<&str> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["hallId"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn halls_filter_by_level_parent_and_item() {
    let app = spawn_app().await;
    let (_, all) = halls(&app, &[]).await;
    assert_eq!(ids(&all).len(), 5);
    let (_, stations) = halls(&app, &[("level", "community")]).await;
    assert_eq!(ids(&stations), ["tuzhu-changjie", "tuzhu-yuetai"]);
    assert!(
        stations["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["parent"] == "tuzhu-town")
    );
    let (_, under_town) = halls(&app, &[("parent", "tuzhu-town")]).await;
    assert_eq!(ids(&under_town), ids(&stations));
    let (_, towns) = halls(&app, &[("level", "town"), ("parent", "spb-center")]).await;
    assert_eq!(ids(&towns), ["tuzhu-town"]);

    // 居民医保参保 is handled at every level; 不动产 at the district centre alone.
    let (_, insurance) = halls(&app, &[("item", "YBJ-0001")]).await;
    assert_eq!(ids(&insurance).len(), 5);
    let (_, property) = halls(&app, &[("item", "BDC-0001")]).await;
    assert!(!ids(&property).is_empty());
    assert!(
        property["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["level"] == "district")
    );
    let (_, item) = read(
        app.invoke("catalog", event("catalog-item").path_param("code", "YBJ-0001"))
            .await,
    );
    assert_eq!(item["levels"], json!(["district", "town", "community"]));
}

#[tokio::test]
async fn from_where_the_citizen_is_the_nearest_hall_comes_first() {
    let app = spawn_app().await;
    // Standing at 月台村's station.
    let (status, body) = halls(&app, &[("near", "29.6845,106.3552"), ("item", "YBJ-0001")]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(ids(&body)[0], "tuzhu-yuetai");
    let distances: Vec<u64> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["distanceMeters"].as_u64().unwrap())
        .collect();
    assert_eq!(distances[0], 0);
    assert!(distances.windows(2).all(|w| w[0] <= w[1]), "{distances:?}");
    // The district centre is some 17 km away.
    let centre = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["hallId"] == "spb-center")
        .unwrap();
    assert!(
        (15_000..20_000).contains(&centre["distanceMeters"].as_u64().unwrap()),
        "{centre}"
    );
    // Without a point there is no distance.
    let (_, plain) = halls(&app, &[]).await;
    assert!(plain["items"][0].get("distanceMeters").is_none());
}

#[tokio::test]
async fn bad_hall_filters_are_400_naming_the_parameter() {
    let app = spawn_app().await;
    for (name, value) in [
        ("level", "village"),
        ("near", "29.68"),
        ("near", "95,106"),
        ("near", "north,east"),
        ("parent", "不是大厅"),
        ("item", "x"),
    ] {
        let (status, body) = halls(&app, &[(name, value)]).await;
        assert_eq!(
            (status, code(&body)),
            (400, "VALIDATION_FAILED"),
            "{name}={value}: {body}"
        );
        assert_eq!(fields(&body), [name]);
        assert!(
            value.len() < 3 || !body.to_string().contains(value),
            "the value is not quoted back"
        );
    }
}

#[tokio::test]
async fn a_community_station_books_with_its_own_hours_seats_and_window() {
    let app = spawn_app().await;
    app.set_time("2026-12-02T08:00");
    let (_, slots) = read(
        app.invoke(
            "booking",
            event("booking-slots")
                .path_param("hallId", "tuzhu-yuetai")
                .query(&[("date", "2026-12-02"), ("item", "YBJ-0001")]),
        )
        .await,
    );
    let starts: Vec<&str> = slots["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["slotId"].as_str().unwrap())
        .collect();
    // Hour-long slots in its own sessions, one seat each.
    assert_eq!(
        starts,
        [
            "tuzhu-yuetai.20261202.0900.A",
            "tuzhu-yuetai.20261202.1000.A",
            "tuzhu-yuetai.20261202.1430.A",
            "tuzhu-yuetai.20261202.1530.A",
        ]
    );
    assert!(slots["items"].as_array().unwrap().iter().all(|s| s["capacity"] == 1));

    let (alice, _) = app.citizen("station-alice", 301).await;
    let (bob, _) = app.citizen("station-bob", 302).await;
    let book = |token: &str, slot: &str| {
        let mut req = event("booking-create")
            .bearer(token)
            .json(&json!({ "slotId": slot, "itemCode": "YBJ-0001" }));
        req.headers_mut().remove("idempotency-key");
        req
    };
    // Its lead time is two hours: 09:00 is too close at 08:00.
    let (status, body) = read(
        app.invoke("booking", book(&alice, "tuzhu-yuetai.20261202.0900.A"))
            .await,
    );
    assert_eq!((status, code(&body)), (422, "OUTSIDE_BOOKING_WINDOW"), "{body}");
    let (status, booked) = read(
        app.invoke("booking", book(&alice, "tuzhu-yuetai.20261202.1430.A"))
            .await,
    );
    assert_eq!(status, 201, "{booked}");
    let (status, body) = read(app.invoke("booking", book(&bob, "tuzhu-yuetai.20261202.1430.A")).await);
    assert_eq!((status, code(&body)), (409, "SLOT_FULL"));
    // It books today and the next three working days, not the district's seven.
    let (status, _) = read(app.invoke("booking", book(&bob, "tuzhu-yuetai.20261207.1430.A")).await);
    assert_eq!(status, 201);
    let (status, body) = read(app.invoke("booking", book(&bob, "tuzhu-yuetai.20261208.1430.A")).await);
    assert_eq!((status, code(&body)), (422, "OUTSIDE_BOOKING_WINDOW"), "{body}");
    // A district item is not booked at a station.
    let mut far = book(&bob, "tuzhu-yuetai.20261203.1430.A");
    far = far.json(&json!({ "slotId": "tuzhu-yuetai.20261203.1430.A", "itemCode": "BDC-0003" }));
    assert_eq!(read(app.invoke("booking", far).await).0, 400);

    // The station's own staff check the visitor in.
    app.set_time("2026-12-02T14:20");
    let staff = app.staff_token("YBJ", Some("tuzhu-yuetai")).await;
    let req = event("hall-check-in")
        .bearer(&staff)
        .path_param("hallId", "tuzhu-yuetai")
        .json(&json!({ "verificationCode": booked["verificationCode"] }));
    let (status, ticket) = read(app.invoke("hall", req).await);
    assert_eq!(status, 200, "{ticket}");
    assert_eq!(ticket["queueNumber"], "A001");
}
