//! Whole flows the later suites start from: a completed application, a checked-in visit.

use crate::{EventExt, TestApp, event, read};
use serde_json::json;

impl TestApp {
    /// An application for 社会保障卡申领 submitted, accepted and completed; its number.
    pub async fn completed_application(&self, token: &str) -> String {
        let no = self.submitted_application(token).await;
        let staff = self.staff_token("RSJ", None).await;
        for (action, version) in [("accept", 1), ("complete", 2)] {
            let req = event("submission-transition").bearer(&staff).path_param("no", &no);
            let (status, body) = read(
                self.invoke("submission", req.json(&json!({ "action": action, "version": version })))
                    .await,
            );
            assert_eq!(status, 200, "{action}: {body}");
        }
        no
    }

    /// An application for 社会保障卡申领, submitted; its number.
    pub async fn submitted_application(&self, token: &str) -> String {
        let id = self.upload(token, "身份证.jpg").await;
        let photo = self.upload(token, "照片.jpg").await;
        let body = json!({
            "itemCode": "RSJ-0001",
            "form": { "applicantName": "张三", "phone": "13812345678" },
            "materials": [{ "code": "M-ID", "objectKey": id }, { "code": "M-PHOTO", "objectKey": photo }],
        });
        let mut req = event("submission-create").bearer(token).json(&body);
        req.headers_mut().remove("idempotency-key");
        let (status, created) = read(self.invoke("submission", req).await);
        assert_eq!(status, 201, "{created}");
        created["applicationNo"].as_str().unwrap().to_owned()
    }

    /// A department's staff transition of application `no` (`POST …/transitions`): the
    /// answer's status and body.
    pub async fn transition(&self, staff: &str, no: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        let req = event("submission-transition")
            .bearer(staff)
            .path_param("no", no)
            .json(&body);
        read(self.invoke("submission", req).await)
    }

    /// A booking at window C of spb-center on 2026-12-02, checked in by RSJ staff that
    /// morning (the clock is left at 09:50 that day); its id.
    pub async fn checked_in_visit(&self, token: &str, slot_time: &str) -> String {
        self.set_time("2026-12-02T08:00");
        let mut req = event("booking-create")
            .bearer(token)
            .json(&json!({ "slotId": format!("spb-center.20261202.{slot_time}.C"), "itemCode": "RSJ-0001" }));
        req.headers_mut().remove("idempotency-key");
        let (status, b) = read(self.invoke("booking", req).await);
        assert_eq!(status, 201, "{b}");
        let id = b["id"].as_str().unwrap().to_owned();
        self.set_time("2026-12-02T09:50");
        let staff = self.staff_token("RSJ", Some("spb-center")).await;
        let (status, c) = read(
            self.invoke(
                "hall",
                event("hall-check-in-by-id").bearer(&staff).path_param("id", &id),
            )
            .await,
        );
        assert_eq!(status, 200, "{c}");
        id
    }
}
