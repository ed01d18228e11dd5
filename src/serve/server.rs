//! The HTTP side of `serve` (axum on tokio): the site's files from memory, confined to the
//! site, with the right `Content-Type`; the site's 404 page with status 404; `index.html` for
//! folders, never a listing; GET and HEAD only (and POST to the editor's desk, `crate::desk`,
//! whose routes are merged in); the live-reload script and its event stream.
//! How connections are accepted and bounded is `connections.rs`.

use std::convert::Infallible;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::broadcast;
use tokio_stream::StreamExt as _;
use tokio_stream::wrappers::BroadcastStream;

use super::incremental::SiteFiles;
use super::livereload::{self, EVENTS_PATH, Message, SCRIPT_PATH};
use super::overlay::NOT_BUILT_PAGE;

/// What the rebuild side publishes for the server: the build number and current errors.
#[derive(Debug, Clone, Default)]
pub struct Status {
    pub build: u64,
    /// The site has built successfully at least once.
    pub built: bool,
    /// The errors browsers are shown (see [`livereload::shown_errors`]) and their count.
    pub errors: Option<(Vec<super::overlay::ErrorView>, usize)>,
}

/// Everything a request handler reads.
#[derive(Clone)]
pub struct AppState {
    pub files: Arc<RwLock<SiteFiles>>,
    pub status: Arc<RwLock<Status>>,
    pub messages: broadcast::Sender<Message>,
    /// The path part of the site's base URL (`/wenming`), or empty.
    pub base_path: Arc<str>,
    /// The names the server answers to (the `Host` header).
    pub hosts: Arc<AllowedHosts>,
}

/// The preview's routes, with the editor's desk (`desk`, its own routes below `/_desk/`)
/// merged in.
pub fn router(state: AppState, desk: Router) -> Router {
    let hosts = state.hosts.clone();
    Router::new()
        .route(SCRIPT_PATH, get(script))
        .route(EVENTS_PATH, get(events))
        .fallback(site_file)
        .with_state(state)
        .merge(desk)
        .layer(middleware::from_fn(only_get_and_head))
        .layer(middleware::from_fn(move |request: Request, next: Next| {
            let hosts = hosts.clone();
            async move { only_known_hosts(&hosts, request, next).await }
        }))
}

/// The `Host` names the preview answers to, against DNS rebinding: a page on another site
/// whose name its owner points at 127.0.0.1 must not read the preview (drafts included).
/// Allowed: `localhost`, `127.0.0.1`, `[::1]`, the address the server is bound to, any IP
/// address when it is bound to all of them (a browser sends an address only when the user
/// typed it), and the names given with `--allow-host`. The port is not compared.
#[derive(Debug, Clone)]
pub struct AllowedHosts {
    bound: std::net::IpAddr,
    names: Vec<String>,
}

impl AllowedHosts {
    pub fn new(bound: std::net::IpAddr, extra: &[String]) -> AllowedHosts {
        let mut names = vec!["localhost".to_string()];
        names.extend(
            extra
                .iter()
                .map(|n| n.trim().trim_end_matches('.').to_ascii_lowercase()),
        );
        AllowedHosts { bound, names }
    }

    /// Whether a request with this `Host` header value is answered.
    pub fn allows(&self, host: &str) -> bool {
        let name = host_name(host).to_ascii_lowercase();
        let name = name.trim_end_matches('.');
        if self.names.iter().any(|n| n == name) {
            return true;
        }
        let ip = name
            .strip_prefix('[')
            .and_then(|n| n.strip_suffix(']'))
            .unwrap_or(name);
        match ip.parse::<std::net::IpAddr>() {
            Ok(ip) => ip.is_loopback() || ip == self.bound || self.bound.is_unspecified(),
            Err(_) => false,
        }
    }
}

/// The name part of a `Host` header value (`example.org:1111` → `example.org`, `[::1]:80` →
/// `[::1]`).
fn host_name(host: &str) -> &str {
    let host = host.trim();
    if host.starts_with('[') {
        return host.find(']').map_or(host, |end| &host[..=end]);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if !name.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => {
            name
        }
        _ => host,
    }
}

/// A request for another name gets 421 Misdirected Request before any route sees it. A
/// request without `Host` (HTTP/1.0 tools; browsers always send one) is answered.
async fn only_known_hosts(hosts: &AllowedHosts, request: Request, next: Next) -> Response {
    let host = request.headers().get(header::HOST);
    if host.is_none_or(|h| h.to_str().is_ok_and(|h| hosts.allows(h))) {
        return next.run(request).await;
    }
    let mut r = (
        StatusCode::MISDIRECTED_REQUEST,
        "预览服务器只接受 localhost、127.0.0.1 或它监听的地址；其他域名请用 wenming serve --allow-host 域名 加入",
    )
        .into_response();
    set_type(&mut r, "text/plain; charset=utf-8");
    r
}

/// Every method but GET and HEAD gets 405, before any route sees the request; its body is
/// never read (hyper closes the connection rather than read a body nobody wants). The
/// editor's desk takes POST too, and reads bodies within its own limit.
async fn only_get_and_head(request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD)
        || (*request.method() == Method::POST && crate::desk::is_desk_path(request.uri().path()))
    {
        return next.run(request).await;
    }
    let mut r = (StatusCode::METHOD_NOT_ALLOWED, "只支持 GET 和 HEAD 请求").into_response();
    set_type(&mut r, "text/plain; charset=utf-8");
    r.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
    r
}

async fn script() -> Response {
    let mut r = livereload::SCRIPT.into_response();
    set_type(&mut r, "text/javascript; charset=utf-8");
    r
}

async fn events(
    State(state): State<AppState>,
) -> Sse<impl tokio_stream::Stream<Item = Result<Event, Infallible>>> {
    let receiver = state.messages.subscribe();
    let status = state
        .status
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let (errors, error_count) = match status.errors {
        Some((shown, count)) => (Some(shown), count),
        None => (None, 0),
    };
    let hello = Message {
        build: status.build,
        hello: true,
        changed: Vec::new(),
        all: false,
        errors,
        error_count,
    };
    let build = status.build;
    let updates = BroadcastStream::new(receiver).map(move |m| {
        // A browser too slow to keep up missed some changes: it reloads.
        m.unwrap_or_else(|_| Message {
            build,
            hello: false,
            changed: Vec::new(),
            all: true,
            errors: None,
            error_count: 0,
        })
    });
    let stream = tokio_stream::once(hello).chain(updates).map(|m| {
        Ok(Event::default().data(serde_json::to_string(&m).unwrap_or_else(|_| "{}".into())))
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// Where a request path leads inside the site.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    /// A file path below the site root (`news/a/index.html`).
    File(String),
    /// A path without a trailing `/`: the file, or else the folder of that name.
    FileOrFolder(String),
    NotFound,
}

/// Maps a raw request path to a file of the site. Percent-encoding is decoded once (so
/// `%252e` stays `%2e`, a name, never `.`); what is not UTF-8 (overlong forms such as
/// `%c0%ae`) is refused, and so are `..`, `.`, empty segments (`//etc`), backslashes, NUL and
/// other control characters, and anything outside the base path. No request can name
/// anything but the site's own files, which are in memory anyway: the disk is never read.
pub fn resolve(raw_path: &str, base_path: &str) -> Resolved {
    let Ok(decoded) = percent_encoding::percent_decode_str(raw_path).decode_utf8() else {
        return Resolved::NotFound;
    };
    let Some(rest) = decoded.strip_prefix(base_path) else {
        return Resolved::NotFound;
    };
    let Some(rel) = rest.strip_prefix('/') else {
        return Resolved::NotFound;
    };
    if rel.contains(|c: char| c == '\\' || c.is_control()) {
        return Resolved::NotFound;
    }
    let (dir, is_folder) = match rel.strip_suffix('/') {
        Some(d) => (d, true),
        None => (rel, rel.is_empty()),
    };
    if !dir.is_empty()
        && dir
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..")
    {
        return Resolved::NotFound;
    }
    if is_folder {
        if dir.is_empty() {
            Resolved::File("index.html".into())
        } else {
            Resolved::File(format!("{dir}/index.html"))
        }
    } else {
        Resolved::FileOrFolder(dir.to_string())
    }
}

async fn site_file(State(state): State<AppState>, uri: Uri) -> Response {
    let base = state.base_path.to_string();
    let (build, built) = {
        let s = state.status.read().unwrap_or_else(|e| e.into_inner());
        (s.build, s.built)
    };
    if !built {
        let tag = livereload::script_tag("", build, &base);
        let page = livereload::inject(NOT_BUILT_PAGE.as_bytes(), &tag);
        return html_response(StatusCode::SERVICE_UNAVAILABLE, page);
    }
    if !base.is_empty() && uri.path() == "/" {
        return redirect(&format!("{base}/"));
    }
    let found = match resolve(uri.path(), &base) {
        Resolved::File(path) => lookup(&state, &path).map(|bytes| (path, bytes)),
        Resolved::FileOrFolder(path) => {
            // `/news` is `/news/` when there is such a folder; else the file itself.
            match lookup(&state, &path) {
                Some(bytes) => Some((path, bytes)),
                None if lookup(&state, &format!("{path}/index.html")).is_some() => {
                    let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
                    return redirect(&format!("{base}/{path}/{query}"));
                }
                None => None,
            }
        }
        Resolved::NotFound => None,
    };
    match found {
        Some((path, bytes)) => file_response(StatusCode::OK, &path, bytes, build, &base),
        None => match lookup(&state, "404.html") {
            Some(bytes) => file_response(StatusCode::NOT_FOUND, "404.html", bytes, build, &base),
            None => (StatusCode::NOT_FOUND, "404 找不到该页面").into_response(),
        },
    }
}

/// The bytes of a site file.
fn lookup(state: &AppState, path: &str) -> Option<Vec<u8>> {
    let files = state.files.read().unwrap_or_else(|e| e.into_inner());
    files.get(path).map(<[u8]>::to_vec)
}

fn file_response(
    status: StatusCode,
    path: &str,
    bytes: Vec<u8>,
    build: u64,
    base: &str,
) -> Response {
    let content_type = content_type(path);
    if content_type.starts_with("text/html") {
        let tag = livereload::script_tag(path, build, base);
        return html_response(status, livereload::inject(&bytes, &tag));
    }
    let mut r = (status, Body::from(bytes)).into_response();
    set_type(&mut r, &content_type);
    r
}

fn html_response(status: StatusCode, bytes: Vec<u8>) -> Response {
    let mut r = (status, Body::from(bytes)).into_response();
    set_type(&mut r, "text/html; charset=utf-8");
    r
}

fn redirect(location: &str) -> Response {
    let mut r = StatusCode::PERMANENT_REDIRECT.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

fn set_type(r: &mut Response, content_type: &str) {
    let headers = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    // A preview is always fresh.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
}

/// The `Content-Type` for a file name; text types say `charset=utf-8`.
pub fn content_type(path: &str) -> String {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let text = match ext.as_str() {
        "html" | "htm" | "shtml" => Some("text/html"),
        "css" => Some("text/css"),
        "js" | "mjs" => Some("text/javascript"),
        "xml" => Some("application/xml"),
        "json" => Some("application/json"),
        "svg" => Some("image/svg+xml"),
        "txt" => Some("text/plain"),
        "csv" => Some("text/csv"),
        "md" => Some("text/markdown"),
        _ => None,
    };
    match text {
        Some(t) => format!("{t}; charset=utf-8"),
        None => mime_guess::from_ext(&ext)
            .first_raw()
            .unwrap_or("application/octet-stream")
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_names_the_bound_address_and_allowed_names_are_answered() {
        let local = AllowedHosts::new([127, 0, 0, 1].into(), &["preview.example.org".into()]);
        for host in [
            "localhost",
            "LOCALHOST:1111",
            "127.0.0.1:1111",
            "127.0.0.1",
            "[::1]:1111",
            "localhost.",
            "preview.example.org",
            "Preview.Example.org:8080",
        ] {
            assert!(local.allows(host), "{host}");
        }
        for host in [
            "attacker.example",
            "attacker.example:1111",
            "localhost.attacker.example",
            "127.0.0.1.nip.io",
            "192.168.1.5:1111",
            "",
            "preview.example.org.attacker.example",
        ] {
            assert!(!local.allows(host), "{host}");
        }
        let lan = AllowedHosts::new([192, 168, 1, 5].into(), &[]);
        assert!(lan.allows("192.168.1.5:1111"));
        assert!(!lan.allows("192.168.1.6:1111"));
        let all = AllowedHosts::new([0, 0, 0, 0].into(), &[]);
        assert!(all.allows("192.168.1.6:1111"));
        assert!(all.allows("[fe80::1]:1111"));
        assert!(!all.allows("rebind.attacker.example:1111"));
    }

    #[test]
    fn requests_stay_inside_the_site() {
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/news/%2E%2E/%2e%2e/Cargo.toml",
            "/news/..%2fsecret",
            "//etc/passwd",
            "/a\\..\\b",
            "/%5c..%5csite.yaml",
            "/a%00.html",
            "/./index.html",
            "/%ff",
            "/%c0%ae%c0%ae/site.yaml",
            "/%e0%80%ae%e0%80%ae/site.yaml",
            "/%0d%0aSet-Cookie:%20a=b",
            "/a%7f",
            "*",
            "",
        ] {
            assert_eq!(resolve(bad, ""), Resolved::NotFound, "{bad}");
        }
        assert_eq!(resolve("/other/", "/wenming"), Resolved::NotFound);
        assert_eq!(resolve("/wenming../x", "/wenming"), Resolved::NotFound);
    }

    #[test]
    fn decoding_once_leaves_names_that_match_no_file() {
        // `%252e` is the three characters `%2e`, and `..;` is not `..`: names, never steps up.
        for (raw, name) in [
            ("/%252e%252e%252fsite.yaml", "%2e%2e%2fsite.yaml"),
            ("/..;/site.yaml", "..;/site.yaml"),
            ("/site.yaml;.html", "site.yaml;.html"),
            ("/C:/Windows/win.ini", "C:/Windows/win.ini"),
        ] {
            assert_eq!(
                resolve(raw, ""),
                Resolved::FileOrFolder(name.into()),
                "{raw}"
            );
        }
    }

    #[test]
    fn folders_serve_index_html() {
        assert_eq!(resolve("/", ""), Resolved::File("index.html".into()));
        assert_eq!(
            resolve("/news/", ""),
            Resolved::File("news/index.html".into())
        );
        assert_eq!(
            resolve("/wenming/news/", "/wenming"),
            Resolved::File("news/index.html".into())
        );
        assert_eq!(resolve("/news", ""), Resolved::FileOrFolder("news".into()));
        assert_eq!(
            resolve("/tags/%E5%AD%A6/", ""),
            Resolved::File("tags/学/index.html".into())
        );
    }

    #[test]
    fn text_types_say_utf8() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("app.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("atom.xml"), "application/xml; charset=utf-8");
        assert_eq!(content_type("data.json"), "application/json; charset=utf-8");
        assert_eq!(content_type("favicon.svg"), "image/svg+xml; charset=utf-8");
        assert_eq!(content_type("a.png"), "image/png");
    }
}
