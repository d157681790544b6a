//! The catalog function: 政务服务事项, 一件事 packages and service halls, read from DynamoDB.
//!
//! Routes (API.md § Catalog): `GET /v1/catalog/items`, `GET /v1/catalog/items/{code}`,
//! `GET /v1/catalog/packages`, `GET /v1/catalog/packages/{code}`, `GET /v1/halls`,
//! `GET /v1/halls/{hallId}` (the halls by level, parent, item and distance: [`halls`]). Public: no token needed, and responses may be cached briefly.

mod halls;
mod search;

use api::ApiError;
use api::cursor::{Cursor, CursorKey, Cursors};
use api::http::{self, List, Page, Response};
use lambda_http::Request;
use model::config::{ConfigError, Env};
use model::{DeptCode, HallId, ItemCode, PackageCode};
use store::catalog::{CatalogStore, ItemFilter};

pub use search::SearchText;

/// Catalog answers may be cached by clients and CDNs this long: the catalog changes rarely.
const CACHE_CONTROL: &str = "public, max-age=300";

#[derive(Debug, Clone)]
pub struct App {
    catalog: CatalogStore,
    cursors: Cursors,
}

impl App {
    /// Reads `CATALOG_TABLE` and `CURSOR_KEY`, and connects the store.
    pub async fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let table = env.required("CATALOG_TABLE")?.to_owned();
        let cursors = CursorKey::setting(env)?;
        let client = store::connect(env).await;
        Ok(Self {
            catalog: CatalogStore::new(client, table),
            cursors,
        })
    }
}

pub async fn handle(app: &App, req: Request) -> Response {
    http::serve(req, |req| async move {
        let mut response = match http::route_key(&req).as_str() {
            "GET /v1/catalog/items" => list_items(app, &req).await,
            "GET /v1/catalog/items/{code}" => {
                let code: ItemCode = http::path(&req, "code")?;
                found(app.catalog.item(&code).await?.map(with_form))
            }
            "GET /v1/catalog/packages" => {
                let items = app.catalog.packages().await?;
                http::ok(&List {
                    items,
                    next_cursor: None,
                })
            }
            "GET /v1/catalog/packages/{code}" => {
                let code: PackageCode = http::path(&req, "code")?;
                found(app.catalog.package(&code).await?)
            }
            "GET /v1/halls" => halls::list(app, &req).await,
            "GET /v1/halls/{hallId}" => {
                let id: HallId = http::path(&req, "hallId")?;
                found(app.catalog.hall(&id).await?)
            }
            _ => Err(ApiError::not_found()),
        }?;
        response
            .headers_mut()
            .insert("cache-control", http::HeaderValue::from_static(CACHE_CONTROL));
        Ok(response)
    })
    .await
}

/// An item as clients read it: with the form an application fills in, its own or the
/// default one, so a client never guesses which fields to ask for.
fn with_form(mut item: model::catalog::Item) -> model::catalog::Item {
    item.form = item.application_form();
    item
}

fn found<T: serde::Serialize>(value: Option<T>) -> Result<Response, ApiError> {
    value.map_or_else(|| Err(ApiError::not_found()), |v| http::ok(&v))
}

/// `?dept=&q=&limit=&cursor=`: items in code order.
async fn list_items(app: &App, req: &Request) -> Result<Response, ApiError> {
    let dept: Option<DeptCode> = http::query(req, "dept")?;
    let text: Option<SearchText> = http::query(req, "q")?;
    let scope = [
        dept.as_ref().map_or("", DeptCode::as_str),
        text.as_ref().map_or("", SearchText::as_str),
    ];
    let page = Page::from_request(req, &app.cursors, &scope).await?;
    let after = match &page.cursor {
        Some(c) => Some(after_code(c)?),
        None => None,
    };
    let filter = ItemFilter {
        dept,
        text: text.map(SearchText::into_string),
    };
    let found = app.catalog.items(&filter, after.as_ref(), page.limit).await?;
    let next = found.next_after.map(|code| Cursor::new([("after", code.as_str())]));
    let items: Vec<_> = found.items.into_iter().map(with_form).collect();
    http::ok(&page.list(items, next).await?)
}

fn after_code(cursor: &Cursor) -> Result<ItemCode, ApiError> {
    cursor
        .get("after")
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| ApiError::field("cursor", "分页游标无效"))
}
