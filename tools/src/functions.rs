//! The functions the local gateway mounts: the same `App` and `handle` each Lambda binary
//! runs, built with the environment its template entry describes.

use crate::local::Stack;
use crate::template::Template;
use lambda_http::Request;
use shared::http::Response;

pub struct Functions {
    auth: auth::App,
    catalog: catalog::App,
    booking: booking::App,
    submission: submission::App,
    progress: progress::App,
}

/// The functions with HTTP routes that this gateway mounts.
pub const MOUNTED: &[&str] = &["auth", "catalog", "booking", "submission", "progress"];

impl Functions {
    /// Builds every function the template names; fails on one this binary does not mount,
    /// so a new function cannot be forgotten here.
    pub async fn build(template: &Template, stack: &Stack) -> Result<Self, String> {
        let env_of = |binary: &str| {
            let f = template
                .function(binary)
                .ok_or_else(|| format!("template.yaml has no function {binary}"))?;
            stack.function_env(template, f)
        };
        for f in template.functions.iter().filter(|f| !f.routes.is_empty()) {
            if !MOUNTED.contains(&f.binary.as_str()) {
                return Err(format!("the local gateway does not mount {}", f.binary));
            }
        }
        Ok(Self {
            auth: auth::App::from_env(&env_of("auth")?).await.map_err(|e| e.to_string())?,
            catalog: catalog::App::from_env(&env_of("catalog")?)
                .await
                .map_err(|e| e.to_string())?,
            booking: booking::App::from_env(&env_of("booking")?)
                .await
                .map_err(|e| e.to_string())?,
            submission: submission::App::from_env(&env_of("submission")?)
                .await
                .map_err(|e| e.to_string())?,
            progress: progress::App::from_env(&env_of("progress")?)
                .await
                .map_err(|e| e.to_string())?,
        })
    }

    /// Runs the handler of `binary` on a request, as its Lambda would.
    pub async fn invoke(&self, binary: &str, req: Request) -> Option<Response> {
        Some(match binary {
            "auth" => auth::handle(&self.auth, req).await,
            "catalog" => catalog::handle(&self.catalog, req).await,
            "booking" => booking::handle(&self.booking, req).await,
            "submission" => submission::handle(&self.submission, req).await,
            "progress" => progress::handle(&self.progress, req).await,
            _ => return None,
        })
    }
}
