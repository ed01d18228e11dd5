//! The vocabulary of a site's content files: the content kinds, the front matter keys every
//! page and section may have, and the keys each kind adds. `config` reserves these names (a
//! taxonomy may not take one) and `content` parses them, so they live below both.

/// The kinds of campaign content; the issues define their extra fields. `Directory` is a
/// section kind only (see [`Kind::is_section_only`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Story,
    Rule,
    Progress,
    Notice,
    Ranking,
    Quiz,
    Directory,
}

impl Kind {
    pub const NAMES: &'static [&'static str] = &[
        "story",
        "rule",
        "progress",
        "notice",
        "ranking",
        "quiz",
        "directory",
    ];

    /// A kind that describes a whole section (its `_index.md`), not the pages in it.
    pub fn is_section_only(self) -> bool {
        self == Kind::Directory
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "story" => Kind::Story,
            "rule" => Kind::Rule,
            "progress" => Kind::Progress,
            "notice" => Kind::Notice,
            "ranking" => Kind::Ranking,
            "quiz" => Kind::Quiz,
            "directory" => Kind::Directory,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Story => "story",
            Kind::Rule => "rule",
            Kind::Progress => "progress",
            Kind::Notice => "notice",
            Kind::Ranking => "ranking",
            Kind::Quiz => "quiz",
            Kind::Directory => "directory",
        }
    }
}

/// Front matter keys every page may have (kinds and taxonomies add more).
pub const PAGE_KEYS: &[&str] = &[
    "title",
    "date",
    "updated",
    "expires",
    "draft",
    "slug",
    "path",
    "summary",
    "description",
    "author",
    "source",
    "editor",
    "weight",
    "cover",
    "aliases",
    "template",
    "kind",
    "search",
    "extra",
    "corrections",
    "review",
    "waive",
];

/// Front matter keys of a section's `_index.md`.
pub const SECTION_KEYS: &[&str] = &[
    "title",
    "description",
    "kind",
    "sort_by",
    "paginate",
    "weight",
    "slug",
    "template",
    "draft",
    "extra",
    "stale_after_days",
    "waive",
];

/// Front matter keys each kind adds to the common ones.
pub fn keys(kind: Option<Kind>) -> &'static [&'static str] {
    match kind {
        None => &[],
        Some(Kind::Story) => &["volunteers", "team", "hours", "place"],
        Some(Kind::Rule) => &[
            "doc_number",
            "issuer",
            "adopted",
            "effective",
            "status",
            "superseded_by",
        ],
        Some(Kind::Progress) => &["issue_no", "metrics"],
        Some(Kind::Notice) => &["doc_number"],
        Some(Kind::Ranking) => &["data", "series", "red_at_least", "black_below"],
        Some(Kind::Quiz) => &["questions"],
        Some(Kind::Directory) => &[],
    }
}
