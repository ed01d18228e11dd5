//! `wenming serve` as a user meets it: the binary started on a free port over a copy of the
//! demo site, pages fetched over HTTP, sources edited, added and deleted while it runs, and
//! the live-reload event stream read like a browser does.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use common::edits::{Rng, demo_copy, random_edit, read, repair, set_field, write};
use serde_json::Value;
use wenming::check::LEGACY_MANIFEST_FILE;

/// A running `wenming serve` and a browser-like listener on its event stream.
struct Serve {
    /// The server process; it stops when the test ends.
    _process: common::ServeProcess,
    url: String,
    events: Receiver<Value>,
    agent: ureq::Agent,
}

struct Response {
    status: u16,
    content_type: String,
    location: String,
    body: Vec<u8>,
}

impl Response {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl Serve {
    fn start(root: &Path, extra: &[&str]) -> Serve {
        Serve::start_at(Some(common::DEMO_NOW), root, extra)
    }

    /// [`Serve::start`] as of `now`, or on the real clock with `None`.
    fn start_at(now: Option<&str>, root: &Path, extra: &[&str]) -> Serve {
        let process = common::start_serve_at(now, root, extra);
        let url = process.url.clone();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(10)))
            .build()
            .into();
        let (tx, events) = mpsc::channel();
        let events_url = format!("{url}__wenming/events");
        std::thread::spawn(move || {
            let Ok(response) = ureq::get(&events_url).call() else {
                return;
            };
            let reader = BufReader::new(response.into_body().into_reader());
            for line in reader.lines().map_while(Result::ok) {
                if let Some(data) = line.strip_prefix("data: ") {
                    let value = serde_json::from_str(data).unwrap_or(Value::Null);
                    if tx.send(value).is_err() {
                        break;
                    }
                }
            }
        });
        let serve = Serve {
            _process: process,
            url,
            events,
            agent,
        };
        let hello = serve.next_event();
        assert_eq!(hello["hello"], true, "{hello}");
        serve
    }

    /// The first message a newly connected browser gets.
    fn hello(&self) -> Value {
        let r = ureq::get(&format!("{}__wenming/events", self.url))
            .call()
            .unwrap_or_else(|e| panic!("{e}"));
        let reader = BufReader::new(r.into_body().into_reader());
        reader
            .lines()
            .map_while(Result::ok)
            .find_map(|l| l.strip_prefix("data: ").map(str::to_string))
            .and_then(|d| serde_json::from_str(&d).ok())
            .unwrap_or(Value::Null)
    }

    fn next_event(&self) -> Value {
        self.events
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|e| panic!("no message from the event stream: {e}"))
    }

    /// Waits for the rebuild after an edit, then for quiet (an edit may come as two batches).
    /// The answer is the last message with `changed` holding the files of every message
    /// received: when an edit reaches serve as two rebuilds, the second one may find nothing
    /// left to change.
    fn rebuilt(&self) -> Value {
        let mut merged = self.next_event();
        while let Ok(v) = self.events.recv_timeout(Duration::from_millis(400)) {
            merged = merge_events(&merged, v);
        }
        merged
    }

    /// [`Serve::rebuilt`], then further rebuilds (at most three) until `done`: making a new
    /// folder and writing a file into it can reach serve as two rebuilds on a loaded machine.
    fn rebuilt_until(&self, done: impl Fn(&Value) -> bool) -> Value {
        let mut event = self.rebuilt();
        for _ in 0..3 {
            if done(&event) {
                break;
            }
            event = merge_events(&event, self.next_event());
        }
        event
    }

    fn get(&self, path: &str) -> Response {
        let url = format!("{}{}", self.url, path.trim_start_matches('/'));
        let mut r = self
            .agent
            .get(&url)
            .call()
            .unwrap_or_else(|e| panic!("GET {url}: {e}"));
        let header = |name: &str| {
            r.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        let (content_type, location) = (header("content-type"), header("location"));
        let mut body = Vec::new();
        let _ = r.body_mut().as_reader().read_to_end(&mut body);
        Response {
            status: r.status().as_u16(),
            content_type,
            location,
            body,
        }
    }
}

/// `later` with its `changed` list extended by the files `earlier` changed.
fn merge_events(earlier: &Value, mut later: Value) -> Value {
    let mut files = changed(earlier);
    for file in changed(&later) {
        if !files.contains(&file) {
            files.push(file);
        }
    }
    if later.get("changed").is_some() || !files.is_empty() {
        later["changed"] = Value::from(files);
    }
    later
}

fn changed(event: &Value) -> Vec<String> {
    event["changed"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The page as `build` writes it: the live-reload script tag taken out.
fn without_script(html: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let Some(start) = text.find("<script src=\"/__wenming/livereload.js\"") else {
        return html.to_vec();
    };
    let end = text[start..]
        .find("</script>")
        .map(|e| start + e + "</script>".len())
        .unwrap_or(start);
    format!("{}{}", &text[..start], &text[end..]).into_bytes()
}

const PAGE: &str = "content/news/chuang-wen-tui-jin-hui.md";
const PAGE_URL: &str = "news/chuang-wen-tui-jin-hui/";
const PAGE_FILE: &str = "news/chuang-wen-tui-jin-hui/index.html";

#[test]
fn serves_the_site_with_types_404_folders_and_the_reload_script() {
    let site = demo_copy();
    let serve = Serve::start(site.path(), &[]);
    assert!(serve.url.starts_with("http://127.0.0.1:"), "{}", serve.url);

    let home = serve.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(home.content_type, "text/html; charset=utf-8");
    assert!(
        home.text()
            .contains("<script src=\"/__wenming/livereload.js\" data-file=\"index.html\"")
    );
    assert!(
        home.text()
            .trim_end()
            .ends_with("</script></body>\n</html>"),
        "the script goes before </body>"
    );

    for (path, content_type) in [
        ("style.css", "text/css; charset=utf-8"),
        ("favicon.svg", "image/svg+xml; charset=utf-8"),
        ("atom.xml", "application/xml; charset=utf-8"),
        ("sitemap.xml", "application/xml; charset=utf-8"),
        ("robots.txt", "text/plain; charset=utf-8"),
        ("__wenming/livereload.js", "text/javascript; charset=utf-8"),
    ] {
        let r = serve.get(path);
        assert_eq!(
            (r.status, r.content_type.as_str()),
            (200, content_type),
            "{path}"
        );
        assert!(
            !r.text().contains("__wenming/livereload.js\" data-file"),
            "{path} gets no script"
        );
    }

    let folder = serve.get("/news/");
    assert_eq!(folder.status, 200);
    assert!(
        folder.text().contains("<h1>创文动态</h1>"),
        "folders serve index.html"
    );
    let bare = serve.get("/news");
    assert_eq!((bare.status, bare.location.as_str()), (308, "/news/"));

    let missing = serve.get("/no-such-page/");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.content_type, "text/html; charset=utf-8");
    assert!(
        missing.text().contains("抱歉，您访问的页面不存在"),
        "the site's own 404 page"
    );

    // What is served is what `build` writes, but for the script.
    let out = common::temp();
    let run = common::build_root_at(common::DEMO_NOW, site.path(), out.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    for file in ["index.html", PAGE_FILE, "news/index.html", "404.html"] {
        let built = std::fs::read(out.path().join(file)).unwrap_or_else(|e| panic!("{e}"));
        let served = serve.get(&file.replace("index.html", ""));
        assert_eq!(without_script(&served.body), built, "{file}");
        assert!(
            !String::from_utf8_lossy(&built).contains("livereload"),
            "build output has no script"
        );
    }
}

#[test]
fn edits_additions_deletions_and_templates_show_at_once() {
    let site = demo_copy();
    let root = site.path();
    let serve = Serve::start(root, &[]);

    // Editors' swap, backup and hidden files are not sources: no rebuild.
    write(
        &root.join("content/news/.chuang-wen-tui-jin-hui.md.swp"),
        "swap",
    );
    write(
        &root.join("content/news/chuang-wen-tui-jin-hui.md~"),
        "backup",
    );
    write(&root.join("content/news/4913"), "");
    std::fs::remove_file(root.join("content/news/4913")).unwrap_or_else(|e| panic!("{e}"));
    let quiet = serve.events.recv_timeout(Duration::from_millis(600));
    assert!(quiet.is_err(), "a swap file caused a rebuild: {quiet:?}");

    // Editing a page: the message names it, the page shows the new text.
    let page = root.join(PAGE);
    write(&page, &(read(&page) + "\n编辑后新增的一句话。\n"));
    let event = serve.rebuilt();
    assert!(changed(&event).contains(&PAGE_FILE.to_string()), "{event}");
    assert!(serve.get(PAGE_URL).text().contains("编辑后新增的一句话。"));

    // Adding a page: it is served, and its section lists it.
    let added = root.join("content/news/xin-wen-zhang.md");
    write(
        &added,
        "---\ntitle: 刚刚新增的文章\ndate: 2026-10-30 08:00\ntags: [新增标签]\n---\n新文章的正文。\n",
    );
    let event = serve.rebuilt();
    assert!(
        changed(&event).contains(&"news/xin-wen-zhang/index.html".to_string()),
        "{event}"
    );
    assert!(
        serve
            .get("news/xin-wen-zhang/")
            .text()
            .contains("新文章的正文。")
    );
    assert!(
        serve.get("news/").text().contains("刚刚新增的文章"),
        "the listing shows it"
    );
    assert!(
        serve.get("/").text().contains("刚刚新增的文章"),
        "the home page shows it"
    );
    assert_eq!(
        serve.get("tags/xin-zeng-biao-qian/").status,
        200,
        "its new tag has a page"
    );

    // Deleting it: gone, and gone from the listing and its tag.
    std::fs::remove_file(&added).unwrap_or_else(|e| panic!("{e}"));
    serve.rebuilt();
    assert_eq!(serve.get("news/xin-wen-zhang/").status, 404);
    assert!(!serve.get("news/").text().contains("刚刚新增的文章"));
    assert_eq!(serve.get("tags/xin-zeng-biao-qian/").status, 404);

    // A new section with a page.
    write(
        &root.join("content/huo-dong/_index.md"),
        "---\ntitle: 活动预告\n---\n",
    );
    write(
        &root.join("content/huo-dong/a.md"),
        "---\ntitle: 周末活动\ndate: 2026-10-01\n---\n内容。\n",
    );
    serve.rebuilt_until(|_| serve.get("huo-dong/").text().contains("周末活动"));
    assert!(serve.get("huo-dong/").text().contains("周末活动"));
    assert!(
        serve.get("/").text().contains("活动预告"),
        "the navigation shows the new section"
    );

    // A template override: every page using it changes.
    let template = root.join("templates/partials/description.html");
    write(
        &template,
        "<meta name=\"description\" content=\"模板已被覆盖\">\n",
    );
    serve.rebuilt_until(|_| serve.get(PAGE_URL).text().contains("模板已被覆盖"));
    assert!(serve.get(PAGE_URL).text().contains("模板已被覆盖"));
    assert!(serve.get("news/").text().contains("模板已被覆盖"));
    std::fs::remove_file(&template).unwrap_or_else(|e| panic!("{e}"));
    serve.rebuilt();
    assert!(!serve.get(PAGE_URL).text().contains("模板已被覆盖"));

    // A shortcode template: the pages using it change, the others do not.
    let shortcode = root.join("templates/shortcodes/tip.html");
    write(
        &shortcode,
        "<div class=\"tip\" role=\"note\"><p class=\"tip-title\">站点自己的提示框</p>{{ body | safe }}</div>\n",
    );
    let notice = "notices/xue-lei-feng-tong-zhi/";
    let event = serve.rebuilt_until(|e| changed(e).contains(&format!("{notice}index.html")));
    assert!(
        changed(&event).contains(&format!("{notice}index.html")),
        "{event}"
    );
    assert!(!changed(&event).contains(&PAGE_FILE.to_string()), "{event}");
    assert!(serve.get(notice).text().contains("站点自己的提示框"));
    std::fs::remove_file(&shortcode).unwrap_or_else(|e| panic!("{e}"));
    serve.rebuilt();
    assert!(!serve.get(notice).text().contains("站点自己的提示框"));
    assert!(serve.get(notice).text().contains("报送提示"));

    // A static file: copied as it changes.
    let image = root.join("static/images/new.svg");
    write(&image, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n");
    let event = serve.rebuilt();
    assert!(
        changed(&event).contains(&"images/new.svg".to_string()),
        "{event}"
    );
    assert_eq!(
        serve.get("images/new.svg").text(),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n"
    );

    // A folder moved in whole (dragged from elsewhere, unpacked): its files send no events of
    // their own, yet its pages and pictures appear.
    let outside = common::temp();
    write(
        &outside.path().join("zhuan-ti/_index.md"),
        "---\ntitle: 专题报道\n---\n",
    );
    write(
        &outside.path().join("zhuan-ti/a.md"),
        "---\ntitle: 搬进来的文章\ndate: 2026-10-02\n---\n内容。\n",
    );
    write(
        &outside.path().join("tu/b.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    );
    std::fs::rename(
        outside.path().join("zhuan-ti"),
        root.join("content/zhuan-ti"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    std::fs::rename(outside.path().join("tu"), root.join("static/tu"))
        .unwrap_or_else(|e| panic!("{e}"));
    serve.rebuilt_until(|_| serve.get("tu/b.svg").status == 200);
    assert!(serve.get("zhuan-ti/a/").text().contains("搬进来的文章"));
    assert_eq!(
        serve.get("tu/b.svg").text(),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n"
    );
}

#[test]
fn errors_are_shown_and_the_last_good_site_is_kept_until_fixed() {
    let site = demo_copy();
    let root = site.path();
    let serve = Serve::start(root, &[]);
    let page = root.join(PAGE);
    let good = read(&page);
    let before = serve.get(PAGE_URL).text();

    // Bad YAML: the error names the file and line; the page is still served as it was.
    write(&page, &good.replacen("title: ", "title: [没有闭合\n", 1));
    let event = serve.rebuilt();
    let errors = event["errors"].as_array().cloned().unwrap_or_default();
    assert!(!errors.is_empty(), "{event}");
    let location = errors[0]["location"].as_str().unwrap_or_default();
    assert!(
        location.starts_with(PAGE) && errors[0]["line"].is_number(),
        "{event}"
    );
    assert_eq!(
        serve.get(PAGE_URL).text(),
        before,
        "the last good page is kept"
    );

    // A browser that opens a page now is told the errors at once.
    let hello = serve.hello();
    assert_eq!(hello["errors"], event["errors"], "{hello}");

    // Fixing it clears the errors and shows the change.
    write(&page, &(good.clone() + "\n修好之后的新内容。\n"));
    let event = serve.rebuilt();
    assert!(event["errors"].is_null(), "{event}");
    assert!(serve.get(PAGE_URL).text().contains("修好之后的新内容。"));

    // A broken template: named with its line.
    let template = root.join("templates/page.html");
    write(
        &template,
        "{% extends \"base.html\" %}\n{% block content %}\n{{ page.title | no_such_filter }}\n{% endblock content %}\n",
    );
    let event = serve.rebuilt();
    let text = event["errors"].to_string();
    assert!(
        text.contains("templates/page.html") && text.contains("no_such_filter"),
        "{event}"
    );
    assert!(
        serve.get(PAGE_URL).text().contains("修好之后的新内容。"),
        "still the last good page"
    );
    std::fs::remove_file(&template).unwrap_or_else(|e| panic!("{e}"));
    let event = serve.rebuilt();
    assert!(event["errors"].is_null(), "{event}");

    // A broken internal link: named with its file and line.
    write(
        &page,
        &(good + "\n见[不存在的页面](@/news/no-such-page.md)。\n"),
    );
    let event = serve.rebuilt();
    let first = &event["errors"][0];
    assert!(
        first["file"] == PAGE
            && first["line"].is_number()
            && first["message"].to_string().contains("no-such-page"),
        "{event}"
    );

    // An invalid date in another file while the link is still broken: both are shown.
    let other = root.join("content/notices/xue-lei-feng-tong-zhi.md");
    let other_text = read(&other);
    write(
        &other,
        &other_text.replacen("date: 2026-02-20", "date: 2026-02-30", 1),
    );
    let event = serve.rebuilt();
    let files: Vec<&str> = event["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["file"].as_str())
        .collect();
    assert_eq!(
        files,
        [PAGE, "content/notices/xue-lei-feng-tong-zhi.md"],
        "{event}"
    );
}

#[test]
fn what_would_stop_a_build_stops_the_preview() {
    let site = demo_copy();
    let root = site.path().canonicalize().unwrap_or_else(|e| panic!("{e}"));
    // A build first: it records the publish dates in the site's manifest.
    let run = common::build_root_at(common::DEMO_NOW, &root, &root.join("public"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let serve = Serve::start(&root, &[]);
    assert_eq!(
        serve.get(LEGACY_MANIFEST_FILE).status,
        404,
        "serve publishes nothing"
    );
    let page = root.join(PAGE);
    let good = read(&page);

    // An unmasked mobile number: shown as an error with its rule code, the last good page
    // stays.
    write(&page, &(good.clone() + "\n联系电话13812345678。\n"));
    let event = serve.rebuilt();
    let first = &event["errors"][0];
    assert!(
        first["file"] == PAGE && first["message"].to_string().contains("[pii-mobile]"),
        "{event}"
    );
    assert!(!serve.get(PAGE_URL).text().contains("13812345678"));
    write(&page, &good);
    assert!(serve.rebuilt()["errors"].is_null());

    // A publish date changed since that build.
    write(&page, &set_field(&good, "date", "2025-06-13 09:00"));
    let event = serve.rebuilt();
    assert!(
        event["errors"].to_string().contains("[date-changed]"),
        "{event}"
    );
    write(&page, &good);
    assert!(serve.rebuilt()["errors"].is_null());
}

#[test]
fn the_served_site_equals_a_fresh_build_after_random_edits() {
    let site = demo_copy();
    let root = site.path().canonicalize().unwrap_or_else(|e| panic!("{e}"));
    let serve = Serve::start(&root, &[]);
    let mut rng = Rng(0x5eed_2026);
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut last_good: Option<PathBuf> = None;
    let outputs = common::temp();
    for n in 0..24 {
        let (what, mut touched) = random_edit(&mut rng, &root, n);
        if n % 4 == 3 {
            touched.extend(repair(&root));
        }
        if touched.is_empty() {
            continue;
        }
        let event = serve.rebuilt();
        let out = outputs.path().join(format!("build-{n}"));
        let run = common::build_root_at(common::DEMO_NOW, &root, &out);
        let expected = if run.code == 0 {
            assert!(event["errors"].is_null(), "step {n} ({what}): {event}");
            last_good = Some(out.clone());
            out
        } else {
            assert!(
                !event["errors"].is_null(),
                "step {n} ({what}): build failed but serve did not: {}",
                run.stderr
            );
            match &last_good {
                Some(p) => p.clone(),
                None => continue,
            }
        };
        // Compressed twins are for the production server; serve sends files as they are.
        let files: Vec<String> = common::files(&expected)
            .into_iter()
            .filter(|f| !common::is_twin(f))
            .collect();
        for file in &files {
            let built = std::fs::read(expected.join(file)).unwrap_or_else(|e| panic!("{e}"));
            let url: String = file
                .split('/')
                .map(|s| {
                    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC)
                        .to_string()
                })
                .collect::<Vec<_>>()
                .join("/");
            let served = serve.get(&url);
            assert_eq!(
                served.status, 200,
                "step {n} ({what}): {file} is not served"
            );
            let body = if file.ends_with(".html") {
                without_script(&served.body)
            } else {
                served.body
            };
            assert!(
                body == built,
                "step {n} ({what}): {file} differs from a fresh build"
            );
        }
        let now: BTreeSet<String> = files.into_iter().collect();
        for gone in seen.difference(&now) {
            if gone.ends_with("index.html") {
                let r = serve.get(&gone.replace("index.html", ""));
                assert_eq!(r.status, 404, "step {n} ({what}): {gone} should be gone");
            }
        }
        seen.extend(now);
    }
}

/// 定时发布 in the preview: a page dated a few seconds ahead appears at its time by itself,
/// without an edit, and the browsers are told.
#[test]
fn a_scheduled_page_appears_at_its_time_without_an_edit() {
    let site = common::fixture_copy("basic");
    let serve = Serve::start_at(None, site.path(), &[]);
    // Saved once serve runs, so that a slow start cannot reach the moment first.
    // Whole seconds, as the front matter says it.
    let due = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(8);
    let due = jiff::Timestamp::from_second(due.as_second()).unwrap_or(due);
    let date = wenming::text::dates::Date::from_timestamp(due).rfc3339();
    write(
        &site.path().join("content/news/soon.md"),
        &format!("---\ntitle: 定时发布的文章\ndate: {date}\n---\n到点发布。\n"),
    );
    serve.rebuilt();
    assert!(
        jiff::Timestamp::now() < due,
        "the save took too long to check"
    );
    assert_eq!(serve.get("news/soon/").status, 404);
    let soon = "news/soon/index.html".to_string();
    let event = serve.rebuilt_until(|e| changed(e).contains(&soon));
    assert!(changed(&event).contains(&soon), "{event}");
    assert!(jiff::Timestamp::now() >= due);
    let page = serve.get("news/soon/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("到点发布。"));
    assert!(serve.get("news/").text().contains("定时发布的文章"));
}

/// A rule that takes effect while the preview runs: its page says 尚未施行 until then, and
/// 现行有效 from that moment by itself, without an edit.
#[test]
fn a_rule_takes_effect_at_its_time_without_an_edit() {
    let site = common::fixture_copy("basic");
    write(
        &site.path().join("content/fagui/_index.md"),
        "---\ntitle: 法规\nkind: rule\n---\n",
    );
    let serve = Serve::start_at(None, site.path(), &[]);
    let due = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(8);
    let due = jiff::Timestamp::from_second(due.as_second()).unwrap_or(due);
    let effective = wenming::text::dates::Date::from_timestamp(due).rfc3339();
    write(
        &site.path().join("content/fagui/xin-tiao-li.md"),
        &format!(
            "---\ntitle: 新条例\ndate: 2026-03-01\neffective: {effective}\n---\n第一条 内容。\n"
        ),
    );
    serve.rebuilt_until(|e| changed(e).contains(&"fagui/xin-tiao-li/index.html".to_string()));
    assert!(
        jiff::Timestamp::now() < due,
        "the save took too long to check"
    );
    let before = serve.get("fagui/xin-tiao-li/").text();
    assert!(before.contains("尚未施行"), "{before}");
    let page = "fagui/xin-tiao-li/index.html".to_string();
    let event = serve.rebuilt_until(|e| changed(e).contains(&page));
    assert!(changed(&event).contains(&page), "{event}");
    assert!(jiff::Timestamp::now() >= due);
    let after = serve.get("fagui/xin-tiao-li/").text();
    assert!(!after.contains("尚未施行"), "{after}");
    assert!(after.contains("现行有效"), "{after}");
}
