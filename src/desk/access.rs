//! Who may use the desk, and the proof that a state-changing request comes from the desk's
//! own pages.
//!
//! - Bound to loopback (the default) the desk is open; bound to any other address it answers
//!   403 unless a password is given, and then asks for it. Failed passwords are rate-limited
//!   per client address (an IPv6 client by its /64 network), so that one computer on the
//!   network cannot lock the others out.
//! - Every browser gets a session (an HttpOnly, SameSite=Strict cookie) holding a random
//!   CSRF token. Every POST must carry the session's token in its form and, when the browser
//!   says where it comes from (`Origin`, `Sec-Fetch-Site`), come from the desk's own origin;
//!   otherwise it gets 403 and nothing is read or written.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Form;
use axum::extract::{ConnectInfo, FromRequest, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::Desk;
use super::html;

const COOKIE: &str = "wenming_desk";

/// At most this many sessions are kept; the oldest is forgotten first.
const MAX_SESSIONS: usize = 1000;

/// Failed passwords allowed to one client before its logins are refused for [`LOCKOUT`].
const MAX_FAILURES: u32 = 5;
const LOCKOUT: Duration = Duration::from_secs(60);

/// At most this many clients' failures are remembered; past it, those not locked out are
/// forgotten first.
const MAX_CLIENTS: usize = 10_000;

/// The desk's password, never shown (its `Debug` is `Password(…)`).
#[derive(Clone, PartialEq, Eq)]
pub struct Password(pub String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(…)")
    }
}

/// Who may use the desk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// Bound to loopback and reached by no other name: only this computer reaches it.
    Open,
    /// No password where one is needed: the desk answers 403.
    Closed(Closed),
    /// `--desk-password` given where one is needed.
    Password(Password),
}

/// Why a desk without a password is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closed {
    /// Bound to an address other than loopback.
    OtherAddress,
    /// Bound to loopback, but answering other names (`--allow-host`): requests come through
    /// a proxy on this computer, from anywhere the proxy is reached.
    AllowedHosts,
}

impl Closed {
    /// What an editor is told, on the refusal page and when serve starts.
    pub fn reason(self) -> &'static str {
        match self {
            Closed::OtherAddress => {
                "编辑台只对本机开放：服务器监听的不是本机地址（127.0.0.1）。如需在局域网内使用，请用 wenming serve --desk-password 密码（或环境变量 WENMING_DESK_PASSWORD）设置编辑台密码"
            }
            Closed::AllowedHosts => {
                "编辑台未开放：预览服务器用 --allow-host 接受其他域名的访问（例如经由代理服务器），这时编辑台需要密码。请用 wenming serve --desk-password 密码（或环境变量 WENMING_DESK_PASSWORD）设置编辑台密码"
            }
        }
    }
}

impl Access {
    /// The access of a desk served at `bind`, answering `allow_hosts` besides localhost and
    /// the bound address. A password is needed unless only this computer can reach it.
    pub fn for_serve(bind: IpAddr, allow_hosts: &[String], password: Option<Password>) -> Access {
        let closed = if !bind.is_loopback() {
            Closed::OtherAddress
        } else if !allow_hosts.is_empty() {
            Closed::AllowedHosts
        } else {
            return Access::Open;
        };
        match password.filter(|p| !p.0.is_empty()) {
            Some(p) => Access::Password(p),
            None => Access::Closed(closed),
        }
    }
}

/// A browser's session, as handlers see it.
#[derive(Debug, Clone)]
pub struct Session {
    pub csrf: String,
    /// The client's address, when the server gave it (`ConnectInfo`).
    pub peer: Option<IpAddr>,
}

#[derive(Debug)]
struct Stored {
    csrf: String,
    signed_in: bool,
    created: u64,
}

#[derive(Debug, Default)]
struct Failures {
    count: u32,
    locked_until: Option<Instant>,
}

/// Sessions and failed logins.
pub struct Gate {
    access: Access,
    sessions: Mutex<(HashMap<String, Stored>, u64)>,
    failures: Mutex<HashMap<IpAddr, Failures>>,
}

impl Gate {
    pub fn new(access: Access) -> Gate {
        Gate {
            access,
            sessions: Mutex::new((HashMap::new(), 0)),
            failures: Mutex::new(HashMap::new()),
        }
    }

    pub fn access(&self) -> &Access {
        &self.access
    }

    /// The session named by the request's cookie: (id, token, signed in).
    fn find(&self, headers: &HeaderMap) -> Option<(String, String, bool)> {
        let id = cookie(headers)?;
        let sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        let s = sessions.0.get(&id)?;
        Some((id, s.csrf.clone(), s.signed_in))
    }

    fn create(&self) -> Option<(String, String)> {
        let id = random_token()?;
        let csrf = random_token()?;
        let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        let (map, counter) = &mut *sessions;
        if map.len() >= MAX_SESSIONS
            && let Some(oldest) = map
                .iter()
                .min_by_key(|(_, s)| s.created)
                .map(|(k, _)| k.clone())
        {
            map.remove(&oldest);
        }
        *counter += 1;
        map.insert(
            id.clone(),
            Stored {
                csrf: csrf.clone(),
                signed_in: self.access == Access::Open,
                created: *counter,
            },
        );
        Some((id, csrf))
    }

    /// Whether logins from `peer` are refused for now (too many failures).
    fn locked(&self, peer: Option<IpAddr>) -> bool {
        let failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        failures
            .get(&client(peer))
            .and_then(|f| f.locked_until)
            .is_some_and(|t| Instant::now() < t)
    }

    /// Counts a failed password of `peer`; the fifth locks it out for [`LOCKOUT`].
    fn failed(&self, peer: Option<IpAddr>) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        if failures.len() >= MAX_CLIENTS {
            failures.retain(|_, f| f.locked_until.is_some_and(|t| now < t));
            if failures.len() >= MAX_CLIENTS {
                failures.clear();
            }
        }
        let f = failures.entry(client(peer)).or_default();
        if f.locked_until.is_some_and(|t| now >= t) {
            *f = Failures::default();
        }
        f.count += 1;
        if f.count >= MAX_FAILURES {
            f.count = 0;
            f.locked_until = Some(now + LOCKOUT);
        }
    }

    fn succeeded(&self, peer: Option<IpAddr>) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        failures.remove(&client(peer));
    }

    fn sign_in(&self, id: &str) {
        let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = sessions.0.get_mut(id) {
            s.signed_in = true;
        }
    }
}

/// The key failures are counted under: the address, an IPv6 address by its /64 network (one
/// computer can take many addresses in it), an IPv4-mapped one as IPv4; a request without a
/// known address (not through `serve`) under the unspecified address.
fn client(peer: Option<IpAddr>) -> IpAddr {
    match peer.map(|p| p.to_canonical()) {
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
        Some(v4) => v4,
        None => IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED),
    }
}

/// 32 random bytes as hex; `None` when the system has no randomness to give.
fn random_token() -> Option<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).ok()?;
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == COOKIE && !value.is_empty()).then(|| value.to_string())
        })
}

/// Whether the browser says the request comes from the desk's own origin (or says nothing:
/// the token decides then). A different `Origin`, `Origin: null` or a cross-site
/// `Sec-Fetch-Site` are refused.
fn same_origin(headers: &HeaderMap) -> bool {
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    match text(header::ORIGIN) {
        None => true,
        Some(origin) => {
            let host = text(header::HOST).unwrap_or_default();
            !host.is_empty()
                && (origin.eq_ignore_ascii_case(&format!("http://{host}"))
                    || origin.eq_ignore_ascii_case(&format!("https://{host}")))
        }
    }
}

/// Equal strings, compared in time independent of where they differ.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Checks a form's token against the session's: the 403 to answer when it does not match.
pub fn token_refused(session: &Session, form: &FormMap) -> Option<Response> {
    match form.get("csrf") {
        Some(token) if same_secret(token, &session.csrf) => None,
        _ => Some(forbidden(TOKEN_REFUSED)),
    }
}

const TOKEN_REFUSED: &str =
    "表单已失效或不是从编辑台提交的（缺少或不符的校验码）：请刷新编辑台页面后重试";

/// The fields of a posted form, by name.
pub type FormMap = HashMap<String, String>;

/// A form posted from the desk's own pages, with the session it came in: a handler taking it
/// runs only when the form carries the session's CSRF token (otherwise 403), so no handler can
/// forget the check.
pub struct CheckedForm(pub Session, pub FormMap);

impl<S: Send + Sync> FromRequest<S> for CheckedForm {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let Some(session) = request.extensions().get::<Session>().cloned() else {
            return Err(forbidden(TOKEN_REFUSED));
        };
        let Form(form) = Form::<FormMap>::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        match token_refused(&session, &form) {
            Some(refused) => Err(refused),
            None => Ok(CheckedForm(session, form)),
        }
    }
}

pub fn forbidden(message: &str) -> Response {
    html::page(
        StatusCode::FORBIDDEN,
        "拒绝访问",
        &format!(
            "<h1>拒绝访问</h1><p class=\"error\" role=\"alert\">{}</p><p><a href=\"/_desk/\">返回编辑台</a></p>",
            crate::text::escape_html(message)
        ),
        "",
    )
}

/// Runs before every desk route: closed desk, sign-in, sessions and the POST checks.
pub async fn gate(State(desk): State<Arc<Desk>>, mut request: Request, next: Next) -> Response {
    // The stylesheet and the script are the same for everyone (the login and refusal pages
    // use them).
    if request.method() != Method::POST
        && matches!(request.uri().path(), "/_desk/desk.css" | "/_desk/desk.js")
    {
        return next.run(request).await;
    }
    let gate = &desk.access;
    if let Access::Closed(why) = gate.access {
        return forbidden(why.reason());
    }
    let found = gate.find(request.headers());
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if request.method() == Method::POST {
        if !same_origin(request.headers()) {
            return forbidden("请求不是从本编辑台页面发出的，已拒绝，未做任何修改");
        }
        let Some((_, csrf, signed_in)) = found else {
            return forbidden("会话已失效：请刷新编辑台页面后重试，未做任何修改");
        };
        if !signed_in && request.uri().path() != "/_desk/login" {
            return forbidden("请先输入编辑台密码");
        }
        request.extensions_mut().insert(Session { csrf, peer });
        return in_chinese(next.run(request).await, desk.max_upload);
    }
    let (id, csrf, signed_in, new) = match found {
        Some((id, csrf, signed_in)) => (id, csrf, signed_in, false),
        None => match gate.create() {
            Some((id, csrf)) => {
                let signed_in = gate.access == Access::Open;
                (id, csrf, signed_in, true)
            }
            None => return forbidden("无法创建会话：系统没有可用的随机数"),
        },
    };
    let mut response = if signed_in {
        request.extensions_mut().insert(Session { csrf, peer });
        next.run(request).await
    } else {
        let target = request
            .uri()
            .path_and_query()
            .map_or("/_desk/", |p| p.as_str())
            .to_string();
        login_page(&csrf, &target, StatusCode::UNAUTHORIZED, "")
    };
    if new
        && let Ok(v) = HeaderValue::from_str(&format!(
            "{COOKIE}={id}; Path=/_desk; HttpOnly; SameSite=Strict"
        ))
    {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

/// A form the extractors refused (axum answers in English plain text) as a desk page in
/// Chinese, with the same status.
fn in_chinese(response: Response, max_upload: u64) -> Response {
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/plain"));
    let status = response.status();
    if !plain || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
        format!(
            "提交的内容太大，没有保存：上传的照片或文档最大 {}（可在 site.yaml 中用 desk: {{max_upload: 50MB}} 调整）",
            crate::config::format_size(max_upload)
        )
    } else {
        "提交的表单无法读取，没有保存：请刷新页面后重试".to_string()
    };
    html::page(
        status,
        "未保存",
        &format!(
            "<h1>未保存</h1>{}<p><a href=\"/_desk/\">返回编辑台</a></p>",
            html::notice("error", &message)
        ),
        "",
    )
}

fn login_page(csrf: &str, next: &str, status: StatusCode, error: &str) -> Response {
    let error = if error.is_empty() {
        String::new()
    } else {
        format!(
            "<p class=\"error\" role=\"alert\">{}</p>",
            crate::text::escape_html(error)
        )
    };
    html::page(
        status,
        "登录编辑台",
        &format!(
            "<h1>登录编辑台</h1>{error}<form method=\"post\" action=\"/_desk/login\" class=\"login\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
             <input type=\"hidden\" name=\"next\" value=\"{}\">\
             <label for=\"password\">密码</label>\
             <input id=\"password\" name=\"password\" type=\"password\" required autocomplete=\"current-password\">\
             <button type=\"submit\">登录</button></form>",
            html::attr(csrf),
            html::attr(next)
        ),
        "",
    )
}

/// `POST /_desk/login`: the password form.
pub async fn login(
    State(desk): State<Arc<Desk>>,
    headers: HeaderMap,
    CheckedForm(session, form): CheckedForm,
) -> Response {
    let gate = &desk.access;
    let Access::Password(password) = &gate.access else {
        return html::redirect("/_desk/");
    };
    let next = form
        .get("next")
        .filter(|n| n.starts_with("/_desk/") && !n.contains("//"))
        .cloned()
        .unwrap_or_else(|| "/_desk/".into());
    {
        if gate.locked(session.peer) {
            let mut r = login_page(
                &session.csrf,
                &next,
                StatusCode::TOO_MANY_REQUESTS,
                "密码错误次数过多，请 1 分钟后再试",
            );
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
            return r;
        }
        let given = form.get("password").map(String::as_str).unwrap_or("");
        if !same_secret(given, &password.0) {
            gate.failed(session.peer);
            return login_page(
                &session.csrf,
                &next,
                StatusCode::UNAUTHORIZED,
                "密码不对，请重新输入",
            );
        }
        gate.succeeded(session.peer);
    }
    if let Some(id) = cookie(&headers) {
        gate.sign_in(&id);
    }
    html::redirect(&next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_never_shown_and_loopback_needs_none() {
        let secret = Some(Password("机密".into()));
        let none: &[String] = &[];
        let lan = Access::for_serve([192, 168, 1, 5].into(), none, secret.clone());
        assert_eq!(format!("{lan:?}"), "Password(Password(…))");
        assert_eq!(
            Access::for_serve([127, 0, 0, 1].into(), none, secret.clone()),
            Access::Open
        );
        assert_eq!(
            Access::for_serve([0, 0, 0, 0].into(), none, None),
            Access::Closed(Closed::OtherAddress)
        );
        assert_eq!(
            Access::for_serve([0, 0, 0, 0].into(), none, Some(Password(String::new()))),
            Access::Closed(Closed::OtherAddress)
        );
        let proxied = ["preview.example.org".to_string()];
        assert_eq!(
            Access::for_serve([127, 0, 0, 1].into(), &proxied, None),
            Access::Closed(Closed::AllowedHosts)
        );
        assert_eq!(
            Access::for_serve([127, 0, 0, 1].into(), &proxied, secret.clone()),
            Access::Password(Password("机密".into()))
        );
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
    }

    #[test]
    fn failed_logins_lock_out_only_their_own_client() {
        let gate = Gate::new(Access::Password(Password("对".into())));
        let lan = |s: &str| Some(s.parse::<IpAddr>().unwrap());
        for _ in 0..4 {
            gate.failed(lan("192.168.1.66"));
        }
        assert!(!gate.locked(lan("192.168.1.66")));
        gate.failed(lan("192.168.1.66"));
        assert!(gate.locked(lan("192.168.1.66")));
        assert!(gate.locked(lan("::ffff:192.168.1.66")));
        assert!(!gate.locked(lan("192.168.1.5")));
        assert!(!gate.locked(None));
        // One IPv6 computer's many addresses are one client; another network is not.
        for i in 0..5 {
            gate.failed(lan(&format!("2001:db8:1:2::{i}")));
        }
        assert!(gate.locked(lan("2001:db8:1:2:abcd::1")));
        assert!(!gate.locked(lan("2001:db8:1:3::1")));
        gate.succeeded(lan("192.168.1.66"));
        assert!(!gate.locked(lan("192.168.1.66")));
    }
}
