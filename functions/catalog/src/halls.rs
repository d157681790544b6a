//! `GET /v1/halls?level=&parent=&item=&near=`: the halls of the district's network (就近办),
//! filtered, and nearest first when the citizen says where they are.
//!
//! The halls are one partition of the catalog (a district has a few hundred: its centres,
//! 22 街镇 and their stations), read with one Query and filtered here; a distance needs the
//! citizen's point, which no index could hold.

use crate::App;
use api::ApiError;
use api::http::{self, List, Response};
use lambda_http::Request;
use model::catalog::{Hall, HallLevel, Location};
use model::{HallId, ItemCode};
use serde::Serialize;

/// A hall as the list answers it: with its distance when the request gave a point.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Listed {
    #[serde(flatten)]
    hall: Hall,
    #[serde(skip_serializing_if = "Option::is_none")]
    distance_meters: Option<u64>,
}

pub async fn list(app: &App, req: &Request) -> Result<Response, ApiError> {
    let level: Option<HallLevel> = http::query(req, "level")?;
    let parent: Option<HallId> = http::query(req, "parent")?;
    let item: Option<ItemCode> = http::query(req, "item")?;
    let near: Option<Location> = http::query(req, "near")?;
    let mut items: Vec<Listed> = app
        .catalog
        .halls()
        .await?
        .into_iter()
        .filter(|h| level.is_none_or(|l| h.level == l))
        .filter(|h| parent.as_ref().is_none_or(|p| h.parent.as_ref() == Some(p)))
        .filter(|h| item.as_ref().is_none_or(|i| h.serves(i)))
        .map(|hall| Listed {
            distance_meters: near.and_then(|n| hall.location.map(|l| n.metres_to(l))),
            hall,
        })
        .collect();
    if near.is_some() {
        // Nearest first; a hall with no location on record goes last.
        items.sort_by_key(|h| (h.distance_meters.is_none(), h.distance_meters));
    }
    http::ok(&List {
        items,
        next_cursor: None,
    })
}
