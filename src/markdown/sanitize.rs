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
            .add_tag_attributes("td", ["style"])
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

/// Returns `html` with everything unsafe removed.
pub fn clean(html: &str) -> String {
    builder().clean(html).to_string()
}
