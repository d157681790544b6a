//! The functions the local gateway mounts: the same `App` and `handle` each Lambda binary
//! runs, built with the environment its template entry describes.

use crate::local::Stack;
use crate::template::Template;
use api::http::Response;
use lambda_http::Request;

/// Declares the mounted functions once: the struct, the list of names and the dispatch.
macro_rules! mounted {
    ($($name:ident => $binary:literal),+ $(,)?) => {
        pub struct Functions {
            $($name: $name::App,)+
        }

        /// The functions with HTTP routes that this gateway mounts.
        pub const MOUNTED: &[&str] = &[$($binary),+];

        impl Functions {
            /// Builds every function the template routes to; fails on one this binary does
            /// not mount, so a new function cannot be forgotten here.
            pub async fn build(template: &Template, stack: &Stack) -> Result<Self, String> {
                for f in template.functions.iter().filter(|f| !f.routes.is_empty()) {
                    if !MOUNTED.contains(&f.binary.as_str()) {
                        return Err(format!("the local gateway does not mount {}", f.binary));
                    }
                }
                let env_of = |binary: &str| {
                    let f = template.function(binary).ok_or_else(|| format!("template.yaml has no function {binary}"))?;
                    stack.function_env(template, f)
                };
                Ok(Self {
                    $($name: $name::App::from_env(&env_of($binary)?).await.map_err(|e| e.to_string())?,)+
                })
            }

            /// Runs the handler of `binary` on a request, as its Lambda would.
            pub async fn invoke(&self, binary: &str, req: Request) -> Option<Response> {
                match binary {
                    $($binary => Some($name::handle(&self.$name, req).await),)+
                    _ => None,
                }
            }
        }
    };
}

mounted!(
    auth => "auth",
    catalog => "catalog",
    booking => "booking",
    submission => "submission",
    progress => "progress",
    evaluation => "evaluation",
    wechat_callback => "wechat-callback",
);
