//! What a page's template can tell of the sections' page counts, so that adding a page does
//! not render every page of its section again.
//!
//! A page's context holds section summaries (`section`, and `page.ancestors`) with their
//! `page_count`, which changes whenever a page is added to or removed from the section. The
//! default theme only asks `section.page_count > 0`. So page contexts are hashed for their
//! keys without the counts ([`super::keyser`] skips the summaries' `page_count` field), and
//! the key holds instead what the template can tell of them ([`CountUse`]):
//!
//! - when every `page_count` in the template and the templates it uses is compared with an
//!   integer literal and the comparison stands alone (`if`, `and`, `or`, brackets or the end
//!   of the tag around it: `section.page_count > 0`), and the values holding counts (`section`,
//!   `page` and the variable of `{% for a in page.ancestors %}`) are only used through a named
//!   field (`section.title`, never whole: printed, filtered, iterated, passed on, subscripted
//!   or assigned), the template can only tell on which side of each literal a count lies: the
//!   key holds that, for every section;
//! - otherwise (`{{ section.page_count }}`, `{{ section | json_encode }}`, `__tera_context`…)
//!   the key holds every section's count, as before.
//!
//! Anything the scan does not recognise counts as a full read, so it can only err towards
//! rendering a page that did not change. What the functions read (`get_section`…) is in the
//! whole-site key, which holds every count.

use std::collections::HashSet;

/// What a template can tell of the sections' page counts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum CountUse {
    /// Only on which side of each of these literals a count lies (sorted; empty: nothing).
    Compared(Vec<i64>),
    /// The counts themselves.
    Exact,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok<'a> {
    Ident(&'a str),
    Int(i64),
    /// A string literal, a float, or a punctuation or operator.
    Op(&'a str),
    Str(&'a str),
}

/// The names that hold section summaries in a page's context.
const HOLDERS: [&str; 2] = ["section", "page"];
/// The field that changes with the pages of a section.
const COUNT: &str = "page_count";
/// The field of `page` that holds section summaries.
const ANCESTORS: &str = "ancestors";

/// What templates whose code (without comments) is `codes` can tell of the page counts, in
/// a page's context.
pub(super) fn count_use<'a>(codes: impl IntoIterator<Item = &'a str>) -> CountUse {
    let blocks: Vec<Vec<Tok>> = codes.into_iter().flat_map(code_blocks).collect();
    // The variables of `{% for a in page.ancestors %}` hold summaries too.
    let mut holders: HashSet<&str> = HOLDERS.into_iter().collect();
    for toks in &blocks {
        if let [
            Tok::Op("{%"),
            Tok::Ident("for"),
            Tok::Ident(v),
            Tok::Ident("in"),
            rest @ ..,
        ] = toks.as_slice()
            && rest
                == [
                    Tok::Ident("page"),
                    Tok::Op("."),
                    Tok::Ident(ANCESTORS),
                    Tok::Op("%}"),
                ]
        {
            holders.insert(v);
        }
    }
    let mut literals = Vec::new();
    for toks in &blocks {
        for i in 0..toks.len() {
            match use_at(toks, i, &holders) {
                Use::Fine => {}
                Use::Compared(c) => literals.push(c),
                Use::Exact => return CountUse::Exact,
            }
        }
    }
    literals.sort_unstable();
    literals.dedup();
    CountUse::Compared(literals)
}

enum Use {
    Fine,
    Compared(i64),
    Exact,
}

/// How the token at `i` of a tag uses the counts.
fn use_at(toks: &[Tok], i: usize, holders: &HashSet<&str>) -> Use {
    let at = |k: usize| toks.get(k).copied();
    let after_dot = i > 0 && at(i - 1) == Some(Tok::Op("."));
    match toks[i] {
        // A backslash: where the string ends may be read otherwise than here.
        Tok::Str(s) if s.contains(COUNT) || s.contains(ANCESTORS) || s.contains('\\') => Use::Exact,
        Tok::Ident("__tera_context") => Use::Exact,
        Tok::Ident(COUNT) if after_dot => compared(toks, i),
        Tok::Ident(ANCESTORS) if after_dot => {
            // Only `{% for V in page.ancestors %}`, whose V is a holder.
            let whole = i == 6
                && toks[..4] == [Tok::Op("{%"), Tok::Ident("for"), toks[2], Tok::Ident("in")]
                && at(4) == Some(Tok::Ident("page"))
                && at(7) == Some(Tok::Op("%}"));
            if whole { Use::Fine } else { Use::Exact }
        }
        Tok::Ident(COUNT | ANCESTORS) => Use::Exact,
        Tok::Ident(name) if !after_dot && holders.contains(name) => {
            let declared = i > 0
                && at(i - 1) == Some(Tok::Ident("for"))
                && at(i + 1) == Some(Tok::Ident("in"));
            let field = at(i + 1) == Some(Tok::Op(".")) && matches!(at(i + 2), Some(Tok::Ident(_)));
            // `page is defined`, `section is not undefined`.
            let tested = at(i + 1) == Some(Tok::Ident("is"))
                && matches!(
                    (at(i + 2), at(i + 3)),
                    (Some(Tok::Ident("defined" | "undefined")), _)
                        | (
                            Some(Tok::Ident("not")),
                            Some(Tok::Ident("defined" | "undefined"))
                        )
                );
            // `{% if x and page %}`: only whether it is empty, which no count changes.
            let truth = matches!(
                toks.get(..2),
                Some([Tok::Op("{%"), Tok::Ident("if" | "elif")])
            ) && matches!(
                at(i - 1),
                Some(Tok::Ident("if" | "elif" | "and" | "or" | "not"))
            ) && matches!(at(i + 1), Some(Tok::Ident("and" | "or") | Tok::Op("%}")));
            if declared || field || tested || truth {
                Use::Fine
            } else {
                Use::Exact
            }
        }
        _ => Use::Fine,
    }
}

/// `page_count` at `i` (after a dot): a comparison with an integer literal that stands alone
/// (`if a.b.page_count > 0 %}`), or a full read.
fn compared(toks: &[Tok], i: usize) -> Use {
    let at = |k: usize| toks.get(k).copied();
    // Back over `name.name.` to the start of the path.
    let mut start = i;
    while start >= 2
        && at(start - 1) == Some(Tok::Op("."))
        && matches!(at(start - 2), Some(Tok::Ident(_)))
    {
        start -= 2;
    }
    let before = match start.checked_sub(1).and_then(at) {
        Some(Tok::Ident(w)) => ["if", "elif", "and", "or"].contains(&w),
        Some(Tok::Op(o)) => ["(", "{{", "=", ","].contains(&o),
        _ => false,
    };
    let operator = matches!(
        at(i + 1),
        Some(Tok::Op("==" | "!=" | ">" | "<" | ">=" | "<="))
    );
    let end = match at(i + 3) {
        Some(Tok::Ident(w)) => ["and", "or"].contains(&w),
        Some(Tok::Op(o)) => ["%}", "}}", ")", ","].contains(&o),
        _ => false,
    };
    match at(i + 2) {
        Some(Tok::Int(c)) if before && operator && end => Use::Compared(c),
        _ => Use::Exact,
    }
}

/// The tags (`{{ … }}`, `{% … %}`) of a template's code as tokens, each from its opening to
/// its closing delimiter (whitespace-control dashes dropped). An unclosed tag ends the text.
fn code_blocks(code: &str) -> Vec<Vec<Tok<'_>>> {
    let mut blocks = Vec::new();
    let mut rest = code;
    while let Some(open) = ["{{", "{%"].iter().filter_map(|d| rest.find(d)).min() {
        let (toks, after) = tag(&rest[open..]);
        blocks.push(toks);
        rest = after;
    }
    blocks
}

/// The tokens of the tag at the start of `text`, and the text after it.
fn tag(text: &str) -> (Vec<Tok<'_>>, &str) {
    let close = if text.starts_with("{{") { "}}" } else { "%}" };
    let mut toks = vec![Tok::Op(&text[..2])];
    let mut i = 2;
    let b = text.as_bytes();
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    while i < b.len() {
        let c = b[i];
        let rest = &text[i..];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if rest.starts_with(close) || (c == b'-' && rest[1..].starts_with(close)) {
            let end = i + usize::from(c == b'-') + 2;
            toks.push(Tok::Op(close));
            return (toks, &text[end..]);
        } else if c == b'"' || c == b'\'' || c == b'`' {
            let len = rest[1..].find(c as char).map_or(rest.len(), |n| n + 2);
            toks.push(Tok::Str(&rest[..len.min(rest.len())]));
            i += len;
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let len = rest
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                .unwrap_or(rest.len());
            toks.push(Tok::Ident(&rest[..len]));
            i += len;
        } else if c.is_ascii_digit() {
            let len = rest
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_' || ch == '.'))
                .unwrap_or(rest.len());
            let digits = &rest[..len];
            toks.push(match digits.parse() {
                Ok(n) => Tok::Int(n),
                Err(_) => Tok::Op(digits),
            });
            i += len;
        } else {
            let two = rest.get(..2).filter(|t| {
                [
                    "==", "!=", ">=", "<=", "**", "//", "::", "{{", "{%", "}}", "%}",
                ]
                .contains(t)
            });
            let len = two.map_or_else(|| rest.chars().next().map_or(1, char::len_utf8), str::len);
            toks.push(Tok::Op(&rest[..len]));
            i += len;
        }
    }
    (toks, "")
}

#[cfg(test)]
mod tests {
    use super::{CountUse, count_use};

    fn of(code: &str) -> CountUse {
        count_use([code])
    }

    #[test]
    fn a_comparison_with_a_literal_tells_only_the_side() {
        assert_eq!(
            of("{%- if in_column and section.page_count > 0 -%}x{% endif %}"),
            CountUse::Compared(vec![0])
        );
        assert_eq!(
            of(
                "{% for a in page.ancestors %}{% if a.page_count >= 5 and x %}{{ a.title }}{% endif %}{% endfor %}{{ section.title }}"
            ),
            CountUse::Compared(vec![5])
        );
        assert_eq!(
            of(
                "{% if page is defined and section is not undefined %}{{ page.title }}{{ section.path }}{% endif %}"
            ),
            CountUse::Compared(vec![])
        );
    }

    #[test]
    fn anything_else_reads_the_counts() {
        for code in [
            "{{ section.page_count }}",
            "{{ section.page_count + 1 }}",
            "{% if section.page_count > 0 + 1 %}{% endif %}",
            "{% if 1 + section.page_count > 0 %}{% endif %}",
            "{% if not section.page_count > 0 %}{% endif %}",
            "{% if section.page_count > x %}{% endif %}",
            "{% if section.page_count > 0.5 %}{% endif %}",
            "{{ section | json_encode }}",
            "{{ section }}",
            "{{ section[\"page_count\"] }}",
            "{{ section[key] }}",
            "{% set s = section %}",
            "{% for k, v in section %}{% endfor %}",
            "{{ page | json_encode }}",
            "{{ page.ancestors | json_encode }}",
            "{% for a in page.ancestors %}{{ a }}{% endfor %}",
            "{% for a in page.ancestors | reverse %}{% endfor %}",
            "{{ page.ancestors[0].title }}",
            "{{ m::crumbs(p=page) }}",
            "{{ __tera_context }}",
            "{{ x | map(attribute=\"page_count\") }}",
            "{% set page_count = 1 %}",
            "{{ x and page }}",
            "{% set y = x and page %}",
            "{% if (x and page) | length > 2 %}{% endif %}",
            "{% if section is containing(\"x\") %}{% endif %}",
        ] {
            assert_eq!(of(code), CountUse::Exact, "{code}");
        }
    }

    #[test]
    fn every_template_used_is_scanned() {
        assert_eq!(
            count_use(["{{ section.page_count > 0 }}", "{{ section.page_count }}"]),
            CountUse::Exact
        );
        // A loop variable over the ancestors keeps holding summaries in included templates.
        assert_eq!(
            count_use([
                "{% for a in page.ancestors %}{% include \"crumb.html\" %}{% endfor %}",
                "{{ a | json_encode }}"
            ]),
            CountUse::Exact
        );
    }

    #[test]
    fn the_default_themes_page_templates_only_compare_the_count_with_zero() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let sources = super::super::templates::read_sources(
            dir.path(),
            &super::super::templates::ThemeFiles::Embedded,
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        let graph = super::super::changes::TemplateGraph::new(&sources);
        let pages: Vec<&str> = sources
            .iter()
            .map(|t| t.name.as_str())
            .filter(|n| n.starts_with("page"))
            .collect();
        assert!(pages.len() > 3, "{pages:?}");
        for page in pages {
            let used = graph.uses(page).unwrap_or_else(|| panic!("{page}"));
            let code: Vec<String> = sources
                .iter()
                .filter(|t| used.contains(&t.name))
                .map(|t| super::super::changes::without_comments(&t.text))
                .collect();
            assert_eq!(
                count_use(code.iter().map(String::as_str)),
                CountUse::Compared(vec![0]),
                "{page}"
            );
        }
    }
}
