//! People beyond a plain citizen: one whose identity WeChat's face verification vouched
//! for, and an enterprise registered at a window with them as its representative.

use crate::{EventExt, TestApp, event, id_number, read};
use serde_json::json;

/// The credit code the sample events name.
pub const SAMPLE_ENTERPRISE: &str = "91500106MA60A1B2CK";

impl TestApp {
    /// A citizen whose identity `n` is face-verified (the sandbox's `pass`). Returns
    /// (token, citizen id).
    pub async fn verified_citizen(&self, code: &str, n: u32) -> (String, String) {
        let (token, id) = self.citizen(code, n).await;
        let result = self
            .sandbox
            .face_result(code, "测试", &id_number(n), "pass")
            .expect("a sandbox outcome");
        let req = event("auth-identity-verification")
            .bearer(&token)
            .json(&json!({ "verifyResult": result }));
        let (status, body) = read(self.invoke("auth", req).await);
        assert_eq!(status, 200, "verifying {code}: {body}");
        (token, id)
    }

    /// A face-verified citizen (person `n`) who represents the enterprise the sample events
    /// name: the corpus suites send every route's sample as them. Returns (token, id).
    pub async fn sample_representative(&self, code: &str, n: u32) -> (String, String) {
        let (token, id) = self.verified_citizen(code, n).await;
        self.register_enterprise(SAMPLE_ENTERPRISE, n).await;
        (token, id)
    }

    /// Registers the enterprise `code` at the district centre's window, person `rep` its
    /// legal representative.
    pub async fn register_enterprise(&self, credit_code: &str, rep: u32) {
        let clerk = self.demo_token("chuangkou").await;
        let body = json!({
            "creditCode": credit_code, "name": "重庆示例科技有限公司",
            "representative": { "realName": "测试", "idNumber": id_number(rep) },
        });
        let req = event("auth-enterprise-register").bearer(&clerk).json(&body);
        let (status, reply) = read(self.invoke("auth", req).await);
        assert_eq!(status, 201, "registering {credit_code}: {reply}");
    }

    /// The representative's token authorizes person `n` as an agent until `until`;
    /// returns the agent id.
    pub async fn authorize_agent(&self, rep_token: &str, credit_code: &str, n: u32, until: &str) -> String {
        let req = event("auth-enterprise-agent-grant")
            .bearer(rep_token)
            .path_param("code", credit_code)
            .json(&json!({ "realName": "测试", "idNumber": id_number(n), "until": until }));
        let (status, reply) = read(self.invoke("auth", req).await);
        assert_eq!(status, 201, "authorizing agent {n}: {reply}");
        reply["agentId"].as_str().unwrap().to_owned()
    }

    /// An application for 企业变更登记 (a 法人 item, with its one required material),
    /// made for the enterprise `enterprise` if given: the answer's status and body.
    pub async fn apply_for_enterprise(&self, token: &str, enterprise: Option<&str>) -> (u16, serde_json::Value) {
        let decision = self.upload(token, "股东会决议.jpg").await;
        let mut body = json!({
            "itemCode": "SCJG-0004",
            "form": { "applicantName": "测试", "phone": "13800000000" },
            "materials": [{ "code": "M-DECISION", "objectKey": decision }],
        });
        if let Some(e) = enterprise {
            body["enterprise"] = json!(e);
        }
        let mut req = event("submission-create").bearer(token).json(&body);
        req.headers_mut().remove("idempotency-key");
        read(self.invoke("submission", req).await)
    }
}
