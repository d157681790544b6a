//! The static part of the local gateway: the staff console at `/console/` (console/dist,
//! built by `make console`) with its `config.json` written for the local stack, and the
//! API's documentation at `/docs/`. CloudFront serves the same files when deployed.

use bytes::Bytes;
use http_body_util::Full;
use serde_json::json;
use std::path::{Component, Path, PathBuf};

pub struct Site {
    dir: PathBuf,
    /// The console's settings: the API on this origin, WeCom's authorize page in the sandbox.
    config: Bytes,
}

type Answer = hyper::Response<Full<Bytes>>;

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "yaml" | "yml" => "application/yaml; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "woff2" => "font/woff2",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}

fn respond(status: u16, kind: &str, cache: &str, body: impl Into<Bytes>) -> Answer {
    hyper::Response::builder()
        .status(status)
        .header("content-type", kind)
        .header("cache-control", cache)
        .header("x-content-type-options", "nosniff")
        .body(Full::new(body.into()))
        .expect("static response")
}

fn redirect(to: &str) -> Answer {
    hyper::Response::builder()
        .status(308)
        .header("location", to)
        .body(Full::new(Bytes::new()))
        .expect("static response")
}

impl Site {
    /// The console built under `dir`, signing in through the sandbox at `sandbox_addr`.
    pub fn new(dir: PathBuf, sandbox_addr: &str, corp_id: &str, agent_id: &str) -> Self {
        let config = json!({
            "apiBase": "",
            "wecom": {
                "authorizeUrl": format!("http://{sandbox_addr}/_sandbox/wecom/authorize"),
                "corpId": corp_id,
                "agentId": agent_id,
            },
        });
        Self {
            dir,
            config: Bytes::from(config.to_string()),
        }
    }

    /// Whether `path` is the site's rather than the API's.
    pub fn claims(path: &str) -> bool {
        ["/console", "/docs"]
            .iter()
            .any(|p| path == *p || path.starts_with(&format!("{p}/")))
    }

    /// The answer to a GET of `path` (one the site claims).
    pub fn get(&self, path: &str) -> Answer {
        match path {
            "/console" => return redirect("/console/"),
            "/docs" => return redirect("/docs/"),
            "/console/config.json" => return respond(200, "application/json", "no-store", self.config.clone()),
            _ => {}
        }
        if !self.dir.join("index.html").exists() {
            return respond(
                404,
                "text/plain; charset=utf-8",
                "no-store",
                "The console is not built: run `make console` (make run does it).\n",
            );
        }
        // `/console/x` is dist/x; `/docs/x` is dist/docs/x.
        let relative = path
            .strip_prefix("/console/")
            .map(str::to_owned)
            .or_else(|| path.strip_prefix("/docs/").map(|r| format!("docs/{r}")))
            .unwrap_or_default();
        let relative = percent_encoding::percent_decode_str(&relative)
            .decode_utf8_lossy()
            .into_owned();
        let wanted = Path::new(&relative);
        if wanted.components().any(|c| !matches!(c, Component::Normal(_))) && !relative.is_empty() {
            return respond(404, "text/plain", "no-store", "not found\n");
        }
        let mut file = self.dir.join(wanted);
        if relative.is_empty() || relative.ends_with('/') {
            file = file.join("index.html");
        }
        // A route of the single-page app (`/console/cases/SQ…`): its page is index.html.
        if !file.is_file() && path.starts_with("/console/") && wanted.extension().is_none() {
            file = self.dir.join("index.html");
        }
        match std::fs::read(&file) {
            Ok(bytes) => {
                // Hashed assets never change; the pages that name them always may.
                let cache = if relative.starts_with("assets/") {
                    "public, max-age=31536000, immutable"
                } else {
                    "no-cache"
                };
                respond(200, content_type(&file), cache, bytes)
            }
            Err(_) => respond(404, "text/plain", "no-store", "not found\n"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_site_claims_the_console_and_the_docs_and_nothing_of_the_api() {
        assert!(Site::claims("/console/") && Site::claims("/console") && Site::claims("/docs/index.html"));
        assert!(!Site::claims("/v1/halls") && !Site::claims("/consoles") && !Site::claims("/docsx"));
    }

    #[test]
    fn a_path_that_climbs_out_of_the_build_is_not_served() {
        let dir = std::env::temp_dir().join(format!("site-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("assets")).unwrap();
        std::fs::write(dir.join("index.html"), "<html>console</html>").unwrap();
        std::fs::write(dir.join("assets/a.js"), "x").unwrap();
        let site = Site::new(dir.clone(), "127.0.0.1:3001", "corp", "1");
        assert_eq!(site.get("/console/../Cargo.toml").status(), 404);
        assert_eq!(site.get("/console/%2e%2e/Cargo.toml").status(), 404);
        assert_eq!(site.get("/console/assets/a.js").status(), 200);
        assert_eq!(
            site.get("/console/cases/SQ20261203ABCDEFGH").status(),
            200,
            "a route of the app is its page"
        );
        assert_eq!(site.get("/console/assets/missing.js").status(), 404);
        assert_eq!(site.get("/console").status(), 308);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
