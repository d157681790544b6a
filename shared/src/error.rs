//! The API's error type: every failure a handler can meet, and how the client sees it.
//!
//! Client errors carry a stable [`Code`], a Chinese message and optional details. Faults
//! (`Unavailable`, `Internal`) carry their cause chain for the log and show the client only a
//! code and the request id. [`crate::http::render_error`] is the one place that renders them.

use serde_json::{Value, json};
use std::borrow::Cow;

pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The error codes of the contract (API.md), with their status and default message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    ValidationFailed,
    MalformedJson,
    Unauthenticated,
    Forbidden,
    IdentityRequired,
    BookingRestricted,
    NotFound,
    MethodNotAllowed,
    SlotFull,
    DuplicateBooking,
    AlreadyEvaluated,
    InvalidTransition,
    VersionConflict,
    IdentityAlreadyBound,
    PayloadTooLarge,
    UnsupportedMediaType,
    OutsideBookingWindow,
    CancelDeadlinePassed,
    NotEvaluable,
    IdempotencyKeyReused,
    RateLimited,
    ServiceUnavailable,
    Internal,
}

impl Code {
    pub fn status(self) -> u16 {
        use Code::*;
        match self {
            ValidationFailed | MalformedJson => 400,
            Unauthenticated => 401,
            Forbidden | IdentityRequired | BookingRestricted => 403,
            NotFound => 404,
            MethodNotAllowed => 405,
            SlotFull | DuplicateBooking | AlreadyEvaluated | InvalidTransition | VersionConflict
            | IdentityAlreadyBound => 409,
            PayloadTooLarge => 413,
            UnsupportedMediaType => 415,
            OutsideBookingWindow | CancelDeadlinePassed | NotEvaluable | IdempotencyKeyReused => 422,
            RateLimited => 429,
            Internal => 500,
            ServiceUnavailable => 503,
        }
    }

    pub fn as_str(self) -> &'static str {
        use Code::*;
        match self {
            ValidationFailed => "VALIDATION_FAILED",
            MalformedJson => "MALFORMED_JSON",
            Unauthenticated => "UNAUTHENTICATED",
            Forbidden => "FORBIDDEN",
            IdentityRequired => "IDENTITY_REQUIRED",
            BookingRestricted => "BOOKING_RESTRICTED",
            NotFound => "NOT_FOUND",
            MethodNotAllowed => "METHOD_NOT_ALLOWED",
            SlotFull => "SLOT_FULL",
            DuplicateBooking => "DUPLICATE_BOOKING",
            AlreadyEvaluated => "ALREADY_EVALUATED",
            InvalidTransition => "INVALID_TRANSITION",
            VersionConflict => "VERSION_CONFLICT",
            IdentityAlreadyBound => "IDENTITY_ALREADY_BOUND",
            PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
            OutsideBookingWindow => "OUTSIDE_BOOKING_WINDOW",
            CancelDeadlinePassed => "CANCEL_DEADLINE_PASSED",
            NotEvaluable => "NOT_EVALUABLE",
            IdempotencyKeyReused => "IDEMPOTENCY_KEY_REUSED",
            RateLimited => "RATE_LIMITED",
            ServiceUnavailable => "SERVICE_UNAVAILABLE",
            Internal => "INTERNAL",
        }
    }

    pub fn default_message(self) -> &'static str {
        use Code::*;
        match self {
            ValidationFailed => "请求参数有误，请检查后重试",
            MalformedJson => "请求内容不是有效的JSON",
            Unauthenticated => "登录已失效，请重新登录",
            Forbidden => "无权进行此操作",
            IdentityRequired => "请先完成实名认证",
            BookingRestricted => "因多次预约未到，暂时无法预约",
            NotFound => "未找到相关信息",
            MethodNotAllowed => "不支持该请求方式",
            SlotFull => "该时段已约满，请选择其他时段",
            DuplicateBooking => "您当天已预约该事项",
            AlreadyEvaluated => "您已评价过该服务",
            InvalidTransition => "当前状态不允许此操作",
            VersionConflict => "数据已被他人修改，请刷新后重试",
            IdentityAlreadyBound => "该身份信息已绑定其他账号，或本账号已绑定其他身份",
            PayloadTooLarge => "请求内容过大",
            UnsupportedMediaType => "请求内容类型不受支持，请使用application/json",
            OutsideBookingWindow => "所选时段不在可预约范围内",
            CancelDeadlinePassed => "已超过可取消时间",
            NotEvaluable => "该服务尚不能评价",
            IdempotencyKeyReused => "幂等键已用于其他请求",
            RateLimited => "请求过于频繁，请稍后再试",
            ServiceUnavailable => "服务繁忙，请稍后再试",
            Internal => "系统错误，请稍后再试",
        }
    }
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

    /// 400 `VALIDATION_FAILED` naming one field.
    pub fn field(name: &str, reason: impl Into<String>) -> Self {
        let mut fields = FieldErrors::default();
        fields.add(name, reason);
        fields.into_error()
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

/// Field-level reasons for a 400 `VALIDATION_FAILED`, gathered so that a client learns of
/// every bad field at once.
#[derive(Debug, Default)]
pub struct FieldErrors(serde_json::Map<String, Value>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, reason: impl Into<String>) {
        self.0
            .entry(field.to_owned())
            .or_insert_with(|| Value::String(reason.into()));
    }

    /// Keeps the value if it parsed, records the reason under `field` if not.
    pub fn check<T, E: std::fmt::Display>(&mut self, field: &str, parsed: Result<T, E>) -> Option<T> {
        match parsed {
            Ok(v) => Some(v),
            Err(e) => {
                self.add(field, e.to_string());
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_error(self) -> ApiError {
        ApiError::code(Code::ValidationFailed).with_details(json!({ "fields": self.0 }))
    }

    /// `Ok` when nothing was recorded.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self.into_error())
        }
    }

    /// The parsed values when nothing was recorded: `values` is the fields' results gathered
    /// with `check` (`a.zip(b)`), which are all there exactly when no reason was recorded.
    pub fn done<T>(self, values: Option<T>) -> Result<T, ApiError> {
        self.finish()?;
        values.ok_or_else(|| {
            ApiError::internal(
                "a field was neither parsed nor refused",
                std::io::Error::other("missing field value"),
            )
        })
    }
}

/// Parses several fields at once and reports every bad one together:
///
/// ```ignore
/// let (name, id) = parse_fields!(realName => body.real_name.parse::<RealName>(),
///                                idNumber => body.id_number.parse::<IdNumber>())?;
/// ```
#[macro_export]
macro_rules! parse_fields {
    ($($field:ident => $parsed:expr),+ $(,)?) => {{
        let mut errors = $crate::error::FieldErrors::default();
        #[allow(non_snake_case, reason = "the fields are named as the API names them")]
        let ($($field,)+) = ($(errors.check(stringify!($field), $parsed),)+);
        let values = (|| Some(($($field?,)+)))();
        errors.done(values)
    }};
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
    crate::mask::scrub(&out).into_owned()
}
