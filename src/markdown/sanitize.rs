//! Raw HTML in Markdown is cleaned with ammonia: formatting tags stay, scripts, event handlers,
//! `javascript:` URLs, iframes and styles other than table alignment go.

use std::collections::HashSet;
use std::sync::OnceLock;

fn builder() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_generic_attributes(["id", "class", "title", "lang", "dir"])
            .add_tags(["input", "figure", "figcaption", "mark", "section"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tag_attributes("img", ["width", "height", "loading"])
            .add_tag_attributes("th", ["style", "scope"])
            .add_tag_attributes("td", ["style", "data-label"])
            // The scroll box wenming puts around tables (see markdown::TABLE_WRAP_OPEN).
            .add_tag_attributes("div", ["role", "tabindex", "aria-label"])
            .add_tag_attribute_values("div", "role", ["region"])
            .add_tag_attribute_values("div", "tabindex", ["0"])
            .add_tag_attribute_values("input", "type", ["checkbox"])
            .filter_style_properties(HashSet::from(["text-align"]))
            .url_schemes(HashSet::from(["http", "https", "mailto", "tel"]))
            .link_rel(None);
        b
    })
}

/// Deepest element nesting handed to the sanitizer. Its HTML parser spends time in
/// proportion to the depth on every element, so 20,000 nested `<div>`s take seconds and a
/// 10 MB file hours; real pages stay far below 50 levels.
pub const MAX_DEPTH: usize = 256;

/// Elements that never have an end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// True when the elements of `html` nest deeper than [`MAX_DEPTH`] (counted from start and
/// end tags, as written; `<` in text is always escaped as `&lt;` by then).
pub fn too_deep(html: &str) -> bool {
    let mut depth = 0usize;
    for (i, _) in html.match_indices('<') {
        let rest = &html[i + 1..];
        if rest.starts_with('/') {
            depth = depth.saturating_sub(1);
            continue;
        }
        let name_len = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        if name_len == 0 {
            continue;
        }
        let name = rest[..name_len].to_ascii_lowercase();
        let self_closing = rest.find('>').is_some_and(|end| rest[..end].ends_with('/'));
        if VOID.contains(&name.as_str()) || self_closing {
            continue;
        }
        depth += 1;
        if depth > MAX_DEPTH {
            return true;
        }
    }
    false
}

/// Returns `html` with everything unsafe removed.
pub fn clean(html: &str) -> String {
    builder().clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_open_elements_only() {
        assert!(!too_deep(&"<p>a<br>b<img src=x/></p>".repeat(1000)));
        assert!(!too_deep(&"<div>".repeat(MAX_DEPTH)));
        assert!(too_deep(&"<div>".repeat(MAX_DEPTH + 1)));
        let balanced = format!("{}x{}", "<ul><li>".repeat(100), "</li></ul>".repeat(100));
        assert!(!too_deep(&balanced));
    }
}
