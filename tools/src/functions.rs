//! The registry of functions: every Lambda function of the project, once. The local gateway
//! mounts its HTTP functions, the test harness builds all of them, and `fingertip-cli
//! functions` prints it for the scripts (`make invoke-all`, `make bench`). A function missing
//! here, or here and not in `template.yaml`, fails the build of the stack that needs it.

use crate::local::Stack;
use crate::template::Template;
use lambda_http::Request;
use model::time::Clock;

/// How a function is invoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Through the HTTP API.
    Http,
    /// By EventBridge Scheduler.
    Schedule,
    /// By a DynamoDB stream.
    Stream,
}

/// Declares the functions once: their `App`s, their binaries and kinds, how each is built
/// (and given a clock, for those that read one), and the dispatch of HTTP requests.
macro_rules! registry {
    ($($field:ident => $binary:literal, $kind:ident $(, $clock:ident)?;)+) => {
        /// Every function's `App`, built as its Lambda builds it.
        pub struct Functions {
            $(pub $field: $field::App,)+
        }

        /// Every function: its binary and how it is invoked.
        pub const ALL: &[(&str, Kind)] = &[$(($binary, Kind::$kind)),+];

        impl Functions {
            /// Builds every function from its template environment in `stack`, the clocked
            /// ones reading `clock`. Fails on a template function this registry lacks.
            pub async fn build(template: &Template, stack: &Stack, clock: &Clock) -> Result<Self, String> {
                for f in &template.functions {
                    if !ALL.iter().any(|(b, _)| *b == f.binary) {
                        return Err(format!("the registry (tools/src/functions.rs) lacks {}", f.binary));
                    }
                }
                let env_of = |binary: &str| {
                    let f = template.function(binary).ok_or_else(|| format!("template.yaml has no function {binary}"))?;
                    stack.function_env(template, f)
                };
                Ok(Self {
                    $($field: {
                        // With `Secrets::Extension` a function reads its secrets where it
                        // first uses them, as in Lambda, so a rotation reaches it running.
                        let app = $field::App::from_env(&env_of($binary)?)
                            .await
                            .map_err(|e| format!("{}: {e}", $binary))?;
                        registry!(@clock app, clock $(, $clock)?)
                    },)+
                })
            }

            /// Runs the HTTP handler of `binary` on a request, as its Lambda would; `None`
            /// for a function without routes.
            pub async fn invoke(&self, binary: &str, req: Request) -> Option<api::http::Response> {
                registry!(@dispatch self, binary, req, $($field => $binary, $kind;)+)
            }
        }
    };
    (@clock $app:ident, $c:ident) => {{
        let _ = $c;
        $app
    }};
    (@clock $app:ident, $c:ident, clocked) => {
        $app.with_clock($c.clone())
    };
    (@dispatch $self:ident, $binary:ident, $req:ident, $($field:ident => $name:literal, $kind:ident;)+) => {
        match $binary {
            $($name => registry!(@call $kind, $self, $field, $req),)+
            _ => None,
        }
    };
    // Boxed: the dispatch's future would otherwise be as large as the largest handler's,
    // and every caller of `invoke` (the gateway, the tests) would carry it on its stack.
    (@call Http, $self:ident, $field:ident, $req:ident) => {
        Some(Box::pin($field::handle(&$self.$field, $req)).await)
    };
    (@call $other:ident, $self:ident, $field:ident, $req:ident) => {{
        let _ = $req;
        None
    }};
}

registry! {
    auth => "auth", Http, clocked;
    catalog => "catalog", Http;
    booking => "booking", Http, clocked;
    hall => "hall", Http, clocked;
    booking_sweeper => "booking-sweeper", Schedule, clocked;
    submission => "submission", Http, clocked;
    progress => "progress", Http, clocked;
    deadline_sweeper => "deadline-sweeper", Schedule, clocked;
    evaluation => "evaluation", Http, clocked;
    evaluation_sweeper => "evaluation-sweeper", Schedule, clocked;
    feedback => "feedback", Http, clocked;
    supervision => "supervision", Http, clocked;
    wechat_callback => "wechat-callback", Http, clocked;
    notifier => "notifier", Stream, clocked;
}

/// The registry as JSON, for the scripts: `[{"binary", "kind"}]`.
pub fn describe() -> serde_json::Value {
    ALL.iter()
        .map(|(binary, kind)| serde_json::json!({ "binary": binary, "kind": kind }))
        .collect()
}
