//! The editor's desk (`/_desk/` of `wenming serve`) over HTTP: creating and editing pages,
//! front matter kept byte for byte, the stale-save conflict, the history, forged requests,
//! confinement, body limits and the rule for addresses other than loopback.

mod common;

use std::fs;
use std::path::Path;
use std::time::Duration;

use common::{RawResponse, ServeProcess, fixture_copy, raw_request, start_serve_at};

const NOW: &str = "2026-03-10 08:00";
const TIMEOUT: Duration = Duration::from_secs(30);

/// `application/x-www-form-urlencoded` of `pairs`.
fn encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            let e = |s: &str| {
                percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC)
                    .to_string()
            };
            format!("{}={}", e(k), e(v))
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A browser of the desk: its session cookie.
struct Browser {
    port: u16,
    cookie: String,
}

impl Browser {
    /// Opens the desk (GET /_desk/) and keeps the session cookie it sets.
    fn open(serve: &ServeProcess) -> Browser {
        let r = get(serve.port, "/_desk/", "");
        assert_eq!(r.status, 200, "{}", r.text());
        let set = r.header("set-cookie");
        assert!(
            set.ends_with("; Path=/_desk; HttpOnly; SameSite=Strict"),
            "{set}"
        );
        let cookie = set.split(';').next().unwrap_or_default().to_string();
        Browser {
            port: serve.port,
            cookie,
        }
    }

    fn get(&self, target: &str) -> RawResponse {
        get(self.port, target, &self.cookie)
    }

    /// POSTs `pairs` as a form from the desk's own origin.
    fn post(&self, target: &str, pairs: &[(&str, &str)]) -> RawResponse {
        let origin = format!("http://127.0.0.1:{}", self.port);
        post(
            self.port,
            target,
            &self.cookie,
            Some(&origin),
            &encode(pairs),
        )
    }

    /// POSTs a `multipart/form-data` form with `files` as (field, file name, bytes).
    fn post_multipart(
        &self,
        target: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> RawResponse {
        let boundary = "----wenmingdesktest";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        for (name, file, bytes) in files {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let mut request = format!(
            "POST {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\nOrigin: http://127.0.0.1:{port}\r\n\
             Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len(),
            port = self.port,
            cookie = self.cookie,
        )
        .into_bytes();
        request.extend_from_slice(&body);
        raw_request(self.port, &request, TIMEOUT)
    }

    /// The session's token, from a desk form.
    fn csrf(&self) -> String {
        hidden(&self.get("/_desk/new").text(), "csrf")
    }
}

fn get(port: u16, target: &str, cookie: &str) -> RawResponse {
    let cookie = if cookie.is_empty() {
        String::new()
    } else {
        format!("Cookie: {cookie}\r\n")
    };
    let request = format!(
        "GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{cookie}Connection: close\r\n\r\n"
    );
    raw_request(port, request.as_bytes(), TIMEOUT)
}

fn post(port: u16, target: &str, cookie: &str, origin: Option<&str>, body: &str) -> RawResponse {
    let mut head = format!("POST {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n");
    if !cookie.is_empty() {
        head.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    if let Some(origin) = origin {
        head.push_str(&format!("Origin: {origin}\r\n"));
    }
    head.push_str(&format!(
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ));
    raw_request(port, head.as_bytes(), TIMEOUT)
}

/// The value of the hidden input `name` in a page.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {html}"))
        + marker.len();
    html[at..].split('"').next().unwrap_or_default().to_string()
}

/// Waits (boundedly) until serve has printed a line containing `text`.
fn printed(serve: &ServeProcess, text: &str) -> bool {
    let deadline = std::time::Instant::now() + TIMEOUT;
    while std::time::Instant::now() < deadline {
        if serve.output().contains(text) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

fn body(r: &RawResponse) -> String {
    String::from_utf8_lossy(r.body()).into_owned()
}

fn read(root: &Path, rel: &str) -> String {
    fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Every file below `dir`, relative, sorted (empty when it does not exist).
fn tree(dir: &Path) -> Vec<String> {
    if dir.exists() {
        common::files(dir)
    } else {
        Vec::new()
    }
}

const PAGE: &str = "---\n# 编辑部备注：本稿需复核\ntitle: \"文明交通劝导\"\ndate: 2026-03-01   # 发布时间\nsource:            # 来源\nauthor: 王芳\ntags: [文明交通]\nweight: 3   # 表单里没有的字段\nextra:\n  weird:   {a: 1,  b: [x, y]}   # 原样保留\n---\n文明交通劝导活动。\n";

fn site_with_page() -> tempfile::TempDir {
    let site = fixture_copy("basic");
    fs::write(site.path().join("content/news/b.md"), PAGE).unwrap();
    site
}

#[test]
fn the_desk_lists_pages_and_the_banner_names_it() {
    let site = site_with_page();
    let serve = start_serve_at(Some(NOW), site.path(), &[]);
    assert!(
        printed(
            &serve,
            &format!(
                "编辑台：http://127.0.0.1:{}/_desk/（在浏览器中写稿、审核、发布）",
                serve.port
            )
        ),
        "{}",
        serve.output()
    );
    let browser = Browser::open(&serve);
    let list = body(&browser.get("/_desk/"));
    assert!(list.contains("<h2>创文动态</h2>"), "{list}");
    assert!(
        list.contains("<a href=\"/_desk/edit?file=content/news/b.md\">文明交通劝导</a>"),
        "{list}"
    );
    assert!(
        list.contains("<span class=\"status status-草稿\">草稿</span>"),
        "{list}"
    );
    assert!(
        list.contains("<span class=\"status status-定时发布\">定时发布</span>"),
        "{list}"
    );
    assert!(
        list.contains("<span class=\"status status-已发布\">已发布</span>"),
        "{list}"
    );
    // 预览 leads to the page in the preview.
    let r = browser.get("/_desk/view?file=content/news/a.md");
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), "/news/a/");
    assert_eq!(
        browser
            .get("/_desk/view?file=content/news/nothing.md")
            .status,
        404
    );
    let drafts = body(&browser.get("/_desk/?status=%E8%8D%89%E7%A8%BF"));
    assert!(!drafts.contains(">文明交通劝导</a>"), "{drafts}");
    let search = body(&browser.get("/_desk/?q=%E4%BA%A4%E9%80%9A"));
    assert!(search.contains(">文明交通劝导</a>"), "{search}");
    assert!(!search.contains(">学雷锋志愿服务活动</a>"), "{search}");
    // Other methods than GET and POST, and POST outside the desk, are still refused.
    let r = post(serve.port, "/", &browser.cookie, None, "");
    assert_eq!(r.status, 405);
}

#[test]
fn build_output_never_contains_the_desk() {
    let site = site_with_page();
    let out = common::temp();
    let run = common::build_root_at(NOW, site.path(), out.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files = common::files(out.path());
    assert!(!files.iter().any(|f| f.contains("_desk")), "{files:?}");
    for f in files.iter().filter(|f| f.ends_with(".html")) {
        assert!(
            !common::read_decoded(out.path(), f).contains("/_desk"),
            "{f}"
        );
    }
}

#[test]
fn a_new_page_is_written_from_the_form() {
    let site = fixture_copy("basic");
    let serve = start_serve_at(Some(NOW), site.path(), &[]);
    let browser = Browser::open(&serve);
    let form = body(&browser.get("/_desk/new"));
    assert!(
        form.contains("<label for=\"field-section\">栏目</label>"),
        "{form}"
    );
    // 插入图片 needs the page saved first: the new form says so.
    assert!(
        form.contains("<fieldset class=\"photo\"><legend>插入图片</legend><p class=\"help\">新稿件要先保存一次才能插入图片：填好标题后点“保存”，在随后打开的编辑页面中插入。</p></fieldset>"),
        "{form}"
    );
    assert!(
        form.contains("<option value=\"news\" selected>创文动态</option>"),
        "{form}"
    );
    assert!(form.contains("value=\"2026-03-10 08:00\""), "{form}");
    let csrf = hidden(&form, "csrf");
    let r = browser.post(
        "/_desk/new",
        &[
            ("csrf", &csrf),
            ("kind", ""),
            ("section", "news"),
            ("f.title", "学雷锋志愿服务进社区"),
            ("f.date", "2026-03-10 09:30"),
            ("f.source", "示例市文明办"),
            ("f.author", ""),
            ("f.editor", ""),
            ("f.summary", ""),
            ("f.tags", "学雷锋、志愿服务"),
            ("body", "3月10日，志愿者走进社区。\r\n\r\n## 活动现场\r\n"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let rel = "content/news/xue-lei-feng-zhi-yuan-fu-wu-jin-she-qu.md";
    assert_eq!(
        r.header("location"),
        format!("/_desk/edit?file={rel}&saved=new")
    );
    assert_eq!(
        read(site.path(), rel),
        "---\ntitle: \"学雷锋志愿服务进社区\"\ndate: 2026-03-10 09:30          # 发布时间（北京时间）\n\
         draft: true              # 草稿：确认无误后删除这一行再发布\nsource: 示例市文明办     # 来源\n\
         author:                  # 作者\neditor:                  # 责任编辑\ntags: [学雷锋, 志愿服务]\n---\n\
         3月10日，志愿者走进社区。\n\n## 活动现场\n"
    );
    let edit = body(&browser.get(&r.header("location")));
    assert!(edit.contains("已新建稿件（草稿）。"), "{edit}");
    // The same title again: refused, nothing overwritten.
    let again = browser.post(
        "/_desk/new",
        &[
            ("csrf", &csrf),
            ("kind", ""),
            ("section", "news"),
            ("f.title", "学雷锋志愿服务进社区"),
            ("body", "x"),
        ],
    );
    assert_eq!(again.status, 422, "{}", again.text());
    assert!(
        body(&again).contains("文件已存在，未做任何修改"),
        "{}",
        body(&again)
    );
    assert!(read(site.path(), rel).ends_with("## 活动现场\n"));
    // Another section: its fields, nothing written.
    let r = browser.post(
        "/_desk/new",
        &[
            ("csrf", &csrf),
            ("kind", ""),
            ("section", "rules"),
            ("switch", "1"),
            ("f.title", "换栏目"),
            ("body", "x"),
        ],
    );
    assert_eq!(r.status, 200);
    let page = body(&r);
    assert!(
        page.contains("已换到栏目“文明规范”，请填写本栏目的字段后再保存"),
        "{page}"
    );
    assert!(
        page.contains("<option value=\"rules\" selected>文明规范</option>"),
        "{page}"
    );
    assert!(page.contains("value=\"换栏目\""), "{page}");
    assert!(!site.path().join("content/rules/huan-lan-mu.md").exists());
    // A title is required.
    let untitled = browser.post(
        "/_desk/new",
        &[
            ("csrf", &csrf),
            ("kind", ""),
            ("section", "news"),
            ("f.title", " "),
            ("body", "x"),
        ],
    );
    assert_eq!(untitled.status, 422);
    assert!(
        body(&untitled)
            .contains("<p class=\"field-error\" id=\"field-title-error\">请填写标题</p>")
    );
}

/// The form fields of a desk page, as a browser submits them unchanged.
fn form_fields(html: &str) -> Vec<(String, String)> {
    let attribute = |tag: &str, name: &str| {
        tag.split(&format!(" {name}=\""))
            .nth(1)
            .and_then(|v| v.split('"').next())
            .map(unescape)
    };
    let mut out = Vec::new();
    for part in html.split("<input ").skip(1) {
        let tag = part.split('>').next().unwrap_or_default();
        if let Some(name) = attribute(&format!(" {tag}"), "name") {
            out.push((
                name,
                attribute(&format!(" {tag}"), "value").unwrap_or_default(),
            ));
        }
    }
    for part in html.split("<textarea").skip(1) {
        let tag = part.split('>').next().unwrap_or_default();
        let name = attribute(tag, "name").unwrap_or_default();
        let text = part.split_once(">\n").map_or("", |(_, t)| t);
        let text = text.split("</textarea>").next().unwrap_or_default();
        out.push((name, unescape(text).replace('\n', "\r\n")));
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn submit(
    browser: &Browser,
    target: &str,
    fields: &[(String, String)],
    changes: &[(&str, &str)],
) -> RawResponse {
    let mut pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    for (k, v) in changes {
        match pairs.iter_mut().find(|(name, _)| name == k) {
            Some(pair) => pair.1 = v,
            None => pairs.push((k, v)),
        }
    }
    browser.post(target, &pairs)
}

#[test]
fn editing_keeps_what_the_form_does_not_know_byte_for_byte() {
    let site = site_with_page();
    let serve = start_serve_at(Some(NOW), site.path(), &[]);
    let browser = Browser::open(&serve);
    let target = "/_desk/edit?file=content/news/b.md";
    let form = body(&browser.get(target));
    let fields = form_fields(&form);
    // Saved unchanged: nothing on disk changes, no version is kept.
    let r = submit(&browser, target, &fields, &[]);
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(
        r.header("location"),
        "/_desk/edit?file=content/news/b.md&saved=same"
    );
    assert_eq!(read(site.path(), "content/news/b.md"), PAGE);
    assert_eq!(
        tree(&site.path().join(".wenming/history")),
        Vec::<String>::new()
    );
    // One field and the body changed: only their lines change.
    let r = submit(
        &browser,
        target,
        &fields,
        &[
            ("f.source", "示例市文明办"),
            ("f.tags", "文明交通、志愿服务"),
            ("body", "文明交通劝导活动。\r\n\r\n新的一段。\r\n"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(
        r.header("location"),
        "/_desk/edit?file=content/news/b.md&saved=1"
    );
    assert_eq!(
        read(site.path(), "content/news/b.md"),
        PAGE.replace("source:            # 来源", "source: 示例市文明办 # 来源")
            .replace("tags: [文明交通]", "tags: [文明交通, 志愿服务]")
            .replace("文明交通劝导活动。\n", "文明交通劝导活动。\n\n新的一段。\n")
    );
    // The version replaced is kept.
    let kept = tree(&site.path().join(".wenming/history"));
    assert_eq!(kept, ["content/news/b.md/20260310-080000.md"]);
    assert_eq!(
        read(
            site.path(),
            ".wenming/history/content/news/b.md/20260310-080000.md"
        ),
        PAGE
    );
    // A wrong value is refused beside its field, nothing written.
    let now = read(site.path(), "content/news/b.md");
    let form = body(&browser.get(target));
    let r = submit(
        &browser,
        target,
        &form_fields(&form),
        &[("f.date", "2026-02-30")],
    );
    assert_eq!(r.status, 422);
    assert!(
        body(&r).contains("发布时间“2026-02-30”不是有效的日期"),
        "{}",
        body(&r)
    );
    assert_eq!(read(site.path(), "content/news/b.md"), now);
}

#[test]
fn a_save_over_a_file_changed_meanwhile_is_refused() {
    let site = site_with_page();
    let serve = start_serve_at(Some(NOW), site.path(), &[]);
    let browser = Browser::open(&serve);
    let target = "/_desk/edit?file=content/news/b.md";
    let fields = form_fields(&body(&browser.get(target)));
    let theirs = PAGE.replace("author: 王芳", "author: 李强");
    fs::write(site.path().join("content/news/b.md"), &theirs).unwrap();
    let r = submit(&browser, target, &fields, &[("body", "我的修改。\r\n")]);
    assert_eq!(r.status, 409);
    let page = body(&r);
    assert!(
        page.contains("冲突：这篇稿件在您打开之后已被修改"),
        "{page}"
    );
    assert!(
        page.contains(
            "<h2>磁盘上的当前版本</h2><pre class=\"source\">---\n# 编辑部备注：本稿需复核\n"
        ),
        "{page}"
    );
    assert!(page.contains("author: 李强"), "{page}");
    assert!(page.contains("我的修改。\n</pre>"), "{page}");
    assert_eq!(read(site.path(), "content/news/b.md"), theirs);
    assert_eq!(
        tree(&site.path().join(".wenming/history")),
        Vec::<String>::new()
    );
}

#[test]
fn a_version_is_restored_and_the_replaced_one_kept() {
    let site = site_with_page();
    let serve = start_serve_at(Some(NOW), site.path(), &[]);
    let browser = Browser::open(&serve);
    let target = "/_desk/edit?file=content/news/b.md";
    let fields = form_fields(&body(&browser.get(target)));
    let r = submit(&browser, target, &fields, &[("body", "改过的正文。\r\n")]);
    assert_eq!(r.status, 303);
    let edited = read(site.path(), "content/news/b.md");
    let list = body(&browser.get("/_desk/history?file=content/news/b.md"));
    assert!(list.contains("<td>2026-03-10 08:00:00</td>"), "{list}");
    let view = body(&browser.get("/_desk/version?file=content/news/b.md&v=20260310-080000.md"));
    assert!(
        view.contains("<button type=\"submit\">恢复此版本</button>"),
        "{view}"
    );
    let r = browser.post(
        "/_desk/restore",
        &[
            ("csrf", &hidden(&view, "csrf")),
            ("file", "content/news/b.md"),
            ("v", "20260310-080000.md"),
            ("hash", &hidden(&view, "hash")),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(
        r.header("location"),
        "/_desk/edit?file=content/news/b.md&saved=restored"
    );
    assert_eq!(read(site.path(), "content/news/b.md"), PAGE);
    assert_eq!(
        tree(&site.path().join(".wenming/history")),
        [
            "content/news/b.md/20260310-080000-2.md",
            "content/news/b.md/20260310-080000.md"
        ]
    );
    assert_eq!(
        read(
            site.path(),
            ".wenming/history/content/news/b.md/20260310-080000-2.md"
        ),
        edited
    );
    // A version name cannot name another file.
    let r = browser.get("/_desk/version?file=content/news/b.md&v=..%2F..%2F..%2F..%2Fsite.yaml");
    assert_eq!(r.status, 404);
}

#[test]
fn forged_or_token_less_posts_get_403_and_write_nothing() {
    let site = site_with_page();
    let serve = start_serve_at(Some(NOW), site.path(), &[]);
    let browser = Browser::open(&serve);
    let csrf = browser.csrf();
    let port = serve.port;
    let target = "/_desk/new";
    let good = encode(&[
        ("csrf", &csrf),
        ("kind", ""),
        ("section", "news"),
        ("f.title", "伪造的稿件"),
        ("body", "x"),
    ]);
    let no_token = encode(&[
        ("kind", ""),
        ("section", "news"),
        ("f.title", "伪造的稿件"),
        ("body", "x"),
    ]);
    let wrong_token = encode(&[
        ("csrf", "0000"),
        ("kind", ""),
        ("section", "news"),
        ("f.title", "伪造的稿件"),
        ("body", "x"),
    ]);
    let own = format!("http://127.0.0.1:{port}");
    for (what, cookie, origin, form) in [
        (
            "no token",
            browser.cookie.as_str(),
            Some(own.as_str()),
            &no_token,
        ),
        (
            "wrong token",
            browser.cookie.as_str(),
            Some(own.as_str()),
            &wrong_token,
        ),
        (
            "other origin",
            browser.cookie.as_str(),
            Some("http://attacker.example"),
            &good,
        ),
        ("null origin", browser.cookie.as_str(), Some("null"), &good),
        ("no session", "", Some(own.as_str()), &good),
        (
            "unknown session",
            "wenming_desk=abc",
            Some(own.as_str()),
            &good,
        ),
    ] {
        let r = post(port, target, cookie, origin, form);
        assert_eq!(r.status, 403, "{what}: {}", r.text());
        assert!(body(&r).contains("<h1>拒绝访问</h1>"), "{what}");
    }
    let cross_site = format!(
        "POST {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {}\r\nSec-Fetch-Site: cross-site\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{good}",
        browser.cookie,
        good.len()
    );
    assert_eq!(
        raw_request(port, cross_site.as_bytes(), TIMEOUT).status,
        403
    );
    let save = encode(&[("csrf", "0000"), ("hash", ""), ("body", "被改了")]);
    let r = post(
        port,
        "/_desk/edit?file=content/news/b.md",
        &browser.cookie,
        Some(&own),
        &save,
    );
    assert_eq!(r.status, 403);
    assert_eq!(read(site.path(), "content/news/b.md"), PAGE);
    assert!(
        !site
            .path()
            .join("content/news/wei-zao-de-gao-jian.md")
            .exists()
    );
    // The same request with the session's token is accepted.
    let r = post(port, target, &browser.cookie, Some(&own), &good);
    assert_eq!(r.status, 303, "{}", r.text());
    assert!(
        site.path()
            .join("content/news/wei-zao-de-gao-jian.md")
            .exists()
    );
}

#[test]
fn only_pages_under_content_can_be_written() {
    let site = site_with_page();
    let serve = start_serve_at(Some(NOW), site.path(), &[]);
    let browser = Browser::open(&serve);
    let csrf = browser.csrf();
    let before = read(site.path(), "site.yaml");
    for file in [
        "site.yaml",
        "content/../site.yaml",
        "content%2F..%2Fsite.yaml",
        "%2Fetc%2Fpasswd",
        "themes/default/templates/page.html",
        "content/news/_index.md",
        "static/style.css",
        "content/.hidden.md",
    ] {
        let r = browser.post(
            &format!("/_desk/edit?file={file}"),
            &[("csrf", &csrf), ("hash", ""), ("body", "x")],
        );
        assert_eq!(r.status, 403, "{file}: {}", r.text());
        let r = browser.get(&format!("/_desk/edit?file={file}"));
        assert_eq!(r.status, 404, "{file}");
        let r = browser.post(
            "/_desk/restore",
            &[
                ("csrf", &csrf),
                ("file", file),
                ("v", "20260310-080000.md"),
                ("hash", ""),
            ],
        );
        assert_eq!(r.status, 403, "{file}");
    }
    assert_eq!(read(site.path(), "site.yaml"), before);
}

#[test]
fn bodies_over_the_upload_limit_are_refused() {
    let site = site_with_page();
    let config = read(site.path(), "site.yaml") + "desk:\n  max_upload: 2KB\n";
    fs::write(site.path().join("site.yaml"), config).unwrap();
    let serve = start_serve_at(Some(NOW), site.path(), &[]);
    let browser = Browser::open(&serve);
    let csrf = browser.csrf();
    let big = "长".repeat(1000);
    let r = browser.post(
        "/_desk/new",
        &[
            ("csrf", &csrf),
            ("kind", ""),
            ("section", "news"),
            ("f.title", "太长的稿件"),
            ("body", &big),
        ],
    );
    assert_eq!(r.status, 413, "{}", r.text());
    assert!(
        body(&r).contains("提交的内容太大，没有保存：上传的照片或文档最大 2 KB（可在 site.yaml 中用 desk: {max_upload: 50MB} 调整）"),
        "{}",
        body(&r)
    );
    assert!(
        !site
            .path()
            .join("content/news/tai-chang-de-gao-jian.md")
            .exists()
    );
    let r = browser.post(
        "/_desk/new",
        &[
            ("csrf", &csrf),
            ("kind", ""),
            ("section", "news"),
            ("f.title", "短稿件"),
            ("body", "短。"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
}

#[test]
fn personal_data_is_not_saved() {
    let site = site_with_page();
    let serve = start_serve_at(Some(NOW), site.path(), &[]);
    let browser = Browser::open(&serve);
    let target = "/_desk/edit?file=content/news/b.md";
    let fields = form_fields(&body(&browser.get(target)));
    let r = submit(
        &browser,
        target,
        &fields,
        &[("body", "联系人：张三\r\n手机 13812345678\r\n")],
    );
    assert_eq!(r.status, 422);
    assert!(
        body(&r).contains("第 13 行有手机号（138****5678）：网站不能公开个人信息，请删除或打码后再保存。稿件没有保存"),
        "{}",
        body(&r)
    );
    assert_eq!(read(site.path(), "content/news/b.md"), PAGE);
}

#[test]
fn the_preview_renders_the_body_as_the_site_does() {
    let site = site_with_page();
    let serve = start_serve_at(Some(NOW), site.path(), &[]);
    let browser = Browser::open(&serve);
    let csrf = browser.csrf();
    let r = browser.post(
        "/_desk/preview",
        &[
            ("csrf", &csrf),
            ("body", "**加粗**\r\n\r\n<script>alert(1)</script>"),
        ],
    );
    assert_eq!(r.status, 200);
    assert_eq!(body(&r), "<p><strong>加粗</strong></p>\n");
    // Shortcodes with the site's templates, and `@/` links, as on the page.
    let r = browser.post(
        "/_desk/preview",
        &[
            ("csrf", &csrf),
            (
                "body",
                "见[上一篇](@/news/a.md)。\r\n\r\n{{< tip >}}提示**内容**{{< /tip >}}",
            ),
        ],
    );
    assert_eq!(
        body(&r),
        "<p>见<a href=\"/news/a/\">上一篇</a>。</p>\n<div class=\"tip\" role=\"note\">\n<p class=\"tip-title\">提示</p>\n<p>提示<strong>内容</strong></p>\n</div>\n"
    );
    // Personal data is pointed out before saving.
    let r = browser.post(
        "/_desk/preview",
        &[("csrf", &csrf), ("body", "联系人\r\n电话 13812345678")],
    );
    assert_eq!(
        body(&r),
        "<p class=\"error\" role=\"alert\">正文第 2 行有手机号（138****5678）：网站不能公开个人信息，请删除或打码，否则不能保存</p><p>联系人电话 13812345678</p>\n"
    );
    let r = browser.post(
        "/_desk/preview",
        &[("csrf", &csrf), ("body", "{{< nothing >}}")],
    );
    assert_eq!(
        body(&r),
        "<p class=\"error\" role=\"alert\">短代码有误：未知的短代码“nothing”</p>"
    );
}

#[test]
fn bound_to_another_address_the_desk_is_closed_without_a_password() {
    let site = site_with_page();
    let serve = start_serve_at(Some(NOW), site.path(), &["--bind", "0.0.0.0"]);
    assert!(
        printed(
            &serve,
            "编辑台：未开放（只对本机开放；在局域网内使用请加 --desk-password 密码"
        ),
        "{}",
        serve.output()
    );
    let r = get(serve.port, "/_desk/", "");
    assert_eq!(r.status, 403);
    assert!(body(&r).contains("编辑台只对本机开放"), "{}", body(&r));
    assert_eq!(r.header("set-cookie"), "");
    // The site itself is still previewed.
    assert_eq!(get(serve.port, "/", "").status, 200);
}

/// `--allow-host` means requests come by other names, through a proxy on this computer: a
/// desk bound to loopback would be open to whoever reaches the proxy, so it needs a password.
#[test]
fn behind_allowed_host_names_the_desk_needs_a_password() {
    let site = site_with_page();
    let serve = start_serve_at(
        Some(NOW),
        site.path(),
        &["--allow-host", "preview.example.org"],
    );
    assert!(
        printed(
            &serve,
            "编辑台：未开放（用 --allow-host 的域名访问时需要密码：请加 --desk-password 密码"
        ),
        "{}",
        serve.output()
    );
    let r = get(serve.port, "/_desk/", "");
    assert_eq!(r.status, 403);
    assert_eq!(r.header("set-cookie"), "");
    assert_eq!(get(serve.port, "/", "").status, 200);

    let serve = start_serve_at(
        Some(NOW),
        site.path(),
        &[
            "--allow-host",
            "preview.example.org",
            "--desk-password",
            "正确的密码",
        ],
    );
    assert_eq!(get(serve.port, "/_desk/", "").status, 401);
}

#[test]
fn with_a_password_the_desk_asks_for_it_and_limits_failures() {
    let site = site_with_page();
    let serve = start_serve_at(
        Some(NOW),
        site.path(),
        &["--bind", "0.0.0.0", "--desk-password", "正确的密码"],
    );
    let r = get(serve.port, "/_desk/", "");
    assert_eq!(r.status, 401);
    let page = body(&r);
    assert!(
        page.contains("<label for=\"password\">密码</label>"),
        "{page}"
    );
    let cookie = r
        .header("set-cookie")
        .split(';')
        .next()
        .unwrap_or_default()
        .to_string();
    // Its stylesheet is served to the login page.
    let css = get(serve.port, "/_desk/desk.css", "");
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-type"), "text/css; charset=utf-8");
    let csrf = hidden(&page, "csrf");
    let own = format!("http://127.0.0.1:{}", serve.port);
    // Nothing but the login form answers before the password.
    let r = post(
        serve.port,
        "/_desk/new",
        &cookie,
        Some(&own),
        &encode(&[("csrf", &csrf), ("section", "news"), ("f.title", "未登录")]),
    );
    assert_eq!(r.status, 403);
    let login = |password: &str| {
        post(
            serve.port,
            "/_desk/login",
            &cookie,
            Some(&own),
            &encode(&[("csrf", &csrf), ("next", "/_desk/"), ("password", password)]),
        )
    };
    let r = login("正确的密码");
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(r.header("location"), "/_desk/");
    assert_eq!(get(serve.port, "/_desk/", &cookie).status, 200);

    // Another browser: five wrong passwords, then even the right one waits.
    let r = get(serve.port, "/_desk/", "");
    let cookie = r
        .header("set-cookie")
        .split(';')
        .next()
        .unwrap_or_default()
        .to_string();
    let csrf = hidden(&body(&r), "csrf");
    let login = |password: &str| {
        post(
            serve.port,
            "/_desk/login",
            &cookie,
            Some(&own),
            &encode(&[("csrf", &csrf), ("next", "/_desk/"), ("password", password)]),
        )
    };
    for _ in 0..5 {
        let r = login("猜的密码");
        assert_eq!(r.status, 401);
        assert!(body(&r).contains("密码不对，请重新输入"));
    }
    let r = login("正确的密码");
    assert_eq!(r.status, 429);
    assert!(body(&r).contains("密码错误次数过多，请 1 分钟后再试"));
    assert_eq!(get(serve.port, "/_desk/", &cookie).status, 401);
}

/// Sends `request` to the server on `port` from the loopback address `source`
/// (`127.0.0.2`: another client on the same computer).
fn request_from(source: &str, port: u16, request: &[u8]) -> RawResponse {
    use std::io::Write;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap();
    let mut stream = runtime.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind(format!("{source}:0").parse().unwrap()).unwrap();
        let stream = socket.connect(([127, 0, 0, 1], port).into()).await.unwrap();
        stream.into_std().unwrap()
    });
    stream.set_nonblocking(false).unwrap();
    stream.write_all(request).unwrap();
    common::read_until_closed(&mut stream, TIMEOUT)
}

#[test]
fn failed_logins_lock_out_only_the_client_that_made_them() {
    let site = site_with_page();
    let serve = start_serve_at(
        Some(NOW),
        site.path(),
        &["--bind", "0.0.0.0", "--desk-password", "正确的密码"],
    );
    let port = serve.port;
    let own = format!("http://127.0.0.1:{port}");
    // A guesser at 127.0.0.2 is locked out after five wrong passwords.
    let r = request_from(
        "127.0.0.2",
        port,
        format!("GET /_desk/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    );
    assert_eq!(r.status, 401);
    let cookie = r
        .header("set-cookie")
        .split(';')
        .next()
        .unwrap_or_default()
        .to_string();
    let csrf = hidden(&body(&r), "csrf");
    let guess = |password: &str| {
        let form = encode(&[("csrf", &csrf), ("next", "/_desk/"), ("password", password)]);
        let request = format!(
            "POST /_desk/login HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\nOrigin: {own}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{form}",
            form.len()
        );
        request_from("127.0.0.2", port, request.as_bytes())
    };
    for _ in 0..5 {
        assert_eq!(guess("猜的密码").status, 401);
    }
    assert_eq!(guess("正确的密码").status, 429);
    // The editor at 127.0.0.1 still signs in.
    let r = get(port, "/_desk/", "");
    let cookie = r
        .header("set-cookie")
        .split(';')
        .next()
        .unwrap_or_default()
        .to_string();
    let csrf = hidden(&body(&r), "csrf");
    let r = post(
        port,
        "/_desk/login",
        &cookie,
        Some(&own),
        &encode(&[
            ("csrf", &csrf),
            ("next", "/_desk/"),
            ("password", "正确的密码"),
        ]),
    );
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(get(port, "/_desk/", &cookie).status, 200);
}

const DRAFT: &str = "---\ntitle: 垃圾分类进小区\ndate: 2026-03-10 07:00\ndraft: true   # 草稿\nauthor: 王芳\n---\n垃圾分类宣传。\n";

/// Posts the review form of `rel` with `level` (初审, 复审, 终审 or 退回).
fn review(browser: &Browser, rel: &str, level: &str, reviewer: &str, opinion: &str) -> RawResponse {
    let page = body(&browser.get(&format!("/_desk/edit?file={rel}")));
    browser.post(
        "/_desk/review",
        &[
            ("csrf", &hidden(&page, "csrf")),
            ("file", rel),
            ("hash", &hidden(&page, "hash")),
            ("level", level),
            ("reviewer", reviewer),
            ("opinion", opinion),
        ],
    )
}

fn publish(browser: &Browser, rel: &str) -> RawResponse {
    let page = body(&browser.get(&format!("/_desk/edit?file={rel}")));
    browser.post(
        "/_desk/publish",
        &[
            ("csrf", &hidden(&page, "csrf")),
            ("file", rel),
            ("hash", &hidden(&page, "hash")),
        ],
    )
}

#[test]
fn the_three_reviews_are_recorded_and_publishing_waits_for_them() {
    let site = site_with_page();
    let config = read(site.path(), "site.yaml") + "check:\n  require_review: true\n";
    fs::write(site.path().join("site.yaml"), config).unwrap();
    let rel = "content/news/la-ji-fen-lei.md";
    fs::write(site.path().join(rel), DRAFT).unwrap();
    let serve = start_serve_at(Some(NOW), site.path(), &[]);
    let browser = Browser::open(&serve);
    let page = body(&browser.get(&format!("/_desk/edit?file={rel}")));
    assert!(
        page.contains("<p>初审：未审　复审：未审　终审：未审</p>"),
        "{page}"
    );
    assert!(
        page.contains("<button type=\"submit\" name=\"level\" value=\"初审\">初审通过</button>"),
        "{page}"
    );
    assert!(page.contains("review-missing"), "{page}");

    let r = publish(&browser, rel);
    assert_eq!(r.status, 422);
    assert!(body(&r).contains("不能发布："), "{}", body(&r));
    assert_eq!(read(site.path(), rel), DRAFT);

    assert_eq!(review(&browser, rel, "初审", "王芳", "同意").status, 303);
    let r = review(&browser, rel, "终审", "张伟", "");
    assert_eq!(r.status, 422);
    assert!(
        body(&r).contains("还没有复审，不能终审：请按 初审、复审、终审 的顺序审核"),
        "{}",
        body(&r)
    );
    assert_eq!(
        review(&browser, rel, "复审", "李强", "同意发布").status,
        303
    );
    assert_eq!(review(&browser, rel, "终审", "张伟", "").status, 303);
    let reviewed = DRAFT.replace(
        "author: 王芳\n",
        "author: 王芳\nreview:\n  初审: {by: 王芳, date: 2026-03-10 08:00, opinion: 同意}\n  复审: {by: 李强, date: 2026-03-10 08:00, opinion: 同意发布}\n  终审: {by: 张伟, date: 2026-03-10 08:00}\n",
    );
    assert_eq!(read(site.path(), rel), reviewed);
    let list = body(&browser.get("/_desk/"));
    assert!(list.contains("垃圾分类进小区</a></td><td data-label=\"状态\"><span class=\"status status-待审\">待审</span>"), "{list}");

    let r = publish(&browser, rel);
    assert_eq!(r.status, 303, "{}", r.text());
    // 先审后发: the publish time (07:00) was before the 终审 (08:00), so it becomes now.
    assert_eq!(
        r.header("location"),
        format!("/_desk/edit?file={rel}&saved=published-now")
    );
    assert_eq!(
        read(site.path(), rel),
        reviewed
            .replace("draft: true   # 草稿\n", "")
            .replace("date: 2026-03-10 07:00", "date: 2026-03-10 08:00")
    );
    let page = body(&browser.get(&r.header("location")));
    assert!(
        page.contains("原发布时间早于终审，已改为现在（先审后发）。"),
        "{page}"
    );
    assert!(!page.contains("review-after-publish"), "{page}");
    assert_eq!(tree(&site.path().join(".wenming/history")).len(), 4);
}

#[test]
fn returning_a_page_clears_its_trail_and_leaves_the_note() {
    let site = site_with_page();
    let rel = "content/news/la-ji-fen-lei.md";
    fs::write(site.path().join(rel), DRAFT).unwrap();
    let serve = start_serve_at(Some(NOW), site.path(), &[]);
    let browser = Browser::open(&serve);
    assert_eq!(review(&browser, rel, "初审", "王芳", "").status, 303);
    let r = review(&browser, rel, "退回", "李强", "");
    assert_eq!(r.status, 422);
    assert!(body(&r).contains("退回修改时请在“意见”中写明要改什么"));
    assert_eq!(
        review(&browser, rel, "退回", "李强", "第二段的数字请核实").status,
        303
    );
    assert_eq!(
        read(site.path(), rel),
        DRAFT.replace(
            "author: 王芳\n",
            "author: 王芳\n# 退回修改（李强，2026-03-10 08:00）：第二段的数字请核实\n"
        )
    );
    let page = body(&browser.get(&format!("/_desk/edit?file={rel}")));
    assert!(
        page.contains(
            "<p class=\"error\">退回修改（李强，2026-03-10 08:00）：第二段的数字请核实</p>"
        ),
        "{page}"
    );
    // Without required review, a draft is published at once.
    assert_eq!(publish(&browser, rel).status, 303);
    assert!(!read(site.path(), rel).contains("draft"));
}

fn png() -> Vec<u8> {
    let mut bytes = Vec::new();
    image::RgbImage::from_pixel(4, 3, image::Rgb([200, 30, 30]))
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .unwrap();
    bytes
}

#[test]
fn an_inserted_picture_goes_beside_the_page_which_becomes_a_bundle() {
    let site = site_with_page();
    let serve = start_serve_at(Some(NOW), site.path(), &[]);
    let browser = Browser::open(&serve);
    let target = "/_desk/edit?file=content/news/b.md";
    let page = body(&browser.get(target));
    assert!(
        page.contains("<label for=\"alt\">图片说明</label>"),
        "{page}"
    );
    let fields: Vec<(String, String)> = form_fields(&page)
        .into_iter()
        .filter(|(k, _)| !["photo", "alt", "cursor"].contains(&k.as_str()))
        .collect();
    let mut pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    pairs.extend([("action", "image"), ("cursor", "")]);
    let photo = png();
    // Without 图片说明: refused, nothing written.
    let r = browser.post_multipart(target, &pairs, &[("photo", "路口 劝导.PNG", &photo)]);
    assert_eq!(r.status, 422);
    assert!(body(&r).contains("请填写图片说明"), "{}", body(&r));
    // Not a picture: refused.
    let mut with_alt = pairs.clone();
    with_alt.push(("alt", "志愿者在路口劝导"));
    let r = browser.post_multipart(target, &with_alt, &[("photo", "假图片.png", b"not a png")]);
    assert_eq!(r.status, 422);
    assert!(
        body(&r).contains("“假图片.png”不是可以用在网页上的图片"),
        "{}",
        body(&r)
    );
    assert_eq!(read(site.path(), "content/news/b.md"), PAGE);
    assert!(!site.path().join("content/news/b").exists());

    let r = browser.post_multipart(target, &with_alt, &[("photo", "路口 劝导.PNG", &photo)]);
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(
        r.header("location"),
        "/_desk/edit?file=content/news/b/index.md&saved=image"
    );
    assert!(!site.path().join("content/news/b.md").exists());
    assert_eq!(
        read(site.path(), "content/news/b/index.md"),
        PAGE.replace(
            "文明交通劝导活动。\n",
            "文明交通劝导活动。\n\n![志愿者在路口劝导](lu-kou-quan-dao.png)\n"
        )
    );
    assert_eq!(
        fs::read(site.path().join("content/news/b/lu-kou-quan-dao.png")).unwrap(),
        photo
    );
    // At the cursor (a textarea's count), into the existing bundle, under a free name.
    let target = "/_desk/edit?file=content/news/b/index.md";
    let fields: Vec<(String, String)> = form_fields(&body(&browser.get(target)))
        .into_iter()
        .filter(|(k, _)| !["photo", "alt", "cursor"].contains(&k.as_str()))
        .collect();
    let mut pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    pairs.extend([("action", "image"), ("cursor", "0"), ("alt", "第二张")]);
    let r = browser.post_multipart(target, &pairs, &[("photo", "路口劝导.png", &photo)]);
    assert_eq!(r.status, 303, "{}", r.text());
    assert!(
        read(site.path(), "content/news/b/index.md").ends_with("---\n![第二张](lu-kou-quan-dao-2.png)\n\n文明交通劝导活动。\n\n![志愿者在路口劝导](lu-kou-quan-dao.png)\n"),
        "{}",
        read(site.path(), "content/news/b/index.md")
    );
    // The versions followed the page into its folder.
    assert_eq!(
        tree(&site.path().join(".wenming/history")),
        [
            "content/news/b/index.md/20260310-080000-2.md",
            "content/news/b/index.md/20260310-080000.md"
        ]
    );
    assert_eq!(
        read(
            site.path(),
            ".wenming/history/content/news/b/index.md/20260310-080000.md"
        ),
        PAGE
    );
}

#[test]
fn a_word_document_is_imported_and_opened() {
    let site = fixture_copy("import/site");
    let serve = start_serve_at(Some(NOW), site.path(), &[]);
    let browser = Browser::open(&serve);
    let form = body(&browser.get("/_desk/new"));
    assert!(
        form.contains("<label for=\"docx\">导入Word文档</label>"),
        "{form}"
    );
    assert!(
        form.contains("<button type=\"submit\">导入</button>"),
        "{form}"
    );
    let csrf = hidden(&form, "csrf");
    let word = fs::read(common::fixture("import").join("word.docx")).unwrap();
    let r = browser.post_multipart(
        "/_desk/import",
        &[("csrf", &csrf), ("section", "news")],
        &[("docx", "稿件.docx", &word)],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let folder = "content/news/xue-lei-feng-zhi-yuan-fu-wu-huo-dong-zou-jin-wang-hu-she-qu";
    assert_eq!(
        r.header("location"),
        format!("/_desk/edit?file={folder}/index.md&saved=imported")
    );
    assert_eq!(
        common::files(&site.path().join(folder)),
        ["index.md", "tu-pian-1.png"]
    );
    let page = body(&browser.get(&r.header("location")));
    assert!(
        page.contains("已导入 Word 文档，新稿件是草稿，请核对后再送审。"),
        "{page}"
    );
    assert!(page.contains("1 张图片的说明文字是占位的“图片1”"), "{page}");
    assert_eq!(
        tree(&site.path().join(".wenming/desk-uploads")),
        Vec::<String>::new()
    );
    // The same document again: refused, nothing overwritten.
    let r = browser.post_multipart(
        "/_desk/import",
        &[("csrf", &csrf), ("section", "news")],
        &[("docx", "稿件.docx", &word)],
    );
    assert_eq!(r.status, 422);
    assert!(
        body(&r).contains("无法导入“稿件.docx”：同名页面已存在"),
        "{}",
        body(&r)
    );
    // Without the token: 403.
    let r = browser.post_multipart(
        "/_desk/import",
        &[("section", "news")],
        &[("docx", "稿件.docx", &word)],
    );
    assert_eq!(r.status, 403);
}

#[test]
fn a_quizs_questions_are_edited_as_written_on_paper() {
    let site = fixture_copy("quiz-directory");
    let serve = start_serve_at(Some("2026-05-10 10:00"), site.path(), &[]);
    let browser = Browser::open(&serve);
    let quiz = "content/wen-da/chuang-wen.md";
    let before = read(site.path(), quiz);
    let target = format!("/_desk/edit?file={quiz}");
    let page = body(&browser.get(&target));
    assert!(
        page.contains("<label for=\"field-questions\">题目</label>"),
        "{page}"
    );
    assert!(
        page.contains(">\n我市正在创建的是哪一类城市？\nA. 全国文明城市\nB. 全国卫生城市\nC. 国家园林城市\n答案：A\n解析：创建全国文明城市是我市的重点工作。\n\n以下哪些属于文明行为？\nA. 礼让斑马线\nB. 垃圾分类投放\nC. 高空抛物\nD. 排队候车\n答案：A、B、D\n\n文明行为促进条例从哪一天起施行？\nA. 2026年1月1日\nB. 2026年3月5日\n答案：B\n解析：条例自2026年3月5日起施行。</textarea>"),
        "{page}"
    );
    // Saved as shown: nothing changes on disk.
    let fields = form_fields(&page);
    let r = submit(&browser, &target, &fields, &[]);
    assert_eq!(
        r.header("location"),
        format!("/_desk/edit?file={quiz}&saved=same")
    );
    assert_eq!(read(site.path(), quiz), before);
    // An answer out of range is named with its question; nothing is written.
    let wrong = "题一\r\nA. 甲\r\nB. 乙\r\n答案：C\r\n";
    let r = submit(&browser, &target, &fields, &[("f.questions", wrong)]);
    assert_eq!(r.status, 422);
    assert!(
        body(&r).contains("第 1 题的答案“C”不在选项中：请写 A、B 中的字母"),
        "{}",
        body(&r)
    );
    assert_eq!(read(site.path(), quiz), before);
    // Two questions, one of them multiple choice, replace the three.
    let written = "1. 垃圾分为几类？\r\nA. 三类\r\nB. 四类\r\n答案：B\r\n解析：四类。\r\n\r\n文明出行包括：\r\nA、礼让斑马线\r\nB、闯红灯\r\nC、排队候车\r\n答案：A、C\r\n";
    let r = submit(&browser, &target, &fields, &[("f.questions", written)]);
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(
        read(site.path(), quiz),
        "---\ntitle: 创文知识问答\ndate: 2026-05-01 09:00\nquestions:\n\
         - {question: 垃圾分为几类？, options: [三类, 四类], answer: 2, explain: 四类。}\n\
         - {question: 文明出行包括：, options: [礼让斑马线, 闯红灯, 排队候车], answer: [1, 3]}\n---\n答题学创文。\n"
    );
}

#[test]
fn a_progress_reports_metrics_and_a_rankings_data_are_edited_as_tables() {
    let site = fixture_copy("kinds");
    let serve = start_serve_at(Some(NOW), site.path(), &[]);
    let browser = Browser::open(&serve);
    let progress = "content/progress/p1.md";
    let before = read(site.path(), progress);
    let target = format!("/_desk/edit?file={progress}");
    let page = body(&browser.get(&target));
    assert!(
        page.contains("<label for=\"field-metrics\">指标</label>"),
        "{page}"
    );
    assert!(
        page.contains(">\na,老旧小区改造,个,120,30,市住建局,2026-03-31\nb,公交站亭,座,50,50,市交通局,2026-12-31\nc,背街小巷,条,200,20,市住建局,2026-12-31</textarea>"),
        "{page}"
    );
    let fields = form_fields(&page);
    let r = submit(&browser, &target, &fields, &[]);
    assert_eq!(
        r.header("location"),
        format!("/_desk/edit?file={progress}&saved=same")
    );
    assert_eq!(read(site.path(), progress), before);
    let r = submit(
        &browser,
        &target,
        &fields,
        &[(
            "f.metrics",
            "a,老旧小区改造,个,120,45,市住建局,2026-03-31\r\n,公交站亭,座,50,50\r\n",
        )],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(
        read(site.path(), progress),
        "---\ntitle: 第1期\ndate: 2026-01-10\nissue_no: 2026年第1期\nmetrics:\n\
         - {id: a, name: 老旧小区改造, unit: 个, target: 120, done: 45, department: 市住建局, deadline: 2026-03-31}\n\
         - {id: gong-jiao-zhan-ting, name: 公交站亭, unit: 座, target: 50, done: 50}\n---\n"
    );

    let ranking = "/_desk/edit?file=content/rankings/w1.md";
    let page = body(&browser.get(ranking));
    assert!(
        page.contains("<label for=\"field-data-csv\">排名数据（CSV）</label>"),
        "{page}"
    );
    let fields = form_fields(&page);
    let csv = "unit,score,found,fixed\r\n甲街道,95,40,40\r\n乙街道,88,30,30\r\n";
    let r = submit(
        &browser,
        ranking,
        &fields,
        &[("data_csv", "unit,score,found,fixed\r\n甲街道,95,40\r\n")],
    );
    assert_eq!(r.status, 422);
    assert!(
        body(&r).contains("排名数据第 2 行有误：有 3 列，表头有 4 列（每行的列数要和表头相同）"),
        "{}",
        body(&r)
    );
    let r = submit(&browser, ranking, &fields, &[("data_csv", csv)]);
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(
        read(site.path(), "data/rankings/w1.csv"),
        "unit,score,found,fixed\n甲街道,95,40,40\n乙街道,88,30,30\n"
    );
    assert_eq!(
        read(
            site.path(),
            ".wenming/history/data/rankings/w1.csv/20260310-080000.csv"
        ),
        "unit,score,found,fixed\n甲街道,92.5,40,38\n乙街道,88,30,30\n丙街道,79.5,50,20\n丁街道,88,10,9\n"
    );
    // A stale data hash is a conflict.
    let r = submit(
        &browser,
        ranking,
        &fields,
        &[("data_csv", "unit,score\n甲,1\n")],
    );
    assert_eq!(r.status, 422);
    assert!(
        body(&r).contains("冲突：排名数据 data/rankings/w1.csv 在您打开之后已被修改"),
        "{}",
        body(&r)
    );
}

/// `git -C root ARGS…`, its standard output.
fn git(root: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "-c",
            "user.name=测试",
            "-c",
            "user.email=test@example.invalid",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("git: {e}"));
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn in_a_git_repository_every_change_is_also_a_commit() {
    let site = site_with_page();
    let rel = "content/news/la-ji-fen-lei.md";
    fs::write(site.path().join(rel), DRAFT).unwrap();
    git(site.path(), &["init", "-q"]);
    git(site.path(), &["add", "-A"]);
    git(site.path(), &["commit", "-qm", "站点"]);
    // Something else staged stays staged, out of the desk's commits.
    fs::write(
        site.path().join("content/news/a.md"),
        "---\ntitle: 别人的改动\n---\n",
    )
    .unwrap();
    git(site.path(), &["add", "content/news/a.md"]);
    let serve = start_serve_at(Some(NOW), site.path(), &[]);
    let browser = Browser::open(&serve);
    let target = "/_desk/edit?file=content/news/b.md";
    let fields = form_fields(&body(&browser.get(target)));
    let r = submit(
        &browser,
        target,
        &fields,
        &[("f.editor", "赵敏"), ("body", "改过的正文。\r\n")],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(review(&browser, rel, "初审", "王芳", "同意").status, 303);
    assert_eq!(publish(&browser, rel).status, 303);
    let log = git(site.path(), &["log", "--format=%an|%cn|%s", "-4"]);
    assert_eq!(
        log,
        format!(
            "wenming 编辑台|wenming 编辑台|编辑台：发布 {rel}\n王芳|wenming 编辑台|编辑台：初审通过 {rel}\n\
             赵敏|wenming 编辑台|编辑台：保存 content/news/b.md\n测试|测试|站点\n"
        )
    );
    assert_eq!(
        git(site.path(), &["diff", "--cached", "--name-only"]),
        "content/news/a.md\n"
    );
    assert_eq!(
        git(
            site.path(),
            &["status", "--porcelain", "--", "content/news/b.md", rel]
        ),
        ""
    );
    let page = body(&browser.get(target));
    assert!(!page.contains("未能提交到 git"), "{page}");

    // 历史版本 lists the page's commits; the first one is viewed and restored.
    let hashes = git(
        site.path(),
        &["log", "--format=%H", "--", "content/news/b.md"],
    );
    let hashes: Vec<&str> = hashes.lines().collect();
    assert_eq!(hashes.len(), 2);
    let history = body(&browser.get("/_desk/history?file=content/news/b.md"));
    assert!(history.contains("<h2>git 提交记录</h2>"), "{history}");
    assert!(
        history.contains(&format!(
            "<td>赵敏</td><td>编辑台：保存 content/news/b.md</td><td><a href=\"/_desk/version?file=content/news/b.md&amp;v=git-{}\"",
            hashes[0]
        )),
        "{history}"
    );
    assert!(history.contains("<td>测试</td><td>站点</td>"), "{history}");
    let first = format!("git-{}", hashes[1]);
    let version = browser.get(&format!("/_desk/version?file=content/news/b.md&v={first}"));
    assert_eq!(version.status, 200);
    let version = body(&version);
    assert!(
        version.contains(&format!("<h1>历史版本：git 提交 {}</h1>", &hashes[1][..7])),
        "{version}"
    );
    assert!(version.contains("文明交通劝导活动。"), "{version}");
    for bad in [
        "git-HEAD",
        "git---help",
        "git-../../site.yaml",
        &format!("git-{}", "0".repeat(40)),
    ] {
        let r = browser.get(&format!("/_desk/version?file=content/news/b.md&v={bad}"));
        assert_eq!(r.status, 404, "{bad}");
    }
    let r = browser.post(
        "/_desk/restore",
        &[
            ("csrf", &browser.csrf()),
            ("file", "content/news/b.md"),
            ("v", &first),
            ("hash", &hidden(&version, "hash")),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(read(site.path(), "content/news/b.md"), PAGE);
    assert_eq!(
        git(site.path(), &["log", "--format=%s", "-1"]),
        format!(
            "编辑台：恢复 content/news/b.md 到 git 提交 {} 的版本\n",
            &hashes[1][..7]
        )
    );
}

#[test]
fn saving_any_page_unchanged_changes_nothing() {
    for fixture in [
        "basic",
        "kinds",
        "import/site",
        "quiz-directory",
        "check/planted",
        "check/review",
        "search",
    ] {
        let site = fixture_copy(fixture);
        let serve = start_serve_at(Some(NOW), site.path(), &[]);
        let browser = Browser::open(&serve);
        let pages: Vec<String> = common::files(&site.path().join("content"))
            .into_iter()
            .filter(|f| f.ends_with(".md") && !f.ends_with("_index.md"))
            .map(|f| format!("content/{f}"))
            .collect();
        assert!(!pages.is_empty(), "{fixture}");
        for rel in pages {
            let before = fs::read(site.path().join(&rel)).unwrap();
            const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
                .remove(b'/')
                .remove(b'.')
                .remove(b'-')
                .remove(b'_');
            let q = percent_encoding::utf8_percent_encode(&rel, KEEP).to_string();
            let target = format!("/_desk/edit?file={q}");
            let page = browser.get(&target);
            assert_eq!(page.status, 200, "{fixture} {rel}");
            let r = submit(&browser, &target, &form_fields(&body(&page)), &[]);
            assert_eq!(r.status, 303, "{fixture} {rel}: {}", body(&r));
            assert_eq!(
                r.header("location"),
                format!("/_desk/edit?file={q}&saved=same"),
                "{fixture} {rel}"
            );
            assert_eq!(
                fs::read(site.path().join(&rel)).unwrap(),
                before,
                "{fixture} {rel}"
            );
        }
        assert_eq!(
            tree(&site.path().join(".wenming/history")),
            Vec::<String>::new(),
            "{fixture}"
        );
    }
}

#[test]
fn configured_reviewers_are_the_only_names_offered_and_accepted() {
    let site = site_with_page();
    let config = read(site.path(), "site.yaml") + "desk:\n  reviewers: [王芳, 张伟]\n";
    fs::write(site.path().join("site.yaml"), config).unwrap();
    let rel = "content/news/la-ji-fen-lei.md";
    fs::write(site.path().join(rel), DRAFT).unwrap();
    let serve = start_serve_at(Some(NOW), site.path(), &[]);
    let browser = Browser::open(&serve);
    let page = body(&browser.get(&format!("/_desk/edit?file={rel}")));
    assert!(
        page.contains("<select id=\"reviewer\" name=\"reviewer\"><option>王芳</option><option>张伟</option></select>"),
        "{page}"
    );
    let r = review(&browser, rel, "初审", "李强", "");
    assert_eq!(r.status, 422);
    assert!(body(&r).contains("审核人只能是 王芳、张伟"), "{}", body(&r));
    assert_eq!(read(site.path(), rel), DRAFT);
    assert_eq!(review(&browser, rel, "初审", "张伟", "").status, 303);
    assert!(read(site.path(), rel).contains("  初审: {by: 张伟, date: 2026-03-10 08:00}\n"));
}

/// What a hostile editor or page tried (issue #16's review), with the exact answers: markup
/// in titles, front matter, section titles and file names is shown as text on every desk
/// page, which need no inline script, handler or style under their CSP; paths leading out
/// of `content/` (`..`, absolute, backslashes, percent-encoding, NUL, symbolic links) and
/// history versions outside the page's history are 404; GET never changes anything; another
/// `Host` (DNS rebinding) gets 421; an upload's name cannot lead out of the page's folder.
#[test]
fn hostile_names_paths_and_requests_are_refused_and_nothing_is_written() {
    let site = site_with_page();
    let root = site.path();
    let evil_title = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>";
    fs::write(
        root.join("content/news/<svg onload=alert(3)>.md"),
        format!(
            "---\ntitle: '{evil_title}'\nauthor: '\"><b onmouseover=alert(4)>'\nsummary: \"</textarea><i>x</i>\"\n---\n</textarea><u>正文</u>\n"
        ),
    )
    .unwrap();
    fs::write(
        root.join("content/news/_index.md"),
        "---\ntitle: \"<em onclick=alert(5)>创文动态</em>\"\nweight: 1\n---\n",
    )
    .unwrap();
    let outside = tempfile::tempdir().unwrap();
    fs::write(
        outside.path().join("secret.md"),
        "---\ntitle: 机密\n---\n机密\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        root.join("content/news/link-out.md"),
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path(), root.join("content/out")).unwrap();
    let serve = start_serve_at(Some(NOW), root, &[]);
    let browser = Browser::open(&serve);
    let csp = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
    let evil = "content/news/%3Csvg%20onload%3Dalert%283%29%3E.md";
    // Make a version, so that the history and version pages show the hostile page too.
    let page = body(&browser.get(&format!("/_desk/edit?file={evil}")));
    let fields = form_fields(&page);
    let mut pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    pairs.retain(|(k, _)| *k != "body");
    pairs.push(("body", "</textarea><u>正文</u>\n改过"));
    let r = browser.post(&format!("/_desk/edit?file={evil}"), &pairs);
    assert_eq!(r.status, 303, "{}", r.text());
    let versions = tree(&root.join(".wenming/history/content/news/<svg onload=alert(3)>.md"));
    assert_eq!(versions, ["20260310-080000.md"]);
    for target in [
        "/_desk/".to_string(),
        "/_desk/?q=%3Cscript%3E&section=%22%3E%3Cb%3E".to_string(),
        format!("/_desk/edit?file={evil}"),
        format!("/_desk/history?file={evil}"),
        format!("/_desk/version?file={evil}&v=20260310-080000.md"),
        "/_desk/new?section=news".to_string(),
        "/_desk/edit?file=content/news/%3Cb%3Enot-here.md".to_string(),
    ] {
        let r = browser.get(&target);
        assert!(r.status == 200 || r.status == 404, "{target}: {}", r.text());
        assert_eq!(r.header("content-security-policy"), csp, "{target}");
        let page = body(&r);
        for markup in [
            "<script>", "<img", "<svg", "<b ", "<b>", "<em ", "<i>", "<u>",
        ] {
            assert!(!page.contains(markup), "{target}: {markup} in {page}");
        }
        // Only the desk's own script file, and no inline handlers or styles.
        assert_eq!(
            page.matches("<script").count(),
            page.matches("<script src=\"/_desk/desk.js\"").count(),
            "{target}"
        );
        assert!(
            !page.contains(" style=\"") && !page.contains("javascript:"),
            "{target}"
        );
    }
    let list = body(&browser.get("/_desk/"));
    assert!(
        list.contains(
            "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;</a>"
        ),
        "{list}"
    );
    assert!(
        list.contains("<h2>&lt;em onclick=alert(5)&gt;创文动态&lt;/em&gt;</h2>"),
        "{list}"
    );
    assert!(
        list.contains("/_desk/edit?file=content/news/%3Csvg%20onload%3Dalert%283%29%3E.md"),
        "{list}"
    );
    // The secret behind the symbolic link is never shown.
    assert!(!list.contains("机密"), "{list}");

    let before = tree(root);
    for file in [
        "content/news/link-out.md",
        "content/out/secret.md",
        "content/../site.yaml",
        "content/news/../../site.yaml",
        "content%2Fnews%2F..%2F..%2Fsite.yaml",
        "content/news/%2E%2E/%2E%2E/site.yaml",
        "/etc/passwd",
        "%2Fetc%2Fpasswd",
        "content%5Cnews%5Cb.md",
        "content\\news\\b.md",
        "content/news/b.md%00.png",
        "content/news/b.md%0A",
        ".wenming/history/content/news/b.md/20260310-080000.md",
        "C:%5Cwindows%5Cwin.ini",
    ] {
        for route in ["edit", "history", "view"] {
            let r = browser.get(&format!("/_desk/{route}?file={file}"));
            assert_eq!(r.status, 404, "{route} {file}: {}", r.text());
            assert!(!body(&r).contains("机密"), "{route} {file}");
        }
    }
    for v in [
        "../../../../site.yaml",
        "..%2F..%2F..%2F..%2Fsite.yaml",
        "%2Fetc%2Fpasswd",
        "20260310-080000.md%2F..%2F..%2F..%2F..%2F..%2Fsite.yaml",
        "..",
        "20260310-080000.md%00",
    ] {
        let r = browser.get(&format!("/_desk/version?file=content/news/b.md&v={v}"));
        assert_eq!(r.status, 404, "{v}: {}", r.text());
    }
    // GET never changes anything: the routes that do are POST only.
    for target in [
        "/_desk/review?file=content/news/b.md&level=初审&reviewer=x",
        "/_desk/publish?file=content/news/b.md",
        "/_desk/restore?file=content/news/b.md&v=20260310-080000.md",
        "/_desk/import",
        "/_desk/login?password=x",
        "/_desk/preview?body=x",
    ] {
        assert_eq!(browser.get(target).status, 405, "{target}");
    }
    // DNS rebinding: a page of another site reaching the desk by its own name.
    let rebound = format!(
        "GET /_desk/ HTTP/1.1\r\nHost: attacker.example:{}\r\nCookie: {}\r\nConnection: close\r\n\r\n",
        serve.port, browser.cookie
    );
    assert_eq!(
        raw_request(serve.port, rebound.as_bytes(), TIMEOUT).status,
        421
    );
    // A session's token does not work with another session's cookie.
    let other = Browser::open(&serve);
    let r = other.post(
        "/_desk/new",
        &[
            ("csrf", &browser.csrf()),
            ("kind", ""),
            ("section", "news"),
            ("f.title", "别人的令牌"),
            ("body", "x"),
        ],
    );
    assert_eq!(r.status, 403);
    // Same-site but cross-origin (another port of this computer), and no Origin at all but
    // a cross-site Sec-Fetch-Site.
    for (origin, fetch_site) in [
        (Some("http://127.0.0.1:1"), None),
        (None, Some("same-site")),
        (None, Some("cross-site")),
    ] {
        let form = encode(&[
            ("csrf", &other.csrf()),
            ("kind", ""),
            ("section", "news"),
            ("f.title", "跨站"),
            ("body", "x"),
        ]);
        let mut head = format!(
            "POST /_desk/new HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nCookie: {}\r\n",
            serve.port, other.cookie
        );
        if let Some(o) = origin {
            head.push_str(&format!("Origin: {o}\r\n"));
        }
        if let Some(s) = fetch_site {
            head.push_str(&format!("Sec-Fetch-Site: {s}\r\n"));
        }
        head.push_str(&format!("Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{form}", form.len()));
        assert_eq!(
            raw_request(serve.port, head.as_bytes(), TIMEOUT).status,
            403,
            "{origin:?} {fetch_site:?}"
        );
    }
    assert_eq!(tree(root), before);
    assert_eq!(
        fs::read_to_string(outside.path().join("secret.md")).unwrap(),
        "---\ntitle: 机密\n---\n机密\n"
    );

    // An upload named to lead out of the page's folder lands inside it, under a plain name.
    let target = "/_desk/edit?file=content/news/b.md";
    let fields: Vec<(String, String)> = form_fields(&body(&browser.get(target)))
        .into_iter()
        .filter(|(k, _)| !["photo", "alt", "cursor"].contains(&k.as_str()))
        .collect();
    let mut pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    pairs.extend([("action", "image"), ("cursor", ""), ("alt", "图")]);
    let r = browser.post_multipart(
        target,
        &pairs,
        &[("photo", "../../../.wenming/x.png", &png())],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(tree(&root.join("content/news/b")), ["index.md", "x.png"]);
    assert!(!root.join(".wenming/x.png").exists());
}

/// The list and the edit page's findings are kept between requests (a large site takes
/// seconds to check): a file changed outside the desk, even within one clock tick and to the
/// same size, is seen at the next request.
#[test]
fn the_kept_list_follows_files_changed_outside_the_desk() {
    let site = site_with_page();
    let root = site.path();
    let serve = start_serve_at(Some(NOW), root, &[]);
    let browser = Browser::open(&serve);
    let list = body(&browser.get("/_desk/"));
    assert!(list.contains(">文明交通劝导</a>"), "{list}");
    // Same size, another title; then a new page; then a finding.
    fs::write(
        root.join("content/news/b.md"),
        PAGE.replace("文明交通劝导", "文明餐桌倡议"),
    )
    .unwrap();
    let list = body(&browser.get("/_desk/"));
    assert!(
        list.contains(">文明餐桌倡议</a>") && !list.contains(">文明交通劝导</a>"),
        "{list}"
    );
    fs::write(
        root.join("content/news/c.md"),
        "---\ntitle: 新来的稿件\ndate: 2026-03-02\n---\n正文\n",
    )
    .unwrap();
    let list = body(&browser.get("/_desk/"));
    assert!(
        list.contains("<a href=\"/_desk/edit?file=content/news/c.md\">新来的稿件</a>"),
        "{list}"
    );
    assert!(
        list.contains("<td data-label=\"检查\">无问题</td><td><a href=\"/news/c/\""),
        "{list}"
    );
    fs::write(
        root.join("content/news/c.md"),
        "---\ntitle: 新来的稿件\ndate: 2026-03-02\n---\n见[链接](@/news/nowhere.md)\n",
    )
    .unwrap();
    let list = body(&browser.get("/_desk/"));
    assert!(
        list.contains("<td data-label=\"检查\">1 个问题</td><td><a href=\"/news/c/\""),
        "{list}"
    );
    let page = body(&browser.get("/_desk/edit?file=content/news/c.md"));
    assert!(page.contains("nowhere.md"), "{page}");
}
