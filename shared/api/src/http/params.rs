//! Path and query parameters parsed into domain types, and the `?limit=&cursor=` of a list.

use super::route_key;
use crate::cursor::{Cursor, Cursors};
use crate::error::ApiError;
use lambda_http::{Request, RequestExt};
use model::Invalid;
use serde::Serialize;
use std::str::FromStr;

/// A path parameter parsed into its domain type (400 naming the parameter if malformed).
pub fn path<T: FromStr<Err = Invalid>>(req: &Request, name: &str) -> Result<T, ApiError> {
    let params = req.path_parameters_ref();
    let raw = params
        .and_then(|p| p.first(name))
        .ok_or_else(|| ApiError::field(name, "必填"))?;
    raw.parse().map_err(|e: Invalid| ApiError::field(name, e.0))
}

/// An optional query parameter parsed into its domain type. Repeating a parameter is refused
/// rather than silently taking one of the values.
pub fn query<T: FromStr<Err = Invalid>>(req: &Request, name: &str) -> Result<Option<T>, ApiError> {
    let params = req.query_string_parameters_ref();
    let Some(values) = params.and_then(|p| p.all(name)) else {
        return Ok(None);
    };
    match values.as_slice() {
        [] => Ok(None),
        [""] => Ok(None),
        [one] => one.parse().map(Some).map_err(|e: Invalid| ApiError::field(name, e.0)),
        _ => Err(ApiError::field(name, "只能出现一次")),
    }
}

/// A yes-or-no filter: `?overdue=true|false`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag(pub bool);

impl FromStr for Flag {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        match raw {
            "true" => Ok(Flag(true)),
            "false" => Ok(Flag(false)),
            _ => Err(Invalid::new("应为true或false")),
        }
    }
}

/// `?limit=&cursor=` of one list: default 20, at most 100, and the cursor opened for this
/// list's scope: its route, its caller and its filters (see [`crate::cursor`]).
#[derive(Debug, Clone)]
pub struct Page<'k> {
    pub limit: u32,
    pub cursor: Option<Cursor>,
    scope: String,
    key: &'k Cursors,
}

pub const DEFAULT_LIMIT: u32 = 20;
pub const MAX_LIMIT: u32 = 100;

/// A page size between 1 and 100.
#[derive(Debug, Clone, Copy)]
pub struct Limit(pub u32);

impl FromStr for Limit {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        match raw.parse::<u32>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) && raw.len() <= 3 => Ok(Limit(n)),
            _ => Err(Invalid::new("limit应为1-100的整数")),
        }
    }
}

impl<'k> Page<'k> {
    /// The page a request asks for. `scope` is what, besides the route, decides which items
    /// the list holds: the caller and each filter as the handler parsed them.
    pub async fn from_request(req: &Request, key: &'k Cursors, scope: &[&str]) -> Result<Self, ApiError> {
        let mut parts = vec![route_key(req)];
        parts.extend(scope.iter().map(|s| (*s).to_owned()));
        // JSON keeps the parts apart whatever they hold (a search text may hold anything).
        let scope = serde_json::to_string(&parts).unwrap_or_default();
        let mut errors = model::FieldErrors::default();
        let limit = errors.check(
            "limit",
            query::<Limit>(req, "limit").map_err(|_| "limit应为1-100的整数"),
        );
        let raw = errors.check("cursor", query::<RawCursor>(req, "cursor").map_err(|_| "分页游标无效"));
        let cursor = match raw.flatten() {
            Some(RawCursor(raw)) => {
                let key = key.get().await?;
                errors.check("cursor", key.open(&scope, &raw).map_err(|_| "分页游标无效"))
            }
            None => None,
        };
        errors.finish()?;
        Ok(Page {
            limit: limit.flatten().map_or(DEFAULT_LIMIT, |l| l.0),
            cursor,
            scope,
            key,
        })
    }

    /// A page of results, its `nextCursor` sealed for this list.
    pub async fn list<T>(&self, items: Vec<T>, next: Option<Cursor>) -> Result<List<T>, ApiError> {
        let next_cursor = match next {
            Some(c) => Some(self.key.get().await?.seal(&self.scope, &c)),
            None => None,
        };
        Ok(List { items, next_cursor })
    }
}

/// A cursor as the query carries it, before its seal is checked.
struct RawCursor(String);

impl FromStr for RawCursor {
    type Err = Invalid;
    fn from_str(raw: &str) -> Result<Self, Invalid> {
        Ok(Self(raw.to_owned()))
    }
}

/// A page of results in the contract's shape.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct List<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}
