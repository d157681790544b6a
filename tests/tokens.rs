//! JWT verification: every malformed, stale or foreign token is 401; rotation keeps old
//! tokens valid while both keys are live.

use api::auth::{Claims, Principal, Role, Signer, Verifier};
use base64_simd::URL_SAFE_NO_PAD;
use fingertip_tests::{EventExt, Options, TestApp, code, event, read, spawn_app_with};
use model::config::Env;

async fn app() -> TestApp {
    spawn_app_with(Options::default()).await
}

async fn me_status(app: &TestApp, token: &str) -> (u16, String) {
    let (status, body) = read(auth::handle(&app.auth, event("auth-me").bearer(token)).await);
    (status, code(&body).to_owned())
}

fn claims(app: &TestApp, sub: &str) -> Claims {
    let now = jiff::Timestamp::now().as_second() as u64;
    let env = app.env_of("auth");
    Claims::citizen(
        env.required("JWT_ISSUER").unwrap(),
        env.required("JWT_AUDIENCE").unwrap(),
        sub,
        now,
        now + 600,
    )
}

fn b64(json: &serde_json::Value) -> String {
    URL_SAFE_NO_PAD.encode_to_string(json.to_string())
}

#[tokio::test]
async fn malformed_stale_and_foreign_tokens_are_all_401() {
    let app = app().await;
    let (good, id) = app.login("tok-1").await;
    assert_eq!(me_status(&app, &good).await.0, 200);

    let now = jiff::Timestamp::now().as_second() as u64;
    let mut expired = claims(&app, &id);
    (expired.iat, expired.nbf, expired.exp) = (now - 7200, now - 7200, now - 3600);
    let mut future = claims(&app, &id);
    future.nbf = now + 3600;
    let mut audience = claims(&app, &id);
    audience.aud = "another-api".into();
    let mut issuer = claims(&app, &id);
    issuer.iss = "someone-else".into();

    let parts: Vec<&str> = good.split('.').collect();
    let mut payload: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode_to_vec(parts[1]).unwrap()).unwrap();
    payload["sub"] = serde_json::Value::String("c000000000000000000000000".into());
    let tampered = format!("{}.{}.{}", parts[0], b64(&payload), parts[2]);
    let alg_none = format!(
        "{}.{}.",
        b64(&serde_json::json!({"alg": "none", "typ": "JWT", "kid": "local-1"})),
        parts[1]
    );
    // HS/EdDSA confusion: an HMAC token keyed with the public key's bytes.
    let public = app
        .env_of("auth")
        .required("JWT_VERIFY_KEYS")
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_owned();
    let mut hs_header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    hs_header.kid = Some("local-1".into());
    let hs = jsonwebtoken::encode(
        &hs_header,
        &claims(&app, &id),
        &jsonwebtoken::EncodingKey::from_secret(public.as_bytes()).unwrap(),
    )
    .unwrap();
    let (other_private, _) = api::auth::generate_key_pair("stranger").unwrap();
    let stranger = Signer::from_env(&app.env_of("auth").with("JWT_SIGNING_KEY", other_private)).unwrap();
    let (unknown_kid_key, _) = api::auth::generate_key_pair("local-1").unwrap();
    let forged = Signer::from_env(&app.env_of("auth").with("JWT_SIGNING_KEY", unknown_kid_key)).unwrap();

    let cases: Vec<(&str, String)> = vec![
        ("expired", app.signer.sign(&expired).unwrap()),
        ("nbf in the future", app.signer.sign(&future).unwrap()),
        ("wrong audience", app.signer.sign(&audience).unwrap()),
        ("wrong issuer", app.signer.sign(&issuer).unwrap()),
        ("tampered payload", tampered),
        ("alg none", alg_none),
        ("HS256 with the public key", hs),
        ("unknown kid", stranger.sign(&claims(&app, &id)).unwrap()),
        ("known kid, wrong key", forged.sign(&claims(&app, &id)).unwrap()),
        ("truncated", good[..good.len() - 10].to_owned()),
        ("two parts", format!("{}.{}", parts[0], parts[1])),
        ("garbage", "not-a-token".into()),
        ("oversized", format!("{good}{}", "A".repeat(5000))),
    ];
    for (what, token) in cases {
        assert_eq!(me_status(&app, &token).await, (401, "UNAUTHENTICATED".into()), "{what}");
    }
}

#[tokio::test]
async fn claims_that_do_not_fit_the_role_are_401() {
    let app = app().await;
    let (_, id) = app.login("tok-2").await;
    let mut citizen_with_dept = claims(&app, &id);
    citizen_with_dept.dept = Some("SCJG".into());
    let mut staff_without_roles = claims(&app, model::StaffId::derived("rsj").as_str());
    staff_without_roles.role = Role::Staff;
    staff_without_roles.ver = Some(1);
    let mut staff_without_version = staff_without_roles.clone();
    staff_without_version.roles = vec![model::staff::StaffRole::Approver];
    staff_without_version.ver = None;
    let mut staff_with_a_bad_window = staff_without_version.clone();
    staff_with_a_bad_window.ver = Some(1);
    staff_with_a_bad_window.windows = vec!["spb-center".into()];
    let mut bad_sub = claims(&app, "not-a-citizen-id");
    bad_sub.role = Role::Citizen;
    for c in [
        citizen_with_dept,
        staff_without_roles,
        staff_without_version,
        staff_with_a_bad_window,
        bad_sub,
    ] {
        assert_eq!(me_status(&app, &app.signer.sign(&c).unwrap()).await.0, 401);
    }
}

#[tokio::test]
async fn during_a_rotation_tokens_of_the_old_and_the_new_key_both_verify() {
    let app = app().await;
    let (_, id) = app.login("tok-3").await;
    let env = app.env_of("auth");
    let old_public = env.required("JWT_VERIFY_KEYS").unwrap().to_owned();
    let (new_private, new_public) = api::auth::generate_key_pair("k2").unwrap();
    let rotating: Env = env
        .clone()
        .with("JWT_VERIFY_KEYS", format!("{old_public},{new_public}"));
    let verifier = Verifier::from_env(&rotating).unwrap();
    let new_signer = Signer::from_env(&rotating.clone().with("JWT_SIGNING_KEY", new_private)).unwrap();
    let who = Principal::Citizen(id.parse().unwrap());
    let old_token = app.token(&who);
    let new_token = new_signer.issue(&who).unwrap().token;
    assert_eq!(verifier.verify(&old_token).await.unwrap(), who);
    assert_eq!(verifier.verify(&new_token).await.unwrap(), who);
    // Once the old key is retired, its tokens stop verifying.
    let retired = Verifier::from_env(&env.with("JWT_VERIFY_KEYS", new_public)).unwrap();
    assert!(retired.verify(&old_token).await.is_err());
    assert_eq!(retired.verify(&new_token).await.unwrap(), who);
}

#[test]
fn key_settings_that_cannot_work_fail_at_start_naming_the_variable() {
    let base = Env::from_pairs([("JWT_ISSUER", "i"), ("JWT_AUDIENCE", "a")]);
    for (name, value) in [
        ("JWT_VERIFY_KEYS", "k1"),
        ("JWT_VERIFY_KEYS", "k1=!!!"),
        ("JWT_VERIFY_KEYS", "k1=AAAA"),
        ("JWT_SIGNING_KEY", "k1=AAAA"),
    ] {
        let env = base.clone().with(name, value);
        let err = if name == "JWT_VERIFY_KEYS" {
            Verifier::from_env(&env).unwrap_err()
        } else {
            Signer::from_env(&env).unwrap_err()
        };
        assert_eq!(err.name, name, "{value}");
    }
    assert_eq!(Verifier::from_env(&Env::default()).unwrap_err().name, "JWT_VERIFY_KEYS");
}

#[tokio::test]
async fn only_a_staff_token_names_a_member_to_read_ahead_of_its_check_and_only_within_the_size_limit() {
    let app = app().await;
    let staff = app.staff_token("RSJ", None).await;
    let claimed = |token: &str| Verifier::claimed_staff(&event("submission-queue").bearer(token));
    let id = claimed(&staff).expect("a staff token's member");
    assert_eq!(id, model::StaffId::derived("test-RSJ-none"));

    let (citizen, _) = app.login("tok-ahead").await;
    assert!(claimed(&citizen).is_none(), "a citizen's token names no member");
    for junk in ["", "a.b.c", "x.eyJzdWIiOjF9.y", "only-one-part"] {
        assert!(claimed(junk).is_none(), "{junk}");
    }
    let mut parts: Vec<&str> = staff.split('.').collect();
    let padding = "A".repeat(4096);
    parts[2] = &padding;
    assert!(
        claimed(&parts.join(".")).is_none(),
        "a token over the limit is not read"
    );
}
