//! Shortcode syntax in Markdown: `{{< name key="value" n=3 flag=true >}}`, paired
//! `{{< name >}} Markdown {{< /name >}}`, and the escape `{{</* name */>}}`, which shows
//! `{{< name >}}`.
//!
//! The seam between stages: this module (part of the markdown stage) only reads the syntax
//! and never sees a template. Rendering a page replaces each call by an opaque token (see
//! [`Shortcodes::substitute`]) and keeps the parsed [`Call`]s — name, typed arguments, the
//! body already rendered to sanitized HTML, position — in [`Shortcodes`]. The render stage
//! (`render::shortcodes`), which owns Tera, later renders `shortcodes/<name>.html` for each
//! call and puts the trusted outputs in place of the tokens, after the editor's HTML was
//! sanitized. A token holds a random per-process key and a `"`, so it can neither be guessed
//! nor appear in an attribute of sanitized HTML (html5ever writes `"` there as `&quot;`);
//! tokens only ever stand where this module put them, in text (tested in
//! `tests/shortcodes.rs`).
//!
//! Shortcode syntax in code spans and code blocks is text. In raw HTML a call is an error
//! (a template's HTML must not land inside an editor's tag), except in an HTML comment,
//! where it is commented out.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::ops::Range;
use std::sync::OnceLock;

use pulldown_cmark::{Event, Parser, Tag};
use serde::Serialize;

use crate::error::{LineIndex, Position};

/// Deepest nesting of shortcodes: a shortcode inside the bodies of seven paired ones.
pub const MAX_DEPTH: usize = 8;

/// Names a shortcode's template context uses itself, so no argument may take them.
pub const RESERVED: &[&str] = &["body", "nth", "page", "config"];

/// Arguments that hold URLs: `javascript:`, `vbscript:` and `data:` values become `#`, as
/// in Markdown links.
pub fn is_url_argument(name: &str) -> bool {
    matches!(
        name,
        "src" | "href" | "url" | "link" | "poster" | "captions"
    ) || name.ends_with("_src")
        || name.ends_with("_url")
        || name.ends_with("_href")
}

/// An argument's value, typed as written: `"text"`, `3`, `-1.5`, `true`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ArgValue {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

/// One shortcode call of a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: String,
    /// Arguments in the order written.
    pub args: Vec<(String, ArgValue)>,
    /// A paired call's body: its Markdown rendered to sanitized HTML, with the tokens of the
    /// calls inside it. `None` for a call without a closing tag.
    pub body: Option<String>,
    /// 1-based count of calls of this name in the page, in document order.
    pub nth: usize,
    /// Where `{{<` is, in the Markdown body.
    pub position: Position,
    /// What is known of the image the `src` argument names, when it is a file of the site.
    pub image: Option<super::ImageInfo>,
}

/// The shortcode calls of one page, in document order, and the key of their tokens.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Shortcodes {
    nonce: u64,
    pub calls: Vec<Call>,
}

/// A shortcode syntax error, in the Markdown body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortcodeError {
    pub position: Position,
    pub message: String,
    pub hint: Option<String>,
}

impl Shortcodes {
    pub fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }

    fn prefix(&self) -> String {
        format!("\"wm-sc-{:016x}-", self.nonce)
    }

    /// The token that stands for call `i` in the HTML until its output replaces it.
    pub(super) fn token(&self, i: usize) -> String {
        format!("{}{i}\"", self.prefix())
    }

    /// True when `html` is one of this page's tokens.
    pub(super) fn is_token(&self, html: &str) -> bool {
        !self.calls.is_empty() && html.starts_with(&self.prefix())
    }

    /// `html` with every token replaced by its call's output, in one pass (outputs are not
    /// searched again).
    pub fn substitute(&self, html: &str, outputs: &[String]) -> String {
        if self.calls.is_empty() {
            return html.to_string();
        }
        crate::text::replace_numbered(html, &self.prefix(), |n, out| match outputs.get(n) {
            Some(o) => {
                out.push_str(o);
                true
            }
            None => false,
        })
    }

    /// Renders every call with `render` (given the call's index, the call and its body with
    /// the outputs of the calls inside it already in place), innermost first. Returns each
    /// call's output, or every error.
    pub fn expand<E>(
        &self,
        mut render: impl FnMut(usize, &Call, Option<String>) -> Result<String, E>,
    ) -> Result<Vec<String>, Vec<E>> {
        let mut outputs = vec![String::new(); self.calls.len()];
        let mut errors = Vec::new();
        // A call's body only holds the tokens of calls that come after it.
        for i in (0..self.calls.len()).rev() {
            let call = &self.calls[i];
            let body = call.body.as_deref().map(|b| self.substitute(b, &outputs));
            match render(i, call, body) {
                Ok(output) => outputs[i] = output,
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() {
            Ok(outputs)
        } else {
            errors.reverse();
            Err(errors)
        }
    }
}

/// A key no editor can know, so that no text of theirs can be taken for a token. Tokens
/// never reach the output, so it does not make builds differ.
fn nonce(source: &str) -> u64 {
    static KEY: OnceLock<std::collections::hash_map::RandomState> = OnceLock::new();
    KEY.get_or_init(Default::default).hash_one(source)
}

/// What a piece of syntax is.
#[derive(Debug, Clone, PartialEq)]
enum TagKind {
    Open {
        name: String,
        args: Vec<(String, ArgValue)>,
    },
    Close {
        name: String,
    },
    /// `{{</* … */>}}`: shown as `{{< … >}}`.
    Escape(String),
}

#[derive(Debug, Clone, PartialEq)]
struct SyntaxTag {
    start: usize,
    end: usize,
    kind: TagKind,
}

/// A call or escape as placed in the document tree.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Item {
    /// Call number `index`; `body` is the Markdown between a paired call's tags.
    Call {
        index: usize,
        body: Option<Range<usize>>,
    },
    /// An escape: this text is shown.
    Literal(String),
}

/// A call or escape, its extent in the source and what sits in its body.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Node {
    pub range: Range<usize>,
    pub item: Item,
    /// Nodes directly in the body, by index into [`Plan::nodes`].
    pub children: Vec<usize>,
}

/// Every shortcode of a Markdown source, parsed and nested, with the calls to fill in.
#[derive(Debug, Default)]
pub(super) struct Plan {
    pub nodes: Vec<Node>,
    /// Nodes outside any paired call.
    pub top: Vec<usize>,
    pub shortcodes: Shortcodes,
    pub errors: Vec<ShortcodeError>,
}

/// A piece of Markdown to render: the source between two offsets with the shortcodes in it
/// replaced by placeholder words, and how offsets map back to the source.
#[derive(Debug, Default)]
pub(super) struct Fragment<'a> {
    pub text: Cow<'a, str>,
    /// (start in `text`, start in the source, copied verbatim) for each piece, in order.
    segments: Vec<(usize, usize, bool)>,
    /// (range in `text`, node) of each placeholder, in order.
    pub placeholders: Vec<(Range<usize>, usize)>,
}

impl<'a> Fragment<'a> {
    /// The whole source as it is.
    pub fn plain(source: &'a str) -> Fragment<'a> {
        Fragment {
            text: Cow::Borrowed(source),
            segments: Vec::new(),
            placeholders: Vec::new(),
        }
    }

    /// The indices of the placeholders wholly inside `range` of the fragment's text.
    pub fn within(&self, range: &Range<usize>) -> Range<usize> {
        let first = self
            .placeholders
            .partition_point(|(p, _)| p.start < range.start);
        let end = first + self.placeholders[first..].partition_point(|(p, _)| p.end <= range.end);
        first..end
    }

    /// This fragment with `insert` put at each of `offsets` (ascending offsets of its text);
    /// each inserted piece maps to the source offset it stands at, the rest as before.
    pub fn with_insertions(&self, offsets: &[usize], insert: &str) -> Fragment<'static> {
        let mut cuts: Vec<usize> = self.segments.iter().map(|s| s.0).collect();
        cuts.extend_from_slice(offsets);
        cuts.push(0);
        cuts.push(self.text.len());
        cuts.sort_unstable();
        cuts.dedup();
        let mut text = String::with_capacity(self.text.len() + offsets.len() * insert.len());
        let mut segments = Vec::with_capacity(cuts.len() + offsets.len());
        let verbatim = |at: usize| {
            let k = self.segments.partition_point(|s| s.0 <= at);
            self.segments.get(k.saturating_sub(1)).is_none_or(|s| s.2)
        };
        for (k, &at) in cuts.iter().enumerate() {
            if offsets.binary_search(&at).is_ok() {
                segments.push((text.len(), self.source_offset(at), false));
                text.push_str(insert);
            }
            let end = cuts.get(k + 1).copied().unwrap_or(at);
            segments.push((text.len(), self.source_offset(at), verbatim(at)));
            text.push_str(&self.text[at..end]);
        }
        let shift = |at: usize| at + insert.len() * offsets.partition_point(|&o| o <= at);
        let placeholders = self
            .placeholders
            .iter()
            .map(|(range, node)| (shift(range.start)..shift(range.start) + range.len(), *node))
            .collect();
        Fragment {
            text: Cow::Owned(text),
            segments,
            placeholders,
        }
    }

    /// The offset in the source of offset `at` of the fragment's text (a placeholder maps to
    /// the start of its shortcode).
    pub fn source_offset(&self, at: usize) -> usize {
        if self.segments.is_empty() {
            return at;
        }
        let k = self.segments.partition_point(|s| s.0 <= at);
        match self.segments.get(k.saturating_sub(1)) {
            Some(&(text_start, source_start, true)) => source_start + (at - text_start),
            Some(&(_, source_start, false)) => source_start,
            None => at,
        }
    }
}

impl Plan {
    /// Parses the shortcodes of `source` (a Markdown body that contains `{{<`).
    pub fn new(source: &str) -> Plan {
        let mut errors = Vec::new();
        let locate = LineIndex::new(source);
        let literal = literal_ranges(source);
        let tags = lex(source, &literal, &locate, &mut errors);
        let mut plan = Plan::default();
        plan.shortcodes.nonce = nonce(source);
        if errors.is_empty() {
            plan.nest(&locate, tags, &mut errors);
        }
        plan.errors = errors;
        plan
    }

    /// Pairs opening and closing tags, numbers the calls and builds the tree.
    fn nest(&mut self, locate: &LineIndex, tags: Vec<SyntaxTag>, errors: &mut Vec<ShortcodeError>) {
        let closer = pair(locate, &tags, errors);
        if errors.is_empty() {
            self.build_tree(locate, tags, &closer, errors);
        }
    }

    /// Numbers the calls of `tags` (paired by `closer`) and builds the tree of nodes.
    fn build_tree(
        &mut self,
        locate: &LineIndex,
        tags: Vec<SyntaxTag>,
        closer: &[Option<usize>],
        errors: &mut Vec<ShortcodeError>,
    ) {
        let closing: Vec<Option<(usize, usize)>> = closer
            .iter()
            .map(|c| c.map(|c| (tags[c].start, tags[c].end)))
            .collect();
        let mut counts: HashMap<String, usize> = HashMap::new();
        // Paired nodes the sweep is inside: (node, end of its closing tag).
        let mut inside: Vec<(usize, usize)> = Vec::new();
        let mut too_deep = false;
        for (tag, closing) in tags.into_iter().zip(closing) {
            let (range, item) = match tag.kind {
                TagKind::Close { .. } => continue,
                TagKind::Escape(text) => (tag.start..tag.end, Item::Literal(text)),
                TagKind::Open { name, args } => {
                    let nth = counts.entry(name.clone()).or_default();
                    *nth += 1;
                    let index = self.shortcodes.calls.len();
                    self.shortcodes.calls.push(Call {
                        nth: *nth,
                        name,
                        args,
                        body: None,
                        position: locate.position(tag.start),
                        image: None,
                    });
                    match closing {
                        Some((close_start, close_end)) => (
                            tag.start..close_end,
                            Item::Call {
                                index,
                                body: Some(tag.end..close_start),
                            },
                        ),
                        None => (tag.start..tag.end, Item::Call { index, body: None }),
                    }
                }
            };
            while inside.last().is_some_and(|&(_, end)| end <= range.start) {
                inside.pop();
            }
            let node = self.nodes.len();
            let is_call = matches!(item, Item::Call { .. });
            if is_call && inside.len() >= MAX_DEPTH && !too_deep {
                too_deep = true;
                errors.push(syntax_error(
                    locate,
                    range.start,
                    format!("短代码嵌套超过 {MAX_DEPTH} 层"),
                    &format!(
                        "一个短代码里最多再套 {} 层短代码；请把内容拆开",
                        MAX_DEPTH - 1
                    ),
                ));
            }
            match inside.last() {
                Some(&(parent, _)) => self.nodes[parent].children.push(node),
                None => self.top.push(node),
            }
            if matches!(item, Item::Call { body: Some(_), .. }) {
                inside.push((node, range.end));
            }
            self.nodes.push(Node {
                range,
                item,
                children: Vec::new(),
            });
        }
    }

    /// The fragment of `source` between `range`, with the nodes `children` (in order, each
    /// inside `range`) replaced by placeholders.
    pub fn fragment(
        &self,
        source: &str,
        range: Range<usize>,
        children: &[usize],
    ) -> Fragment<'static> {
        let mut text = String::with_capacity(range.len());
        let mut f = Fragment {
            text: Cow::Borrowed(""),
            segments: Vec::with_capacity(children.len() * 2 + 1),
            placeholders: Vec::with_capacity(children.len()),
        };
        let mut at = range.start;
        for &child in children {
            let node = &self.nodes[child];
            f.segments.push((text.len(), at, true));
            text.push_str(&source[at..node.range.start]);
            f.segments.push((text.len(), node.range.start, false));
            let start = text.len();
            // Letters and digits only: Markdown reads them as plain text wherever they are.
            text.push_str(&format!("WMSC{child}X"));
            f.placeholders.push((start..text.len(), child));
            at = node.range.end;
        }
        f.segments.push((text.len(), at, true));
        text.push_str(&source[at..range.end]);
        f.text = Cow::Owned(text);
        f
    }
}

/// The closing tag of each opening one in `tags`; a closing tag without an opening one is an
/// error. Opening tags left open inside a pair are calls without a body.
fn pair(
    locate: &LineIndex,
    tags: &[SyntaxTag],
    errors: &mut Vec<ShortcodeError>,
) -> Vec<Option<usize>> {
    let mut closer: Vec<Option<usize>> = vec![None; tags.len()];
    let mut stack: Vec<usize> = Vec::new();
    let mut open: HashMap<&str, usize> = HashMap::new();
    for (k, tag) in tags.iter().enumerate() {
        match &tag.kind {
            TagKind::Open { name, .. } => {
                stack.push(k);
                *open.entry(name).or_default() += 1;
            }
            TagKind::Close { name } => {
                if open.get(name.as_str()).copied().unwrap_or(0) == 0 {
                    let innermost = stack.last().and_then(|&o| match &tags[o].kind {
                        TagKind::Open { name, .. } => Some(name),
                        _ => None,
                    });
                    errors.push(unmatched_close(locate, tag.start, name, innermost));
                    continue;
                }
                // Opening tags left open inside this pair are calls without a body.
                while let Some(o) = stack.pop() {
                    if let TagKind::Open { name: n, .. } = &tags[o].kind {
                        if let Some(c) = open.get_mut(n.as_str()) {
                            *c = c.saturating_sub(1);
                        }
                        if n == name {
                            closer[o] = Some(k);
                            break;
                        }
                    }
                }
            }
            TagKind::Escape(_) => {}
        }
    }
    closer
}

/// The error of a closing tag `name` at `at` with no opening one: it closes `innermost` (the
/// innermost call still open) by mistake, or nothing at all.
fn unmatched_close(
    locate: &LineIndex,
    at: usize,
    name: &str,
    innermost: Option<&String>,
) -> ShortcodeError {
    match innermost {
        Some(other) => syntax_error(
            locate,
            at,
            format!("结束标记 {{{{< /{name} >}}}} 与前面未结束的 {{{{< {other} >}}}} 不匹配"),
            &format!("应写作 {{{{< /{other} >}}}}"),
        ),
        None => syntax_error(
            locate,
            at,
            format!("结束标记 {{{{< /{name} >}}}} 前面没有对应的 {{{{< {name} >}}}}"),
            &format!("检查名称是否写错；成对的短代码写作 {{{{< {name} >}}}}…{{{{< /{name} >}}}}"),
        ),
    }
}

/// Where shortcode syntax is not read: code spans and blocks (`true`: shown as text) and raw
/// HTML (`false`).
fn literal_ranges(source: &str) -> Vec<(Range<usize>, bool)> {
    let mut ranges: Vec<(Range<usize>, bool)> = Vec::new();
    for (event, range) in Parser::new_ext(source, super::parser_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) | Event::Code(_) => ranges.push((range, true)),
            Event::Start(Tag::HtmlBlock) | Event::Html(_) | Event::InlineHtml(_) => {
                ranges.push((range, false))
            }
            _ => {}
        }
    }
    ranges.sort_by_key(|(r, _)| r.start);
    // An HTML block holds its lines' events: one range each, so they never overlap.
    let mut merged: Vec<(Range<usize>, bool)> = Vec::with_capacity(ranges.len());
    for (r, code) in ranges {
        match merged.last_mut() {
            Some((last, _)) if r.start < last.end => last.end = last.end.max(r.end),
            _ => merged.push((r, code)),
        }
    }
    merged
}

/// Whether reading `text` leaves the reader inside an HTML comment, starting `inside` or not.
fn comment_after(text: &str, mut inside: bool) -> bool {
    let mut rest = text;
    loop {
        let (mark, next) = if inside {
            ("-->", false)
        } else {
            ("<!--", true)
        };
        match rest.find(mark) {
            Some(i) => {
                rest = &rest[i + mark.len()..];
                inside = next;
            }
            None => return inside,
        }
    }
}

/// Every shortcode tag of `source` outside code and HTML comments, in order. Errors are
/// collected; an unclosed `{{<` ends the search.
fn lex<'a>(
    source: &'a str,
    literal: &[(Range<usize>, bool)],
    locate: &LineIndex<'a>,
    errors: &mut Vec<ShortcodeError>,
) -> Vec<SyntaxTag> {
    let mut tags = Vec::new();
    let mut pos = 0;
    let mut cursor = 0;
    // The raw HTML last looked into: (its start, how far it was read, in a comment there).
    let mut comment = (usize::MAX, 0, false);
    while let Some(found) = source[pos..].find("{{<") {
        let start = pos + found;
        pos = start + 3;
        while literal.get(cursor).is_some_and(|(r, _)| r.end <= start) {
            cursor += 1;
        }
        let (in_code, in_html) = match literal.get(cursor) {
            Some((r, code)) if r.contains(&start) => (*code, (!code).then_some(r.start)),
            _ => (false, None),
        };
        if in_code {
            continue;
        }
        // Inside raw HTML, whether `start` is in a comment, read on from the last call.
        let in_comment = in_html.is_some_and(|html_start| {
            if comment.0 != html_start {
                comment = (html_start, html_start, false);
            }
            comment.2 = comment_after(&source[comment.1..start], comment.2);
            comment.1 = start;
            comment.2
        });
        let mut lexer = Lexer {
            source,
            at: pos,
            start,
            locate,
        };
        match lexer.tag() {
            Ok(tag) => {
                if in_html.is_some() {
                    if !in_comment && !matches!(tag.kind, TagKind::Escape(_)) {
                        errors.push(syntax_error(
                            locate,
                            start,
                            "短代码不能写在 HTML 代码里".into(),
                            "在 HTML 前后各空一行，把短代码写在 HTML 之外",
                        ));
                    }
                    continue;
                }
                pos = tag.end;
                tags.push(tag);
            }
            Err((e, fatal)) => {
                errors.push(e);
                if fatal {
                    break;
                }
            }
        }
    }
    tags
}

/// A syntax error at byte `at` of the body.
fn syntax_error(locate: &LineIndex, at: usize, message: String, hint: &str) -> ShortcodeError {
    ShortcodeError {
        position: locate.position(at),
        message,
        hint: Some(hint.to_string()),
    }
}

/// Reads one tag starting at `start` (`{{<`); `at` is just after it.
struct Lexer<'a, 'l> {
    source: &'a str,
    at: usize,
    start: usize,
    locate: &'l LineIndex<'a>,
}

/// A lexing error, and whether it ends the search (nothing closes the tag).
type LexError = (ShortcodeError, bool);

const SYNTAX_HINT: &str =
    "短代码写作 {{< 名称 参数=\"值\" >}}，以 >}} 结束；要显示“{{<”本身，请写 {{</* 名称 */>}}";

fn is_name_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-'
}

impl Lexer<'_, '_> {
    fn rest(&self) -> &str {
        &self.source[self.at..]
    }

    fn error_at(&mut self, at: usize, message: String, hint: &str) -> LexError {
        (syntax_error(self.locate, at, message, hint), false)
    }

    fn unclosed(&mut self) -> LexError {
        let (e, _) = self.error_at(self.start, "短代码“{{<”没有用“>}}”结束".into(), SYNTAX_HINT);
        (e, true)
    }

    fn skip_space(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start().len();
    }

    fn name(&mut self) -> &str {
        let rest = &self.source[self.at..];
        let len = rest.find(|c: char| !is_name_char(c)).unwrap_or(rest.len());
        self.at += len;
        &rest[..len]
    }

    /// The word at the current place, for messages: up to a space, `=` or `>}}`, at most 20
    /// characters.
    fn word(&self) -> String {
        let rest = self.rest();
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '=')
            .unwrap_or(rest.len())
            .min(rest.find(">}}").unwrap_or(rest.len()));
        let word: String = rest[..end].chars().take(20).collect();
        if word.is_empty() {
            rest.chars().take(1).collect()
        } else {
            word
        }
    }

    /// Reads a tag after its `{{<`: an escape, a closing tag or an opening one with its
    /// arguments.
    fn tag(&mut self) -> Result<SyntaxTag, LexError> {
        if self.rest().starts_with("/*") {
            return self.escape();
        }
        self.skip_space();
        let closing = self.rest().starts_with('/');
        if closing {
            self.at += 1;
            self.skip_space();
        }
        let name_at = self.at;
        let name = self.name().to_string();
        if name.is_empty() {
            if self.rest().is_empty() {
                return Err(self.unclosed());
            }
            let message = if self.rest().starts_with(">}}") {
                "短代码缺少名称".to_string()
            } else {
                format!(
                    "短代码名称“{}”无效：只能用小写英文字母、数字、_ 和 -",
                    self.word()
                )
            };
            return Err(self.error_at(name_at, message, SYNTAX_HINT));
        }
        if !self.rest().is_empty()
            && !self
                .rest()
                .starts_with(|c: char| c.is_whitespace() || c == '>')
        {
            self.at = name_at;
            let message = format!(
                "短代码名称“{}”无效：只能用小写英文字母、数字、_ 和 -",
                self.word()
            );
            return Err(self.error_at(name_at, message, SYNTAX_HINT));
        }
        if closing {
            self.close_tag(name)
        } else {
            self.open_tag(name)
        }
    }

    /// `{{</* … */>}}`: shortcode syntax shown as text.
    fn escape(&mut self) -> Result<SyntaxTag, LexError> {
        let inner = &self.rest()[2..];
        match inner.find("*/>}}") {
            Some(end) => Ok(SyntaxTag {
                start: self.start,
                end: self.at + 2 + end + 5,
                kind: TagKind::Escape(format!("{{{{<{}>}}}}", &inner[..end])),
            }),
            None => {
                let (mut e, _) = self.unclosed();
                e.message = "短代码转义“{{</*”没有用“*/>}}”结束".into();
                Err((e, true))
            }
        }
    }

    /// The rest of a closing tag `{{< /name >}}` after its name.
    fn close_tag(&mut self, name: String) -> Result<SyntaxTag, LexError> {
        self.skip_space();
        if self.rest().starts_with(">}}") {
            return Ok(SyntaxTag {
                start: self.start,
                end: self.at + 3,
                kind: TagKind::Close { name },
            });
        }
        if self.rest().is_empty() {
            return Err(self.unclosed());
        }
        Err(self.error_at(
            self.at,
            format!("结束标记 {{{{< /{name} >}}}} 中不能有参数"),
            &format!("写作 {{{{< /{name} >}}}}"),
        ))
    }

    /// The arguments of an opening tag `{{< name key="value" … >}}` after its name.
    fn open_tag(&mut self, name: String) -> Result<SyntaxTag, LexError> {
        let mut args: Vec<(String, ArgValue)> = Vec::new();
        loop {
            self.skip_space();
            if self.rest().starts_with(">}}") {
                return Ok(SyntaxTag {
                    start: self.start,
                    end: self.at + 3,
                    kind: TagKind::Open { name, args },
                });
            }
            if self.rest().is_empty() {
                return Err(self.unclosed());
            }
            let key_at = self.at;
            let key = self.name().to_string();
            let at_end = self.rest().is_empty();
            let ends_word = self.rest().starts_with(|c: char| c.is_whitespace())
                || self.rest().starts_with(">}}");
            if at_end {
                return Err(self.unclosed());
            }
            if key.is_empty() || !(self.rest().starts_with('=') || ends_word) {
                self.at = key_at;
                return Err(self.error_at(
                    key_at,
                    format!(
                        "短代码 {name} 的参数名“{}”无效：只能用小写英文字母、数字、_ 和 -",
                        self.word()
                    ),
                    SYNTAX_HINT,
                ));
            }
            if ends_word {
                return Err(self.error_at(
                    key_at,
                    format!("短代码 {name} 的参数“{key}”后面缺少“=”"),
                    "参数写作 名称=\"值\"，等号两边不要有空格",
                ));
            }
            self.at += 1;
            let value = self.value(&name, &key)?;
            if RESERVED.contains(&key.as_str()) {
                return Err(self.error_at(
                    key_at,
                    format!("短代码 {name} 的参数名“{key}”是保留的"),
                    &format!(
                        "换一个参数名；{} 由 wenming 提供给模板",
                        RESERVED.join("、")
                    ),
                ));
            }
            if args.iter().any(|(k, _)| *k == key) {
                return Err(self.error_at(
                    key_at,
                    format!("短代码 {name} 的参数“{key}”重复"),
                    "每个参数只写一次",
                ));
            }
            let value = match value {
                ArgValue::Str(s) if is_url_argument(&key) && !super::is_safe_url(&s, false) => {
                    ArgValue::Str("#".into())
                }
                v => v,
            };
            args.push((key, value));
        }
    }

    /// Reads an argument's value at the current place.
    fn value(&mut self, name: &str, key: &str) -> Result<ArgValue, LexError> {
        let rest = self.rest();
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = quoted.char_indices();
            while let Some((i, c)) = chars.next() {
                match c {
                    '"' => {
                        self.at += 1 + i + 1;
                        return Ok(ArgValue::Str(value));
                    }
                    '\\' => match chars.next() {
                        Some((_, e @ ('"' | '\\'))) => value.push(e),
                        Some((_, other)) => {
                            value.push('\\');
                            value.push(other);
                        }
                        None => value.push('\\'),
                    },
                    c => value.push(c),
                }
            }
            let (e, _) = self.error_at(
                self.at,
                format!("短代码 {name} 的参数“{key}”的引号没有结束"),
                "在值的末尾加上英文双引号 \"；值里的双引号写作 \\\"",
            );
            return Err((e, true));
        }
        if rest.starts_with(['“', '”', '‘', '’', '「']) {
            return Err(self.error_at(
                self.at,
                format!("短代码 {name} 的参数“{key}”用了中文引号"),
                "请改用英文双引号，例如 title=\"温馨提示\"",
            ));
        }
        let end = rest
            .find(|c: char| c.is_whitespace())
            .unwrap_or(rest.len())
            .min(rest.find(">}}").unwrap_or(rest.len()));
        let word = &rest[..end];
        let value = match word {
            "" => {
                return Err(self.error_at(
                    self.at,
                    format!("短代码 {name} 的参数“{key}”缺少值"),
                    "参数写作 名称=\"值\"，等号两边不要有空格",
                ));
            }
            "true" => ArgValue::Bool(true),
            "false" => ArgValue::Bool(false),
            w => match (w.parse::<i64>(), w.parse::<f64>()) {
                (Ok(n), _) => ArgValue::Int(n),
                (_, Ok(x))
                    if x.is_finite()
                        && w.bytes()
                            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-') =>
                {
                    ArgValue::Float(x)
                }
                _ => {
                    let shown: String = w.chars().take(20).collect();
                    return Err(self.error_at(
                        self.at,
                        format!("短代码 {name} 的参数“{key}”的值“{shown}”要加英文双引号"),
                        "文字放在英文双引号里，例如 title=\"温馨提示\"；不加引号的只能是数字、true 或 false",
                    ));
                }
            },
        };
        self.at += end;
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{MarkdownOptions, render};
    use super::*;

    /// The HTML with each token shown as `[name#i]`, and the calls.
    fn shown(md: &str) -> (String, Vec<Call>, Vec<ShortcodeError>) {
        let r = render(md, MarkdownOptions::default());
        let outputs: Vec<String> = r
            .shortcodes
            .calls
            .iter()
            .enumerate()
            .map(|(i, c)| format!("[{}#{i}]", c.name))
            .collect();
        (
            r.shortcodes.substitute(&r.html, &outputs),
            r.shortcodes.calls,
            r.shortcode_errors,
        )
    }

    #[test]
    fn a_call_alone_on_its_line_is_a_block_and_inside_a_line_inline() {
        let (html, calls, errors) =
            shown("前文\n{{< figure src=\"/a.png\" n=3 x=-1.5 ok=true >}}\n后文 {{< tip >}} 完\n");
        assert_eq!(errors, vec![]);
        assert_eq!(html, "<p>前文</p>\n[figure#0]\n<p>后文 [tip#1] 完</p>\n");
        assert_eq!(
            calls[0].args,
            vec![
                ("src".into(), ArgValue::Str("/a.png".into())),
                ("n".into(), ArgValue::Int(3)),
                ("x".into(), ArgValue::Float(-1.5)),
                ("ok".into(), ArgValue::Bool(true)),
            ]
        );
        assert_eq!(calls[0].position, Position { line: 2, column: 1 });
        assert_eq!(calls[1].position, Position { line: 3, column: 4 });
    }

    #[test]
    fn paired_bodies_are_markdown_rendered_where_they_stand() {
        let r = render(
            "# 标题\n\n{{< tip title=\"注意\" >}}\n## 小节\n\n**加粗**文字 [链](@/a.md)\n{{< /tip >}}\n\n## 小节\n",
            MarkdownOptions::default(),
        );
        assert_eq!(r.shortcode_errors, vec![]);
        let call = &r.shortcodes.calls[0];
        assert_eq!(
            call.body.as_deref(),
            Some(
                "<h2 id=\"小节\">小节</h2>\n<p><strong>加粗</strong>文字 <a href=\"@wm-link/0\">链</a></p>\n"
            )
        );
        let toc: Vec<&str> = r.toc[0].children.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(toc, ["小节", "小节-1"]);
        assert_eq!(
            r.links[0].position,
            Position {
                line: 6,
                column: 10
            }
        );
        assert_eq!(r.text, "标题\n小节\n加粗文字 链\n小节");
        assert_eq!(r.word_count, 11);
    }

    #[test]
    fn code_escapes_and_template_syntax_stay_text() {
        let (html, calls, errors) = shown(
            "`{{< tip >}}` 和 {{</* tip title=\"x\" */>}} 与 {{ config }}\n\n```\n{{< tip >}}\n```\n",
        );
        assert_eq!(errors, vec![]);
        assert!(calls.is_empty());
        assert_eq!(
            html,
            "<p><code>{{&lt; tip &gt;}}</code> 和 {{&lt; tip title=\"x\" &gt;}} 与 {{ config }}</p>\n<pre><code>{{&lt; tip &gt;}}\n</code></pre>\n"
        );
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_an_error() {
        let ok = format!("{}{}", "{{< t >}}".repeat(8), "{{< /t >}}".repeat(8));
        assert_eq!(shown(&ok).2, vec![]);
        let deep = format!("{}{}", "{{< t >}}".repeat(9), "{{< /t >}}".repeat(9));
        let errors = shown(&deep).2;
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].message, "短代码嵌套超过 8 层");
        assert_eq!(
            errors[0].position,
            Position {
                line: 1,
                column: 73
            }
        );
    }

    /// Hostile sizes: every position, placeholder and comment is found in one pass, so these
    /// take no longer than rendering the text (a quadratic search took minutes here).
    #[test]
    fn many_calls_cost_no_more_than_their_text() {
        let many = "前文 {{< x n=1 >}} 后文\n".repeat(20_000);
        let r = render(&many, MarkdownOptions::default());
        assert_eq!(r.shortcodes.calls.len(), 20_000);
        assert_eq!(
            r.shortcodes.calls[19_999].position,
            Position {
                line: 20_000,
                column: 4
            }
        );
        let commented = format!("<!--\n{}-->\n", "{{< x >}}".repeat(100_000));
        let r = render(&commented, MarkdownOptions::default());
        assert!(r.shortcodes.is_empty() && r.shortcode_errors.is_empty());
        let in_html = format!("<div>\n{}</div>\n", "{{< x >}}\n".repeat(20_000));
        let r = render(&in_html, MarkdownOptions::default());
        assert_eq!(r.shortcode_errors.len(), 20_000);
        assert_eq!(
            r.shortcode_errors[19_999].position,
            Position {
                line: 20_001,
                column: 1
            }
        );
    }

    #[test]
    fn tokens_are_not_found_in_text_an_editor_wrote() {
        let r = render("{{< x >}}", MarkdownOptions::default());
        let token = r.shortcodes.token(0);
        let forged = format!("{token} <b title='{token}'>b</b>\n\n{{{{< x >}}}}");
        let r2 = render(&forged, MarkdownOptions::default());
        let out = r2.shortcodes.substitute(&r2.html, &["OUT".to_string()]);
        assert_eq!(out.matches("OUT").count(), 1, "{out}");
    }
}
