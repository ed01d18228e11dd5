//! Markdown → HTML with pulldown-cmark, plus what a Chinese site needs on top: stable heading
//! ids and a table of contents, a summary, Han-aware word counts, no stray spaces where a line
//! breaks inside Chinese text, internal `@/` links recorded for the link stage, and raw HTML
//! sanitized unless the site opts out.

pub mod articles;
mod emphasis;
mod headings;
mod images;
mod sanitize;
pub mod shortcodes;

use pulldown_cmark::{Alignment, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

pub use articles::{Article, Chapter};
pub use headings::{Heading, heading_id};
pub use images::{ImageInfo, ResponsiveImage};
pub use shortcodes::{ArgValue, Call, ShortcodeError, Shortcodes};

use shortcodes::Fragment;

use crate::error::{LineIndex, Position};
use crate::text::{count_words, is_cjk};

/// How Markdown is rendered for one site.
#[derive(Debug, Clone, Copy, Default)]
pub struct MarkdownOptions {
    pub unsafe_html: bool,
    /// Recognise `第X章` chapters and `第X条` articles (for regulations).
    pub articles: bool,
}

/// An `@/path.md#anchor` link found in a page, to be resolved once every page's URL is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalLink {
    /// Path inside `content/`, e.g. `rules/tiaoli.md`; for a `relative` link, the path as
    /// written (percent-decoded), from the folder of the file that links.
    pub target: String,
    pub anchor: Option<String>,
    /// Written as a relative file name (`中文文件名.md`, `../news/a.md`), not with `@/`.
    pub relative: bool,
    /// Position in the Markdown body (1-based, relative to the body's first line).
    pub position: Position,
}

/// The rendered body of a page or section.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// HTML in which internal links are still placeholders (see [`link_placeholder`]).
    pub html: String,
    pub toc: Vec<Heading>,
    /// HTML before `<!-- more -->`, when the author marked a summary.
    pub summary_html: Option<String>,
    /// The first ~120 characters of plain text, for automatic summaries.
    pub excerpt: String,
    pub word_count: usize,
    /// The visible text without markup (code included), one line per block, for the search
    /// index.
    pub text: String,
    pub links: Vec<InternalLink>,
    /// Every heading id, for checking `#anchor` links.
    pub anchors: Vec<String>,
    /// Chapters of a regulation (with `articles` on).
    pub chapters: Vec<Chapter>,
    /// Articles of a regulation, in order (with `articles` on).
    pub articles: Vec<Article>,
    /// Numbering problems: a gap, a repeat or a step back.
    pub article_errors: Vec<(Position, String)>,
    /// The shortcode calls; `html` and `summary_html` hold their tokens.
    pub shortcodes: Shortcodes,
    /// Shortcode syntax errors (then `shortcodes` is empty and the syntax shows as text).
    pub shortcode_errors: Vec<ShortcodeError>,
}

/// Characters in an automatic summary.
pub const EXCERPT_CHARS: usize = 120;

const SUMMARY_MARKER: &str = "<!-- more -->";

/// The `href` that stands for internal link number `n` until the link stage resolves it.
pub fn link_placeholder(n: usize) -> String {
    format!("@wm-link/{n}")
}

/// URL schemes allowed in Markdown links and images; anything else (javascript:, vbscript:,
/// data: in links…) is replaced by `#`.
fn is_safe_url(url: &str, is_image: bool) -> bool {
    let lower: String = url
        .trim_start()
        .chars()
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    let lower: String = lower
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect();
    match lower.find(':') {
        None => true,
        Some(i) => {
            // A colon after a path or query character is not a scheme.
            if lower[..i].contains(['/', '?', '#']) {
                return true;
            }
            let scheme = &lower[..i];
            matches!(scheme, "http" | "https" | "mailto" | "tel")
                || (is_image
                    && lower.starts_with("data:image/")
                    && !lower.starts_with("data:image/svg"))
        }
    }
}

/// `url` when Markdown would keep it in a link, else `#` (for templates: the `safe_url`
/// filter).
pub fn safe_url(url: &str) -> &str {
    if is_safe_url(url, false) { url } else { "#" }
}

/// The Markdown dialect of wenming, for every stage that parses Markdown.
pub fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders `source` (the Markdown body, without front matter), knowing no image sizes.
pub fn render(source: &str, options: MarkdownOptions) -> Rendered {
    render_with_images(source, options, &|_| None)
}

/// Renders `source`; `image_info` tells what is known of an image by its `src` as written
/// (see [`ImageInfo`]): its `width` and `height`, so that the text does not jump as the image
/// arrives, the resized copies of a photo (`srcset`), and whether it loads lazily. An image it
/// does not know gets `loading="lazy"`. Shortcodes become tokens and calls (see [`shortcodes`]); a
/// source without `{{<` pays for nothing of that.
pub fn render_with_images(
    source: &str,
    options: MarkdownOptions,
    image_info: &dyn Fn(&str) -> Option<ImageInfo>,
) -> Rendered {
    let mut walk = Walk {
        source,
        options,
        image_info,
        plan: None,
        links: Vec::new(),
        heading_ids: headings::IdAllocator::reserving_theme_ids(),
        toc_flat: Vec::new(),
        excerpt: String::new(),
        excerpt_full: false,
        words: 0,
        text: String::with_capacity(source.len()),
        regulation: articles::Collector::default(),
        misplaced: Vec::new(),
        lines: std::cell::OnceCell::new(),
    };
    let mut shortcode_errors = Vec::new();
    let mut rendered = None;
    if source.contains("{{<") {
        let mut plan = shortcodes::Plan::new(source);
        if plan.errors.is_empty() && !plan.nodes.is_empty() {
            let top = plan.fragment(source, 0..source.len(), &plan.top);
            walk.plan = Some(plan);
            rendered = Some(walk.fragment(&top, options.articles, true));
        } else {
            shortcode_errors = std::mem::take(&mut plan.errors);
        }
    }
    let (html, summary_html) = match rendered {
        Some(r) => r,
        None => walk.fragment(&Fragment::plain(source), options.articles, true),
    };

    let excerpt = finish_excerpt(walk.excerpt);
    let anchors = walk
        .toc_flat
        .iter()
        .map(|(_, id, _)| id.clone())
        .chain(walk.regulation.articles.iter().map(|a| a.id.clone()))
        .collect();
    let shortcodes = match walk.plan {
        Some(plan) => {
            shortcode_errors.extend(walk.misplaced.into_iter().map(|at| ShortcodeError {
                position: Position::of_offset(source, at),
                message: "短代码不能写在链接地址、图片说明或 HTML 代码里".into(),
                hint: Some("把短代码写在正文文字中，或单独写在一行".into()),
            }));
            plan.shortcodes
        }
        None => Shortcodes::default(),
    };
    Rendered {
        html,
        toc: headings::build_tree(walk.toc_flat),
        summary_html,
        excerpt,
        word_count: walk.words,
        text: walk.text.trim_end().to_string(),
        links: walk.links,
        anchors,
        chapters: walk.regulation.chapters,
        articles: walk.regulation.articles,
        article_errors: walk.regulation.errors,
        shortcodes,
        shortcode_errors,
    }
}

/// What rendering one Markdown body collects across its fragments (the body, and the bodies
/// of its paired shortcodes, rendered where they stand).
struct Walk<'a> {
    /// The whole Markdown body, for positions.
    source: &'a str,
    options: MarkdownOptions,
    image_info: &'a dyn Fn(&str) -> Option<ImageInfo>,
    /// The body's shortcodes, when it has any.
    plan: Option<shortcodes::Plan>,
    links: Vec<InternalLink>,
    heading_ids: headings::IdAllocator,
    toc_flat: Vec<(u8, String, String)>,
    excerpt: String,
    excerpt_full: bool,
    words: usize,
    text: String,
    regulation: articles::Collector,
    /// Source offsets of shortcodes that ended up where no HTML can go (a link's address, an
    /// image's alt text, raw HTML).
    misplaced: Vec<usize>,
    /// Line starts of the body, found when a position is first needed (see [`LineIndex`]).
    lines: std::cell::OnceCell<LineIndex<'a>>,
}

impl Walk<'_> {
    /// The position in the body of offset `at` of `fragment`.
    fn position(&self, fragment: &Fragment, at: usize) -> Position {
        self.body_position(fragment.source_offset(at))
    }

    /// The position of offset `at` of the whole body.
    fn body_position(&self, at: usize) -> Position {
        self.lines
            .get_or_init(|| LineIndex::new(self.source))
            .position(at)
    }

    /// Counts a piece of visible text: words, the excerpt (outside headings) and the plain
    /// text. Code is counted as words only when inline.
    fn count_text(&mut self, t: &str, in_code_block: bool, in_heading: bool) {
        if !in_code_block {
            self.words += count_words(t);
            if !in_heading && !self.excerpt_full {
                self.excerpt_full = push_excerpt(&mut self.excerpt, t);
            }
        }
        self.text.push_str(t);
    }

    /// Renders one fragment to HTML (sanitized unless the site opts out), and its summary
    /// when `top` and it has a `<!-- more -->`.
    fn fragment(
        &mut self,
        fragment: &Fragment,
        articles: bool,
        top: bool,
    ) -> (String, Option<String>) {
        let source: &str = &fragment.text;
        let events: Vec<(Event, std::ops::Range<usize>)> =
            Parser::new_ext(source, parser_options())
                .into_offset_iter()
                .collect();
        if let Some(marked) = emphasis::with_markers(fragment, &events) {
            return self.fragment(&marked, articles, top);
        }
        let events: Vec<(Event, std::ops::Range<usize>)> = if source.contains(emphasis::MARKER) {
            events
                .into_iter()
                .map(|(e, r)| (emphasis::without_markers(e), r))
                .collect()
        } else {
            events
        };
        self.reserve_footnote_ids(&events);
        let mut st = FragmentState::new(events.len(), fragment.placeholders.len());
        for (i, (event, range)) in events.iter().enumerate() {
            if i < st.skip_until {
                continue;
            }
            match event {
                Event::Start(tag) => self.on_start(&mut st, fragment, &events, i, tag, articles),
                Event::End(tag_end) => self.on_end(&mut st, fragment, event, tag_end),
                Event::Text(t)
                    if !fragment.placeholders.is_empty() && !fragment.within(range).is_empty() =>
                {
                    self.on_text_with_placeholders(&mut st, fragment, event, t, range);
                }
                Event::Text(t) => {
                    self.count_text(t, st.in_code_block, st.heading_start.is_some());
                    st.out.push(event.clone());
                }
                Event::Code(t) => {
                    self.words += count_words(t);
                    self.text.push_str(t);
                    st.out.push(event.clone());
                }
                Event::SoftBreak => {
                    let before = last_char(&st.out);
                    let after = first_char(events[i + 1..].iter().map(|(e, _)| e));
                    match (before, after) {
                        (Some(b), Some(a)) if is_cjk(b) && is_cjk(a) => {}
                        _ => {
                            self.text.push(' ');
                            st.out.push(Event::SoftBreak);
                        }
                    }
                }
                Event::HardBreak => {
                    self.text.push('\n');
                    st.out.push(event.clone());
                }
                Event::Html(html) | Event::InlineHtml(html) => {
                    if html.trim() == SUMMARY_MARKER {
                        if top && st.summary_cut.is_none() && st.depth == 0 {
                            st.summary_cut = Some(st.html_block_start.unwrap_or(st.out.len()));
                        }
                    } else {
                        st.has_raw_html = true;
                    }
                    st.out.push(event.clone());
                }
                Event::FootnoteReference(name) => {
                    st.out
                        .push(Event::FootnoteReference(footnote_id(name).into()));
                }
                _ => st.out.push(event.clone()),
            }
        }
        for ((p, _), placed) in fragment.placeholders.iter().zip(&st.placed) {
            if !placed {
                self.misplaced.push(fragment.source_offset(p.start));
            }
        }
        st.into_html(source.len(), self.options.unsafe_html)
    }

    /// Claims the ids of the fragment's footnotes (`fn-1`) before any heading can take them.
    fn reserve_footnote_ids(&mut self, events: &[(Event, std::ops::Range<usize>)]) {
        for (event, _) in events {
            if let Event::Start(Tag::FootnoteDefinition(name)) = event {
                self.heading_ids.claim(&footnote_id(name));
            }
        }
    }

    /// An opening tag: articles of a 条例, tables, links and images are rewritten.
    fn on_start<'s>(
        &mut self,
        st: &mut FragmentState<'s>,
        fragment: &Fragment,
        events: &[(Event<'s>, std::ops::Range<usize>)],
        i: usize,
        tag: &Tag<'s>,
        articles: bool,
    ) {
        let (event, range) = &events[i];
        match tag {
            Tag::Paragraph if articles && st.depth == 0 => {
                st.depth += 1;
                self.open_top_paragraph(st, fragment, events, i);
                return;
            }
            // A wide table scrolls sideways inside its own box on a phone; keyboard users
            // must be able to focus that box to scroll it (WCAG 2.1.1), and it needs a name.
            Tag::Table(alignments) => {
                st.depth += 1;
                st.table = Some(TableCells {
                    labels: header_labels(&events[i + 1..]),
                    alignments: alignments.clone(),
                    in_body: false,
                    column: 0,
                });
                st.out.push(Event::Html(TABLE_WRAP_OPEN.into()));
                st.out.push(event.clone());
                return;
            }
            // A body cell carries its column's header text (data-label) so that the theme
            // can show it beside the figure when the table becomes cards on a phone.
            Tag::TableCell if st.table.as_ref().is_some_and(|t| t.in_body) => {
                st.depth += 1;
                if let Some(t) = st.table.as_mut() {
                    st.out.push(Event::Html(t.body_cell().into()));
                }
                return;
            }
            Tag::HtmlBlock => {
                st.html_block_start = Some(st.out.len());
                st.out.push(event.clone());
                return;
            }
            _ => {}
        }
        st.depth += 1;
        let (lines, body) = (&self.lines, self.source);
        let position = || {
            lines
                .get_or_init(|| LineIndex::new(body))
                .position(fragment.source_offset(range.start))
        };
        match tag {
            Tag::TableRow => {
                if let Some(t) = st.table.as_mut() {
                    t.in_body = true;
                    t.column = 0;
                }
            }
            Tag::Paragraph => st.paragraph_start = Some(st.out.len()),
            Tag::CodeBlock(_) => st.in_code_block = true,
            Tag::Heading { .. } => {
                st.heading_start = Some(st.out.len());
                st.heading_offset = range.start;
            }
            Tag::FootnoteDefinition(name) => {
                st.out.push(Event::Start(Tag::FootnoteDefinition(
                    footnote_id(name).into(),
                )));
                return;
            }
            Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            } => {
                let dest = rewrite_url(dest_url, false, &position, &mut self.links);
                st.out.push(Event::Start(Tag::Link {
                    link_type: *link_type,
                    dest_url: dest,
                    title: title.clone(),
                    id: id.clone(),
                }));
                return;
            }
            Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            } => {
                let mut dest = rewrite_url(dest_url, true, &position, &mut self.links);
                let info = if dest.starts_with("@wm-link/") {
                    None
                } else {
                    (self.image_info)(&dest)
                };
                if let Some(r) = info.as_ref().and_then(|i| i.responsive.as_ref()) {
                    dest = r.src.clone().into();
                }
                st.images.push((st.out.len(), info));
                st.out.push(Event::Start(Tag::Image {
                    link_type: *link_type,
                    dest_url: dest,
                    title: title.clone(),
                    id: id.clone(),
                }));
                return;
            }
            _ => {}
        }
        st.out.push(event.clone());
    }

    /// A paragraph at the top of a 条例: an article (`第五条 …`) gets its anchor, another is
    /// a plain paragraph.
    fn open_top_paragraph<'s>(
        &mut self,
        st: &mut FragmentState<'s>,
        fragment: &Fragment,
        events: &[(Event<'s>, std::ops::Range<usize>)],
        i: usize,
    ) {
        let (event, range) = &events[i];
        let lone_line = match (events.get(i + 1), events.get(i + 2)) {
            (Some((Event::Text(t), _)), Some((Event::End(TagEnd::Paragraph), _))) => Some(t),
            _ => None,
        };
        if lone_line.is_some_and(|t| articles::is_toc_line(t)) {
            // A pasted 目录: the chapter lines under it are its entries, not chapters, until
            // its first entry comes again as the text's first chapter (`check` warns of it).
            st.pasted_toc = Some(None);
        }
        let chapter = lone_line.and_then(|t| articles::chapter_line(t));
        if let (Some(Some(first)), Some((_, title))) = (&st.pasted_toc, &chapter)
            && first == title
        {
            st.pasted_toc = None;
        }
        if let Some(None) = st.pasted_toc
            && let Some((_, title)) = &chapter
        {
            st.pasted_toc = Some(Some(title.clone()));
        }
        if st.pasted_toc.is_none()
            && let Some((level, title)) = chapter
        {
            self.open_chapter_line(st, range.start, level, title);
            st.skip_until = i + 2;
            return;
        }
        match first_text(&events[i + 1..]).and_then(articles::leading_article) {
            Some((n, inserted, label)) => {
                st.pasted_toc = None;
                let position = self.position(fragment, range.start);
                let id = self.regulation.article(n, inserted, &label, position);
                st.out.push(Event::Html(
                    format!(
                        "<p id=\"{}\" class=\"article\">",
                        crate::text::escape_html(&id)
                    )
                    .into(),
                ));
                st.in_article = true;
            }
            None => {
                st.paragraph_start = Some(st.out.len());
                st.out.push(event.clone())
            }
        }
    }

    /// A chapter or section line written as a plain paragraph: opened as a heading of `level`
    /// holding its normalised `title`; the paragraph's end closes it ([`Self::on_end`]).
    fn open_chapter_line(
        &mut self,
        st: &mut FragmentState<'_>,
        offset: usize,
        level: u8,
        title: String,
    ) {
        let level = if level == 2 {
            HeadingLevel::H2
        } else {
            HeadingLevel::H3
        };
        st.heading_start = Some(st.out.len());
        st.heading_offset = offset;
        st.chapter_line = Some(level);
        st.out.push(Event::Start(Tag::Heading {
            level,
            id: None,
            classes: Vec::new(),
            attrs: Vec::new(),
        }));
        self.count_text(&title, false, true);
        st.out.push(Event::Text(title.into()));
    }

    /// A closing tag: an article or a table is closed, an image becomes its tag, a heading
    /// gets its id, a paragraph holding only a shortcode is lifted out of it.
    fn on_end<'s>(
        &mut self,
        st: &mut FragmentState<'s>,
        fragment: &Fragment,
        event: &Event<'s>,
        tag_end: &TagEnd,
    ) {
        match tag_end {
            TagEnd::Paragraph if st.in_article => {
                st.depth = st.depth.saturating_sub(1);
                st.in_article = false;
                st.out.push(Event::Html("</p>\n".into()));
                if !self.excerpt_full && !self.excerpt.is_empty() && !self.excerpt.ends_with(' ') {
                    self.excerpt.push(' ');
                }
                return;
            }
            TagEnd::Table => {
                st.depth = st.depth.saturating_sub(1);
                st.table = None;
                st.out.push(event.clone());
                st.out.push(Event::Html("</div>\n".into()));
                return;
            }
            TagEnd::HtmlBlock => {
                st.html_block_start = None;
                st.out.push(event.clone());
                return;
            }
            TagEnd::Paragraph if st.chapter_line.is_some() => {
                let level = st.chapter_line.take().unwrap_or(HeadingLevel::H2);
                st.depth = st.depth.saturating_sub(1);
                self.text.push('\n');
                self.finish_heading(st, fragment, level as u8);
                st.out.push(Event::End(TagEnd::Heading(level)));
                return;
            }
            TagEnd::Image if !st.images.is_empty() => {
                st.depth = st.depth.saturating_sub(1);
                let (start, info) = st.images.pop().unwrap_or_default();
                st.out.push(event.clone());
                let tag = images::image_tag(&st.out.split_off(start), info.as_ref());
                st.out.push(Event::InlineHtml(tag.into()));
                return;
            }
            _ => {}
        }
        st.depth = st.depth.saturating_sub(1);
        if ends_text_block(tag_end) && !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
        match tag_end {
            TagEnd::CodeBlock => st.in_code_block = false,
            TagEnd::Heading(level) => self.finish_heading(st, fragment, *level as u8),
            TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell
                if !self.excerpt_full
                    && !self.excerpt.is_empty()
                    && !self.excerpt.ends_with(' ') =>
            {
                self.excerpt.push(' ');
            }
            _ => {}
        }
        st.out.push(event.clone());
        if *tag_end == TagEnd::Paragraph
            && let Some(start) = st.paragraph_start.take()
            && !fragment.placeholders.is_empty()
            && let Some(plan) = &self.plan
        {
            lift_lone_shortcodes(&mut st.out, start, &plan.shortcodes);
        }
    }

    /// Gives the heading that just closed its unique id and adds it to the table of contents
    /// (and to the chapters of a 条例).
    fn finish_heading(&mut self, st: &mut FragmentState<'_>, fragment: &Fragment, level: u8) {
        let Some(start) = st.heading_start.take() else {
            return;
        };
        let title = headings::plain_text(&st.out[start + 1..]);
        let Event::Start(Tag::Heading {
            level: l,
            id,
            classes,
            ..
        }) = &st.out[start]
        else {
            return;
        };
        let id = match id {
            Some(explicit) => self.heading_ids.claim(explicit),
            None => self.heading_ids.claim(&heading_id(&title)),
        };
        if self.options.articles
            && let Some((n, label)) = articles::leading_number(&title, '章')
        {
            let position = self.position(fragment, st.heading_offset);
            self.regulation
                .chapter(n, &label, id.clone(), title.clone(), position);
        }
        self.toc_flat.push((level, id.clone(), title));
        // Of `{#id .class key=value}` only the id and classes are kept: other attributes
        // (`onclick=…`, `style=…`) would reach the page without passing the sanitizer.
        st.out[start] = Event::Start(Tag::Heading {
            level: *l,
            id: Some(id.into()),
            classes: classes.clone(),
            attrs: Vec::new(),
        });
    }

    /// Text that holds shortcode placeholders: cut at each, and the shortcode placed there.
    fn on_text_with_placeholders<'s>(
        &mut self,
        st: &mut FragmentState<'s>,
        fragment: &Fragment,
        event: &Event<'s>,
        t: &str,
        range: &std::ops::Range<usize>,
    ) {
        let source: &str = &fragment.text;
        let in_heading = st.heading_start.is_some();
        // Only text copied as it stands can be cut at a placeholder; an image's alt text
        // becomes an attribute. Placeholders left unplaced are reported.
        let verbatim =
            source.get(range.clone()) == Some(t) && st.images.is_empty() && !st.in_code_block;
        if !verbatim {
            self.count_text(t, st.in_code_block, in_heading);
            st.out.push(event.clone());
            return;
        }
        let mut at = range.start;
        for k in fragment.within(range) {
            let (p, node) = &fragment.placeholders[k];
            let before = &source[at..p.start];
            if !before.is_empty() {
                self.count_text(before, st.in_code_block, in_heading);
                st.out.push(Event::Text(before.to_string().into()));
            }
            st.placed[k] = true;
            at = p.end;
            self.place(*node, &mut st.out, in_heading);
        }
        if at < range.end {
            let after = &source[at..range.end];
            self.count_text(after, st.in_code_block, in_heading);
            st.out.push(Event::Text(after.to_string().into()));
        }
    }

    /// Puts node `node` (a shortcode or an escape) where its placeholder was: an escape as
    /// text, a call as its token, after rendering a paired call's body where it stands (so
    /// its headings, links, words and text come in document order).
    fn place(&mut self, node: usize, out: &mut Vec<Event<'_>>, in_heading: bool) {
        let Some(plan) = self.plan.take() else {
            return;
        };
        match &plan.nodes[node].item {
            shortcodes::Item::Literal(text) => {
                self.count_text(text, false, in_heading);
                out.push(Event::Text(text.clone().into()));
            }
            shortcodes::Item::Call { index, body } => {
                let (index, body) = (*index, body.clone());
                out.push(Event::InlineHtml(plan.shortcodes.token(index).into()));
                let src = plan
                    .shortcodes
                    .calls
                    .get(index)
                    .and_then(|c| c.args.iter().find(|(k, _)| k == "src"))
                    .and_then(|(_, v)| match v {
                        ArgValue::Str(s) => Some(s.clone()),
                        _ => None,
                    });
                let image = src.and_then(|s| (self.image_info)(&s));
                let body_fragment =
                    body.map(|range| plan.fragment(self.source, range, &plan.nodes[node].children));
                self.plan = Some(plan);
                let body_html = body_fragment.map(|f| {
                    if !self.text.is_empty() && !self.text.ends_with('\n') {
                        self.text.push('\n');
                    }
                    if !self.excerpt_full
                        && !self.excerpt.is_empty()
                        && !self.excerpt.ends_with(' ')
                    {
                        self.excerpt.push(' ');
                    }
                    self.fragment(&f, false, false).0
                });
                if let Some(call) = self
                    .plan
                    .as_mut()
                    .and_then(|p| p.shortcodes.calls.get_mut(index))
                {
                    call.image = image;
                    call.body = body_html;
                }
                return;
            }
        }
        self.plan = Some(plan);
    }
}

/// Turns each line of the paragraph starting at `out[start]` that holds nothing but one
/// shortcode into a block of its own, splitting the paragraph around it: a shortcode alone
/// on its line is a block (a figure must not sit in a `<p>`), one inside a line is inline.
fn lift_lone_shortcodes(out: &mut Vec<Event<'_>>, start: usize, shortcodes: &Shortcodes) {
    let is_token = |e: &Event| matches!(e, Event::InlineHtml(h) if shortcodes.is_token(h));
    if !out[start..].iter().any(is_token) {
        return;
    }
    // The paragraph's inline events, without its start and end.
    let mut inner = out.split_off(start + 1);
    inner.pop();
    out.pop();
    let mut lines: Vec<Vec<Event>> = vec![Vec::new()];
    let mut breaks: Vec<Event> = Vec::new();
    for e in inner {
        match e {
            Event::SoftBreak | Event::HardBreak => {
                breaks.push(e);
                lines.push(Vec::new());
            }
            e => {
                if let Some(line) = lines.last_mut() {
                    line.push(e);
                }
            }
        }
    }
    let lone = |line: &[Event]| {
        line.iter().filter(|e| is_token(e)).count() == 1
            && line.iter().all(|e| match e {
                Event::Text(t) => t.trim().is_empty(),
                e => is_token(e),
            })
    };
    let mut open = false;
    let mut breaks = breaks.into_iter();
    for line in lines {
        let separator = breaks.next();
        if lone(&line) {
            if open {
                if matches!(out.last(), Some(Event::SoftBreak | Event::HardBreak)) {
                    out.pop();
                }
                out.push(Event::End(TagEnd::Paragraph));
                open = false;
            }
            if let Some(token) = line.into_iter().find(|e| is_token(e))
                && let Event::InlineHtml(h) = token
            {
                out.push(Event::Html(format!("{h}\n").into()));
            }
            continue;
        }
        if !open {
            out.push(Event::Start(Tag::Paragraph));
            open = true;
        }
        out.extend(line);
        if let Some(b) = separator {
            out.push(b);
        }
    }
    if open {
        // A break that ended the last text line before a lifted shortcode is not needed.
        if matches!(out.last(), Some(Event::SoftBreak | Event::HardBreak)) {
            out.pop();
        }
        out.push(Event::End(TagEnd::Paragraph));
    }
}

/// Block ends after which the plain text starts a new line.
fn ends_text_block(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::BlockQuote(_)
            | TagEnd::CodeBlock
            | TagEnd::Item
            | TagEnd::TableCell
            | TagEnd::FootnoteDefinition
    )
}

/// Where the walk over one fragment's events stands, and the events it has written.
struct FragmentState<'s> {
    out: Vec<Event<'s>>,
    has_raw_html: bool,
    /// Where the `<!-- more -->` summary ends in `out`.
    summary_cut: Option<usize>,
    depth: usize,
    in_code_block: bool,
    heading_start: Option<usize>,
    /// Where the open heading starts in the fragment's source.
    heading_offset: usize,
    /// The level of the open chapter line (a `第X章` paragraph made a heading).
    chapter_line: Option<HeadingLevel>,
    /// Events before this index were taken in already (a chapter line's text).
    skip_until: usize,
    /// After a pasted `目录` line, until its first entry comes again or an article: the
    /// first entry, once read.
    pasted_toc: Option<Option<String>>,
    html_block_start: Option<usize>,
    in_article: bool,
    /// The open table's header texts and alignments, for its body cells.
    table: Option<TableCells>,
    /// Open images: where each starts in `out`, and what is known of it.
    images: Vec<(usize, Option<ImageInfo>)>,
    /// Where the open paragraph starts in `out`, when it may hold a shortcode on its own line.
    paragraph_start: Option<usize>,
    /// Which of the fragment's placeholders found their place.
    placed: Vec<bool>,
}

impl<'s> FragmentState<'s> {
    fn new(events: usize, placeholders: usize) -> Self {
        FragmentState {
            out: Vec::with_capacity(events),
            has_raw_html: false,
            summary_cut: None,
            depth: 0,
            in_code_block: false,
            heading_start: None,
            heading_offset: 0,
            chapter_line: None,
            skip_until: 0,
            pasted_toc: None,
            html_block_start: None,
            in_article: false,
            table: None,
            images: Vec::new(),
            paragraph_start: None,
            placed: vec![false; placeholders],
        }
    }

    /// The HTML of the events written and of the summary before `<!-- more -->`, sanitized
    /// when they hold raw HTML and the site does not opt out.
    fn into_html(self, source_len: usize, unsafe_html: bool) -> (String, Option<String>) {
        let (out, summary_cut) = (self.out, self.summary_cut);
        let mut html = String::with_capacity(source_len * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, out.iter().cloned());
        let mut summary_html = summary_cut.map(|cut| {
            let mut s = String::new();
            pulldown_cmark::html::push_html(&mut s, out[..cut].iter().cloned());
            s
        });
        if self.has_raw_html && !unsafe_html {
            if sanitize::too_deep(&html) {
                // Too deep to sanitize in bounded time: the raw HTML is shown as text instead,
                // which needs no sanitizing (see docs/robustness.md). Shortcode tokens are
                // text either way.
                let as_text = |events: &[Event<'_>]| {
                    let mut s = String::new();
                    pulldown_cmark::html::push_html(
                        &mut s,
                        events.iter().map(|e| match e {
                            Event::Html(h) | Event::InlineHtml(h) => Event::Text(h.clone()),
                            other => other.clone(),
                        }),
                    );
                    s
                };
                html = as_text(&out);
                summary_html = summary_cut.map(|cut| as_text(&out[..cut]));
            } else {
                html = sanitize::clean(&html);
                summary_html = summary_html.map(|s| sanitize::clean(&s));
            }
        }
        // Kept for the whole build: without the room reserved above (about a third of it
        // unused for Chinese text), 10,000 pages' HTML takes ~14 MB less (docs/perf.md).
        html.shrink_to_fit();
        (html, summary_html)
    }
}

/// The id of footnote `name`: prefixed, so that footnote 1 and a heading `## 1` differ.
fn footnote_id(name: &str) -> String {
    format!("fn-{name}")
}

/// What a Markdown table's body cells need of its header: each column's header text and
/// alignment, and where the open row is.
struct TableCells {
    labels: Vec<String>,
    alignments: Vec<Alignment>,
    in_body: bool,
    column: usize,
}

impl TableCells {
    /// The opening tag of the next body cell: `<td>` with its column's header text as
    /// `data-label` and the alignment pulldown-cmark would have written.
    fn body_cell(&mut self) -> String {
        let column = self.column;
        self.column += 1;
        let mut tag = String::from("<td");
        if let Some(label) = self.labels.get(column).filter(|l| !l.is_empty()) {
            tag.push_str(" data-label=\"");
            tag.push_str(&crate::text::escape_html(label));
            tag.push('"');
        }
        match self.alignments.get(column) {
            Some(Alignment::Left) => tag.push_str(" style=\"text-align: left\""),
            Some(Alignment::Center) => tag.push_str(" style=\"text-align: center\""),
            Some(Alignment::Right) => tag.push_str(" style=\"text-align: right\""),
            _ => {}
        }
        tag.push('>');
        tag
    }
}

/// The plain text of each header cell of the table whose events follow.
fn header_labels(events: &[(Event, std::ops::Range<usize>)]) -> Vec<String> {
    let mut labels = Vec::new();
    for (e, _) in events {
        match e {
            Event::Start(Tag::TableCell) => labels.push(String::new()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(last) = labels.last_mut() {
                    last.push_str(t);
                }
            }
            Event::End(TagEnd::TableHead) => break,
            _ => {}
        }
    }
    labels
}

/// Opens the scroll box around a Markdown table (the theme styles `.table-wrap`).
const TABLE_WRAP_OPEN: &str =
    "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"表格\">\n";

/// The first text inside a paragraph, looking through emphasis (`**第一条**`).
fn first_text<'e>(events: &'e [(Event, std::ops::Range<usize>)]) -> Option<&'e str> {
    for (e, _) in events {
        match e {
            Event::Start(Tag::Strong | Tag::Emphasis) => continue,
            Event::Text(t) => return Some(t),
            _ => return None,
        }
    }
    None
}

/// A link to another Markdown file by its relative name (`中文文件名.md`, `../news/a.md#第五条`,
/// percent-encoded or not): its decoded path and anchor. Site paths (`/…`), URLs with a
/// scheme and `@/` links are not relative file names.
pub fn relative_markdown_link(dest: &str) -> Option<(String, Option<String>)> {
    let dest = dest.trim();
    if dest.is_empty() || dest.starts_with(['/', '#', '@', '\\']) {
        return None;
    }
    let (before_anchor, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (dest, None),
    };
    let path = before_anchor.split('?').next().unwrap_or_default();
    if let Some(colon) = path.find(':')
        && !path[..colon].contains('/')
    {
        return None;
    }
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    let path = decode(path);
    path.to_ascii_lowercase()
        .ends_with(".md")
        .then(|| (path, anchor.map(decode).filter(|a| !a.is_empty())))
}

/// Records `@/` links (at `position`) and neutralises unsafe URLs.
fn rewrite_url<'a>(
    dest: &CowStr<'a>,
    is_image: bool,
    position: &dyn Fn() -> Position,
    links: &mut Vec<InternalLink>,
) -> CowStr<'a> {
    if let Some(rest) = dest.strip_prefix("@/") {
        let (target, anchor) = match rest.split_once('#') {
            Some((t, a)) => (t.to_string(), Some(a.to_string())),
            None => (rest.to_string(), None),
        };
        let n = links.len();
        links.push(InternalLink {
            target,
            anchor,
            relative: false,
            position: position(),
        });
        return link_placeholder(n).into();
    }
    if !is_image && let Some((target, anchor)) = relative_markdown_link(dest) {
        let n = links.len();
        links.push(InternalLink {
            target,
            anchor,
            relative: true,
            position: position(),
        });
        return link_placeholder(n).into();
    }
    if is_safe_url(dest, is_image) {
        dest.clone()
    } else {
        "#".into()
    }
}

/// The last character of text before the end of `events`, looking through the edges of inline
/// markup (`**…**`, links, `~~…~~`): what a reader sees just before a line break.
fn last_char(events: &[Event]) -> Option<char> {
    for event in events.iter().rev() {
        match event {
            Event::Text(t) | Event::Code(t) => return t.chars().last(),
            e if is_inline_edge(e) => {}
            _ => return None,
        }
    }
    None
}

/// The first character of text in `events`, looking through the edges of inline markup.
fn first_char<'e>(events: impl IntoIterator<Item = &'e Event<'e>>) -> Option<char> {
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => return t.chars().next(),
            e if is_inline_edge(e) => {}
            _ => return None,
        }
    }
    None
}

/// The start or end of emphasis, strong, strikethrough or a link: markup that adds no text.
fn is_inline_edge(event: &Event) -> bool {
    matches!(
        event,
        Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. })
            | Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link)
    )
}

/// Appends text to the excerpt; returns true once it is long enough.
fn push_excerpt(excerpt: &mut String, text: &str) -> bool {
    for c in text.chars() {
        if excerpt.chars().count() > EXCERPT_CHARS {
            return true;
        }
        if c == '\n' {
            continue;
        }
        excerpt.push(c);
    }
    false
}

fn finish_excerpt(excerpt: String) -> String {
    let trimmed = excerpt.trim();
    if trimmed.chars().count() > EXCERPT_CHARS {
        let cut: String = trimmed.chars().take(EXCERPT_CHARS).collect();
        format!("{}…", cut.trim_end())
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(md: &str) -> String {
        render(md, MarkdownOptions::default()).html
    }

    #[test]
    fn images_load_lazily_and_carry_their_size_when_known() {
        let sizes = |src: &str| {
            (src == "/images/a.svg").then_some(ImageInfo {
                width: 640,
                height: 360,
                responsive: None,
            })
        };
        let r = render_with_images(
            "![河道 *清理*](/images/a.svg \"标\\\"题\")\n\n![未知](b.png)\n\n[![图](/images/a.svg)](@/x.md)",
            MarkdownOptions::default(),
            &sizes,
        );
        assert_eq!(
            r.html,
            "<p><img src=\"/images/a.svg\" alt=\"河道 清理\" title=\"标&quot;题\" width=\"640\" height=\"360\" loading=\"lazy\"></p>\n\
             <p><img src=\"b.png\" alt=\"未知\" loading=\"lazy\"></p>\n\
             <p><a href=\"@wm-link/0\"><img src=\"/images/a.svg\" alt=\"图\" width=\"640\" height=\"360\" loading=\"lazy\"></a></p>\n"
        );
        assert_eq!(r.excerpt, "河道 清理 未知 图");
    }

    #[test]
    fn tables_sit_in_a_focusable_scroll_box() {
        assert_eq!(
            html("| 区 | 得分 |\n| --- | --: |\n| 云栖区 | 95 |\n"),
            "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"表格\">\n\
             <table><thead><tr><th>区</th><th style=\"text-align: right\">得分</th></tr></thead><tbody>\n\
             <tr><td data-label=\"区\">云栖区</td><td data-label=\"得分\" style=\"text-align: right\">95</td></tr>\n\
             </tbody></table>\n</div>\n"
        );
        // Sanitizing (the page has raw HTML) keeps the box and the column labels, which are
        // escaped and taken from the header's text only.
        let out = html("<b>粗</b>\n\n| 区 | **\"得\"**`分` |\n| --- | --- |\n| 云栖区 | 95 |\n");
        assert!(
            out.contains(
                "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"表格\">"
            ),
            "{out}"
        );
        assert!(
            out.contains(
                "<td data-label=\"区\">云栖区</td><td data-label=\"&quot;得&quot;分\">95</td>"
            ),
            "{out}"
        );
    }

    #[test]
    fn line_break_between_chinese_characters_is_not_a_space() {
        assert_eq!(html("文明城市\n共同创建"), "<p>文明城市共同创建</p>\n");
        assert_eq!(html("civilised\ncity"), "<p>civilised\ncity</p>\n");
        assert_eq!(html("栖云市\nQiyun"), "<p>栖云市\nQiyun</p>\n");
        assert_eq!(html("第一句。\n第二句"), "<p>第一句。第二句</p>\n");
    }

    #[test]
    fn ids_are_unique_against_footnotes_and_the_themes_own_ids() {
        let r = render(
            "## 1\n\n正文[^1]。\n\n[^1]: 注释。\n\n## Main\n\n## 目录 {#toc-title}\n\n## fn-1\n",
            MarkdownOptions::default(),
        );
        assert_eq!(
            r.html,
            "<h2 id=\"1\">1</h2>\n<p>正文<sup class=\"footnote-reference\"><a href=\"#fn-1\">1</a></sup>。</p>\n<div class=\"footnote-definition\" id=\"fn-1\"><sup class=\"footnote-definition-label\">1</sup>\n<p>注释。</p>\n</div>\n<h2 id=\"main-1\">Main</h2>\n<h2 id=\"toc-title-1\">目录</h2>\n<h2 id=\"fn-1-1\">fn-1</h2>\n"
        );
    }

    #[test]
    fn line_break_between_chinese_characters_is_not_a_space_through_inline_markup() {
        assert_eq!(
            html("倡导**文明出行**\n自觉排队"),
            "<p>倡导<strong>文明出行</strong>自觉排队</p>\n"
        );
        assert_eq!(
            html("详见[条例](https://example.cn/)\n全文"),
            "<p>详见<a href=\"https://example.cn/\">条例</a>全文</p>\n"
        );
        assert_eq!(
            html("文明\n*出行*，~~旧~~\n`新`规定"),
            "<p>文明<em>出行</em>，<del>旧</del><code>新</code>规定</p>\n"
        );
        assert_eq!(
            html("**city**\n*civilised*"),
            "<p><strong>city</strong>\n<em>civilised</em></p>\n"
        );
    }

    #[test]
    fn chinese_headings_get_stable_ids_and_a_toc() {
        let r = render(
            "## 第一章 总则\n\n### 第一条\n\n## 第一章 总则\n",
            MarkdownOptions::default(),
        );
        assert_eq!(
            r.html,
            "<h2 id=\"第一章-总则\">第一章 总则</h2>\n<h3 id=\"第一条\">第一条</h3>\n<h2 id=\"第一章-总则-1\">第一章 总则</h2>\n"
        );
        assert_eq!(r.toc.len(), 2);
        assert_eq!(r.toc[0].children[0].id, "第一条");
    }

    #[test]
    fn scripts_and_event_handlers_are_removed() {
        let out = html(
            "<p onclick=\"x()\">好</p>\n\n<script>alert(1)</script>\n\n[点](javascript:alert(1))",
        );
        assert!(!out.contains("script"), "{out}");
        assert!(!out.contains("onclick"), "{out}");
        assert!(!out.contains("javascript"), "{out}");
        assert!(out.contains("<p>好</p>"), "{out}");
    }

    #[test]
    fn internal_links_become_placeholders_with_positions() {
        let r = render(
            "见\n[条例](@/rules/tiaoli.md#第五条)",
            MarkdownOptions::default(),
        );
        // The line break between 见 and 条 (through the link) is not a space.
        assert_eq!(r.html, "<p>见<a href=\"@wm-link/0\">条例</a></p>\n");
        assert_eq!(r.links[0].target, "rules/tiaoli.md");
        assert_eq!(r.links[0].anchor.as_deref(), Some("第五条"));
        assert_eq!(r.links[0].position, Position { line: 2, column: 1 });
    }

    #[test]
    fn summary_marker_and_excerpt() {
        let r = render(
            "第一段。\n\n<!-- more -->\n\n第二段。",
            MarkdownOptions::default(),
        );
        assert_eq!(r.summary_html.as_deref(), Some("<p>第一段。</p>\n"));
        assert_eq!(r.excerpt, "第一段。 第二段。");
        assert_eq!(r.word_count, 6);
    }

    #[test]
    fn plain_text_has_one_line_per_block_and_no_markup() {
        let r = render(
            "## 第一条\n\n**文明**城市\n共同创建，`code` 与 [链接](https://a.example)。\n\n- 甲\n- 乙\n\n| 区 | 分 |\n|---|---|\n| 云栖 | 90 |\n\n```\nlet x = 1;\n```\n\n<div>原始 HTML</div>\n",
            MarkdownOptions::default(),
        );
        assert_eq!(
            r.text,
            "第一条\n文明城市共同创建，code 与 链接。\n甲\n乙\n区\n分\n云栖\n90\nlet x = 1;"
        );
    }
}

#[cfg(test)]
mod article_tests {
    use super::*;

    #[test]
    fn articles_get_anchors_and_chapters_collect_them() {
        let md = "## 第一章 总则\n\n**第一条**　为了促进文明行为。\n\n第二条　本条例适用于本市。\n\n## 第二章 规范\n\n**第三条**　文明出行。\n";
        let r = render(
            md,
            MarkdownOptions {
                articles: true,
                ..Default::default()
            },
        );
        assert_eq!(
            r.html,
            "<h2 id=\"第一章-总则\">第一章 总则</h2>\n<p id=\"第一条\" class=\"article\"><strong>第一条</strong>　为了促进文明行为。</p>\n<p id=\"第二条\" class=\"article\">第二条　本条例适用于本市。</p>\n<h2 id=\"第二章-规范\">第二章 规范</h2>\n<p id=\"第三条\" class=\"article\"><strong>第三条</strong>　文明出行。</p>\n"
        );
        assert_eq!(r.chapters.len(), 2);
        assert_eq!(r.chapters[0].articles.len(), 2);
        assert_eq!(r.chapters[1].articles[0].id, "第三条");
        assert!(r.anchors.contains(&"第二条".to_string()));
        assert!(r.article_errors.is_empty());
    }

    #[test]
    fn a_gap_is_reported_at_its_line() {
        let r = render(
            "第一条　甲。\n\n第三条　丙。\n",
            MarkdownOptions {
                articles: true,
                ..Default::default()
            },
        );
        assert_eq!(
            r.article_errors,
            vec![(
                Position { line: 3, column: 1 },
                "条文编号不连续：第三条之前缺少第二条".to_string()
            )]
        );
    }

    fn rule(md: &str) -> Rendered {
        render(
            md,
            MarkdownOptions {
                articles: true,
                ..Default::default()
            },
        )
    }

    #[test]
    fn chapter_lines_pasted_from_a_pdf_are_chapters_with_normalised_anchors() {
        let r = rule(
            "第一章 总 则\n\n第一条　甲。\n\n第一节　一般规定\n\n第二条　乙。\n\n第二章　文明行为规范\n\n第三条　丙。\n",
        );
        assert_eq!(
            r.html,
            "<h2 id=\"第一章-总则\">第一章 总则</h2>\n<p id=\"第一条\" class=\"article\">第一条　甲。</p>\n<h3 id=\"第一节-一般规定\">第一节 一般规定</h3>\n<p id=\"第二条\" class=\"article\">第二条　乙。</p>\n<h2 id=\"第二章-文明行为规范\">第二章 文明行为规范</h2>\n<p id=\"第三条\" class=\"article\">第三条　丙。</p>\n"
        );
        let titles: Vec<&str> = r.chapters.iter().map(|c| c.title.as_str()).collect();
        assert_eq!(titles, ["第一章 总则", "第二章 文明行为规范"]);
        assert_eq!(r.toc[0].children[0].title, "第一节 一般规定");
        assert!(r.article_errors.is_empty(), "{:?}", r.article_errors);
    }

    #[test]
    fn inserted_articles_are_numbered_anchored_and_checked() {
        let r = rule(
            "第一条　甲。\n\n第二条　乙。\n\n第二条之一　乙之一。\n\n第二条之二　乙之二。\n\n第三条　丙。\n\n第三条之二　错。\n",
        );
        assert!(
            r.html
                .contains("<p id=\"第二条之一\" class=\"article\">第二条之一　乙之一。</p>"),
            "{}",
            r.html
        );
        let ids: Vec<&str> = r.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "第一条",
                "第二条",
                "第二条之一",
                "第二条之二",
                "第三条",
                "第三条之二"
            ]
        );
        assert_eq!(
            r.article_errors,
            vec![(
                Position {
                    line: 11,
                    column: 1
                },
                "条文编号不连续：第三条之二之前缺少第三条之一".to_string()
            )]
        );
    }

    #[test]
    fn chapter_numbering_is_checked_like_articles() {
        let r = rule("## 第一章 总则\n\n第一条　甲。\n\n## 第三章 附则\n\n第二条　乙。\n");
        assert_eq!(
            r.article_errors,
            vec![(
                Position { line: 5, column: 1 },
                "章的编号不连续：第三章之前缺少第二章".to_string()
            )]
        );
    }

    #[test]
    fn without_the_option_articles_are_plain_paragraphs() {
        let r = render("第一条　甲。\n", MarkdownOptions::default());
        assert_eq!(r.html, "<p>第一条　甲。</p>\n");
        assert!(r.articles.is_empty());
    }
}
