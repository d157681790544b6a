//! A small world every route can be pointed at: citizen A's checked-in visit with a 差评, a
//! completed application and a submitted one, a complaint, a 督办 order and an alert, all in
//! 人社局 (RSJ) at spb-center.

use crate::{EventExt, TestApp, event, read};
use lambda_http::Request;
use serde_json::json;

pub struct World {
    pub visit: String,
    /// The visit's ticket at the hall, waiting to be called.
    pub ticket: String,
    /// A material of the submitted application (its object key).
    pub material: String,
    pub submitted: String,
    pub completed: String,
    /// A complaint about RSJ, on its desk.
    pub feedback: String,
    /// A 督办 order to RSJ about the submitted application, waiting for its answer.
    pub order: String,
    /// An alert (预警) of RSJ about the submitted application, open.
    pub alert: String,
    /// The demo directory's admin, for the admin routes.
    pub admin: String,
    /// The demo supervisor, for the supervision routes.
    pub supervisor: String,
}

impl TestApp {
    /// Builds the world for the citizen holding `token` (bound to identity `n` = 1, so the
    /// phone's last four digits are 0000). Leaves the clock at 2026-12-02 09:50.
    pub async fn world(&self, token: &str) -> World {
        let visit = self.checked_in_visit(token, "1000").await;
        let completed = self.completed_application(token).await;
        let submitted = self.submitted_application(token).await;
        let req = event("evaluation-visit")
            .bearer(token)
            .path_param("id", &visit)
            .json(&json!({
                "rating": 1, "indicators": { "整体满意度": 1 }, "tags": ["办理超时"], "comment": "排队太久"
            }));
        let (status, body) = read(self.invoke("evaluation", req).await);
        assert_eq!(status, 201, "{body}");
        let get = event("booking-get").bearer(token).path_param("id", &visit);
        let (_, booking) = read(self.invoke("booking", get).await);
        let ticket = booking["ticketId"]
            .as_str()
            .expect("a checked-in visit has a ticket")
            .to_owned();
        let get = event("progress-get").bearer(token).path_param("no", &submitted);
        let (_, application) = read(self.invoke("progress", get).await);
        let material = application["materials"][0]["objectKey"]
            .as_str()
            .expect("the application has materials")
            .to_owned();
        let req = event("feedback-create").bearer(token);
        let (status, filed) = read(self.invoke("feedback", req).await);
        assert_eq!(status, 201, "{filed}");
        let supervisor = self.demo_token("jiancha").await;
        let req = event("supervision-order-issue").bearer(&supervisor).json(&json!({
            "subject": { "applicationNo": submitted }, "deptCode": "RSJ",
            "instruction": "请核实受理进度", "dueDate": "2026-12-09"
        }));
        let (status, order) = read(self.invoke("supervision", req).await);
        assert_eq!(status, 201, "{order}");
        let alert = model::alert::Alert::raise(
            model::alert::AlertKind::AcceptanceOverdue,
            &format!("{submitted}.RSJ-0001"),
            format!("application:{submitted}"),
            "RSJ".into(),
            self.clock.now(),
        );
        let alerts = store::alerts::AlertStore::new(self.dynamo.clone(), self.tables["SupervisionTable"].clone());
        assert_eq!(
            alerts.raise(&alert).await.expect("raised"),
            store::alerts::Written::Done
        );
        World {
            alert: alert.id,
            order: order["id"].as_str().expect("an order id").to_owned(),
            feedback: filed["feedbackNo"].as_str().expect("a number").to_owned(),
            supervisor,
            material,
            ticket,
            visit,
            submitted,
            completed,
            admin: self.demo_token("admin").await,
        }
    }
}

impl World {
    /// The route's sample event, its path (and the public lookup's query) pointed at this
    /// world's resources.
    pub fn point(&self, route: &str, req: Request) -> Request {
        match route {
            r if r.contains("/bookings/{id}") => req.path_param("id", &self.visit),
            r if r.contains("{ticketId}") => req.path_param("ticketId", &self.ticket),
            r if r.contains("{objectKey}") => req
                .path_param("no", &self.submitted)
                .path_param("objectKey", &self.material),
            r if r.contains("/evaluations/{id}") => req.path_param("id", &format!("B{}", self.visit)),
            "POST /v1/applications/{no}/evaluation" => req.path_param("no", &self.completed),
            r if r.contains("/feedback/{no}") => req.path_param("no", &self.feedback),
            r if r.contains("orders/{id}") => req.path_param("id", &self.order),
            r if r.contains("alerts/{id}") => req.path_param("id", &self.alert),
            r if r.contains("{no}") => req.path_param("no", &self.submitted),
            "GET /v1/progress" => req.query(&[("applicationNo", &self.submitted), ("phoneLast4", "0000")]),
            _ => req,
        }
    }
}

impl World {
    /// The route's sample event pointed at this world, with the token its caller needs: the
    /// admin's on admin routes, the supervisor's on supervision routes, the staff token on
    /// staff routes, the citizen's elsewhere, none where the sample has none.
    pub fn request(&self, route: &str, sample: &str, citizen: &str, staff: &str) -> Request {
        let req = self.point(route, event(sample));
        if !req.headers().contains_key("authorization") {
            req
        } else if route.contains("/v1/admin/") {
            req.bearer(&self.admin)
        } else if route.contains("/v1/supervision/") || route.ends_with("/helper") {
            // Supervisors assign an enterprise's 帮办员 too.
            req.bearer(&self.supervisor)
        } else if route.contains("/v1/staff/") || route.contains("/v1/office/") {
            req.bearer(staff)
        } else {
            req.bearer(citizen)
        }
    }
}

/// Every JSON route of the template (the WeChat callbacks take WeChat's signed XML), once,
/// in order.
pub fn json_routes() -> Vec<String> {
    let mut routes: Vec<String> = crate::TEMPLATE
        .routes()
        .iter()
        .map(|(r, _)| r.key())
        .filter(|r| !r.contains("/v1/wechat/"))
        .collect();
    routes.sort();
    routes.dedup();
    routes
}

/// The sample event of each route, by route key.
pub fn samples() -> std::collections::BTreeMap<String, String> {
    let mut by_route = std::collections::BTreeMap::new();
    for name in crate::samples::names() {
        if let Some(route) = crate::event_json(&name)["routeKey"].as_str() {
            by_route.entry(route.to_owned()).or_insert(name);
        }
    }
    by_route
}
