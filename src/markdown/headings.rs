//! Heading ids that stay stable for Chinese text (`第五条` → `#第五条`), and the table of
//! contents built from them.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::Event;
use serde::Serialize;

/// One entry of a table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<Heading>,
}

/// An id for a heading: letters, digits and Han characters are kept (ASCII lowercased),
/// spaces become `-`, punctuation is dropped. `第一章 总则` → `第一章-总则`.
pub fn heading_id(title: &str) -> String {
    let mut id = String::with_capacity(title.len());
    for c in title.chars() {
        if c.is_alphanumeric() {
            id.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '_')
            && !id.ends_with('-')
            && !id.is_empty()
        {
            id.push('-');
        }
    }
    let id = id.trim_end_matches('-');
    if id.is_empty() {
        "section".to_string()
    } else {
        id.to_string()
    }
}

/// Hands out unique ids within one document: `a`, `a-1`, `a-2`… Each wanted id remembers
/// the next suffix to try, so 50,000 identical headings take linear time.
#[derive(Default)]
pub struct IdAllocator {
    used: HashSet<String>,
    next_suffix: HashMap<String, usize>,
}

/// The ids the default theme gives its own elements (the skip link's `main`, the table of
/// contents' `toc-title`…): a heading never takes one of them.
pub const THEME_IDS: &[&str] = &[
    "black-title",
    "dashboard-caption",
    "dashboard-title",
    "departments-caption",
    "directory-counts-caption",
    "directory-filter",
    "directory-filter-title",
    "directory-summary-title",
    "elder-toggle",
    "home-ads-title",
    "home-feature-title",
    "home-figures-title",
    "home-progress-title",
    "home-recent-title",
    "main",
    "metrics-caption",
    "ranking-caption",
    "red-title",
    "search-box",
    "search-box-query",
    "search-more",
    "search-query",
    "search-results",
    "search-status",
    "subsections-title",
    "toc-title",
];

impl IdAllocator {
    /// An allocator that never hands out the theme's own ids ([`THEME_IDS`]).
    pub fn reserving_theme_ids() -> Self {
        IdAllocator {
            used: THEME_IDS.iter().map(|id| id.to_string()).collect(),
            next_suffix: HashMap::new(),
        }
    }

    pub fn claim(&mut self, wanted: &str) -> String {
        if self.used.insert(wanted.to_string()) {
            return wanted.to_string();
        }
        let n = self.next_suffix.entry(wanted.to_string()).or_insert(1);
        loop {
            let id = format!("{wanted}-{n}");
            *n += 1;
            if self.used.insert(id.clone()) {
                return id;
            }
        }
    }
}

/// The text of a heading's inline events, without markup.
pub fn plain_text(events: &[Event]) -> String {
    let mut s = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s.trim().to_string()
}

/// Nests a flat list of (level, id, title) into a tree: deeper headings become children.
pub fn build_tree(flat: Vec<(u8, String, String)>) -> Vec<Heading> {
    let mut roots: Vec<Heading> = Vec::new();
    for (level, id, title) in flat {
        let heading = Heading {
            level,
            id,
            title,
            children: Vec::new(),
        };
        insert(&mut roots, heading);
    }
    roots
}

fn insert(siblings: &mut Vec<Heading>, heading: Heading) {
    match siblings.last_mut() {
        Some(last) if last.level < heading.level => insert(&mut last.children, heading),
        _ => siblings.push(heading),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_ids_get_the_next_free_suffix() {
        let mut ids = IdAllocator::default();
        let claimed: Vec<String> = ["a", "a", "a-2", "a", "a", "b", "a-1"]
            .iter()
            .map(|w| ids.claim(w))
            .collect();
        assert_eq!(claimed, ["a", "a-1", "a-2", "a-3", "a-4", "b", "a-1-1"]);
    }

    /// Every fixed `id="…"` of the default theme's templates is reserved.
    #[test]
    fn every_fixed_id_of_the_default_theme_is_reserved() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
        let mut found = std::collections::BTreeSet::new();
        for entry in walkdir::WalkDir::new(&dir).into_iter().flatten() {
            let Ok(text) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            for part in text.split("id=\"").skip(1) {
                let id = part.split('"').next().unwrap_or_default();
                if !id.is_empty() && !id.contains('{') {
                    found.insert(id.to_string());
                }
            }
        }
        let reserved: std::collections::BTreeSet<String> =
            THEME_IDS.iter().map(|id| id.to_string()).collect();
        assert_eq!(found, reserved);
    }

    #[test]
    fn ids_keep_chinese_and_drop_punctuation() {
        assert_eq!(heading_id("第五条"), "第五条");
        assert_eq!(heading_id("一、总体要求（试行）"), "一总体要求试行");
        assert_eq!(heading_id("Hello World 2026"), "hello-world-2026");
        assert_eq!(heading_id("！？"), "section");
    }
}
