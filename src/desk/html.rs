//! The desk's page shell, its stylesheet and script, and small HTML helpers. Everything the
//! desk shows of a site's files is escaped here.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

pub use crate::text::escape_html as text;

/// `s` escaped for an attribute value in double quotes.
pub fn attr(s: &str) -> String {
    crate::text::escape_html(s).replace('"', "&quot;")
}

/// `s` percent-encoded for a query value.
pub fn query(s: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'.')
        .remove(b'-')
        .remove(b'_');
    percent_encoding::utf8_percent_encode(s, KEEP).to_string()
}

/// A whole desk page: `main` is the page's own HTML, `script` extra attributes' worth of
/// markup placed before `</body>`.
pub fn page(status: StatusCode, title: &str, main: &str, script: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"robots\" content=\"noindex\">\n\
         <title>{} - 编辑台</title>\n<link rel=\"stylesheet\" href=\"/_desk/desk.css\">\n</head>\n\
         <body>\n<header class=\"bar\"><a class=\"home\" href=\"/_desk/\">编辑台</a>\
         <nav aria-label=\"编辑台\"><a href=\"/_desk/\">列表</a><a href=\"/_desk/new\">新建稿件</a>\
         <a href=\"/\">预览网站</a></nav></header>\n<main id=\"main\">\n{main}\n</main>\n{script}</body>\n</html>\n",
        text(title)
    );
    let mut r = (status, Body::from(html)).into_response();
    set_headers(&mut r, "text/html; charset=utf-8");
    r
}

fn set_headers(r: &mut Response, content_type: &'static str) {
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        ),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
}

/// 303 See Other to `location` (after a POST, the browser GETs it).
pub fn redirect(location: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

pub async fn to_desk() -> Response {
    redirect("/_desk/")
}

pub async fn css() -> Response {
    let mut r = CSS.into_response();
    set_headers(&mut r, "text/css; charset=utf-8");
    r
}

pub async fn script() -> Response {
    let mut r = SCRIPT.into_response();
    set_headers(&mut r, "text/javascript; charset=utf-8");
    r
}

/// A message box: `kind` is `ok` or `error`.
pub fn notice(kind: &str, message: &str) -> String {
    let role = if kind == "error" { "alert" } else { "status" };
    format!("<p class=\"{kind}\" role=\"{role}\">{}</p>", text(message))
}

/// The 404 page for a page the desk cannot edit.
pub fn not_found(rel: &str) -> Response {
    page(
        StatusCode::NOT_FOUND,
        "找不到稿件",
        &format!(
            "<h1>找不到稿件</h1>{}<p><a href=\"/_desk/\">返回列表</a></p>",
            notice(
                "error",
                &format!("没有这个稿件：{rel}（只能编辑 content/ 下的 .md 文件）")
            )
        ),
        "",
    )
}

const CSS: &str = include_str!("desk.css");
const SCRIPT: &str = include_str!("desk.js");
