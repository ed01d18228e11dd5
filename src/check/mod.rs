//! The editorial gate (`wenming check`, and the checks `build` runs): dead links and anchors,
//! images without alt text, vague link text, blank and stale columns, undated pages, personal
//! data (in text, and the GPS position in photos), typos and miswritten names, the review
//! trail, changed publish dates, an incomplete footer and incomplete or stale 阵地 directories.
//! Each finding has a stable code; `docs/check.md` documents every rule and how to waive it.
//!
//! The rules run over the loaded and linked site, so `check` reports every problem of a site
//! even when a build would stop early (broken `@/` links, front matter errors).

mod columns;
mod control_chars;
mod directory;
mod document;
pub mod external;
mod footer;
mod links;
pub mod manifest;
mod pasted;
mod report;
mod review;
mod terms;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use rayon::prelude::*;
use serde::Serialize;

pub use links::ExternalLink;
pub use manifest::{LEGACY_MANIFEST_FILE, MANIFEST_FILE, Manifest};
pub use report::{json_report, text_report};

use crate::config::Waivers;
use crate::error::{Diagnostic, LineIndex, Position};
use crate::media::location;
use crate::pipeline::{self, LoadedSite, SiteOptions};
use crate::render::templates;
use crate::site::Site;
use crate::text::pii;

/// How serious a finding is: errors fail `check` (and some fail `build`), warnings do not
/// unless `check --strict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
}

/// Every rule, by its stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    SiteError,
    LinkBroken,
    LinkAnchor,
    ImageAltMissing,
    LinkTextVague,
    ExternalBroken,
    ExternalUnreachable,
    SectionEmpty,
    SectionStale,
    HomeStale,
    DateMissing,
    PiiIdNumber,
    PiiMobile,
    PiiBankCard,
    PiiLocation,
    TermTypo,
    TermDiscouraged,
    TermName,
    ReviewMissing,
    ReviewAfterPublish,
    DateChanged,
    DateBackdated,
    DateExpiresEarly,
    TaxonomyTermEmpty,
    TextStraySpace,
    RuleTocPasted,
    FooterMissing,
    TextControlChar,
    WaiverInvalid,
    DirectoryIncomplete,
}

impl Code {
    pub const ALL: &'static [Code] = &[
        Code::SiteError,
        Code::LinkBroken,
        Code::LinkAnchor,
        Code::ImageAltMissing,
        Code::LinkTextVague,
        Code::ExternalBroken,
        Code::ExternalUnreachable,
        Code::SectionEmpty,
        Code::SectionStale,
        Code::HomeStale,
        Code::DateMissing,
        Code::PiiIdNumber,
        Code::PiiMobile,
        Code::PiiBankCard,
        Code::PiiLocation,
        Code::TermTypo,
        Code::TermDiscouraged,
        Code::TermName,
        Code::ReviewMissing,
        Code::ReviewAfterPublish,
        Code::DateChanged,
        Code::DateBackdated,
        Code::DateExpiresEarly,
        Code::TaxonomyTermEmpty,
        Code::TextStraySpace,
        Code::RuleTocPasted,
        Code::FooterMissing,
        Code::TextControlChar,
        Code::WaiverInvalid,
        Code::DirectoryIncomplete,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::SiteError => "site-error",
            Code::LinkBroken => "link-broken",
            Code::LinkAnchor => "link-anchor",
            Code::ImageAltMissing => "image-alt-missing",
            Code::LinkTextVague => "link-text-vague",
            Code::ExternalBroken => "external-broken",
            Code::ExternalUnreachable => "external-unreachable",
            Code::SectionEmpty => "section-empty",
            Code::SectionStale => "section-stale",
            Code::HomeStale => "home-stale",
            Code::DateMissing => "date-missing",
            Code::PiiIdNumber => "pii-id-number",
            Code::PiiMobile => "pii-mobile",
            Code::PiiBankCard => "pii-bank-card",
            Code::PiiLocation => "pii-location",
            Code::TermTypo => "term-typo",
            Code::TermDiscouraged => "term-discouraged",
            Code::TermName => "term-name",
            Code::ReviewMissing => "review-missing",
            Code::ReviewAfterPublish => "review-after-publish",
            Code::DateChanged => "date-changed",
            Code::DateBackdated => "date-backdated",
            Code::DateExpiresEarly => "date-expires-early",
            Code::TaxonomyTermEmpty => "taxonomy-term-empty",
            Code::TextStraySpace => "text-stray-space",
            Code::RuleTocPasted => "rule-toc-pasted",
            Code::FooterMissing => "footer-missing",
            Code::TextControlChar => "text-control-char",
            Code::WaiverInvalid => "waiver-invalid",
            Code::DirectoryIncomplete => "directory-incomplete",
        }
    }

    pub fn parse(code: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == code)
    }

    pub fn level(self) -> Level {
        match self {
            Code::LinkTextVague
            | Code::ExternalUnreachable
            | Code::SectionStale
            | Code::HomeStale
            | Code::DateMissing
            | Code::TermDiscouraged
            | Code::ReviewAfterPublish
            | Code::DateBackdated
            | Code::DateExpiresEarly
            | Code::TaxonomyTermEmpty
            | Code::TextStraySpace
            | Code::RuleTocPasted
            | Code::FooterMissing
            | Code::PiiLocation
            | Code::TextControlChar => Level::Warning,
            _ => Level::Error,
        }
    }

    /// Findings that stop `build` from publishing; `build` prints every other one as a
    /// warning.
    pub fn blocks_build(self) -> bool {
        matches!(
            self,
            Code::SiteError
                | Code::PiiIdNumber
                | Code::PiiMobile
                | Code::PiiBankCard
                | Code::ReviewMissing
                | Code::DateChanged
        )
    }

    /// Whether `waive` can switch the rule off for a file. A missing review cannot be waived:
    /// that would defeat `require_review`.
    pub fn waivable(self) -> bool {
        !matches!(
            self,
            Code::SiteError | Code::ReviewMissing | Code::WaiverInvalid
        )
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One problem found, pointing at the place that has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Path relative to the site root, e.g. `content/news/a.md` or `site.yaml`.
    pub file: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub level: Level,
    pub code: Code,
    pub message: String,
    pub suggestion: Option<String>,
}

impl Finding {
    pub fn new(code: Code, file: impl Into<PathBuf>, message: impl Into<String>) -> Finding {
        Finding {
            file: file.into(),
            line: None,
            column: None,
            level: code.level(),
            code,
            message: message.into(),
            suggestion: None,
        }
    }

    pub fn at(self, position: Position) -> Finding {
        self.at_line_column(position.line, position.column)
    }

    pub fn at_line_column(mut self, line: usize, column: usize) -> Finding {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// Column 1 of `line`.
    pub fn at_line_start(self, line: usize) -> Finding {
        self.at_line_column(line, 1)
    }

    pub fn suggest(mut self, suggestion: impl Into<String>) -> Finding {
        self.suggestion = Some(suggestion.into());
        self
    }

    /// A problem of an earlier stage (front matter, config, duplicate URLs) as a finding.
    pub fn from_diagnostic(d: Diagnostic) -> Finding {
        Finding {
            file: d.file,
            line: d.line,
            column: d.column,
            level: Level::Error,
            code: Code::SiteError,
            message: d.message,
            suggestion: d.hint,
        }
    }

    /// The finding as `build` reports it: the code follows the message so it can be looked
    /// up and waived.
    pub fn to_diagnostic(&self) -> Diagnostic {
        let mut d = Diagnostic::new(
            &self.file,
            format!("{} [{}]", self.message, self.code.as_str()),
        );
        d.line = self.line;
        d.column = self.column;
        d.hint = self.suggestion.clone();
        d
    }
}

/// What the rules look at besides the linked site.
pub struct Inputs<'a> {
    pub site: &'a Site,
    /// Paths below the output of the copied static files (theme's and site's), e.g.
    /// `style.css`, so that links to them are known to work.
    pub static_files: Vec<&'a str>,
    /// The files copied from the site's own `static/` (not the theme's, which is trusted), as
    /// (path below the output, file on disk): their photos are searched for a location.
    pub site_static: Vec<(&'a str, &'a Path)>,
    /// The previous build's manifest, for the publish-date rules.
    pub published: Option<&'a Manifest>,
    /// The site root when outbound links are to be fetched (`--external`; the cache file is
    /// kept there). `None`: nothing leaves the machine.
    pub external: Option<&'a Path>,
    pub rules: Rules,
    /// The files and folders (as [`Finding::file`] names them, relative to the site root)
    /// that changed since a run that found nothing blocking: the pages and sections parsed
    /// again, and files touched under `static/` and `content/`. Personal data is looked for
    /// only in these (a photo also when a folder above it is listed, a bundle's photo also
    /// when its page is) and in `data/`. `None`: in every file.
    pub changed_files: Option<&'a HashSet<PathBuf>>,
    /// `check --strict`: also remind of what was left blank on purpose (footer items written
    /// as `""`).
    pub strict: bool,
}

/// Which rules [`run_rules`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rules {
    /// Every rule: `check`, and `build`, which prints the findings that do not stop it.
    All,
    /// The rules that can stop a build ([`Code::blocks_build`]: personal data, a required
    /// review, publish dates, a broken dictionary), which `serve` runs on every save; the
    /// others (links, terms, columns, footer) only matter for the warnings.
    Blocking,
}

/// Runs the rules over `inputs`, applies waivers and sorts the result.
pub fn run_rules(inputs: &Inputs) -> Vec<Finding> {
    let site = inputs.site;
    let all = inputs.rules == Rules::All;
    let known = all.then(|| links::KnownPaths::new(site, inputs.static_files.iter().copied()));
    let (dictionary, mut findings) = terms::Dictionary::load(site);
    let docs = document::documents(site);
    let per_doc: Vec<(Vec<Finding>, Vec<ExternalLink>)> = docs
        .par_iter()
        .map(|doc| {
            let mut out = Vec::new();
            let mut external = Vec::new();
            if let Some(known) = &known {
                let scan = document::scan(doc.raw);
                links::find(doc, &scan, site, known, &mut out, &mut external);
                dictionary.find_in(&scan.prose, doc, &mut out);
                pasted::stray_spaces(&scan.prose, doc, &mut out);
                if doc.is_regulation {
                    pasted::pasted_toc(&scan.prose, doc, &mut out);
                }
                for (offset, line) in front_matter_prose(doc.raw.front_matter()) {
                    dictionary.find_in(&document::Prose::from_line(line, offset), doc, &mut out);
                }
                let front_matter_end = doc.raw.text.len() - doc.raw.body().len();
                control_chars::find(&doc.raw.text, front_matter_end, doc.file, &mut out);
            }
            if inputs.changed_files.is_none_or(|c| c.contains(doc.file)) {
                personal_data(&doc.raw.text, doc.file, &mut out);
            }
            (out, external)
        })
        .collect();
    let mut external = Vec::new();
    for (f, e) in per_doc {
        findings.extend(f);
        external.extend(e);
    }
    for (name, text) in site.data_text.iter() {
        personal_data(text, &Path::new("data").join(name), &mut findings);
    }
    findings.extend(located_photos(inputs));
    if all {
        columns::find(site, &mut findings);
        directory::find(site, &mut findings);
        footer::find(&site.config, inputs.strict, &mut findings);
    }
    review::find(site, &mut findings);
    manifest::find(site, inputs.published, &mut findings);
    if let Some(root) = inputs.external.filter(|_| all) {
        findings.extend(external::find(
            root,
            &site.config.check.external,
            &external,
            site.now,
        ));
    }
    apply_waivers(site, findings, &docs)
}

/// Lines of front matter whose values readers see: (offset of the value, value).
fn front_matter_prose(front: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    front.split_inclusive('\n').filter_map(move |line| {
        let start = offset;
        offset += line.len();
        ["title:", "summary:", "description:"]
            .iter()
            .find_map(|key| line.strip_prefix(key))
            .map(|value| (start + line.len() - value.len(), value.trim_end()))
    })
}

fn personal_data(text: &str, file: &Path, out: &mut Vec<Finding>) {
    let lines = std::cell::OnceCell::new();
    for m in pii::find(text, pii::Validation::Checksum) {
        let code = match m.kind {
            pii::PiiKind::IdNumber => Code::PiiIdNumber,
            pii::PiiKind::Mobile => Code::PiiMobile,
            pii::PiiKind::BankCard => Code::PiiBankCard,
        };
        out.push(
            Finding::new(
                code,
                file,
                format!("发现未脱敏的{} {}", m.kind.name(), m.masked),
            )
            .at(lines
                .get_or_init(|| LineIndex::new(text))
                .position(m.range.start))
            .suggest(format!(
                "改为 {}（模板中可用 mask 过滤器）；确需公开，请在 waive 中写明 {} 的理由",
                m.masked,
                code.as_str()
            )),
        );
    }
}

/// `pii-location`: the published photos (the site's `static/` files and the pages' bundle
/// files) whose Exif metadata records where they were taken. Reads only the photos changed
/// since the last run without blocking findings, when [`Inputs::changed_files`] says which.
fn located_photos(inputs: &Inputs) -> Vec<Finding> {
    let changed = |file: &Path, page: Option<&Path>| {
        inputs.changed_files.is_none_or(|c| {
            page.is_some_and(|p| c.contains(p)) || file.ancestors().any(|a| c.contains(a))
        })
    };
    let statics = inputs
        .site_static
        .iter()
        .map(|(output, disk)| (Path::new("static").join(output), disk.to_path_buf(), None));
    let bundles = inputs.site.pages.iter().flat_map(|p| {
        let page = &p.page;
        let folder = page.source.parent().unwrap_or(Path::new(""));
        page.bundle_dir.iter().flat_map(move |dir| {
            page.assets
                .iter()
                .map(move |a| (folder.join(a), dir.join(a), Some(page.source.as_path())))
        })
    });
    let photos: Vec<(PathBuf, PathBuf)> = statics
        .chain(bundles)
        .filter(|(file, _, page)| location::is_photo(file) && changed(file, *page))
        .map(|(file, disk, _)| (file, disk))
        .collect();
    // A photo the loader planned is known to record a position or not (the plan read its
    // Exif, or remembered it for the unchanged file): it is not opened again.
    let planned = pipeline::planned_photos(inputs.site);
    photos
        .into_par_iter()
        .filter(|(_, disk)| {
            planned.get(disk.as_path()).map_or_else(
                || location::file_has_location(disk),
                |photo| photo.located,
            )
        })
        .map(|(file, _)| {
            Finding::new(
                Code::PiiLocation,
                file,
                "图片含有拍摄地点（GPS 坐标）：构建时会自动删除，但原图转发给别人仍会泄露拍摄位置",
            )
            .suggest(
                "删除照片中的位置信息后再放入网站：Windows 电脑上右键文件，选“属性→详细信息→删除属性和个人信息”；\
                 iPhone 在“照片”中点“分享”，点上方的“选项”，关闭“位置”后再发送或存储；\
                 安卓手机在相册中打开照片，点“详情”，删除位置信息。\
                 确需公开拍摄地点，请在 site.yaml 的 check.waive 中为这个文件写明 pii-location 的理由",
            )
        })
        .collect()
}

/// Drops findings a file's `waive` covers, and reports waivers that name no rule.
fn apply_waivers(site: &Site, findings: Vec<Finding>, docs: &[document::Doc]) -> Vec<Finding> {
    let mut waivers: BTreeMap<PathBuf, (&Waivers, Option<&str>)> = BTreeMap::new();
    // Most files waive nothing; leaving them out keeps this cheap on a large site.
    for doc in docs.iter().filter(|d| !d.waive.is_empty()) {
        waivers.insert(
            doc.file.to_path_buf(),
            (doc.waive, Some(doc.raw.front_matter())),
        );
    }
    for (file, w) in &site.config.check.waive {
        waivers.insert(PathBuf::from(file), (w, None));
    }
    let mut out: Vec<Finding> = findings
        .into_iter()
        .filter(|f| {
            !(f.code.waivable()
                && waivers
                    .get(&f.file)
                    .is_some_and(|(w, _)| w.contains_key(f.code.as_str())))
        })
        .collect();
    for (file, (w, front)) in &waivers {
        for code in w.keys() {
            let problem = match Code::parse(code) {
                Some(c) if c.waivable() => continue,
                Some(_) => format!("规则 {code} 不能豁免"),
                None => format!("waive 中的“{code}”不是检查规则的代码"),
            };
            let known: Vec<&str> = Code::ALL
                .iter()
                .filter(|c| c.waivable())
                .map(|c| c.as_str())
                .collect();
            let suggestion = match crate::yaml::closest(code, &known) {
                Some(c) => format!("是否想写 {c}？规则代码见 docs/check.md"),
                None => "规则代码见 docs/check.md".to_string(),
            };
            let (shown, position) = match front {
                Some(front) => (file.clone(), crate::yaml::key_line(front, code)),
                None => (PathBuf::from("site.yaml"), None),
            };
            let mut f = Finding::new(Code::WaiverInvalid, shown, problem).suggest(suggestion);
            if let Some((line, column)) = position {
                f = f.at_line_column(line, column);
            }
            out.push(f);
        }
    }
    sort(&mut out);
    out
}

/// By file, then position, then code; exact duplicates removed.
pub fn sort(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.code, &a.message)
            .cmp(&(&b.file, b.line, b.column, b.code, &b.message))
    });
    findings.dedup();
}

/// What `wenming check` was asked to do.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub root: PathBuf,
    /// The output folder of a site last built before the publish-date manifest moved to
    /// `.wenming/`: its `wenming-manifest.json` is read when the site has no manifest of its
    /// own. Defaults to `ROOT/public`.
    pub output: Option<PathBuf>,
    /// Also fetch outbound links.
    pub external: bool,
    /// Check drafts too (`wenming import` checks the draft it wrote).
    pub drafts: bool,
    /// `--strict`: warnings fail too, and blanks left on purpose are reported.
    pub strict: bool,
    pub now: Timestamp,
}

impl CheckOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        CheckOptions {
            root: root.into(),
            output: None,
            external: false,
            drafts: false,
            strict: false,
            now: Timestamp::now(),
        }
    }
}

/// Everything `wenming check` found.
#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    pub findings: Vec<Finding>,
    pub pages: usize,
    pub sections: usize,
    pub data_files: usize,
}

impl CheckReport {
    pub fn count(&self, level: Level) -> usize {
        self.findings.iter().filter(|f| f.level == level).count()
    }

    /// Whether the check fails: any error, or with `strict` any finding at all.
    pub fn fails(&self, strict: bool) -> bool {
        self.count(Level::Error) > 0 || (strict && !self.findings.is_empty())
    }
}

/// Loads and links the site with the pipeline's front half (keeping what can be kept when
/// parts are broken) and runs every rule over it; the problems of loading are findings too.
pub fn check_site(options: &CheckOptions) -> CheckReport {
    let root = &options.root;
    let site_errors = |ds: Vec<Diagnostic>| {
        ds.into_iter()
            .map(Finding::from_diagnostic)
            .collect::<Vec<_>>()
    };
    let site_options = SiteOptions {
        root: root.clone(),
        base_url: None,
        drafts: options.drafts,
        now: options.now,
    };
    let LoadedSite {
        site,
        theme,
        problems,
        ..
    } = match pipeline::load_site(&site_options) {
        Ok(loaded) => loaded,
        Err(errors) => {
            return CheckReport {
                findings: site_errors(errors.0),
                ..CheckReport::default()
            };
        }
    };
    let mut findings = Vec::new();
    let mut static_files = Vec::new();
    let mut template_errors = Vec::new();
    match theme {
        Ok(theme) => {
            static_files.extend(templates::theme_static(&theme.files));
            template_errors = theme.templates.err().unwrap_or_default().into();
        }
        Err(d) => findings.push(Finding::from_diagnostic(d)),
    }
    let mut site_static = Vec::new();
    templates::disk_static(&root.join("static"), &mut site_static);
    static_files.extend(site_static.iter().cloned());
    // Broken `@/` links (`problems.links`) are found again by the link rules, with their own
    // codes. Shortcode outputs carry ids that links may point to; a broken shortcode is a
    // finding.
    findings.extend(site_errors(problems.content));
    findings.extend(site_errors(template_errors));
    findings.extend(site_errors(problems.shortcodes));
    let output = options
        .output
        .clone()
        .unwrap_or_else(|| pipeline::default_output_dir(root));
    let published = match Manifest::read(root, &output) {
        Ok(m) => m,
        Err(d) => {
            findings.push(Finding::from_diagnostic(d));
            None
        }
    };
    let inputs = Inputs {
        site: &site,
        static_files: static_files.iter().map(|(p, _)| p.as_str()).collect(),
        site_static: site_static
            .iter()
            .filter_map(|(p, source)| match source {
                templates::StaticSource::File(disk) => Some((p.as_str(), disk.as_path())),
                templates::StaticSource::Embedded(_) => None,
            })
            .collect(),
        published: published.as_ref(),
        external: options.external.then_some(root.as_path()),
        rules: Rules::All,
        changed_files: None,
        strict: options.strict,
    };
    findings.extend(run_rules(&inputs));
    sort(&mut findings);
    CheckReport {
        findings,
        pages: site.pages.len(),
        sections: site.sections.iter().filter(|s| s.from_file).count(),
        data_files: site.data_text.len(),
    }
}
