//! Every sample event in `events/` drives its handler to a success and names a route the
//! template has: the samples stay usable for `cargo lambda invoke` and `sam local invoke`.

use fingertip_tests::samples::{self, function_of, names};
use fingertip_tests::{TEMPLATE, event, spawn_app};

#[tokio::test]
async fn every_sample_event_drives_its_handler_to_a_2xx() {
    let app = spawn_app().await;
    let driven = samples::drive_every_sample(&app).await;
    let mut sorted: Vec<String> = driven.iter().map(|d| d.name.to_owned()).collect();
    sorted.sort();
    assert_eq!(
        sorted,
        samples::names(),
        "every sample is driven, and every one driven exists"
    );
}

#[test]
fn every_route_of_the_template_has_a_sample_event() {
    let covered: Vec<String> = names()
        .iter()
        .filter(|n| TEMPLATE.function(&function_of(n)).is_some_and(|f| !f.routes.is_empty()))
        .map(|n| api::http::route_key(&event(n)))
        .collect();
    for (route, _) in TEMPLATE.routes() {
        assert!(covered.contains(&route.key()), "no sample event for {}", route.key());
    }
    for f in TEMPLATE.functions.iter() {
        assert!(
            names().iter().any(|n| function_of(n) == f.binary),
            "{} has no sample event",
            f.binary
        );
    }
}
