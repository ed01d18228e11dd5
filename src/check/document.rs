//! One pass of pulldown-cmark over a page's Markdown, keeping what the rules need: links and
//! images with their text and position, raw HTML images, and the prose a reader sees (without
//! code, URLs or HTML) as one string that maps back to positions in the file.

use std::ops::Range;
use std::path::Path;
use std::sync::OnceLock;

use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};

use crate::config::Waivers;
use crate::content::{RawText, SourceFile};
use crate::error::{LineIndex, Position};
use crate::markdown::{Call, parser_options};
use crate::site::Site;
use crate::text::is_cjk;

/// A page or section file as the rules see it.
pub struct Doc<'a> {
    pub file: &'a Path,
    pub raw: &'a RawText,
    /// Site path of the page (`/news/a/`), for relative links.
    pub path: &'a str,
    /// Heading ids of the page.
    pub anchors: &'a [String],
    /// The final HTML, for ids that do not come from headings (footnotes, raw HTML).
    pub html: &'a str,
    pub waive: &'a Waivers,
    /// The shortcode calls of the Markdown body; their positions are in the body.
    pub shortcodes: &'a [Call],
    /// Lines before the Markdown body in the file.
    pub body_line_offset: usize,
    /// A 条例: its body has articles.
    pub is_regulation: bool,
    /// Line starts of the file, made when a position is first asked for.
    lines: OnceLock<LineIndex<'a>>,
}

impl Doc<'_> {
    /// The position of byte `offset` of the whole file.
    pub fn position(&self, offset: usize) -> Position {
        self.lines
            .get_or_init(|| LineIndex::new(&self.raw.text))
            .position(offset)
    }

    /// The position in the whole file of a shortcode call (whose position is in the body).
    pub fn call_position(&self, call: &Call) -> Position {
        Position {
            line: call.position.line + self.body_line_offset,
            column: call.position.column,
        }
    }

    /// True when this page has an element with id `anchor`.
    pub fn has_anchor(&self, anchor: &str) -> bool {
        has_anchor(self.anchors, self.html, anchor)
    }
}

/// True when `anchor` is a heading id or any `id="…"` in `html`.
pub fn has_anchor(anchors: &[String], html: &str, anchor: &str) -> bool {
    anchors.iter().any(|a| a == anchor)
        || html.contains(&format!("id=\"{}\"", crate::text::escape_html(anchor)))
}

/// Every page and every section read from a file.
pub fn documents<'a>(site: &'a Site) -> Vec<Doc<'a>> {
    let doc = |f: SourceFile<'a>, path: &'a str, html: &'a str| Doc {
        file: f.source,
        raw: f.raw,
        path,
        anchors: &f.body.anchors,
        html,
        waive: f.waive,
        shortcodes: &f.body.shortcodes.calls,
        body_line_offset: f.body_line_offset,
        is_regulation: !f.body.articles.is_empty(),
        lines: OnceLock::new(),
    };
    let pages = site
        .pages
        .iter()
        .map(|p| doc(p.page.source_file(), &p.path, p.html()));
    let sections = site
        .sections
        .iter()
        .filter(|s| s.from_file)
        .map(|s| doc(s.section.source_file(), &s.path, s.html()));
    pages.chain(sections).collect()
}

/// A Markdown link or image.
#[derive(Debug)]
pub struct LinkRef {
    pub dest: String,
    /// The visible text (for images, the alt text).
    pub text: String,
    /// Byte offset in the file.
    pub offset: usize,
    pub is_image: bool,
    /// Written as Markdown (a shortcode's URL argument is not): only then is a relative
    /// `….md` name resolved as a link to that page.
    pub in_markdown: bool,
}

/// An `<img>` tag written as raw HTML.
#[derive(Debug)]
pub struct HtmlImage {
    pub offset: usize,
    pub has_alt: bool,
}

/// Prose joined into one string; `segments` map it back to the file.
#[derive(Debug, Default)]
pub struct Prose {
    pub text: String,
    /// (offset in `text`, offset in the file, true when the bytes correspond one to one).
    segments: Vec<(usize, usize, bool)>,
}

/// Stands between pieces of prose that must not be matched as one (code, blocks).
const BREAK: char = '\n';

impl Prose {
    /// Appends text that starts at `file_offset` in the file. `linear` says whether its bytes
    /// are the file's bytes (false for entities and escapes).
    fn push(&mut self, text: &str, file_offset: usize, linear: bool) {
        self.segments.push((self.text.len(), file_offset, linear));
        self.text.push_str(text);
    }

    fn push_break(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with(BREAK) {
            self.text.push(BREAK);
        }
    }

    /// The file offset of byte `offset` of the prose.
    pub fn file_offset(&self, offset: usize) -> usize {
        let i = self
            .segments
            .partition_point(|(start, _, _)| *start <= offset)
            .saturating_sub(1);
        match self.segments.get(i) {
            Some(&(start, file, true)) => file + (offset - start),
            Some(&(_, file, false)) => file,
            None => 0,
        }
    }

    /// Prose taken from one line of front matter, `text` at `file_offset`.
    pub fn from_line(text: &str, file_offset: usize) -> Prose {
        let mut prose = Prose::default();
        prose.push(&blank_urls(text), file_offset, true);
        prose
    }
}

/// What one pass over a Markdown body found.
#[derive(Debug, Default)]
pub struct Scan {
    pub links: Vec<LinkRef>,
    pub html_images: Vec<HtmlImage>,
    pub prose: Prose,
}

/// Parses the Markdown body of `raw`; offsets are in the whole file.
pub fn scan(raw: &RawText) -> Scan {
    let body = raw.body();
    let base = raw.body_start;
    let mut out = Scan::default();
    // Links and images being read, innermost last; `autolink` ones show their URL as text.
    let mut open: Vec<(LinkRef, bool)> = Vec::new();
    let mut in_code_block = false;
    let in_autolink = |open: &[(LinkRef, bool)]| open.iter().any(|(_, autolink)| *autolink);
    let opened = |dest: &str, offset: usize, is_image: bool| LinkRef {
        dest: dest.to_string(),
        text: String::new(),
        offset,
        is_image,
        in_markdown: true,
    };
    for (event, range) in Parser::new_ext(body, parser_options()).into_offset_iter() {
        let Range { start, end } = range;
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => open.push((
                opened(&dest_url, base + start, false),
                matches!(link_type, LinkType::Autolink | LinkType::Email),
            )),
            Event::Start(Tag::Image { dest_url, .. }) => {
                open.push((opened(&dest_url, base + start, true), false))
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if let Some((link, _)) = open.pop() {
                    if let Some((outer, _)) = open.last_mut() {
                        outer.text.push_str(&link.text);
                    }
                    out.links.push(link);
                }
            }
            Event::Start(Tag::CodeBlock(_)) => {
                in_code_block = true;
                out.prose.push_break();
            }
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Text(text) => {
                if let Some((link, _)) = open.last_mut() {
                    link.text.push_str(&text);
                }
                if !in_code_block && !in_autolink(&open) {
                    let linear = end - start == text.len() && body.get(start..end) == Some(&*text);
                    out.prose.push(&blank_urls(&text), base + start, linear);
                }
            }
            Event::Code(text) => {
                if let Some((link, _)) = open.last_mut() {
                    link.text.push_str(&text);
                }
                out.prose.push_break();
            }
            // Chinese wrapped across lines reads as one run of text.
            Event::SoftBreak if !out.prose.text.chars().last().is_some_and(is_cjk) => {
                out.prose.push(" ", base + start, false);
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                html_images(&html, base + start, &mut out.html_images);
                out.prose.push_break();
            }
            // Emphasis does not interrupt the text a reader sees; blocks do.
            Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript,
            ) => {}
            Event::End(_) | Event::HardBreak | Event::Rule => out.prose.push_break(),
            _ => {}
        }
    }
    out
}

/// Finds `<img …>` tags in raw HTML and whether each has an `alt` attribute.
fn html_images(html: &str, offset: usize, out: &mut Vec<HtmlImage>) {
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find("<img") {
        let start = from + i;
        let end = lower[start..].find('>').map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        let has_alt = tag.match_indices("alt").any(|(j, _)| {
            tag[..j].ends_with(char::is_whitespace) && is_attribute_end(&tag[j + 3..])
        });
        out.push(HtmlImage {
            offset: offset + start,
            has_alt,
        });
        from = end.max(start + 4);
    }
}

fn is_attribute_end(rest: &str) -> bool {
    let rest = rest.trim_start();
    rest.is_empty() || rest.starts_with('=') || rest.starts_with('/') || rest.starts_with('>')
}

/// Replaces URLs in `text` with spaces of the same length, so that nothing matches inside
/// them while every other byte keeps its offset. A URL runs to the next whitespace, quote,
/// bracket or Chinese punctuation; Han characters in its path belong to it.
pub fn blank_urls(text: &str) -> std::borrow::Cow<'_, str> {
    const STARTS: [&str; 3] = ["http://", "https://", "www."];
    if !STARTS.iter().any(|s| text.contains(s)) {
        return text.into();
    }
    let ends_url = |c: char| {
        c.is_whitespace() || "\"'<>()[]{}".contains(c) || (is_cjk(c) && !crate::text::is_han(c))
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = STARTS.iter().filter_map(|s| rest.find(s)).min() {
        out.push_str(&rest[..i]);
        let url_len = rest[i..].find(ends_url).unwrap_or(rest.len() - i);
        out.extend(std::iter::repeat_n(' ', url_len));
        rest = &rest[i + url_len..];
    }
    out.push_str(rest);
    out.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(body: &str) -> RawText {
        RawText {
            text: format!("---\ntitle: t\n---\n{body}"),
            body_start: "---\ntitle: t\n---\n".len(),
        }
    }

    #[test]
    fn prose_joins_wrapped_chinese_and_skips_code_and_urls() {
        let raw = raw("扫黑\n险恶 `代码里的字` 见 https://example.com/扫黑险恶\n\n```\n块\n```\n");
        let scan = scan(&raw);
        assert!(
            scan.prose.text.starts_with("扫黑险恶 \n"),
            "{:?}",
            scan.prose.text
        );
        assert!(!scan.prose.text.contains("代码"));
        assert!(!scan.prose.text.contains('块'));
        assert!(!scan.prose.text.contains("example"));
        let at = scan.prose.text.find("险恶").unwrap_or(0);
        assert_eq!(
            Position::of_offset(&raw.text, scan.prose.file_offset(at)),
            Position { line: 5, column: 1 }
        );
    }

    #[test]
    fn links_keep_text_destination_and_position() {
        let scan = scan(&raw(
            "前文\n[点击**这里**](/a/) ![](x.png)\n\n<img src=\"y.png\" alt=\"\">",
        ));
        assert_eq!(scan.links.len(), 2);
        assert_eq!(scan.links[0].text, "点击这里");
        assert_eq!(scan.links[0].dest, "/a/");
        assert!(scan.links[1].is_image && scan.links[1].text.is_empty());
        assert_eq!(scan.html_images.len(), 1);
        assert!(scan.html_images[0].has_alt);
    }
}
