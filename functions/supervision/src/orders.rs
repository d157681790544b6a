//! 督办 orders: supervisors issue them, read them all, close them or return them for more;
//! the ordered department reads its own and answers. Every step is one transaction with its
//! audit record, written on condition of the version read.

use crate::App;
use api::audit::Actor;
use api::http::{self, Page, Response};
use api::{ApiError, Code, idempotency};
use lambda_http::Request;
use model::supervision::{self, BadDue, Order, OrderAction, OrderId, OrderStatus, Subject};
use model::{DeptCode, FieldErrors, FreeText, LocalDate};
use serde::{Deserialize, Serialize};
use store::orders::Written;

/// An order as supervisors and departments read it: as kept, and whether it is overdue.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct View<'a> {
    #[serde(flatten)]
    order: &'a Order,
    overdue: bool,
}

fn view(app: &App, order: &Order) -> serde_json::Value {
    let v = View {
        order,
        overdue: order.overdue(app.today()),
    };
    serde_json::to_value(&v).unwrap_or_default()
}

async fn supervisor(app: &App, req: &Request) -> Result<Actor, ApiError> {
    app.gate.supervisor(&app.verifier, req).await
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct IssueBody {
    subject: serde_json::Value,
    dept_code: String,
    instruction: String,
    due_date: String,
}

fn parse(body: &IssueBody) -> Result<(Subject, DeptCode, FreeText, LocalDate), ApiError> {
    let mut errors = FieldErrors::default();
    let subject = errors.check("subject", Subject::parse(&body.subject));
    let dept = errors.check("deptCode", body.dept_code.parse::<DeptCode>());
    let instruction = errors.check(
        "instruction",
        FreeText::parse(&body.instruction, supervision::NOTE_CHARS),
    );
    let due = errors.check("dueDate", body.due_date.parse::<LocalDate>());
    let (((subject, dept), instruction), due) = errors.done(subject.zip(dept).zip(instruction).zip(due))?;
    Ok((subject, dept, instruction, due))
}

/// The subject exists and, where it names its departments, the ordered one is among them;
/// the department exists. Read at once: the subject's record and the catalog's department.
async fn check(app: &App, subject: &Subject, dept: &DeptCode) -> Result<(), ApiError> {
    let subject_depts = async {
        Ok::<_, ApiError>(match subject {
            Subject::ApplicationNo(no) => app.applications.application(no).await?.map(|a| Some(a.dept_codes)),
            Subject::FeedbackNo(no) => app.feedback.get(no).await?.map(|_| None),
            Subject::EvaluationId(id) => app.evaluations.get(id).await?.map(|r| Some(r.dept_codes)),
        })
    };
    let dept_known = async {
        let mut batch = app.catalog.batch();
        let wanted = app.catalog.dept_in(&mut batch, dept);
        let mut got = batch.send("reading a department").await?;
        Ok::<_, ApiError>(got.take(wanted)?.is_some())
    };
    let (depts, known) = tokio::try_join!(subject_depts, dept_known)?;
    let mut errors = FieldErrors::default();
    match depts {
        None => errors.add("subject", "督办对象不存在"),
        Some(Some(ds)) if known && !ds.contains(dept) => errors.add("deptCode", "不是该事项的承办部门"),
        _ => {}
    }
    if !known {
        errors.add("deptCode", "部门不存在");
    }
    Ok(errors.finish()?)
}

/// `POST /v1/supervision/orders`: 201 with the order.
pub async fn issue(app: &App, req: &Request) -> Result<Response, ApiError> {
    let actor = supervisor(app, req).await?;
    let body: IssueBody = http::json_body(req)?;
    let (subject, dept, instruction, due) = parse(&body)?;
    let claim = idempotency::claim(req, actor.id.as_str(), req.body().as_ref())?;
    let now = app.clock.now();
    let order = Order::issue(subject, dept, instruction, due, actor.id.as_str(), now).map_err(|e| match e {
        BadDue::Past => ApiError::field("dueDate", "不能早于今天"),
        BadDue::TooFar => ApiError::field("dueDate", format!("应在{}天以内", supervision::MAX_DAYS_AHEAD)),
    })?;
    check(app, &order.subject, &order.dept_code).await?;
    let record = actor
        .record("order.issue", format!("order:{}", order.id), now)
        .because(Some(order.instruction.clone()));
    match app
        .orders
        .issue(&order, claim.as_ref(), app.trail.item(&record)?, now)
        .await?
    {
        Written::Done => {
            tracing::info!(order = %order.id, subject = %order.subject.key(), dept = %order.dept_code, "order issued");
            Ok(http::json_response(201, &view(app, &order)))
        }
        Written::KeyUsed => {
            let claim =
                claim.ok_or_else(|| ApiError::internal("a key refused without one", std::io::Error::other("key")))?;
            let created = idempotency::replay(&claim, app.orders.recorded(&claim).await?)?;
            let first: OrderId = created
                .parse()
                .map_err(|e| ApiError::internal("a stored order id", e))?;
            let o = app.orders.get(&first).await?.ok_or_else(ApiError::not_found)?;
            Ok(http::json_response(201, &view(app, &o)))
        }
        // A random id taken: astronomically rare, and a retry draws another.
        Written::Stale => Err(ApiError::code(Code::VersionConflict)),
    }
}

/// A page of orders: a department's (`dept`), or all.
async fn page(app: &App, req: &Request, actor: &Actor, dept: Option<&DeptCode>) -> Result<Response, ApiError> {
    let status: Option<OrderStatus> = http::query(req, "status")?;
    let dept_text = dept.map(ToString::to_string).unwrap_or_default();
    let scope = [
        actor.id.as_str(),
        dept_text.as_str(),
        status.map_or("", OrderStatus::as_str),
    ];
    let page = Page::from_request(req, &app.cursors, &scope).await?;
    let (orders, next) = app.orders.list(dept, status, page.cursor.as_ref(), page.limit).await?;
    let items = orders.iter().map(|o| view(app, o)).collect();
    http::ok(&page.list(items, next).await?)
}

/// `GET /v1/supervision/orders?status=&dept=`: every order, or one department's.
pub async fn list(app: &App, req: &Request) -> Result<Response, ApiError> {
    let actor = supervisor(app, req).await?;
    let dept: Option<DeptCode> = http::query(req, "dept")?;
    page(app, req, &actor, dept.as_ref()).await
}

/// `GET /v1/staff/supervision-orders?status=`: the caller's department's.
pub async fn of_dept(app: &App, req: &Request) -> Result<Response, ApiError> {
    let actor = app.gate.staff(&app.verifier, req).await?;
    let dept = actor.dept.clone().ok_or_else(ApiError::forbidden)?;
    page(app, req, &actor, Some(&dept)).await
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NoteBody {
    note: String,
}

/// Takes `action` on the order the path names, if `may` lets the member see it (404
/// otherwise), and writes it with its audit record.
async fn act(
    app: &App,
    req: &Request,
    actor: &Actor,
    action: OrderAction,
    may: impl Fn(&Order) -> bool,
) -> Result<Response, ApiError> {
    let id: OrderId = http::path(req, "id")?;
    let body: NoteBody = http::json_body(req)?;
    let note = FreeText::parse(&body.note, supervision::NOTE_CHARS).map_err(|e| ApiError::field("note", e.0))?;
    let mut order = app
        .orders
        .get(&id)
        .await?
        .filter(|o| may(o))
        .ok_or_else(ApiError::not_found)?;
    let read = order.version;
    let now = app.clock.now();
    order
        .step(action, actor.id.as_str(), note.clone(), now)
        .map_err(|_| ApiError::code(Code::InvalidTransition))?;
    let record = actor
        .record(format!("order.{}", action.as_str()), format!("order:{}", order.id), now)
        .because(Some(note));
    match app.orders.step(&order, read, app.trail.item(&record)?).await? {
        Written::Done => {
            tracing::info!(order = %order.id, action = action.as_str(), "order step");
            http::ok(&view(app, &order))
        }
        Written::Stale | Written::KeyUsed => Err(ApiError::code(Code::VersionConflict)),
    }
}

/// `POST /v1/staff/supervision-orders/{id}/response`: the ordered department answers.
pub async fn respond(app: &App, req: &Request) -> Result<Response, ApiError> {
    let actor = app.gate.staff(&app.verifier, req).await?;
    let dept = actor.dept.clone().ok_or_else(ApiError::forbidden)?;
    act(app, req, &actor, OrderAction::Respond, |o| o.dept_code == dept).await
}

/// `POST /v1/supervision/orders/{id}/close`.
pub async fn close(app: &App, req: &Request) -> Result<Response, ApiError> {
    let actor = supervisor(app, req).await?;
    act(app, req, &actor, OrderAction::Close, |_| true).await
}

/// `POST /v1/supervision/orders/{id}/return`: back to the department for more.
pub async fn send_back(app: &App, req: &Request) -> Result<Response, ApiError> {
    let actor = supervisor(app, req).await?;
    act(app, req, &actor, OrderAction::Return, |_| true).await
}
