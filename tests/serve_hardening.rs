//! `wenming serve` against hostile and greedy clients, over real HTTP on 127.0.0.1 with
//! requests written by hand (HTTP client libraries normalize paths): traversal in every
//! encoding, folders without listings, methods, request bodies that are never read, oversized
//! request heads, hundreds of concurrent clients, slowloris clients, the header timeout and
//! the connection cap. Every loop is bounded; time bounds are generous liveness checks for a
//! loaded 2-core machine, not benchmarks.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use common::edits::{demo_copy, demo_copy_into, read, write};
use common::{RawResponse, raw_request, read_until_closed, start_serve};

/// The longest any answer may take before a test gives up on it.
const PATIENCE: Duration = Duration::from_secs(20);

/// What the demo site's own 404 page says.
const NOT_FOUND_TEXT: &str = "抱歉，您访问的页面不存在";

/// The body of every 405 answer.
const METHOD_TEXT: &str = "只支持 GET 和 HEAD 请求";

/// `METHOD TARGET` with a Host header, asking the server to close afterwards.
fn request(method: &str, target: &str) -> Vec<u8> {
    format!("{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .into_bytes()
}

fn get(port: u16, target: &str) -> RawResponse {
    raw_request(port, &request("GET", target), PATIENCE)
}

fn connect(port: u16) -> TcpStream {
    TcpStream::connect(("127.0.0.1", port)).unwrap_or_else(|e| panic!("cannot connect: {e}"))
}

#[test]
fn traversal_in_every_encoding_is_refused() {
    const INSIDE: &str = "WENMING-SECRET-INSIDE-c41f9e";
    const OUTSIDE: &str = "WENMING-SECRET-OUTSIDE-c41f9e";
    let outer = common::temp();
    let root = outer.path().join("site");
    demo_copy_into(&root);
    let inside = root.join("secret-inside.txt");
    let outside = outer.path().join("secret-outside.txt");
    write(&inside, &format!("{INSIDE}\n"));
    write(&outside, &format!("{OUTSIDE}\n"));
    let serve = start_serve(&root, &[]);
    let port = serve.port;

    let mut not_found: Vec<String> = [
        // Plain and encoded dots and slashes.
        "/../site.yaml",
        "/../secret-outside.txt",
        "/news/../../secret-outside.txt",
        "/..%2fsite.yaml",
        "/..%2fsecret-outside.txt",
        "/%2e%2e/site.yaml",
        "/%2E%2E/site.yaml",
        "/%2e%2e%2fsecret-outside.txt",
        "/.%2e/secret-outside.txt",
        "/./site.yaml",
        "/news/%2e%2e/",
        // Double encoding: decoded once, `%2e%2e%2f` is a name.
        "/%252e%252e%252fsite.yaml",
        "/news/%252e%252e%252f%252e%252e%252fsecret-outside.txt",
        // Overlong UTF-8 forms of `.` and `/`: not UTF-8, refused.
        "/%c0%ae%c0%ae/site.yaml",
        "/%c0%ae%c0%ae%c0%afsecret-outside.txt",
        "/%e0%80%ae%e0%80%ae/site.yaml",
        "/%u002e%u002e/site.yaml",
        // Backslashes, raw and encoded.
        "/..\\site.yaml",
        "/..%5csite.yaml",
        "/%5c..%5csecret-outside.txt",
        "/%2e%2e%5csite.yaml",
        // Absolute and Windows paths.
        "//etc/passwd",
        "/C:/Windows/win.ini",
        "/C:%5cWindows%5cwin.ini",
        // NUL, control characters, `;` parameters.
        "/%00",
        "/site.yaml%00.html",
        "/news%0d%0aSet-Cookie:%20a=b",
        "/site.yaml;.html",
        "/..;/site.yaml",
        "/news/..;/..;/secret-outside.txt",
        // Files that exist in the site's folder but are not part of the site.
        "/site.yaml",
        "/secret-inside.txt",
        "/content/news/chuang-wen-tui-jin-hui.md",
        // Not UTF-8, and the asterisk form.
        "/%ff%fe",
        "*",
    ]
    .map(String::from)
    .to_vec();
    // Absolute file paths and absolute-form request targets.
    not_found.push(inside.display().to_string());
    not_found.push(outside.display().to_string());
    for path in [
        "/../site.yaml",
        "/..%2fsecret-outside.txt",
        "/secret-inside.txt",
    ] {
        not_found.push(format!("http://127.0.0.1:{port}{path}"));
    }
    // Request lines hyper refuses before any route sees them.
    let bad_request = [
        "/a b/../site.yaml",
        "/\0",
        "\\..\\site.yaml",
        "../site.yaml",
    ];

    let cases = not_found
        .iter()
        .map(|t| (t.as_str(), 404))
        .chain(bad_request.iter().map(|t| (*t, 400)));
    for (target, status) in cases {
        let r = get(port, target);
        assert_eq!(r.status, status, "{target:?}: {}", r.head());
        if status == 404 {
            assert!(
                String::from_utf8_lossy(r.body()).contains(NOT_FOUND_TEXT),
                "{target:?}: not the site's 404 page"
            );
        } else {
            assert_eq!(r.body(), b"", "{target:?}");
        }
        let text = r.text();
        for secret in [INSIDE, OUTSIDE, "base_url:", "root:x:0:0", "[fonts]"] {
            assert!(!text.contains(secret), "{target:?} leaked {secret}");
        }
    }
    // The secrets are there, and the site itself is served.
    assert_eq!(read(&inside), format!("{INSIDE}\n"));
    assert_eq!(get(port, "/").status, 200);
}

#[test]
fn folders_without_index_html_are_not_listed() {
    let site = demo_copy();
    let serve = start_serve(site.path(), &[]);
    // The folders exist: their files are served.
    assert_eq!(get(serve.port, "/images/volunteers.svg").status, 200);
    assert_eq!(get(serve.port, "/search/index.json").status, 200);
    for target in ["/images/", "/images", "/search/pages/", "/search/terms/"] {
        let r = get(serve.port, target);
        assert_eq!(r.status, 404, "{target}: {}", r.head());
        assert_eq!(r.header("content-type"), "text/html; charset=utf-8");
        let body = String::from_utf8_lossy(r.body()).into_owned();
        assert!(body.contains(NOT_FOUND_TEXT), "{target}: {body}");
        for listed in ["volunteers.svg", "elderly-care.svg", ".json", ".bin"] {
            assert!(!body.contains(listed), "{target} lists {listed}");
        }
    }
}

#[test]
fn only_get_and_head_are_allowed_and_head_has_no_body() {
    let site = demo_copy();
    let serve = start_serve(site.path(), &[]);
    let port = serve.port;
    let mut cases: Vec<(&str, &str)> = Vec::new();
    for method in ["OPTIONS", "TRACE", "DELETE", "POST", "PUT", "PATCH"] {
        for target in [
            "/",
            "/news/",
            "/no-such-page/",
            "/__wenming/events",
            "/__wenming/livereload.js",
        ] {
            cases.push((method, target));
        }
    }
    cases.push(("OPTIONS", "*"));
    for (method, target) in cases {
        let r = raw_request(port, &request(method, target), PATIENCE);
        assert_eq!(r.status, 405, "{method} {target}: {}", r.head());
        assert_eq!(r.header("allow"), "GET, HEAD", "{method} {target}");
        assert_eq!(r.body(), METHOD_TEXT.as_bytes(), "{method} {target}");
    }

    // HEAD: the headers GET would send, without the body.
    for (target, status) in [("/", 200), ("/style.css", 200), ("/no-such-page/", 404)] {
        let full = get(port, target);
        let head = raw_request(port, &request("HEAD", target), PATIENCE);
        assert_eq!((full.status, head.status), (status, status), "{target}");
        assert_eq!(
            head.header("content-length"),
            full.body().len().to_string(),
            "{target}"
        );
        assert_eq!(
            head.header("content-type"),
            full.header("content-type"),
            "{target}"
        );
        assert_eq!(head.body(), b"", "HEAD {target} has no body");
        assert!(head.closed, "HEAD {target}");
    }
    // Even of the endless live-reload stream: answered and closed at once.
    let head = raw_request(port, &request("HEAD", "/__wenming/events"), PATIENCE);
    assert_eq!(head.status, 200, "{}", head.head());
    assert_eq!(head.header("content-type"), "text/event-stream");
    assert_eq!(head.body(), b"");
    assert!(head.closed, "HEAD of the event stream must end");
}

#[test]
fn request_bodies_are_never_read() {
    let site = demo_copy();
    let serve = start_serve(site.path(), &[]);
    let kilobyte = "x".repeat(1024);
    for (what, request) in [
        (
            "a 10 GB Content-Length",
            format!(
                "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10000000000\r\n\r\n{kilobyte}"
            ),
        ),
        (
            "the same, expecting 100-continue",
            String::from(
                "PUT /news/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10000000000\r\nExpect: 100-continue\r\n\r\n",
            ),
        ),
        (
            "a chunked body that never ends",
            format!(
                "POST /__wenming/events HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n{kilobyte}\r\n"
            ),
        ),
    ] {
        // No `Connection: close`: the server closes because it will not read the body.
        let r = raw_request(serve.port, request.as_bytes(), PATIENCE);
        assert_eq!(r.status, 405, "{what}: {}", r.head());
        assert_eq!(r.body(), METHOD_TEXT.as_bytes(), "{what}");
        assert!(
            r.closed,
            "{what}: the connection must be closed, not kept to read the body"
        );
        assert!(!r.text().contains("100 Continue"), "{what}");
    }
    assert_eq!(get(serve.port, "/").status, 200);
}

#[test]
fn oversized_request_heads_are_refused_and_others_still_served() {
    let site = demo_copy();
    let serve = start_serve(site.path(), &[]);
    let port = serve.port;
    let many = |n: usize, name: &str| -> String {
        (0..n)
            .map(|i| format!("{name}-{i}: v\r\n"))
            .collect::<String>()
    };
    for (what, request) in [
        (
            "one 1 MB header",
            format!(
                "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {}\r\n\r\n",
                "a".repeat(1024 * 1024)
            ),
        ),
        (
            "10,000 headers",
            format!(
                "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n{}\r\n",
                many(10_000, "X-Many")
            ),
        ),
        (
            "a 70 KB request line",
            format!(
                "GET /{} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                "a".repeat(70 * 1024)
            ),
        ),
    ] {
        let started = Instant::now();
        let r = raw_request(port, request.as_bytes(), PATIENCE);
        // The server answers 431 and closes; it may close before this client has written
        // everything, and then the answer can be lost to the reset.
        assert!(r.closed, "{what}: not closed after {:?}", started.elapsed());
        assert!(
            r.status == 431 || r.bytes.is_empty(),
            "{what}: {}",
            r.head()
        );
        assert_eq!(get(port, "/").status, 200, "after {what}");
    }
    // A small head with too many headers is read whole: the answer is exactly 431.
    let r = raw_request(
        port,
        format!(
            "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n{}\r\n",
            many(150, "A")
        )
        .as_bytes(),
        PATIENCE,
    );
    assert_eq!(r.status, 431, "{}", r.head());
    assert!(r.closed);
    // 99 headers are fine.
    let r = raw_request(
        port,
        format!(
            "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{}\r\n",
            many(97, "A")
        )
        .as_bytes(),
        PATIENCE,
    );
    assert_eq!(r.status, 200, "{}", r.head());
}

/// Opens the live-reload event stream like an open page does, and waits for its first message.
fn open_event_stream(port: u16) -> TcpStream {
    let mut stream = connect(port);
    stream
        .write_all(b"GET /__wenming/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let _ = stream.set_read_timeout(Some(PATIENCE));
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains("data: ") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => panic!(
                "the event stream closed or sent nothing: {}",
                String::from_utf8_lossy(&seen)
            ),
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
    }
    stream
}

/// True while the server has not closed `stream` (what it sent meanwhile is skipped).
fn still_open(mut stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return false;
    }
    let mut buf = [0u8; 4096];
    let open = loop {
        match stream.read(&mut buf) {
            Ok(0) => break false,
            Ok(_) => {}
            Err(e) => break e.kind() == ErrorKind::WouldBlock,
        }
    };
    let _ = stream.set_nonblocking(false);
    open
}

#[test]
fn hundreds_of_concurrent_requests_are_all_served() {
    const CLIENTS: usize = 300;
    let site = demo_copy();
    let serve = start_serve(site.path(), &[]);
    let port = serve.port;
    // Twenty open pages keep their live-reload streams open meanwhile.
    let mut tabs: Vec<TcpStream> = (0..20).map(|_| open_event_stream(port)).collect();

    let targets = ["/", "/news/", "/style.css", "/images/volunteers.svg"];
    let expected: Vec<Vec<u8>> = targets
        .iter()
        .map(|t| {
            let r = get(port, t);
            assert_eq!(r.status, 200, "{t}");
            r.body().to_vec()
        })
        .collect();
    assert_eq!(
        expected[3],
        std::fs::read(site.path().join("static/images/volunteers.svg"))
            .unwrap_or_else(|e| panic!("{e}")),
        "served alone, the image is the file"
    );

    let start = Arc::new(Barrier::new(CLIENTS));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|i| {
            let start = start.clone();
            thread::spawn(move || {
                start.wait();
                get(port, targets[i % targets.len()])
            })
        })
        .collect();
    for (i, client) in clients.into_iter().enumerate() {
        let r = client
            .join()
            .unwrap_or_else(|_| panic!("client {i} panicked"));
        let t = i % targets.len();
        assert_eq!(r.status, 200, "client {i}, {}: {}", targets[t], r.head());
        assert!(
            r.body() == expected[t],
            "client {i}: {} differs",
            targets[t]
        );
    }
    for (i, tab) in tabs.iter_mut().enumerate() {
        assert!(still_open(tab), "event stream {i} was closed");
    }
}

#[test]
fn slowloris_clients_do_not_stall_others() {
    const SLOW: usize = 200;
    let site = demo_copy();
    // A header timeout far longer than the test, so that the slow clients hold their
    // connections throughout however loaded the machine is.
    let serve = start_serve(site.path(), &["--header-timeout-ms", "60000"]);
    let port = serve.port;
    let stop = Arc::new(AtomicBool::new(false));
    let (ready, connected) = mpsc::channel();
    let slow = {
        let stop = stop.clone();
        thread::spawn(move || {
            let mut streams: Vec<TcpStream> = (0..SLOW).map(|_| connect(port)).collect();
            for s in &mut streams {
                let _ = s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
            }
            let _ = ready.send(());
            // One more header byte every 500 ms, for at most 6 s.
            let mut rounds = 0;
            while rounds < 12 && !stop.load(Ordering::Relaxed) {
                for s in &mut streams {
                    let _ = s.write_all(b"a");
                }
                thread::sleep(Duration::from_millis(500));
                rounds += 1;
            }
            streams.iter().filter(|s| still_open(s)).count()
        })
    };
    connected
        .recv_timeout(PATIENCE)
        .unwrap_or_else(|e| panic!("slow clients did not connect: {e}"));
    for target in ["/", "/style.css", "/news/"] {
        let started = Instant::now();
        let r = get(port, target);
        assert_eq!(r.status, 200, "{target}: {}", r.head());
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{target} took {:?} beside {SLOW} slow clients",
            started.elapsed()
        );
    }
    stop.store(true, Ordering::Relaxed);
    let open = slow
        .join()
        .unwrap_or_else(|_| panic!("slow clients panicked"));
    assert_eq!(open, SLOW, "the slow clients were still being waited for");
}

#[test]
fn slow_request_heads_and_idle_connections_are_closed_after_the_timeout() {
    let site = demo_copy();
    let serve = start_serve(site.path(), &["--header-timeout-ms", "1000"]);
    let port = serve.port;

    // A slowloris client: one header byte every 200 ms, for at most 10 s.
    let mut stream = connect(port);
    let started = Instant::now();
    let _ = stream.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
    let mut received = Vec::new();
    let mut closed_after = None;
    for _ in 0..50 {
        let _ = stream.write_all(b"a");
        let r = read_until_closed(&mut stream, Duration::from_millis(200));
        received.extend_from_slice(&r.bytes);
        if r.closed {
            closed_after = Some(started.elapsed());
            break;
        }
    }
    let closed_after = closed_after.unwrap_or_else(|| panic!("still open after 10 s"));
    assert!(
        closed_after >= Duration::from_millis(900),
        "closed after {closed_after:?}, before the timeout"
    );
    assert_eq!(
        String::from_utf8_lossy(&received),
        "",
        "closed without an answer"
    );

    // A kept-alive connection is answered, then closed once idle for the timeout.
    let mut stream = connect(port);
    let started = Instant::now();
    let _ = stream.write_all(b"GET /style.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    let r = read_until_closed(&mut stream, PATIENCE);
    assert_eq!(r.status, 200, "{}", r.head());
    assert!(r.closed);
    assert!(started.elapsed() >= Duration::from_millis(900));

    // A client that sends its request at once is served as ever.
    assert_eq!(get(port, "/").status, 200);
}

#[test]
fn connections_beyond_the_cap_wait_for_a_free_one() {
    let site = demo_copy();
    let serve = start_serve(
        site.path(),
        &["--max-connections", "4", "--header-timeout-ms", "60000"],
    );
    let port = serve.port;
    let mut held: Vec<TcpStream> = (0..4).map(|_| connect(port)).collect();

    // A fifth client is not answered while four connections are open…
    let mut fifth = connect(port);
    fifth
        .write_all(&request("GET", "/style.css"))
        .unwrap_or_else(|e| panic!("{e}"));
    let waiting = read_until_closed(&mut fifth, Duration::from_millis(1500));
    assert!(
        waiting.bytes.is_empty() && !waiting.closed,
        "answered beyond the cap: {}",
        waiting.head()
    );

    // …and is as soon as one of them closes.
    drop(held.pop());
    let r = read_until_closed(&mut fifth, PATIENCE);
    assert_eq!(r.status, 200, "{}", r.head());
    assert!(r.closed);
    for (i, s) in held.iter_mut().enumerate() {
        assert!(still_open(s), "held connection {i} was closed");
    }
}

#[test]
fn requests_for_other_host_names_are_misdirected() {
    let site = demo_copy();
    let serve = start_serve(site.path(), &["--allow-host", "preview.example.org"]);
    let port = serve.port;
    let with_host = |host: &str, target: &str| {
        let request = format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        raw_request(port, request.as_bytes(), PATIENCE)
    };
    // A page of another site whose name was pointed at 127.0.0.1 (DNS rebinding).
    for target in ["/", "/__wenming/events", "/__wenming/livereload.js"] {
        let r = with_host(&format!("rebind.attacker.example:{port}"), target);
        assert_eq!(r.status, 421, "{target}: {}", r.head());
        assert!(r.text().contains("--allow-host"), "{}", r.text());
    }
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        "preview.example.org".to_string(),
    ] {
        assert_eq!(with_host(&host, "/").status, 200, "{host}");
    }
}

#[test]
fn error_events_carry_the_first_errors_and_the_count() {
    let site = demo_copy();
    let long = "很长的标题".repeat(2000);
    for i in 0..60 {
        write(
            &site.path().join(format!("content/broken-{i}.md")),
            &format!("---\ntitle: {long}\nbad_key_{i}: 1\n---\n正文\n"),
        );
    }
    let serve = start_serve(site.path(), &[]);
    let mut stream = open_event_stream_raw(serve.port);
    let first = first_event(&mut stream);
    let message: serde_json::Value =
        serde_json::from_str(&first).unwrap_or_else(|e| panic!("{e}: {first}"));
    assert_eq!(message["error_count"], 60, "{first}");
    assert_eq!(message["errors"].as_array().map(Vec::len), Some(20));
    assert!(first.len() < 150_000, "{} bytes", first.len());
}

/// Opens the event stream without waiting.
fn open_event_stream_raw(port: u16) -> TcpStream {
    let mut stream = connect(port);
    stream
        .write_all(b"GET /__wenming/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let _ = stream.set_read_timeout(Some(PATIENCE));
    stream
}

/// The data of the first event on `stream` (chunked transfer framing removed).
fn first_event(stream: &mut TcpStream) -> String {
    let mut seen = Vec::new();
    let mut buf = [0u8; 65536];
    let started = Instant::now();
    loop {
        let text = String::from_utf8_lossy(&seen).to_string();
        if let Some(start) = text.find("data: ")
            && let Some(end) = text[start..].find("\n\n")
        {
            return text[start + 6..start + end].to_string();
        }
        assert!(started.elapsed() < PATIENCE, "no event: {text}");
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => panic!("the event stream closed: {text}"),
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
    }
}
