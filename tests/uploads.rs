//! Material uploads: a daily quota per citizen, a file checked against what was declared
//! before it is attached, and a presigned PUT that can never replace a file once written.

use fingertip_tests::{EventExt, JPEG, Options, TestApp, code, event, read, spawn_app, spawn_app_with};
use serde_json::{Value, json};

/// Presigns an upload; the reply.
async fn presign(app: &TestApp, token: &str, content_type: &str, size: usize) -> (u16, Value) {
    let body = json!({ "fileName": "材料.jpg", "contentType": content_type, "size": size });
    read(
        app.invoke("submission", event("submission-upload").bearer(token).json(&body))
            .await,
    )
}

/// PUTs `bytes` to a presigned upload as the client would; the status. The body's own
/// length is sent (real S3 refuses one other than the signed length; the local server does
/// not check signatures, so the service's own check is what is tested here).
async fn put(reply: &Value, bytes: &[u8]) -> u16 {
    let mut req = reqwest::Client::new()
        .put(reply["uploadUrl"].as_str().unwrap())
        .body(bytes.to_vec());
    for (k, v) in reply["headers"].as_object().unwrap() {
        if !k.eq_ignore_ascii_case("content-length") {
            req = req.header(k.as_str(), v.as_str().unwrap());
        }
    }
    req.send().await.expect("the local S3 answers").status().as_u16()
}

/// Submits 社会保障卡申领 with `id` as the ID card and a good photo; status and body.
async fn submit(app: &TestApp, token: &str, id: &str) -> (u16, Value) {
    let photo = app.upload(token, "照片.jpg").await;
    let mut req = event("submission-create").bearer(token).json(&json!({
        "itemCode": "RSJ-0001",
        "form": { "applicantName": "张三", "phone": "13812345678" },
        "materials": [{ "code": "M-ID", "objectKey": id }, { "code": "M-PHOTO", "objectKey": photo }],
    }));
    req.headers_mut().remove("idempotency-key");
    read(app.invoke("submission", req).await)
}

#[tokio::test]
async fn a_citizen_may_start_only_so_many_uploads_a_day_in_shanghai() {
    let app = spawn_app_with(Options {
        overrides: vec![("UPLOADS_PER_DAY", "3".into())],
        seed_catalog: true,
        ..Options::default()
    })
    .await;
    let (token, _) = app.citizen("uploader", 1).await;
    app.set_time("2026-12-02T23:30");
    for _ in 0..3 {
        assert_eq!(presign(&app, &token, "image/jpeg", 10).await.0, 201);
    }
    let before = app.dump().await;
    let body = json!({ "fileName": "材料.jpg", "contentType": "image/jpeg", "size": 10 });
    let resp = app
        .invoke("submission", event("submission-upload").bearer(&token).json(&body))
        .await;
    let retry_after = resp.headers()["retry-after"].to_str().unwrap().to_owned();
    let (status, reply) = read(resp);
    assert_eq!((status, code(&reply)), (429, "RATE_LIMITED"));
    assert_eq!(retry_after, "1800", "the quota frees at midnight in Shanghai");
    app.assert_unchanged(&before).await;
    app.set_time("2026-12-03T00:00");
    assert_eq!(presign(&app, &token, "image/jpeg", 10).await.0, 201, "a new day");
}

#[tokio::test]
async fn a_file_that_is_not_what_its_upload_declared_is_not_attached() {
    let app = spawn_app().await;
    let (token, _) = app.citizen("pretender", 1).await;
    let pdf = b"%PDF-1.7 not a photo".as_slice();
    let short = &JPEG[..JPEG.len() - 2];
    for (what, bytes) in [("a PDF's bytes", pdf), ("fewer bytes", short)] {
        let size = if what == "fewer bytes" { JPEG.len() } else { pdf.len() };
        let (status, reply) = presign(&app, &token, "image/jpeg", size).await;
        assert_eq!(status, 201, "{reply}");
        assert!(put(&reply, bytes).await < 300);
        let (status, body) = submit(&app, &token, reply["objectKey"].as_str().unwrap()).await;
        assert_eq!(status, 400, "{what}: {body}");
        assert!(
            body["error"]["details"]["fields"]["materials[0].objectKey"].is_string(),
            "{what}: {body}"
        );
    }
    let (status, reply) = presign(&app, &token, "image/jpeg", JPEG.len()).await;
    assert_eq!(status, 201);
    let (status, body) = submit(&app, &token, reply["objectKey"].as_str().unwrap()).await;
    assert_eq!(
        (status, code(&body)),
        (400, "VALIDATION_FAILED"),
        "nothing was uploaded: {body}"
    );
}

#[tokio::test]
async fn a_presigned_put_used_again_after_submission_changes_nothing() {
    let app = spawn_app().await;
    let (token, _) = app.citizen("reuser", 1).await;
    let (status, reply) = presign(&app, &token, "image/jpeg", JPEG.len()).await;
    assert_eq!(status, 201);
    assert!(put(&reply, JPEG).await < 300);
    let key = reply["objectKey"].as_str().unwrap().to_owned();
    let (status, body) = submit(&app, &token, &key).await;
    assert_eq!(status, 201, "{body}");

    // The same URL again, with other bytes of the same length: S3 refuses to replace it.
    let other: Vec<u8> = JPEG.iter().map(|b| b ^ 0x55).collect();
    assert!(put(&reply, &other).await >= 400, "the object was replaced");
    let bucket = app.stack.bucket_name("UploadsBucket");
    let got = app.s3.get_object().bucket(&bucket).key(&key).send().await.unwrap();
    assert_eq!(got.body.collect().await.unwrap().into_bytes().as_ref(), JPEG);
    let tags = app
        .s3
        .get_object_tagging()
        .bucket(&bucket)
        .key(&key)
        .send()
        .await
        .unwrap();
    let state: Vec<(&str, &str)> = tags.tag_set().iter().map(|t| (t.key(), t.value())).collect();
    assert_eq!(state, [("state", "attached")]);
}
