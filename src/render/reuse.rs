//! Rendering only what changed since the previous build of the same output.
//!
//! Every rendered file gets a key: a hash of everything its rendering reads. The writer records
//! it beside the file's content hash (`.wenming/output-KEY.record`, saved with the rest of the
//! record at the commit point), and the next build keeps a file whose key is the same instead
//! of rendering it again (the writer checks that the output still holds the very file it
//! wrote). A template's output is a function of:
//!
//! - the wenming binary itself, whether drafts are published, the site's configuration (with
//!   its `base_url`), the navigation and the fingerprinted names of stylesheets and scripts
//!   (`asset()`), all in the [`Salt`];
//! - the template's name and the text of every template it extends, includes or imports (and
//!   the components every template sees), found by `changes::TemplateGraph`;
//! - its context (the page, the pager's items…); a page's context without the sections' page
//!   counts, and what the template can tell of those counts instead (see [`super::counts`]);
//! - the volunteer statistics, a global, when the template names them;
//! - and whatever the functions it called read: the whole site for `get_page`, `get_section`,
//!   `get_taxonomy`, `load_data` and `url(path="@/…")`, the progress dashboard, and the
//!   build's moment for `days_until`. Which of these a rendering read is noted while it runs
//!   ([`super::functions::take_reads`]) and added to its key: rendering is deterministic, so
//!   the same template on the same context takes the same path up to the first such call, and
//!   from there on the key holds what the call read. A key is thus `BASE`, or `BASE` followed
//!   by `;s=SITE`, `;d=DASHBOARD`, `;t=MOMENT` for each of them;
//! - and each image of the static files `image_set` was asked about: `;i=PATH:IMAGE`, the
//!   path in hexadecimal and the hash of what `image_set` gives for it (the photo's
//!   fingerprinted copies and size), so a changed poster renders the pages showing it again.

use std::sync::OnceLock;

use rayon::prelude::*;
use serde::Serialize;
use siphasher::sip128::{Hasher128 as _, SipHasher13};
use tera::Value;

use super::changes::{Reads, TemplateGraph};
use super::counts::{CountUse, count_use};
use super::functions::{FunctionReads, READ_CLOCK, READ_DASHBOARD, READ_SITE};
use super::keyser::Feed;
use super::templates::TemplateSource;
use super::views;
use crate::site::Site;

/// A hash of labelled texts and values (see [`super::keyser`]).
pub(super) struct KeyHasher(Feed);

impl KeyHasher {
    pub(super) fn new() -> KeyHasher {
        KeyHasher::with(false)
    }

    /// A hasher that leaves out the sections' page counts (see [`super::counts`]).
    pub(super) fn blind() -> KeyHasher {
        KeyHasher::with(true)
    }

    fn with(blind: bool) -> KeyHasher {
        KeyHasher(Feed {
            hash: SipHasher13::new_with_keys(0x7265_6e64_6572_6b65, 0x7977_656e_6d69_6e67),
            blind,
        })
    }

    /// Adds a labelled string.
    pub(super) fn text(&mut self, label: &str, text: &str) {
        self.0.bytes(1, label.as_bytes());
        self.0.bytes(2, text.as_bytes());
    }

    /// Adds a labelled value; false when it cannot be serialized (then no key).
    pub(super) fn json(&mut self, label: &str, value: &(impl Serialize + ?Sized)) -> bool {
        self.0.bytes(3, label.as_bytes());
        value.serialize(&mut self.0).is_ok()
    }

    pub(super) fn finish(self) -> String {
        let h = self.0.hash.finish128();
        format!("{:016x}{:016x}", h.h1, h.h2)
    }
}

/// What every key of one build starts with (see the module comment).
pub struct Salt(String);

impl Salt {
    /// The salt of a build of `site` (drafts published or not): the wenming binary (its
    /// version, and the size and modification time of the executable, so a rebuilt binary
    /// never reuses what another one rendered), the drafts flag, the configuration, the
    /// navigation and the fingerprinted asset names.
    pub fn new(site: &Site, drafts: bool) -> Salt {
        let mut h = KeyHasher::new();
        h.text("wenming", env!("CARGO_PKG_VERSION"));
        let exe = std::env::current_exe()
            .and_then(std::fs::metadata)
            .map(|m| {
                use std::os::unix::fs::MetadataExt as _;
                format!("{}:{}:{}", m.len(), m.mtime(), m.mtime_nsec())
            })
            .unwrap_or_default();
        h.text("exe", &exe);
        h.text("drafts", if drafts { "yes" } else { "no" });
        let ok = h.json("config", &site.config)
            && h.json("nav", &views::nav(site))
            && h.json("assets", &*site.assets);
        // Unserializable settings: a salt no build repeats, so nothing is reused.
        if !ok {
            h.text("now", &format!("{:?}", std::time::SystemTime::now()));
        }
        Salt(h.finish())
    }
}

/// The parts of keys shared by the jobs of one build.
pub(super) struct Keys<'a> {
    site: &'a Site,
    salt: Salt,
    sources: &'a [TemplateSource],
    graph: TemplateGraph,
    /// Per template name: the hash of its text and of every template it uses.
    templates: std::collections::HashMap<String, String>,
    volunteers: OnceLock<String>,
    /// Computed before any job (its computation is parallel; see [`Keys::new`]).
    whole_site: String,
    /// The hash of each page's full view (without page counts), by page index.
    pages: Vec<Option<String>>,
    /// What each template can tell of the page counts in a page's context, hashed
    /// (see [`super::counts`]).
    page_counts: std::collections::HashMap<String, String>,
    /// Every section's page count, hashed.
    exact_counts: String,
    dashboard: OnceLock<String>,
}

impl<'a> Keys<'a> {
    pub(super) fn new(
        site: &'a Site,
        salt: Salt,
        summaries: &'a [Value],
        sources: &'a [TemplateSource],
    ) -> Keys<'a> {
        let graph = TemplateGraph::new(sources);
        let exact_counts = counts_part(site, &CountUse::Exact);
        let (whole_site, pages) = whole_site(site, summaries, &exact_counts);
        let page_counts = page_counts(site, sources, &graph);
        let templates = sources
            .iter()
            .map(|t| {
                let mut used: Vec<&TemplateSource> = match graph.uses(&t.name) {
                    Some(names) => sources.iter().filter(|u| names.contains(&u.name)).collect(),
                    None => sources.iter().collect(),
                };
                used.sort_by(|a, b| a.name.cmp(&b.name));
                let mut h = KeyHasher::new();
                for u in used {
                    h.text("name", &u.name);
                    h.text("text", &u.text);
                }
                (t.name.clone(), h.finish())
            })
            .collect();
        Keys {
            site,
            salt,
            sources,
            graph,
            templates,
            volunteers: OnceLock::new(),
            // Eagerly, outside the jobs: a lazy value initialized in parallel from inside a
            // parallel job can deadlock the thread pool.
            whole_site,
            pages,
            page_counts,
            exact_counts,
            dashboard: OnceLock::new(),
        }
    }

    /// The hash of each page's full view (`page` in its context, `get_page`), by page index.
    pub(super) fn pages(&self) -> &[Option<String>] {
        &self.pages
    }

    /// The key of rendering `template` on a context hashed as `context` (`page`: a page's
    /// context, hashed without page counts), before any function it calls is counted (see
    /// [`Keys::full`]).
    pub(super) fn base(&self, template: &str, context: &str, page: bool) -> String {
        let mut h = KeyHasher::new();
        h.text("salt", &self.salt.0);
        h.text("template", template);
        if page {
            let counts = self.page_counts.get(template);
            h.text("counts", counts.unwrap_or(&self.exact_counts));
        }
        match self.templates.get(template) {
            Some(t) => h.text("templates", t),
            // Not one of the sources (cannot happen for a template Tera found): every text.
            None => {
                for t in self.sources {
                    h.text(&t.name, &t.text);
                }
            }
        }
        if self.graph.reads(template, Reads::Volunteers) {
            let volunteers = self.volunteers.get_or_init(|| {
                let mut v = KeyHasher::new();
                if !v.json("volunteers", &self.site.volunteers) {
                    v.text("unhashable", &format!("{:?}", std::time::SystemTime::now()));
                }
                v.finish()
            });
            h.text("volunteers", volunteers);
        }
        h.text("context", context);
        h.finish()
    }

    /// The full key of a rendering with key `base` that read `reads` (see the module comment).
    pub(super) fn full(&self, base: &str, reads: &FunctionReads) -> String {
        let mut key = base.to_string();
        if reads.flags & READ_SITE != 0 {
            key.push_str(";s=");
            key.push_str(&self.whole_site);
        }
        if reads.flags & READ_DASHBOARD != 0 {
            key.push_str(";d=");
            key.push_str(self.dashboard.get_or_init(|| {
                let mut h = KeyHasher::new();
                h.json("dashboard", &views::dashboard(self.site));
                h.finish()
            }));
        }
        if reads.flags & READ_CLOCK != 0 {
            // `days_until` reads the Beijing calendar day, not the moment.
            key.push_str(";t=");
            key.push_str(&super::countdown::day(self.site.now).to_string());
        }
        for image in &reads.images {
            let mut h = KeyHasher::new();
            h.json(
                "image",
                &super::photos::static_image_set(self.site, &format!("/{image}")),
            );
            key.push_str(";i=");
            key.push_str(&hex(image));
            key.push(':');
            key.push_str(&h.finish());
        }
        key
    }

    /// Whether a file recorded with key `recorded` is still what rendering `base` would give:
    /// `recorded` is `base` with the same parts for what that rendering read.
    pub(super) fn still(&self, recorded: &str, base: &str) -> bool {
        let Some(rest) = recorded.strip_prefix(base) else {
            return false;
        };
        let mut reads = FunctionReads::default();
        for part in rest.split(';').skip(1) {
            match part.split_once('=') {
                Some(("s", _)) => reads.flags |= READ_SITE,
                Some(("d", _)) => reads.flags |= READ_DASHBOARD,
                Some(("t", _)) => reads.flags |= READ_CLOCK,
                Some(("i", image)) => {
                    let Some(name) = image.split_once(':').and_then(|(h, _)| unhex(h)) else {
                        return false;
                    };
                    reads.images.insert(name);
                }
                _ => return false,
            }
        }
        (rest.is_empty() || rest.starts_with(';')) && self.full(base, &reads) == recorded
    }
}

/// A text as lowercase hexadecimal bytes (a static path in a key, whatever it holds).
fn hex(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

/// The text [`hex`] wrote.
fn unhex(hex: &str) -> Option<String> {
    let bytes: Option<Vec<u8>> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect();
    String::from_utf8(bytes?).ok()
}

/// The hash of everything the site-reading functions can return: every page's full view
/// and summary with its content path, every section's view and pages, every taxonomy with
/// its terms, and the data files.
/// Also gives the hash of each page's full view, by page index.
fn whole_site(
    site: &Site,
    summaries: &[Value],
    exact_counts: &str,
) -> (String, Vec<Option<String>>) {
    let pages: Vec<Option<String>> = site
        .pages
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let mut h = KeyHasher::blind();
            h.text("content_path", &p.page.content_path);
            let ok = h.json("page", &views::page_full(site, p, summaries))
                && h.json("summary", &summaries.get(i));
            ok.then(|| h.finish())
        })
        .collect();
    let mut h = KeyHasher::new();
    // The pages' hashes leave the counts out; the sections' views below hold them too.
    h.text("counts", exact_counts);
    let mut ok = true;
    for page in &pages {
        match page {
            Some(k) => h.text("p", k),
            None => ok = false,
        }
    }
    for s in &site.sections {
        h.text("section", &s.section.content_path);
        ok &= h.json("view", &views::section_full(site, s, Vec::new()));
        ok &= h.json("pages", &s.pages);
    }
    for t in site.taxonomies.iter() {
        ok &= h.json("taxonomy", &views::taxonomy_view(site, t));
        for term in &t.terms {
            ok &= h.json("term", &views::term_view(site, term));
            ok &= h.json("pages", &term.pages);
        }
    }
    ok &= h.json("data", &*site.data);
    if !ok {
        h.text("unhashable", &format!("{:?}", std::time::SystemTime::now()));
    }
    (h.finish(), pages)
}

/// What each template can tell of the page counts in a page's context, hashed with the
/// counts (see [`super::counts`]), by template name.
fn page_counts(
    site: &Site,
    sources: &[TemplateSource],
    graph: &TemplateGraph,
) -> std::collections::HashMap<String, String> {
    let code: std::collections::HashMap<&str, String> = sources
        .iter()
        .map(|t| (t.name.as_str(), super::changes::without_comments(&t.text)))
        .collect();
    let mut parts: std::collections::HashMap<CountUse, String> = Default::default();
    sources
        .iter()
        .map(|t| {
            let told = match graph.uses(&t.name) {
                Some(used) => count_use(
                    used.iter()
                        .filter_map(|u| code.get(u.as_str()))
                        .map(String::as_str),
                ),
                None => CountUse::Exact,
            };
            let part = parts
                .entry(told)
                .or_insert_with_key(|told| counts_part(site, told));
            (t.name.clone(), part.clone())
        })
        .collect()
}

/// The hash of what `told` says a template can tell of every section's page count.
fn counts_part(site: &Site, told: &CountUse) -> String {
    let mut h = KeyHasher::new();
    match told {
        CountUse::Exact => {
            let counts: Vec<usize> = site.sections.iter().map(|s| s.pages.len()).collect();
            h.json("exact", &counts);
        }
        CountUse::Compared(literals) => {
            h.json("literals", literals);
            let sides: Vec<i8> = site
                .sections
                .iter()
                .flat_map(|s| {
                    let n = i64::try_from(s.pages.len()).unwrap_or(i64::MAX);
                    literals.iter().map(move |c| n.cmp(c) as i8)
                })
                .collect();
            h.json("sides", &sides);
        }
    }
    h.finish()
}

/// With `WENMING_TIMINGS` set, the time [`super::render_reusing`] spends in each step, summed
/// over the jobs (CPU time across threads, not wall time), printed on stderr.
pub(super) struct Clock {
    on: bool,
    pub(super) start: std::time::Instant,
    nanos: [std::sync::atomic::AtomicU64; 6],
}

const STEPS: [&str; 6] = [
    "summaries and templates (wall)",
    "whole-site key (wall)",
    "contexts to render (after the key)",
    "contexts hashed and keys",
    "rendering",
    "writer (hash, compare, stage)",
];

impl Clock {
    pub(super) fn new() -> Clock {
        Clock {
            on: std::env::var_os("WENMING_TIMINGS").is_some(),
            start: std::time::Instant::now(),
            nanos: Default::default(),
        }
    }

    /// Adds the time since `since` to step `k`; returns now.
    pub(super) fn add(&self, k: usize, since: std::time::Instant) -> std::time::Instant {
        let now = std::time::Instant::now();
        if self.on {
            let spent = u64::try_from((now - since).as_nanos()).unwrap_or(u64::MAX);
            self.nanos[k].fetch_add(spent, std::sync::atomic::Ordering::Relaxed);
        }
        now
    }

    pub(super) fn report(&self) {
        if self.on {
            for (step, n) in STEPS.iter().zip(&self.nanos) {
                let n = n.load(std::sync::atomic::Ordering::Relaxed);
                eprintln!("timing:   render: {step} {:.3} s", n as f64 / 1e9);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::path::Path;
    use std::sync::{Arc, Mutex};

    use super::super::changes::tests::{load, site_root, write};
    use super::super::{Previous, render_reusing};
    use super::Salt;
    use crate::error::Diagnostic;
    use crate::output::OutputFile;

    /// The previous build's keys by output path, and what this build rendered and recorded.
    #[derive(Default)]
    struct Memory {
        previous: HashMap<String, String>,
        keys: Mutex<HashMap<String, String>>,
        rendered: Mutex<Vec<String>>,
    }

    impl Previous for Memory {
        fn recorded_key(&self, path: &str) -> Option<&str> {
            self.previous.get(path).map(String::as_str)
        }
        fn keep(&self, path: &str, key: &str) -> bool {
            self.keys
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(path.into(), key.into());
            true
        }
        fn put(&self, file: OutputFile, key: Option<String>) -> Result<(), Diagnostic> {
            if let Some(key) = key {
                self.keys
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(file.path.clone(), key);
            }
            self.rendered
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(file.path);
            Ok(())
        }
    }

    /// Renders the site at `root` after a build that recorded `previous`; returns the files
    /// rendered (sorted) and the keys to give the next build.
    fn build(
        root: &Path,
        previous: HashMap<String, String>,
    ) -> (Vec<String>, HashMap<String, String>) {
        let (site, templates) = load(root);
        let memory = Memory {
            previous,
            ..Memory::default()
        };
        let salt = Salt::new(&site, false);
        render_reusing(Arc::clone(&site), templates, salt, &memory)
            .unwrap_or_else(|e| panic!("{e:?}"));
        let mut rendered = memory.rendered.into_inner().unwrap_or_default();
        rendered.sort();
        (rendered, memory.keys.into_inner().unwrap_or_default())
    }

    /// The small site of the `changes` tests, with templates that render (listings show
    /// `paginator.items`) and a site map of its own.
    fn small_site() -> tempfile::TempDir {
        let dir = site_root();
        let items = "{% for p in paginator.items %}{{ p.title }};{% endfor %}";
        write(
            dir.path(),
            "templates/section.html",
            &format!("{{{{ section.title }}}}|{items}"),
        );
        write(
            dir.path(),
            "templates/taxonomy_term.html",
            &format!("{{{{ term.name }}}}|{items}"),
        );
        write(
            dir.path(),
            "templates/sitemap.html",
            "{% for e in sitemap %}{% for p in e.pages %}{{ p.title }};{% endfor %}{% endfor %}",
        );
        dir
    }

    const EVERY_FILE: [&str; 12] = [
        "404.html",
        "about/index.html",
        "index.html",
        "news/a/index.html",
        "news/b/index.html",
        "news/c/index.html",
        "news/index.html",
        "news/page/2/index.html",
        "sitemap/index.html",
        "tags/huan-jing/index.html",
        "tags/index.html",
        "tags/zhi-yuan/index.html",
    ];

    #[test]
    fn nothing_changed_renders_nothing() {
        let dir = small_site();
        let (first, keys) = build(dir.path(), HashMap::new());
        assert_eq!(first, EVERY_FILE);
        let (again, _) = build(dir.path(), keys);
        assert_eq!(again, Vec::<String>::new());
    }

    #[test]
    fn an_edited_title_renders_what_shows_it_and_what_reads_the_site() {
        let dir = small_site();
        let (_, keys) = build(dir.path(), HashMap::new());
        write(
            dir.path(),
            "content/news/b.md",
            "---\ntitle: 新闻乙\ndate: 2026-05-02\ntags: [志愿]\n---\n正文b。\n",
        );
        let (rendered, _) = build(dir.path(), keys);
        // Newest first: c, b on pager 1 of the section, a on pager 2; b's neighbours a and c;
        // the home page lists the recent pages; b is tagged 志愿; the site map lists every
        // page; about.html reads the site (get_page).
        assert_eq!(
            rendered,
            [
                "about/index.html",
                "index.html",
                "news/a/index.html",
                "news/b/index.html",
                "news/c/index.html",
                "news/index.html",
                "sitemap/index.html",
                "tags/zhi-yuan/index.html",
            ]
        );
    }

    #[test]
    fn a_template_change_renders_the_files_using_it() {
        let dir = small_site();
        let (_, keys) = build(dir.path(), HashMap::new());
        write(
            dir.path(),
            "templates/taxonomy_term.html",
            "{{ term.name }}！|{% for p in paginator.items %}{{ p.title }};{% endfor %}",
        );
        let (rendered, _) = build(dir.path(), keys);
        assert_eq!(
            rendered,
            ["tags/huan-jing/index.html", "tags/zhi-yuan/index.html"]
        );
    }

    /// Adds page d (the newest) to the news section of the small site whose page template is
    /// `page`; returns what the next build renders.
    fn rendered_after_a_page_is_added(page: &str) -> Vec<String> {
        let dir = small_site();
        write(dir.path(), "templates/page.html", page);
        let (_, keys) = build(dir.path(), HashMap::new());
        write(
            dir.path(),
            "content/news/d.md",
            "---\ntitle: 新闻d\ndate: 2026-05-04\n---\n正文d。\n",
        );
        build(dir.path(), keys).0
    }

    #[test]
    fn an_added_page_renders_the_pages_of_its_section_only_if_they_can_tell_the_count() {
        // The section's count is compared with 0 only: 3 and 4 are on the same side.
        let rendered = rendered_after_a_page_is_added(
            "{{ page.title }}|{% if section.page_count > 0 %}{{ section.title }}{% endif %}",
        );
        assert!(
            rendered.contains(&"news/d/index.html".to_string()),
            "{rendered:?}"
        );
        // c is d's neighbour (`page.next`).
        for kept in ["news/a/index.html", "news/b/index.html"] {
            assert!(!rendered.contains(&kept.to_string()), "{rendered:?}");
        }
        // Compared with 3: 3 and 4 are on different sides of it.
        let rendered = rendered_after_a_page_is_added(
            "{{ page.title }}|{% if section.page_count > 3 %}多{% endif %}",
        );
        assert!(
            rendered.contains(&"news/a/index.html".to_string()),
            "{rendered:?}"
        );
        // Printed, or read whole: every page of the section.
        for template in [
            "{{ page.title }}|{{ section.page_count }}",
            "{{ page.title }}|{{ section | json_encode }}",
            "{{ page.title }}|{% for a in page.ancestors %}{{ a | json_encode }}{% endfor %}",
        ] {
            let rendered = rendered_after_a_page_is_added(template);
            for page in [
                "news/a/index.html",
                "news/b/index.html",
                "news/c/index.html",
            ] {
                assert!(
                    rendered.contains(&page.to_string()),
                    "{template}: {rendered:?}"
                );
            }
        }
    }

    #[test]
    fn a_page_read_through_a_function_renders_its_reader_only_when_the_site_changed() {
        let dir = small_site();
        write(
            dir.path(),
            "templates/404.html",
            "{{ url(path=\"@/news/a.md\") }}",
        );
        let (_, keys) = build(dir.path(), HashMap::new());
        let (again, keys) = build(dir.path(), keys);
        assert_eq!(again, Vec::<String>::new());
        write(
            dir.path(),
            "content/news/a.md",
            "---\ntitle: 新闻a\ndate: 2026-05-01\ntags: [志愿]\npath: /news/aa/\n---\n正文a。\n",
        );
        let (rendered, _) = build(dir.path(), keys);
        assert!(rendered.contains(&"404.html".to_string()), "{rendered:?}");
        assert!(
            rendered.contains(&"about/index.html".to_string()),
            "{rendered:?}"
        );
    }
}
