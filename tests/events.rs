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

#[test]
fn the_day_lists_every_sample_event_exactly_once() {
    let mut listed: Vec<String> = samples::order().into_iter().map(str::to_owned).collect();
    let count = listed.len();
    listed.sort();
    listed.dedup();
    assert_eq!(listed.len(), count, "events/day.txt lists a sample twice");
    assert_eq!(listed, names(), "events/day.txt and the files in events/ differ");
}

#[test]
fn the_registry_and_the_template_name_the_same_functions() {
    let mut registered: Vec<&str> = fingertip_cli::functions::ALL.iter().map(|(b, _)| *b).collect();
    let mut templated: Vec<&str> = TEMPLATE.functions.iter().map(|f| f.binary.as_str()).collect();
    registered.sort_unstable();
    templated.sort_unstable();
    assert_eq!(registered, templated, "tools/src/functions.rs and template.yaml differ");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../functions");
    let mut folders: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort_unstable();
    assert_eq!(folders, registered, "functions/ and tools/src/functions.rs differ");
    for (binary, kind) in fingertip_cli::functions::ALL {
        let routed = TEMPLATE.function(binary).is_some_and(|f| !f.routes.is_empty());
        assert_eq!(
            routed,
            *kind == fingertip_cli::functions::Kind::Http,
            "{binary} is {kind:?}"
        );
    }
}
