//! The staff directory, kept by admins: `GET /v1/admin/staff`, `POST /v1/admin/staff`,
//! `PUT /v1/admin/staff/{id}`.
//!
//! A write checks the entry's scope against the catalog (its department, its halls and
//! that each window is one of its hall's) in the same `BatchGetItem` that reads the entry
//! being replaced, then writes the entry, its WeCom account item and the audit record in
//! one transaction: 2 round trips. Every write bumps the version, which retires the
//! member's tokens (see `api::staff`).

use crate::App;
use crate::staff::StaffView;
use api::audit::Actor;
use api::http::{self, Page, Response};
use api::{ApiError, Code, idempotency};
use lambda_http::Request;
use model::staff::{Member, StaffRole, WecomUserId, WindowId};
use model::time::rfc3339;
use model::{DeptCode, FieldErrors, HallId, StaffId};
use serde::Deserialize;
use store::staff::Written;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct EntryBody {
    wecom_user_id: String,
    name: String,
    roles: Vec<String>,
    #[serde(default)]
    dept_code: Option<String>,
    #[serde(default)]
    hall_ids: Vec<String>,
    #[serde(default)]
    window_ids: Vec<String>,
    #[serde(default)]
    disabled: bool,
    /// On `PUT`: the version the admin read; a stale one is 409 `VERSION_CONFLICT`.
    #[serde(default)]
    version: Option<u64>,
}

async fn admin(app: &App, req: &Request) -> Result<Actor, ApiError> {
    let actor = app.gate.staff(&app.verifier, req).await?;
    if actor.has(StaffRole::Admin) {
        Ok(actor)
    } else {
        Err(ApiError::forbidden())
    }
}

/// Every list of strings parsed, each bad one named by its index.
fn all<T: std::str::FromStr<Err = model::Invalid>>(errors: &mut FieldErrors, field: &str, raw: &[String]) -> Vec<T> {
    raw.iter()
        .enumerate()
        .filter_map(|(i, r)| errors.check(&format!("{field}[{i}]"), r.parse::<T>()))
        .collect()
}

/// The entry a body describes, its shape checked; `id` and times are filled by the caller.
fn parse(body: &EntryBody, id: StaffId, version: u64, created_at: &str, now: &str) -> Result<Member, ApiError> {
    let mut errors = FieldErrors::default();
    let user = errors.check("wecomUserId", body.wecom_user_id.parse::<WecomUserId>());
    let roles: Vec<StaffRole> = all(&mut errors, "roles", &body.roles);
    let dept = match body.dept_code.as_deref() {
        Some(d) => errors.check("deptCode", d.parse::<DeptCode>()).map(Some),
        None => Some(None),
    };
    let halls: Vec<HallId> = all(&mut errors, "hallIds", &body.hall_ids);
    let windows: Vec<WindowId> = all(&mut errors, "windowIds", &body.window_ids);
    if body.roles.len() > 5 {
        errors.add("roles", "至多5个角色");
    }
    let (user, dept) = errors.done(user.zip(dept))?;
    let mut m = Member {
        id,
        wecom_user_id: user,
        name: body.name.trim().to_owned(),
        roles,
        dept_code: dept,
        hall_ids: halls,
        window_ids: windows,
        disabled: body.disabled,
        version,
        created_at: created_at.to_owned(),
        updated_at: now.to_owned(),
    };
    m.check()?;
    Ok(m)
}

/// Reads the entry `id` names (if any) with the catalog records the new entry's scope
/// names, in one batch, and refuses a scope the catalog does not have.
async fn read_with_scope(app: &App, id: Option<&StaffId>, m: &Member) -> Result<Option<Member>, ApiError> {
    let mut batch = app.catalog.batch();
    let old = id.map(|id| app.staff.member_in(&mut batch, id));
    let dept = m.dept_code.as_ref().map(|d| app.catalog.dept_in(&mut batch, d));
    let halls: Vec<_> = m.hall_ids.iter().map(|h| app.catalog.hall_in(&mut batch, h)).collect();
    let mut got = batch.send("reading a staff entry's scope").await?;
    let mut errors = FieldErrors::default();
    if let Some(t) = dept
        && got.take(t)?.is_none()
    {
        errors.add("deptCode", "目录中没有这个部门");
    }
    for (h, ticket) in m.hall_ids.iter().zip(halls) {
        match got.take(ticket)? {
            None => errors.add("hallIds", "目录中没有这个大厅"),
            Some(hall) => {
                let missing = m
                    .window_ids
                    .iter()
                    .filter(|w| &w.hall() == h)
                    .any(|w| !hall.windows.iter().any(|hw| hw.code == w.code()));
                if missing {
                    errors.add("windowIds", "大厅中没有这个窗口");
                }
            }
        }
    }
    errors.finish()?;
    Ok(match old {
        Some(t) => got.take(t)?,
        None => None,
    })
}

fn written(outcome: Written) -> Result<(), ApiError> {
    match outcome {
        Written::Done => Ok(()),
        Written::Stale => Err(ApiError::code(Code::VersionConflict)),
        Written::AccountTaken => Err(ApiError::code(Code::WecomAccountTaken)),
        Written::KeyUsed => Err(ApiError::code(Code::IdempotencyKeyReused)),
    }
}

/// `GET /v1/admin/staff`: the directory, a page at a time.
pub async fn list(app: &App, req: &Request) -> Result<Response, ApiError> {
    admin(app, req).await?;
    let page = Page::from_request(req, &app.cursors, &[]).await?;
    let (members, next) = app.staff.list(page.cursor.as_ref(), page.limit).await?;
    let views: Vec<StaffView> = members.iter().map(StaffView::from).collect();
    http::ok(&page.list(views, next).await?)
}

/// `POST /v1/admin/staff`: enrols a member.
pub async fn create(app: &App, req: &Request) -> Result<Response, ApiError> {
    let actor = admin(app, req).await?;
    let body: EntryBody = http::json_body(req)?;
    let now = app.clock.now();
    let at = rfc3339(now);
    let m = parse(&body, StaffId::generate(), 1, &at, &at)?;
    let claim = idempotency::claim(req, actor.id.as_str(), req.body().as_ref())?;
    read_with_scope(app, None, &m).await?;
    let audit = app
        .trail
        .item(&actor.record("staff.create", format!("staff:{}", m.id), now))?;
    match app.staff.write(&m, None, Some(audit), claim.as_ref(), now).await? {
        Written::KeyUsed => {
            let Some(claim) = &claim else {
                return Err(ApiError::internal(
                    "a key refused without one",
                    std::io::Error::other("key"),
                ));
            };
            let id: StaffId = idempotency::replay(claim, app.staff.recorded(claim).await?)?
                .parse()
                .map_err(|e| ApiError::internal("an idempotency record's id", e))?;
            let first = app.staff.get(&id).await?.ok_or_else(ApiError::not_found)?;
            Ok(http::json_response(201, &StaffView::from(&first)))
        }
        outcome => {
            written(outcome)?;
            tracing::info!(staff = %m.id, "staff member enrolled");
            Ok(http::json_response(201, &StaffView::from(&m)))
        }
    }
}

/// `PUT /v1/admin/staff/{id}`: replaces a member's entry (roles, scope, disabled).
pub async fn update(app: &App, req: &Request) -> Result<Response, ApiError> {
    let actor = admin(app, req).await?;
    let id: StaffId = http::path(req, "id")?;
    let body: EntryBody = http::json_body(req)?;
    let now = app.clock.now();
    let at = rfc3339(now);
    // Shape first, so bad input is refused before anything is read.
    let probe = parse(&body, id.clone(), 0, &at, &at)?;
    let old = read_with_scope(app, Some(&id), &probe)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if body.version.is_some_and(|v| v != old.version) {
        return Err(
            ApiError::code(Code::VersionConflict).with_details(serde_json::json!({ "currentVersion": old.version }))
        );
    }
    let m = parse(&body, id, old.version.saturating_add(1), &old.created_at, &at)?;
    let action = if m.disabled && !old.disabled {
        "staff.disable"
    } else {
        "staff.update"
    };
    let audit = app.trail.item(&actor.record(action, format!("staff:{}", m.id), now))?;
    written(app.staff.write(&m, Some(&old), Some(audit), None, now).await?)?;
    tracing::info!(staff = %m.id, version = m.version, "staff entry changed");
    http::ok(&StaffView::from(&m))
}
