//! `wenming nginx-conf` served by a real nginx (Debian's, with the brotli module; installed by
//! scripts/test.sh): the printed block is accepted as it is and serves the built site with its
//! own 404 page, precompressed twins, the cache policy and the security headers, at the root
//! and under a sub-path, and hides everything internal.

mod common;

use std::fs;
use std::io::Read as _;
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{RawResponse, raw_request};

const NGINX: &str = "/usr/sbin/nginx";

/// A running nginx with its own prefix, pid, logs and temp folders, stopped when dropped.
struct Nginx {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Nginx {
    fn get(&self, path: &str, accept_encoding: Option<&str>) -> RawResponse {
        let encoding = accept_encoding
            .map(|e| format!("Accept-Encoding: {e}\r\n"))
            .unwrap_or_default();
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{encoding}Connection: close\r\n\r\n"
        );
        raw_request(self.port, request.as_bytes(), Duration::from_secs(10))
    }

    fn error_log(&self) -> String {
        fs::read_to_string(self.dir.path().join("error.log")).unwrap_or_default()
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

/// nginx's workers run as an unprivileged user: they must be able to read the output.
fn readable_by_all(dir: &Path) {
    let mut d = Some(dir);
    while let Some(p) = d {
        if p == Path::new("/tmp") || p == Path::new("/") {
            break;
        }
        let _ = fs::set_permissions(p, fs::Permissions::from_mode(0o755));
        d = p.parent();
    }
}

/// Prints the site's block with `wenming nginx-conf` and starts nginx with it, included from a
/// minimal `http {}` the way Debian's nginx.conf includes sites-enabled.
fn start_nginx(root: &Path, output: &Path) -> Nginx {
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let printed = common::wenming(&[
        "nginx-conf",
        "--root",
        root.to_str().unwrap_or_default(),
        "--output",
        output.to_str().unwrap_or_default(),
        "--listen",
        &listen,
    ]);
    assert_eq!(printed.code, 0, "{}", printed.stderr);
    assert!(
        printed.stdout.contains("\n    brotli_static on;\n"),
        "the brotli module is installed, so brotli_static is on:\n{}",
        printed.stdout
    );
    let dir = common::temp();
    let site_conf = dir.path().join("site.conf");
    fs::write(&site_conf, &printed.stdout).unwrap_or_else(|e| panic!("{e}"));
    let p = dir.path().display();
    let main_conf = format!(
        "pid {p}/nginx.pid;\n\
         error_log {p}/error.log;\n\
         load_module /usr/lib/nginx/modules/ngx_http_brotli_static_module.so;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n\
             include /etc/nginx/mime.types;\n\
             default_type application/octet-stream;\n\
             access_log off;\n\
             client_body_temp_path {p}/body;\n\
             proxy_temp_path {p}/proxy;\n\
             fastcgi_temp_path {p}/fastcgi;\n\
             uwsgi_temp_path {p}/uwsgi;\n\
             scgi_temp_path {p}/scgi;\n\
             include {};\n\
         }}\n",
        site_conf.display()
    );
    let conf = dir.path().join("nginx.conf");
    fs::write(&conf, main_conf).unwrap_or_else(|e| panic!("{e}"));
    let test = Command::new(NGINX)
        .args(["-t", "-q", "-e"])
        .arg(dir.path().join("error.log"))
        .arg("-c")
        .arg(&conf)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {NGINX} (installed by scripts/test.sh): {e}"));
    assert!(
        test.status.success(),
        "nginx -t refused the printed block:\n{}\n{}",
        String::from_utf8_lossy(&test.stderr),
        printed.stdout
    );
    let child = Command::new(NGINX)
        .args(["-g", "daemon off;", "-e"])
        .arg(dir.path().join("error.log"))
        .arg("-c")
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start nginx: {e}"));
    let nginx = Nginx { child, port, dir };
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "nginx did not start: {}",
            nginx.error_log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    nginx
}

fn built(fixture: &str, base_url: Option<&str>) -> (tempfile::TempDir, PathBuf) {
    let dir = common::temp();
    let output = dir.path().join("public");
    let mut args = vec![
        "build".to_string(),
        "--root".into(),
        common::fixture(fixture).display().to_string(),
        "--output".into(),
        output.display().to_string(),
    ];
    if let Some(url) = base_url {
        args.extend(["--base-url".into(), url.into()]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = common::wenming_at(common::DEMO_NOW, &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    readable_by_all(&output);
    (dir, output)
}

fn assert_security_headers(r: &RawResponse, what: &str) {
    assert_eq!(
        r.header("Content-Security-Policy"),
        wenming::output::nginx::CONTENT_SECURITY_POLICY,
        "{what}"
    );
    assert_eq!(r.header("X-Content-Type-Options"), "nosniff", "{what}");
    assert_eq!(r.header("X-Frame-Options"), "SAMEORIGIN", "{what}");
    assert_eq!(
        r.header("Referrer-Policy"),
        "strict-origin-when-cross-origin",
        "{what}"
    );
    assert!(
        r.header("Permissions-Policy").contains("geolocation=()"),
        "{what}"
    );
}

/// Each of `paths` answers 404 with the site's own 404 page and the security headers.
fn assert_site_404(nginx: &Nginx, output: &Path, paths: &[&str]) {
    let not_found_page = fs::read(output.join("404.html")).unwrap_or_default();
    for path in paths {
        let r = nginx.get(path, None);
        assert_eq!(r.status, 404, "{path}: {}", r.head());
        assert_eq!(
            r.body(),
            not_found_page,
            "{path} shows the site's own 404 page"
        );
        assert_security_headers(&r, path);
    }
}

/// The demo site built into a temporary folder's `public/`.
fn built_demo() -> (tempfile::TempDir, PathBuf) {
    let dir = common::temp();
    let output = dir.path().join("public");
    let run = common::build_demo(&output);
    assert_eq!(run.code, 0, "{}", run.stderr);
    readable_by_all(&output);
    (dir, output)
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap_or_else(|e| panic!("not gzip: {e}"));
    out
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(bytes, 4096)
        .read_to_end(&mut out)
        .unwrap_or_else(|e| panic!("not brotli: {e}"));
    out
}

#[test]
fn nginx_serves_the_site_with_its_404_page_headers_and_nothing_internal() {
    let (_dir, output) = built("basic", None);
    // Files a deploying engineer keeps in the web root: none of them may be served.
    fs::create_dir_all(output.join(".git")).unwrap_or_else(|e| panic!("{e}"));
    fs::write(output.join(".git/config"), "[core]\n").unwrap_or_else(|e| panic!("{e}"));
    fs::write(output.join("wenming-manifest.json"), "{}").unwrap_or_else(|e| panic!("{e}"));
    fs::create_dir_all(output.join("empty-folder")).unwrap_or_else(|e| panic!("{e}"));
    readable_by_all(&output.join("empty-folder"));
    let nginx = start_nginx(&common::fixture("basic"), &output);

    let home = nginx.get("/", None);
    assert_eq!(home.status, 200, "{}", home.text());
    assert_eq!(
        home.body(),
        fs::read(output.join("index.html")).unwrap_or_default()
    );
    assert_eq!(home.header("Content-Type"), "text/html; charset=utf-8");
    assert_eq!(home.header("Cache-Control"), "no-cache");
    assert_security_headers(&home, "home page");

    assert_site_404(
        &nginx,
        &output,
        &[
            "/no-such-page/",
            "/.git/config",
            "/wenming-manifest.json",
            "/empty-folder/",
            "/.wenming/record.json",
        ],
    );

    // Without a trailing slash, a folder redirects to its pretty URL.
    let r = nginx.get("/news", None);
    assert_eq!(r.status, 301, "{}", r.head());
    assert!(r.header("Location").ends_with("/news/"), "{}", r.head());
}

#[test]
fn nginx_serves_precompressed_twins_identical_to_their_originals() {
    let (_dir, output) = built_demo();
    let nginx = start_nginx(Path::new(env!("CARGO_MANIFEST_DIR")), &output);
    for path in ["/", "/style.css"] {
        let file = if path == "/" {
            "index.html"
        } else {
            "style.css"
        };
        let original = fs::read(output.join(file)).unwrap_or_default();
        let gz = nginx.get(path, Some("gzip"));
        assert_eq!(
            gz.header("Content-Encoding"),
            "gzip",
            "{path}: {}",
            gz.head()
        );
        assert_eq!(gunzip(gz.body()), original, "{path}");
        let br = nginx.get(path, Some("br, gzip"));
        assert_eq!(br.header("Content-Encoding"), "br", "{path}: {}", br.head());
        assert_eq!(unbrotli(br.body()), original, "{path}");
        let plain = nginx.get(path, None);
        assert_eq!(plain.header("Content-Encoding"), "", "{path}");
        assert_eq!(plain.body(), original, "{path}");
    }
}

/// The stylesheet the pages link has a fingerprinted name: cached for a year, sent compressed,
/// the same bytes as the plain `style.css` (which is only cached with revalidation).
#[test]
fn nginx_caches_fingerprinted_assets_for_a_year() {
    let (_dir, output) = built_demo();
    let nginx = start_nginx(Path::new(env!("CARGO_MANIFEST_DIR")), &output);
    let home = String::from_utf8(nginx.get("/", None).body().to_vec()).unwrap_or_default();
    let link = "<link rel=\"stylesheet\" href=\"";
    let start = home.find(link).map(|i| i + link.len()).unwrap_or_default();
    let href = &home[start..start + home[start..].find('"').unwrap_or_default()];
    let hash = href
        .strip_prefix("/style.")
        .and_then(|h| h.strip_suffix(".css"))
        .unwrap_or_else(|| panic!("the stylesheet link is not fingerprinted: {href}"));
    assert!(
        hash.len() == 8 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
        "{href}"
    );
    let original = fs::read(output.join("style.css")).unwrap_or_default();
    let asset = nginx.get(href, None);
    assert_eq!(asset.status, 200, "{}", asset.head());
    assert_eq!(
        asset.header("Cache-Control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(asset.header("Content-Type"), "text/css; charset=utf-8");
    assert_eq!(asset.body(), original);
    let br = nginx.get(href, Some("br"));
    assert_eq!(br.header("Content-Encoding"), "br", "{}", br.head());
    assert_eq!(unbrotli(br.body()), original);
    assert_eq!(
        nginx.get("/style.css", None).header("Cache-Control"),
        "no-cache"
    );
}

#[test]
fn nginx_serves_a_sub_path_site_with_its_404_page() {
    let (_dir, output) = built("basic", Some("https://www.example.gov.cn/wenming"));
    fs::create_dir_all(output.join(".git")).unwrap_or_else(|e| panic!("{e}"));
    fs::write(output.join(".git/config"), "[core]\n").unwrap_or_else(|e| panic!("{e}"));
    let root = common::temp();
    common::copy_dir(&common::fixture("basic"), root.path());
    let yaml = fs::read_to_string(root.path().join("site.yaml")).unwrap_or_default();
    let yaml: String = yaml
        .lines()
        .map(|l| {
            if l.starts_with("base_url:") {
                "base_url: https://www.example.gov.cn/wenming".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    fs::write(root.path().join("site.yaml"), yaml).unwrap_or_else(|e| panic!("{e}"));
    let nginx = start_nginx(root.path(), &output);

    let home = nginx.get("/wenming/", None);
    assert_eq!(home.status, 200, "{}", home.text());
    assert_eq!(
        home.body(),
        fs::read(output.join("index.html")).unwrap_or_default()
    );
    assert_security_headers(&home, "home page under a sub-path");

    let r = nginx.get("/wenming", None);
    assert_eq!(r.status, 301, "{}", r.head());
    assert!(r.header("Location").ends_with("/wenming/"), "{}", r.head());

    assert_site_404(
        &nginx,
        &output,
        &[
            "/wenming/no-such-page/",
            "/wenming/.git/config",
            "/",
            "/index.html",
        ],
    );
}

#[test]
fn nginx_conf_refuses_a_bad_listen_value() {
    let run = common::wenming(&[
        "nginx-conf",
        "--root",
        common::fixture("basic").to_str().unwrap_or_default(),
        "--listen",
        "80; include /etc/passwd",
    ]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "错误：--listen “80; include /etc/passwd”不是端口或 地址:端口（例如 80、127.0.0.1:8080）\n"
    );
}

#[test]
fn the_demo_site_runs_under_the_printed_content_security_policy() {
    // script-src 'self' without 'unsafe-inline': no page may carry an inline script or an
    // event-handler attribute, or the theme would break behind the printed block.
    let (_dir, output) = built_demo();
    let pages: Vec<String> = common::files(&output)
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .collect();
    assert!(pages.len() > 50, "{pages:?}");
    for page in pages {
        let html = common::read(&output, &page).to_lowercase();
        for tag in wenming::fuzz::tags(&html) {
            let attributes = wenming::fuzz::attributes(tag);
            assert!(
                !attributes.iter().any(|(name, _)| name.starts_with("on")),
                "{page}: event handler in {tag}"
            );
            if tag.starts_with("<script") {
                assert!(
                    attributes.iter().any(|(name, _)| *name == "src"),
                    "{page}: inline script {tag}"
                );
            }
        }
    }
}
