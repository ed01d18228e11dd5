//! The site search index, built from the linked site and written as static files under
//! `search/`, so that searching needs no server:
//!
//! - `search/index.json`: the format number, a version stamp (for cache busting), where each
//!   terms and positions file starts, the number of pages, the section titles, and the
//!   Traditional→Simplified table;
//! - `search/terms/K.bin` and `search/positions/K.bin`: the terms with their page lists, and
//!   the pairs' positions, cut into files of about equal size ([`shard`]);
//! - `search/pages/ID.json`: one indexed page's title, URL, section, date and text, fetched
//!   only for the results being shown.
//!
//! Page ids count from the oldest page (undated pages first), so newer pages have higher ids
//! and a page keeps its id when newer ones are added. Which pages are indexed: every published
//! page in the sections `search.sections` names (all by default), except those with
//! `search: false`. Text comes from the Markdown stage ([`crate::markdown::Rendered::text`]);
//! [`tokenize`] says how it is cut into terms. `docs/search.md` describes it for users.

mod fold;
pub mod shard;
pub mod tokenize;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

pub use fold::fold;
use shard::{Encoded, Postings};
use tokenize::{FieldTerms, Key, field_terms, tokenize};

use crate::error::{Diagnostic, Diagnostics};
use crate::output::Emit;
use crate::output::{Bytes, OutputFile};
use crate::site::{Site, SitePage};

pub use crate::output::SEARCH_INDEX_DIR as INDEX_DIR;

/// The index format; the client refuses an index of another format.
pub const FORMAT: u32 = 2;

/// Pages tokenized in parallel before their terms are merged, bounding memory.
const BATCH: usize = 256;

/// What was indexed (for reports and benchmarks).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexSummary {
    pub pages: usize,
    pub terms: usize,
    /// Files of terms, and of positions.
    pub files: (usize, usize),
}

/// One page's terms, from its title and from its body.
struct PageTerms {
    title: FieldTerms,
    body: FieldTerms,
}

/// `index.json`.
#[derive(Serialize)]
struct IndexMeta<'a> {
    format: u32,
    version: String,
    /// Where each terms file after the first starts: its first bucket minus the previous
    /// file's ([`shard::Layout::deltas`]).
    terms: Vec<u16>,
    /// The same for the positions files.
    positions: Vec<u16>,
    pages: usize,
    sections: Vec<&'a str>,
    traditional: String,
}

/// `pages/ID.json`.
#[derive(Serialize)]
struct PageRecord<'a> {
    title: &'a str,
    url: String,
    section: usize,
    date: Option<String>,
    text: &'a str,
}

/// Builds the index and hands every file to `emit`. Does nothing when search is off.
pub fn build(site: &Site, emit: Emit) -> Result<IndexSummary, Diagnostics> {
    if !site.config.search.enabled {
        return Ok(IndexSummary::default());
    }
    let pages = indexed_pages(site, &included_sections(site)?);
    let mut terms: FxHashMap<Key, Postings> = FxHashMap::default();
    let mut version = Fnv64::default();
    for (batch_number, batch) in pages.chunks(BATCH).enumerate() {
        let first_id = batch_number * BATCH;
        let done: Vec<(PageTerms, String)> = batch
            .par_iter()
            .map(|p| {
                let text = page_text(p);
                let record = PageRecord {
                    title: &p.page.meta.title,
                    url: site.url_path(&p.path),
                    section: p.section.index(),
                    date: p.page.meta.date.map(|d| d.ymd()),
                    text: &text,
                };
                let json = crate::output::web_json(&record);
                let terms = PageTerms {
                    title: field_terms(&tokenize(&p.page.meta.title)),
                    body: field_terms(&tokenize(&text)),
                };
                (terms, json)
            })
            .collect();
        for (offset, (page, json)) in done.into_iter().enumerate() {
            let id = first_id + offset;
            version.write(json.as_bytes());
            emit(OutputFile::text(
                format!("{INDEX_DIR}/pages/{id}.json"),
                json,
            ))
            .map_err(|d| vec![d])?;
            add_page(&mut terms, id as u32, &page);
        }
    }

    let spelt: Vec<(String, &Postings)> = terms.iter().map(|(k, p)| (k.text(), p)).collect();
    let spelt: Vec<(&str, &Postings)> = spelt.iter().map(|(k, p)| (k.as_str(), *p)).collect();
    let Encoded {
        terms: terms_layout,
        positions: positions_layout,
        terms_files,
        positions_files,
    } = shard::encode(&spelt);
    let files = (terms_files.len(), positions_files.len());
    for (kind, kind_files) in [("terms", terms_files), ("positions", positions_files)] {
        for (k, bytes) in kind_files.into_iter().enumerate() {
            version.write(&bytes);
            emit(binary_file(format!("{INDEX_DIR}/{kind}/{k}.bin"), bytes)).map_err(|d| vec![d])?;
        }
    }

    let meta = IndexMeta {
        format: FORMAT,
        version: format!("{:016x}", version.0),
        terms: terms_layout.deltas(),
        positions: positions_layout.deltas(),
        pages: pages.len(),
        sections: site
            .sections
            .iter()
            .map(|s| s.section.meta.title.as_str())
            .collect(),
        traditional: fold::traditional_table(),
    };
    let json = crate::output::web_json(&meta);
    emit(OutputFile::text(format!("{INDEX_DIR}/index.json"), json)).map_err(|d| vec![d])?;
    Ok(IndexSummary {
        pages: pages.len(),
        terms: terms.len(),
        files,
    })
}

fn binary_file(path: String, bytes: Vec<u8>) -> OutputFile {
    OutputFile {
        path,
        bytes: Bytes::Owned(bytes),
    }
}

/// For each section, whether its pages are indexed: it or a section above it is listed in
/// `search.sections`, or that list is empty.
fn included_sections(site: &Site) -> Result<Vec<bool>, Diagnostics> {
    let wanted = &site.config.search.sections;
    if wanted.is_empty() {
        return Ok(vec![true; site.sections.len()]);
    }
    let errors: Vec<Diagnostic> = wanted
        .iter()
        .filter(|name| !site.sections.iter().any(|s| &s.section.dir == *name))
        .map(|name| {
            let known: Vec<&str> = site
                .sections
                .iter()
                .filter(|s| !s.section.dir.is_empty())
                .map(|s| s.section.dir.as_str())
                .collect();
            Diagnostic::new(
                "site.yaml",
                format!("search.sections 中的栏目“{name}”不存在"),
            )
            .hint(format!(
                "写 content/ 下栏目的目录名，可用的有：{}",
                known.join(", ")
            ))
        })
        .collect();
    if !errors.is_empty() {
        return Err(Diagnostics::from(errors));
    }
    // Parents come before their children in `site.sections`.
    let mut included = vec![false; site.sections.len()];
    for (i, s) in site.sections.iter().enumerate() {
        included[i] =
            wanted.contains(&s.section.dir) || s.parent.is_some_and(|p| included[p.index()]);
    }
    Ok(included)
}

/// The pages to index, oldest first (undated pages before dated ones); the position is the id.
fn indexed_pages<'a>(site: &'a Site, included: &[bool]) -> Vec<&'a SitePage> {
    let mut pages: Vec<&SitePage> = site
        .pages
        .iter()
        .map(|p| p.as_ref())
        .filter(|p| !p.page.meta.exclude_from_search && included[p.section.index()])
        .collect();
    pages.sort_by(|a, b| {
        (a.page.meta.date, &a.page.content_path).cmp(&(b.page.meta.date, &b.page.content_path))
    });
    pages
}

/// The searchable text of a page besides its title: the front matter description and summary,
/// then the body (the search page shows its start as the excerpt).
fn page_text(p: &SitePage) -> String {
    let meta = &p.page.meta;
    let mut text = String::new();
    for field in [&meta.description, &meta.summary].into_iter().flatten() {
        text.push_str(field);
        text.push('\n');
    }
    text.push_str(&p.page.body.text);
    text
}

/// Adds page `id`'s singles and pairs to the index.
fn add_page(terms: &mut FxHashMap<Key, Postings>, id: u32, page: &PageTerms) {
    join_by_key(
        &page.title.singles,
        &page.body.singles,
        |k| k,
        |key, title, _| {
            terms
                .entry(key.clone())
                .or_default()
                .add_single(id, !title.is_empty());
        },
    );
    join_by_key(
        &page.title.pairs,
        &page.body.pairs,
        |(k, _)| k,
        |key, title, body| {
            terms
                .entry(key.clone())
                .or_default()
                .add_pair(id, positions(title), positions(body));
        },
    );
}

fn positions(found: &[(Key, u32)]) -> impl ExactSizeIterator<Item = u32> + '_ {
    found.iter().map(|(_, p)| *p)
}

/// Walks two lists sorted by key together and calls `f` once per distinct key, with the
/// items of each list that have it (either may be empty).
fn join_by_key<'a, T>(
    title: &'a [T],
    body: &'a [T],
    key: impl Fn(&T) -> &Key,
    mut f: impl FnMut(&'a Key, &'a [T], &'a [T]),
) {
    let run = |list: &'a [T], at: usize, k: &Key| -> &'a [T] {
        let len = list[at..].iter().take_while(|x| key(x) == k).count();
        &list[at..at + len]
    };
    let (mut t, mut b) = (0, 0);
    while t < title.len() || b < body.len() {
        let k = match (title.get(t), body.get(b)) {
            (Some(x), Some(y)) => key(x).min(key(y)),
            (Some(x), None) => key(x),
            (None, Some(y)) => key(y),
            (None, None) => break,
        };
        let (in_title, in_body) = (run(title, t, k), run(body, b, k));
        t += in_title.len();
        b += in_body.len();
        f(k, in_title, in_body);
    }
}

/// FNV-1a, 64 bit: a stable stamp of the index's bytes.
struct Fnv64(u64);

impl Default for Fnv64 {
    fn default() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv64 {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}
