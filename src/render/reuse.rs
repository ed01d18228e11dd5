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
//! - its context (the page, the pager's items…), hashed as JSON;
//! - the volunteer statistics, a global, when the template names them;
//! - and whatever the functions it called read: the whole site for `get_page`, `get_section`,
//!   `get_taxonomy`, `load_data` and `url(path="@/…")`, the progress dashboard, and the
//!   build's moment for `days_until`. Which of these a rendering read is noted while it runs
//!   ([`super::functions::take_reads`]) and added to its key: rendering is deterministic, so
//!   the same template on the same context takes the same path up to the first such call, and
//!   from there on the key holds what the call read. A key is thus `BASE`, or `BASE` followed
//!   by `;s=SITE`, `;d=DASHBOARD`, `;t=MOMENT` for each of them.

use std::io::{self, Write as _};
use std::sync::OnceLock;

use rayon::prelude::*;
use serde::Serialize;
use siphasher::sip128::{Hasher128 as _, SipHasher13};
use tera::Value;

use super::changes::{Reads, TemplateGraph};
use super::functions::{READ_CLOCK, READ_DASHBOARD, READ_SITE};
use super::templates::TemplateSource;
use super::views;
use crate::site::Site;

/// A hasher that serialized values are written into.
pub(super) struct KeyHasher(io::BufWriter<Sip>);

struct Sip(SipHasher13);

impl io::Write for Sip {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        std::hash::Hasher::write(&mut self.0, bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl KeyHasher {
    pub(super) fn new() -> KeyHasher {
        KeyHasher(io::BufWriter::with_capacity(
            8192,
            Sip(SipHasher13::new_with_keys(
                0x7265_6e64_6572_6b65,
                0x7977_656e_6d69_6e67,
            )),
        ))
    }

    /// Adds a labelled string.
    pub(super) fn text(&mut self, label: &str, text: &str) {
        let _ = write!(self.0, "{label}:{}:{text};", text.len());
    }

    /// Adds a labelled value as JSON; false when it cannot be serialized (then no key).
    pub(super) fn json(&mut self, label: &str, value: &impl Serialize) -> bool {
        let _ = write!(self.0, "{label}=");
        let ok = serde_json::to_writer(&mut self.0, value).is_ok();
        let _ = self.0.write_all(b";");
        ok
    }

    pub(super) fn finish(mut self) -> String {
        let _ = self.0.flush();
        let (sip, _) = self.0.into_parts();
        let h = sip.0.finish128();
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
            whole_site: whole_site(site, summaries),
            dashboard: OnceLock::new(),
        }
    }

    /// The key of rendering `template` on the context `entries`, before any function it calls
    /// is counted (see [`Keys::full`]); `None` when the context cannot be hashed.
    pub(super) fn base(&self, template: &str, entries: &[(&'static str, Value)]) -> Option<String> {
        let mut h = KeyHasher::new();
        h.text("salt", &self.salt.0);
        h.text("template", template);
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
        for (name, value) in entries {
            if !h.json(name, value) {
                return None;
            }
        }
        Some(h.finish())
    }

    /// The full key of a rendering with key `base` that read `reads` (see the module comment).
    pub(super) fn full(&self, base: &str, reads: u8) -> String {
        let mut key = base.to_string();
        if reads & READ_SITE != 0 {
            key.push_str(";s=");
            key.push_str(&self.whole_site);
        }
        if reads & READ_DASHBOARD != 0 {
            key.push_str(";d=");
            key.push_str(self.dashboard.get_or_init(|| {
                let mut h = KeyHasher::new();
                h.json("dashboard", &views::dashboard(self.site));
                h.finish()
            }));
        }
        if reads & READ_CLOCK != 0 {
            key.push_str(";t=");
            key.push_str(&self.site.now.as_nanosecond().to_string());
        }
        key
    }

    /// Whether a file recorded with key `recorded` is still what rendering `base` would give:
    /// `recorded` is `base` with the same parts for what that rendering read.
    pub(super) fn still(&self, recorded: &str, base: &str) -> bool {
        let Some(rest) = recorded.strip_prefix(base) else {
            return false;
        };
        let mut reads = 0;
        for part in rest.split(';').skip(1) {
            reads |= match part.split_once('=') {
                Some(("s", _)) => READ_SITE,
                Some(("d", _)) => READ_DASHBOARD,
                Some(("t", _)) => READ_CLOCK,
                _ => return false,
            };
        }
        (rest.is_empty() || rest.starts_with(';')) && self.full(base, reads) == recorded
    }
}

/// The hash of everything the site-reading functions can return: every page's full view
/// and summary with its content path, every section's view and pages, every taxonomy with
/// its terms, and the data files.
fn whole_site(site: &Site, summaries: &[Value]) -> String {
    let pages: Vec<Option<String>> = site
        .pages
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let mut h = KeyHasher::new();
            h.text("content_path", &p.page.content_path);
            let ok = h.json("page", &views::page_full(site, p, summaries))
                && h.json("summary", &summaries.get(i));
            ok.then(|| h.finish())
        })
        .collect();
    let mut h = KeyHasher::new();
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
    h.finish()
}
