//! The API's error type: every failure a handler can meet, and how the client sees it.
//!
//! Client errors carry a stable [`Code`], a Chinese message and optional details. Faults
//! (`Unavailable`, `Internal`) carry their cause chain for the log and show the client only a
//! code and the request id. [`crate::http::render_error`] is the one place that renders them.
//! Other crates' failures become these here and only here: a request's bad fields
//! ([`FieldErrors`]) and the store's ([`StoreError`]).

use model::FieldErrors;
use serde_json::{Value, json};
use std::borrow::Cow;
use store::StoreError;

pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Declares the contract's error codes once: each with its status, its stable name and the
/// Chinese message a client shows when nothing more specific is said. A new code is one line.
macro_rules! codes {
    ($($code:ident => $status:literal, $name:literal, $message:literal;)+) => {
        /// The error codes of the contract (API.md), with their status and default message.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Code {
            $($code,)+
        }

        impl Code {
            /// Every code, in the table's order.
            pub const ALL: &[Code] = &[$(Code::$code,)+];

            pub fn status(self) -> u16 {
                match self {
                    $(Code::$code => $status,)+
                }
            }

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$code => $name,)+
                }
            }

            pub fn default_message(self) -> &'static str {
                match self {
                    $(Code::$code => $message,)+
                }
            }
        }
    };
}

codes! {
    ValidationFailed => 400, "VALIDATION_FAILED", "请求参数有误，请检查后重试";
    MalformedJson => 400, "MALFORMED_JSON", "请求内容不是有效的JSON";
    Unauthenticated => 401, "UNAUTHENTICATED", "登录已失效，请重新登录";
    Forbidden => 403, "FORBIDDEN", "无权进行此操作";
    IdentityRequired => 403, "IDENTITY_REQUIRED", "请先完成实名认证";
    BookingRestricted => 403, "BOOKING_RESTRICTED", "因多次预约未到，暂时无法预约";
    EnterpriseNotAuthorized => 403, "ENTERPRISE_NOT_AUTHORIZED", "您未获该企业授权，或授权已到期、已撤销";
    StaffNotEnrolled => 403, "STAFF_NOT_ENROLLED", "您不在工作人员名录中或账号已停用，请联系管理员";
    NotFound => 404, "NOT_FOUND", "未找到相关信息";
    MethodNotAllowed => 405, "METHOD_NOT_ALLOWED", "不支持该请求方式";
    SlotFull => 409, "SLOT_FULL", "该时段已约满，请选择其他时段";
    DuplicateBooking => 409, "DUPLICATE_BOOKING", "您当天已预约该事项";
    AlreadyEvaluated => 409, "ALREADY_EVALUATED", "您已评价过该服务";
    InvalidTransition => 409, "INVALID_TRANSITION", "当前状态不允许此操作";
    VersionConflict => 409, "VERSION_CONFLICT", "数据已被他人修改，请刷新后重试";
    AlreadyCalled => 409, "ALREADY_CALLED", "该号码不是本窗口正在办理的号码，或已办结";
    WecomAccountTaken => 409, "WECOM_ACCOUNT_TAKEN", "该政务微信账号已属于另一名工作人员";
    ConsentClosed => 409, "CONSENT_CLOSED", "该代办申请已确认、已拒绝或已过期";
    EnterpriseExists => 409, "ENTERPRISE_EXISTS", "该企业已登记";
    AgentConflict => 409, "AGENT_CONFLICT", "该人员是企业的法定代表人，或已撤销授权";
    IdentityAlreadyBound => 409, "IDENTITY_ALREADY_BOUND", "该身份无法绑定到本账号；如确为本人身份，请通过人脸核身认证";
    PayloadTooLarge => 413, "PAYLOAD_TOO_LARGE", "请求内容过大";
    UnsupportedMediaType => 415, "UNSUPPORTED_MEDIA_TYPE", "请求内容类型不受支持，请使用application/json";
    OutsideBookingWindow => 422, "OUTSIDE_BOOKING_WINDOW", "所选时段不在可预约范围内";
    CancelDeadlinePassed => 422, "CANCEL_DEADLINE_PASSED", "已超过可取消时间";
    NotEvaluable => 422, "NOT_EVALUABLE", "该服务尚不能评价";
    WrongVerificationCode => 422, "WRONG_VERIFICATION_CODE", "核验码不正确，或不是本大厅当天的预约";
    ConsentUnreachable => 422, "CONSENT_UNREACHABLE", "该群众尚未在小程序完成人脸核身认证，无法确认代办；请协助其认证，或到窗口办理";
    FaceVerificationFailed => 422, "FACE_VERIFICATION_FAILED", "人脸核身未通过或已失效，请重新核验";
    ExtensionNotAllowed => 422, "EXTENSION_NOT_ALLOWED", "延期申请只能提出一次";
    IdempotencyKeyReused => 422, "IDEMPOTENCY_KEY_REUSED", "幂等键已用于其他请求";
    RateLimited => 429, "RATE_LIMITED", "请求过于频繁，请稍后再试";
    Internal => 500, "INTERNAL", "系统错误，请稍后再试";
    ServiceUnavailable => 503, "SERVICE_UNAVAILABLE", "服务繁忙，请稍后再试";
}

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The client's fault: a 4xx with a stable code.
    #[error("{}: {message}", code.as_str())]
    Client {
        code: Code,
        message: Cow<'static, str>,
        details: Option<Value>,
        retry_after: Option<u64>,
    },
    /// A dependency (the store, WeChat) is throttled or unreachable: 503 with `Retry-After`.
    #[error("{context}")]
    Unavailable {
        context: Cow<'static, str>,
        retry_after: u64,
        #[source]
        source: Option<BoxError>,
    },
    /// A bug or an unexpected answer: 500, cause logged, nothing shown.
    #[error("{context}")]
    Internal {
        context: Cow<'static, str>,
        #[source]
        source: Option<BoxError>,
    },
}

impl ApiError {
    /// A client error with the code's default message.
    pub fn code(code: Code) -> Self {
        ApiError::Client {
            code,
            message: Cow::Borrowed(code.default_message()),
            details: None,
            retry_after: None,
        }
    }

    pub fn with_message(code: Code, message: impl Into<Cow<'static, str>>) -> Self {
        ApiError::Client {
            code,
            message: message.into(),
            details: None,
            retry_after: None,
        }
    }

    pub fn with_details(self, value: Value) -> Self {
        match self {
            ApiError::Client {
                code,
                message,
                retry_after,
                ..
            } => ApiError::Client {
                code,
                message,
                details: Some(value),
                retry_after,
            },
            other => other,
        }
    }

    pub fn not_found() -> Self {
        Self::code(Code::NotFound)
    }

    pub fn forbidden() -> Self {
        Self::code(Code::Forbidden)
    }

    pub fn unauthenticated(reason: &'static str) -> Self {
        Self::code(Code::Unauthenticated).with_details(json!({ "reason": reason }))
    }

    /// 403 `IDENTITY_REQUIRED` unless an account whose identity is `held` (none: unbound)
    /// may do what needs `required`. `details.required` tells the mini-program whether to
    /// ask for a binding or for face verification.
    pub fn unless_identity(held: Option<model::IdentityLevel>, required: model::IdentityLevel) -> Result<(), Self> {
        match held {
            Some(level) if level.meets(required) => Ok(()),
            Some(_) => Err(Self::with_message(Code::IdentityRequired, "该事项需先通过人脸核身认证")
                .with_details(json!({ "required": required.as_str() }))),
            None => Err(Self::code(Code::IdentityRequired).with_details(json!({ "required": required.as_str() }))),
        }
    }

    /// 400 `VALIDATION_FAILED` naming one field.
    pub fn field(name: &str, reason: impl Into<String>) -> Self {
        FieldErrors::one(name, reason).into()
    }

    pub fn rate_limited(retry_after: u64) -> Self {
        ApiError::Client {
            code: Code::RateLimited,
            message: Cow::Borrowed(Code::RateLimited.default_message()),
            details: None,
            retry_after: Some(retry_after),
        }
    }

    pub fn internal(context: impl Into<Cow<'static, str>>, source: impl Into<BoxError>) -> Self {
        ApiError::Internal {
            context: context.into(),
            source: Some(source.into()),
        }
    }

    pub fn unavailable(context: impl Into<Cow<'static, str>>, source: impl Into<BoxError>) -> Self {
        ApiError::Unavailable {
            context: context.into(),
            retry_after: 1,
            source: Some(source.into()),
        }
    }

    /// The code the client sees.
    pub fn client_code(&self) -> Code {
        match self {
            ApiError::Client { code, .. } => *code,
            ApiError::Unavailable { .. } => Code::ServiceUnavailable,
            ApiError::Internal { .. } => Code::Internal,
        }
    }

    pub fn status(&self) -> u16 {
        self.client_code().status()
    }
}

/// Every bad field of a request: 400 `VALIDATION_FAILED` with the reasons by field.
impl From<FieldErrors> for ApiError {
    fn from(fields: FieldErrors) -> Self {
        ApiError::code(Code::ValidationFailed).with_details(json!({ "fields": fields.reasons() }))
    }
}

/// The store's failures at the one boundary where they become the API's: throttling,
/// timeouts and outages are 503 (the client may retry), anything else a 500.
impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable { .. } => ApiError::Unavailable {
                context: "the store".into(),
                retry_after: 1,
                source: Some(Box::new(e)),
            },
            StoreError::Fault { .. } => ApiError::Internal {
                context: "the store".into(),
                source: Some(Box::new(e)),
            },
        }
    }
}

/// A secret setting that could not be read (and had no earlier value): 503, the client may
/// retry once the extension answers.
impl From<crate::secrets::Unavailable> for ApiError {
    fn from(e: crate::secrets::Unavailable) -> Self {
        ApiError::unavailable("a secret setting", e)
    }
}

/// Attaches a description of the step that failed to an I/O error, as an internal fault.
pub trait Context<T> {
    fn context(self, step: &'static str) -> Result<T, ApiError>;
}

impl<T, E: Into<BoxError>> Context<T> for Result<T, E> {
    fn context(self, step: &'static str) -> Result<T, ApiError> {
        self.map_err(|e| ApiError::internal(step, e))
    }
}

/// `context: cause: cause …`, each step of the chain once, with personal data masked.
pub fn chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut next = err.source();
    while let Some(e) = next {
        out.push_str(": ");
        out.push_str(&e.to_string());
        next = e.source();
    }
    model::mask::scrub(&out).into_owned()
}
