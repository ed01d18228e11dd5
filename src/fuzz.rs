//! Fuzz targets and a small stable random-input driver for them. Each target takes raw bytes
//! (as `cargo fuzz` hands them) and panics when a property is broken; they are shared by the
//! `cargo fuzz` targets in `fuzz/`, the smoke run in `tests/fuzz.rs` and `examples/fuzz.rs`
//! (see docs/robustness.md).

use std::path::Path;

use crate::content::front_matter;
use crate::content::paths::{check_site_path, check_slug, check_template_name};
use crate::import;
use crate::markdown::{self, MarkdownOptions};
use crate::search::tokenize::tokenize;
use crate::text::pii;
use crate::text::slug::{is_clean_slug, slugify};
use crate::yaml::YamlDoc;

/// A fuzz target: panics when `data` breaks one of its properties.
pub type Target = fn(&[u8]);

/// The targets by name.
pub const TARGETS: &[(&str, Target)] = &[
    ("front_matter", front_matter),
    ("slug", slug),
    ("markdown", markdown),
    ("shortcodes", shortcodes),
    ("tokenize", tokenize_text),
    ("personal_data", personal_data),
    ("docx", docx),
];

fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// Front matter split, YAML parse and typed fields: errors are fine, panics are not, and
/// every error points at a line in the file.
pub fn front_matter(data: &[u8]) {
    let text = text(data);
    let file = Path::new("content/fuzz.md");
    let Ok(split) = front_matter::split(&text, file) else {
        return;
    };
    let doc = match YamlDoc::parse(split.front, file, split.front_line_offset) {
        Ok(doc) => doc,
        Err(d) => {
            assert!(d.line.is_none_or(|l| l >= 1), "{d}");
            return;
        }
    };
    let _ = front_matter::section_meta(&doc);
    if let Err(errors) = front_matter::page_meta(&doc, &["tags".to_string()], None) {
        for d in errors {
            assert!(d.line.is_none_or(|l| l >= 1), "{d}");
        }
    }
}

/// `wenming import`: the bytes as a file, as the main part of a .docx and as the text of its
/// first paragraph. Errors are fine, panics are not; a page made from the text has front
/// matter that reads back with its title.
pub fn docx(data: &[u8]) {
    let shown = Path::new("fuzz.docx");
    let now = jiff::Timestamp::UNIX_EPOCH;
    let _ = import::convert(data.to_vec(), shown, None, now);
    let _ = import::convert(zip_document(data), shown, None, now);
    let escaped = crate::text::escape_xml(&text(data));
    let paragraph = format!(
        "<w:document xmlns:w=\"w\"><w:body><w:p><w:r><w:t xml:space=\"preserve\">{escaped}</w:t></w:r></w:p><w:p><w:r><w:t>正文</w:t></w:r></w:p></w:body></w:document>"
    );
    let Ok(page) = import::convert(zip_document(paragraph.as_bytes()), shown, None, now) else {
        return;
    };
    let file = Path::new("content/fuzz/index.md");
    let split =
        front_matter::split(&page.text, file).unwrap_or_else(|d| panic!("{d}: {:?}", page.text));
    let doc = YamlDoc::parse(split.front, file, split.front_line_offset)
        .unwrap_or_else(|d| panic!("{d}: {:?}", page.text));
    assert_eq!(
        doc.get("title").and_then(|t| t.as_str()),
        Some(page.title.as_str()),
        "{:?}",
        page.text
    );
}

/// A .docx whose `word/document.xml` is `document`.
fn zip_document(document: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let written = zip
        .start_file("word/document.xml", options)
        .and_then(|()| zip.write_all(document).map_err(Into::into))
        .and_then(|()| zip.finish());
    written.map(std::io::Cursor::into_inner).unwrap_or_default()
}

/// Personal numbers are found at character boundaries, in order, without overlaps, and
/// masked; masking never panics and never lengthens the text (each hidden digit, however
/// written, becomes one `*`).
pub fn personal_data(data: &[u8]) {
    let text = text(data);
    for validation in [pii::Validation::Checksum, pii::Validation::Shape] {
        let mut last = 0;
        for m in pii::find(&text, validation) {
            assert!(
                m.range.start >= last
                    && text.is_char_boundary(m.range.start)
                    && text.is_char_boundary(m.range.end),
                "{text:?}: {m:?}"
            );
            assert!(m.masked.contains('*'), "{text:?}: {m:?}");
            last = m.range.end;
        }
    }
    let masked = pii::mask(&text);
    assert!(masked.len() <= text.len(), "{text:?} → {masked:?}");
}

/// Slugs are clean or empty; accepted slugs, paths and template names never climb out.
pub fn slug(data: &[u8]) {
    let text = text(data);
    let s = slugify(&text);
    assert!(
        s.is_empty() || is_clean_slug(&s),
        "slugify({text:?}) = {s:?}"
    );
    if let Ok(s) = check_slug(&text) {
        assert!(is_clean_slug(&s), "{s:?}");
    }
    for allow_file in [false, true] {
        if let Ok(p) = check_site_path(&text, allow_file) {
            for part in [&p.url, &p.file] {
                assert!(!part.contains(['\\', '\0', ':']), "{part:?}");
                assert!(
                    part.split('/').all(|seg| seg != ".." && seg != "."),
                    "{part:?}"
                );
            }
            assert!(!p.file.starts_with('/'), "{:?}", p.file);
        }
    }
    if check_template_name(&text).is_ok() {
        assert!(!text.starts_with('/') && !text.split('/').any(|s| s == ".."));
    }
}

/// Markdown → HTML with the sanitizer: no script, no event handler, no script URL.
pub fn markdown(data: &[u8]) {
    let text = text(data);
    for articles in [false, true] {
        let r = markdown::render(
            &text,
            MarkdownOptions {
                unsafe_html: false,
                articles,
            },
        );
        for html in std::iter::once(&r.html).chain(r.summary_html.as_ref()) {
            if let Some(bad) = unsafe_markup(html) {
                panic!("unsafe markup {bad:?} from {text:?}");
            }
        }
    }
}

/// Shortcode syntax through the Markdown path: no panic; every call and error points into
/// the input; calls nest no deeper than [`markdown::shortcodes::MAX_DEPTH`]; and with each
/// call's output in place (as a template would make it: its arguments escaped around its
/// body), no script from the content survives.
pub fn shortcodes(data: &[u8]) {
    let text = text(data);
    let r = markdown::render(&text, MarkdownOptions::default());
    let lines: Vec<&str> = text.split('\n').collect();
    let positions = r
        .shortcode_errors
        .iter()
        .map(|e| e.position)
        .chain(r.shortcodes.calls.iter().map(|c| c.position));
    for p in positions {
        let line = lines.get(p.line.wrapping_sub(1));
        assert!(
            line.is_some_and(|l| p.column >= 1 && p.column <= l.chars().count() + 1),
            "position {p:?} outside {text:?}"
        );
    }
    let outputs = r.shortcodes.expand(|_, call, body| {
        let args: String = call
            .args
            .iter()
            .map(|(k, v)| format!("{k}={v:?};"))
            .collect();
        Ok::<_, ()>(format!(
            "<wm-fuzz title=\"{}\">{}</wm-fuzz>",
            crate::text::escape_html(&args),
            body.unwrap_or_default()
        ))
    });
    let outputs = outputs.unwrap_or_default();
    for html in std::iter::once(&r.html).chain(r.summary_html.as_ref()) {
        let html = r.shortcodes.substitute(html, &outputs);
        if let Some(bad) = unsafe_markup(&html) {
            panic!("unsafe markup {bad:?} from {text:?}");
        }
        // The sanitizer removes unknown elements: every `wm-fuzz` is a call's output.
        let mut depth = 0usize;
        for tag in tags(&html) {
            if tag.starts_with("<wm-fuzz") {
                depth += 1;
                assert!(
                    depth <= markdown::shortcodes::MAX_DEPTH,
                    "nested deeper than the limit: {text:?}"
                );
            } else if tag.starts_with("</wm-fuzz") {
                depth = depth.saturating_sub(1);
            }
        }
    }
}

/// The search tokenizer: positions never go backwards and no token is empty.
pub fn tokenize_text(data: &[u8]) {
    let text = text(data);
    let tokens = tokenize(&text);
    let mut last = 0;
    for t in &tokens {
        assert!(t.position >= last, "positions go back in {text:?}");
        last = t.position;
        assert!(!t.token.key().is_empty(), "empty token in {text:?}");
    }
}

/// The first piece of `html` that could run script: a `<script`, `<iframe`, `<object` or
/// `<embed` element, an `on…` attribute, or a `javascript:`/`vbscript:`/`data:` URL in a URL
/// attribute. Text is assumed escaped (a raw `<` always starts a tag).
pub fn unsafe_markup(html: &str) -> Option<String> {
    for tag in tags(html) {
        let tag = tag.to_ascii_lowercase();
        let name: String = tag[1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if ["script", "iframe", "object", "embed", "frame"].contains(&name.as_str()) {
            return Some(tag);
        }
        for (attr, value) in attributes(&tag) {
            let url = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>();
            let is_url = URL_ATTRIBUTES.contains(&attr);
            if attr.starts_with("on")
                || (is_url
                    && ["javascript:", "vbscript:", "data:"]
                        .iter()
                        .any(|s| url.starts_with(s)))
            {
                return Some(tag);
            }
        }
    }
    None
}

/// Every tag of `html`, from `<` to `>` (text is assumed escaped: a raw `<` starts a tag).
pub fn tags(html: &str) -> impl Iterator<Item = &str> {
    let mut rest = html;
    std::iter::from_fn(move || {
        let start = rest.find('<')?;
        let end = rest[start..]
            .find('>')
            .map_or(rest.len(), |e| start + e + 1);
        let tag = &rest[start..end];
        rest = &rest[end..];
        Some(tag)
    })
}

/// Attributes whose value is loaded or followed as a URL.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "background",
    "cite",
    "data",
    "srcset",
];

/// The attributes of one tag (`<a href="x" onclick=y>` → `href`=`x`, `onclick`=`y`).
pub fn attributes(tag: &str) -> Vec<(&str, &str)> {
    let inner = tag.trim_start_matches('<').trim_end_matches('>');
    let mut out = Vec::new();
    let mut rest = inner.find(char::is_whitespace).map_or("", |i| &inner[i..]);
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if rest.is_empty() {
            break;
        }
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len())
            .max(1);
        let name = &rest[..end];
        rest = rest[end..].trim_start();
        let mut value = "";
        if let Some(v) = rest.strip_prefix('=') {
            let v = v.trim_start();
            match v.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let close = v[1..].find(q).map_or(v.len(), |e| e + 1);
                    value = &v[1..close];
                    rest = v.get(close + 1..).unwrap_or("");
                }
                _ => {
                    let close = v.find(char::is_whitespace).unwrap_or(v.len());
                    value = &v[..close];
                    rest = &v[close..];
                }
            }
        }
        out.push((name, value));
    }
    out
}

/// Pieces random inputs are made of: the syntax each target cares about, attack strings,
/// Chinese text and awkward characters.
const PIECES: &[&str] = &[
    "13800138000",
    "138",
    "0013",
    "11010519491231002X",
    "6222 0212 3456 7890 128",
    "１３８",
    "+86",
    "0086",
    "&#49;",
    "&nbsp;",
    "&#",
    "<span>",
    "</span>",
    "<td>",
    "\u{200B}",
    "---\n",
    "---",
    "\n",
    "\r\n",
    "\r",
    "\t",
    " ",
    "  ",
    ": ",
    ":",
    "title: ",
    "date: ",
    "slug: ",
    "path: ",
    "aliases: ",
    "template: ",
    "tags: ",
    "extra:\n  ",
    "- ",
    "> ",
    "# ",
    "## ",
    "1. ",
    "* ",
    "**",
    "_",
    "`",
    "```\n",
    "~~~",
    "|",
    "|-|\n",
    "[",
    "]",
    "(",
    ")",
    "{",
    "}",
    "&a ",
    "*a",
    "!!",
    "'",
    "\"",
    "\\",
    "/",
    "../",
    "..",
    ".",
    "\0",
    "\u{feff}",
    "<!-- more -->",
    "<script>",
    "</script>",
    "<SCRIPT SRC=x>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">",
    "<a href=\"java\tscript:x\">",
    "<a href=data:text/html,x>",
    "<iframe src=x>",
    "<svg/onload=x>",
    "<div onclick='x'>",
    "<style>",
    "<object>",
    "<p>",
    "</p>",
    "<b>",
    "</b>",
    "<x onmouseover=1>",
    "&lt;",
    "&#x3C;",
    "&#106;avascript:",
    "[a](javascript:x)",
    "![i](data:image/svg+xml,<svg onload=x>)",
    "<https://a.b>",
    "{{ config }}",
    "{% include %}",
    "{{< ",
    " >}}",
    "{{< tip >}}",
    "{{< /tip >}}",
    "{{< figure src=\"/a.png\" alt=\"图\" >}}",
    "{{</* tip */>}}",
    "{{< x a=\"<script>alert(1)</script>\" b=3 c=-1.5 d=true >}}",
    "{{< x src=\"javascript:alert(1)\" >}}",
    "\\\"",
    "=",
    "\"wm-sc-",
    "WMSC0X",
    "<!-- ",
    " -->",
    "第一章 总则\n",
    "第一条 ",
    "第二条 ",
    "第十条 ",
    "文明",
    "城市",
    "志愿服务",
    "學習",
    "2026-02-30",
    "2026-03-05 09:30",
    "+08:00",
    "🎉",
    "👨‍👩‍👧",
    "é",
    "Ａ",
    "１２",
    "\u{200b}",
    "\u{202e}",
    "ﬁ",
    "ß",
];

/// A small deterministic random number generator (xorshift64*), so a seed names a run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// One input: pieces, random characters and random bytes, sometimes repeated many times
    /// (deep nesting), up to about `max_len` bytes.
    pub fn input(&mut self, max_len: usize) -> Vec<u8> {
        let mut out = Vec::new();
        let target = self.below(max_len + 1);
        while out.len() < target {
            match self.below(10) {
                0 => out.push(self.next_u64() as u8),
                1 => {
                    let c = char::from_u32(self.below(0x3_0000) as u32).unwrap_or('文');
                    out.extend(c.to_string().as_bytes());
                }
                2 => {
                    let piece = PIECES[self.below(PIECES.len())];
                    for _ in 0..1 + self.below(300) {
                        out.extend(piece.as_bytes());
                    }
                }
                _ => out.extend(PIECES[self.below(PIECES.len())].as_bytes()),
            }
        }
        out
    }
}

/// Runs `target` on random inputs from `seed` until `inputs` have run or `budget` is spent.
/// Returns how many ran. A broken property panics with the input in the message.
pub fn run(target: Target, seed: u64, inputs: usize, budget: std::time::Duration) -> usize {
    let started = std::time::Instant::now();
    let mut rng = Rng::new(seed);
    let mut n = 0;
    while n < inputs && started.elapsed() < budget {
        let data = rng.input(2048);
        let result = std::panic::catch_unwind(|| target(&data));
        if let Err(e) = result {
            let message = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!(
                "seed {seed}, input {n} failed: {message}\ninput (hex): {}",
                data.iter().map(|b| format!("{b:02x}")).collect::<String>()
            );
        }
        n += 1;
    }
    n
}
