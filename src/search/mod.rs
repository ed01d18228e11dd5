//! The site search index, built from the linked site and written as static files under
//! `search/`, so that searching needs no server:
//!
//! - `search/index.json`: the format number, a version stamp (for cache busting), the number
//!   of shards and pages, the section titles, and the Traditional→Simplified table;
//! - `search/terms/K.bin` and `search/positions/K.bin`: the shards ([`shard`]);
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

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;

pub use fold::fold;
use shard::{Postings, encode_shard, shard_count, shard_of};
use tokenize::{field_terms, tokenize};

use crate::error::Diagnostic;
use crate::output::{Bytes, OutputFile};
use crate::render::Emit;
use crate::site::{Site, SitePage};

/// The index's folder below the output.
pub const INDEX_DIR: &str = "search";

/// The index format; the client refuses an index of another format.
pub const FORMAT: u32 = 1;

/// Pages tokenized in parallel before their terms are merged, bounding memory.
const BATCH: usize = 256;

/// What was indexed (for reports and benchmarks).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexSummary {
    pub pages: usize,
    pub terms: usize,
    pub shards: u32,
}

/// One page's terms: singles with whether they occur in the title, and pairs with their
/// title and body positions.
struct PageTerms {
    singles: HashMap<String, bool>,
    pairs: HashMap<String, (Vec<u32>, Vec<u32>)>,
}

/// `index.json`.
#[derive(Serialize)]
struct IndexMeta<'a> {
    format: u32,
    version: String,
    shards: u32,
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
pub fn build(site: &Site, emit: Emit) -> Result<IndexSummary, Vec<Diagnostic>> {
    if !site.config.search.enabled {
        return Ok(IndexSummary::default());
    }
    let pages = indexed_pages(site, &included_sections(site)?);
    let mut terms: HashMap<String, Postings> = HashMap::new();
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
                    section: p.section,
                    date: p.page.meta.date.map(|d| d.ymd()),
                    text: &text,
                };
                let json = serde_json::to_string(&record).unwrap_or_default();
                (page_terms(&p.page.meta.title, &text), json)
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
            let id = id as u32;
            for (key, in_title) in page.singles {
                terms.entry(key).or_default().add_single(id, in_title);
            }
            for (key, (title, body)) in page.pairs {
                terms.entry(key).or_default().add_pair(id, &title, &body);
            }
        }
    }

    let shards = shard_count(terms.iter().map(|(k, p)| k.len() + p.list_bytes()).sum());
    let mut by_shard: Vec<Vec<(&str, &Postings)>> = vec![Vec::new(); shards as usize];
    for (key, postings) in &terms {
        by_shard[shard_of(key, shards) as usize].push((key.as_str(), postings));
    }
    let encoded: Vec<(Vec<u8>, Vec<u8>)> = by_shard
        .par_iter_mut()
        .map(|shard_terms| {
            shard_terms.sort_unstable_by_key(|(key, _)| *key);
            encode_shard(shard_terms)
        })
        .collect();
    for (k, (terms_file, positions_file)) in encoded.into_iter().enumerate() {
        version.write(&terms_file);
        version.write(&positions_file);
        emit(binary_file(
            format!("{INDEX_DIR}/terms/{k}.bin"),
            terms_file,
        ))
        .map_err(|d| vec![d])?;
        emit(binary_file(
            format!("{INDEX_DIR}/positions/{k}.bin"),
            positions_file,
        ))
        .map_err(|d| vec![d])?;
    }

    let meta = IndexMeta {
        format: FORMAT,
        version: format!("{:016x}", version.0),
        shards,
        pages: pages.len(),
        sections: site
            .sections
            .iter()
            .map(|s| s.section.meta.title.as_str())
            .collect(),
        traditional: fold::traditional_table(),
    };
    let json = serde_json::to_string(&meta).unwrap_or_default();
    emit(OutputFile::text(format!("{INDEX_DIR}/index.json"), json)).map_err(|d| vec![d])?;
    Ok(IndexSummary {
        pages: pages.len(),
        terms: terms.len(),
        shards,
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
fn included_sections(site: &Site) -> Result<Vec<bool>, Vec<Diagnostic>> {
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
        return Err(errors);
    }
    // Parents come before their children in `site.sections`.
    let mut included = vec![false; site.sections.len()];
    for (i, s) in site.sections.iter().enumerate() {
        included[i] = wanted.contains(&s.section.dir) || s.parent.is_some_and(|p| included[p]);
    }
    Ok(included)
}

/// The pages to index, oldest first (undated pages before dated ones); the position is the id.
fn indexed_pages<'a>(site: &'a Site, included: &[bool]) -> Vec<&'a SitePage> {
    let mut pages: Vec<&SitePage> = site
        .pages
        .iter()
        .filter(|p| !p.page.meta.exclude_from_search && included[p.section])
        .collect();
    pages.sort_by(|a, b| {
        (a.page.meta.date, &a.page.content_path).cmp(&(b.page.meta.date, &b.page.content_path))
    });
    pages
}

/// The searchable text of a page besides its title: the front matter summary, then the body.
fn page_text(p: &SitePage) -> String {
    match &p.page.meta.summary {
        Some(summary) => format!("{summary}\n{}", p.page.body.text),
        None => p.page.body.text.clone(),
    }
}

fn page_terms(title: &str, text: &str) -> PageTerms {
    let title = field_terms(&tokenize(title));
    let body = field_terms(&tokenize(text));
    let mut singles: HashMap<String, bool> = body.singles.into_iter().map(|k| (k, false)).collect();
    for key in title.singles {
        singles.insert(key, true);
    }
    let mut pairs: HashMap<String, (Vec<u32>, Vec<u32>)> = body
        .pairs
        .into_iter()
        .map(|(k, positions)| (k, (Vec::new(), positions)))
        .collect();
    for (key, positions) in title.pairs {
        pairs.entry(key).or_default().0 = positions;
    }
    PageTerms { singles, pairs }
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
