//! Every sample event in `events/` drives its handler to a success, and names a route the
//! template has: the samples stay usable for `cargo lambda invoke` and `sam local invoke`.

use fingertip_tests::{EventExt, TEMPLATE, event, read, spawn_app};

#[tokio::test]
async fn every_sample_event_drives_its_handler_to_a_2xx() {
    let app = spawn_app().await;
    let (token, _) = app.login("events-citizen").await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../events");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .map(|n| n.trim_end_matches(".json").to_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 9, "{names:?}");
    let routes = TEMPLATE.routes();
    for name in names {
        let req = event(&name);
        let route = shared::http::route_key(&req);
        let (_, binary) = routes
            .iter()
            .find(|(r, _)| r.key() == route)
            .unwrap_or_else(|| panic!("{name}: route {route} is not in template.yaml"));
        assert!(
            name.starts_with(binary.as_str()),
            "{name} is named after its function {binary}"
        );
        let req = if req.headers().contains_key("authorization") {
            req.bearer(&token)
        } else {
            req
        };
        let resp = match binary.as_str() {
            "auth" => auth::handle(&app.auth, req).await,
            "catalog" => catalog::handle(&app.catalog, req).await,
            other => panic!("no handler for {other}"),
        };
        let (status, body) = read(resp);
        assert!((200..300).contains(&status), "{name}: {status} {body}");
    }
}

#[test]
fn every_route_of_the_template_has_a_sample_event() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../events");
    let covered: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .trim_end_matches(".json")
                .to_owned()
        })
        .map(|n| shared::http::route_key(&event(&n)))
        .collect();
    for (route, _) in TEMPLATE.routes() {
        assert!(
            covered.contains(&route.key()),
            "no sample event for {}",
            route.key()
        );
    }
}
