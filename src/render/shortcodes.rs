//! The render-stage half of shortcodes: renders `shortcodes/<name>.html` for every call the
//! markdown stage found (see `markdown::shortcodes`) and puts the outputs in place of their
//! tokens in each page's and section's HTML and summary, before anything else reads them
//! (the checks, templates, feeds, the search index).
//!
//! It runs between the link stage and the checks: a call's context needs its page's URL.
//! The HTML the editor wrote was sanitized before; a template's output is trusted and is not.
//! Outputs are put into the HTML as the markdown stage left it (internal links not yet
//! resolved, site paths without the base path), which is then finished once, so that site
//! paths in an output (`src="/videos/a.mp4"`) get the base path as Markdown's do.
//!
//! Shortcode templates are compiled on their own, with the filters but without the functions
//! that read the site (their pages are not finished yet), and only when some page uses a
//! shortcode. A shortcode whose template reads `body` is paired: it needs a closing tag;
//! one whose template does not must not have one.

use std::collections::HashSet;
use std::path::Path;

use serde::Serialize;
use tera::{Context, Tera};

use super::templates::TemplateSource;
use super::{functions, tera_error, tera_errors};
use crate::config::Config;
use crate::error::{Diagnostic, Diagnostics};
use crate::markdown::{Call, Rendered};
use crate::site::{Site, Target, UnexpandedSite, links};

/// Where shortcode templates are, below `templates/`.
const DIR: &str = "shortcodes/";

/// The shortcode templates of a site, compiled.
pub struct ShortcodeTemplates {
    tera: Tera,
    sources: Vec<TemplateSource>,
    /// Names of the shortcodes, sorted.
    names: Vec<String>,
    /// Names of the shortcodes whose template reads `body`.
    paired: HashSet<String>,
}

/// What a shortcode template sees as `page`.
#[derive(Serialize)]
struct PageRef<'a> {
    title: &'a str,
    path: String,
    permalink: String,
    content_path: &'a str,
}

/// What expanding the shortcodes of one page or section needs of it.
struct Doc<'a> {
    body: &'a Rendered,
    view: PageRef<'a>,
    source: &'a Path,
    line_offset: usize,
}

impl<'a> Doc<'a> {
    fn of(site: &'a Site, target: Target) -> Doc<'a> {
        let (file, path) = match target {
            Target::Page(i) => (site.pages[i].page.source_file(), &site.pages[i].path),
            Target::Section(i) => (
                site.sections[i].section.source_file(),
                &site.sections[i].path,
            ),
        };
        Doc {
            body: file.body,
            view: PageRef::new(site, file.title, path, file.content_path),
            source: file.source,
            line_offset: file.body_line_offset,
        }
    }
}

impl<'a> PageRef<'a> {
    fn new(site: &Site, title: &'a str, path: &str, content_path: &'a str) -> Self {
        PageRef {
            title,
            path: site.url_path(path),
            permalink: site.permalink(path),
            content_path,
        }
    }
}

impl ShortcodeTemplates {
    /// Compiles the templates below `shortcodes/` of `sources`; every broken one is reported.
    pub fn new(config: &Config, sources: &[TemplateSource]) -> Result<Self, Diagnostics> {
        let mut tera = Tera::new();
        functions::register_filters(&mut tera);
        tera.global_context().insert("config", config);
        let own: Vec<&TemplateSource> =
            sources.iter().filter(|t| t.name.starts_with(DIR)).collect();
        tera.add_raw_templates(own.iter().map(|t| (t.name.as_str(), t.text.as_str())))
            .map_err(|e| Diagnostics::unsorted(tera_errors(&e, sources)))?;
        let names: Vec<String> = own
            .iter()
            .filter_map(|t| t.name.strip_prefix(DIR)?.strip_suffix(".html"))
            .filter(|n| !n.is_empty() && !n.contains('/'))
            .map(str::to_string)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let paired = names
            .iter()
            .filter(|n| {
                tera.get_template_variables(&template_name(n))
                    .is_ok_and(|vars| vars.contains("body"))
            })
            .cloned()
            .collect();
        Ok(ShortcodeTemplates {
            tera,
            sources: sources.to_vec(),
            names,
            paired,
        })
    }

    /// The outputs of every call of `body`, for a page or section at site path `path`.
    fn outputs(
        &self,
        body: &Rendered,
        page: &PageRef,
        source: &Path,
        line_offset: usize,
    ) -> Result<Vec<String>, Diagnostics> {
        body.shortcodes
            .expand(|_, call, inner| self.render(call, inner, page, source, line_offset))
            .map_err(Diagnostics::unsorted)
    }

    fn render(
        &self,
        call: &Call,
        body: Option<String>,
        page: &PageRef,
        source: &Path,
        line_offset: usize,
    ) -> Result<String, Diagnostic> {
        let at = |message: String, hint: String| {
            Diagnostic::new(source, message)
                .at(call.position.line + line_offset, call.position.column)
                .hint(hint)
        };
        let name = &call.name;
        let template = template_name(name);
        if !self.tera.contains_template(&template) {
            let known: Vec<&str> = self.names.iter().map(String::as_str).collect();
            let hint = match (crate::yaml::closest(name, &known), known.is_empty()) {
                (_, true) => {
                    "这个站点没有短代码；新的短代码放在 templates/shortcodes/名称.html".to_string()
                }
                (Some(c), false) => {
                    format!("是否想写“{c}”？可用的短代码有：{}", known.join(", "))
                }
                (None, false) => format!(
                    "可用的短代码有：{}；新的短代码放在 templates/shortcodes/名称.html",
                    known.join(", ")
                ),
            };
            return Err(at(format!("未知的短代码“{name}”"), hint));
        }
        match (self.paired.contains(name), body.is_some()) {
            (true, false) => {
                return Err(at(
                    format!("短代码 {name} 没有结束标记 {{{{< /{name} >}}}}"),
                    format!("{name} 要成对使用：在内容之后写 {{{{< /{name} >}}}}"),
                ));
            }
            (false, true) => {
                return Err(at(
                    format!("短代码 {name} 不能成对使用：它的模板不显示中间的内容"),
                    format!("删掉 {{{{< /{name} >}}}}，把内容写在短代码之外"),
                ));
            }
            _ => {}
        }
        let mut ctx = Context::new();
        for (key, value) in &call.args {
            ctx.insert(key.clone(), value);
        }
        if let Some(image) = &call.image
            && !call.args.iter().any(|(k, _)| k == "width" || k == "height")
        {
            ctx.insert("width", &image.width);
            ctx.insert("height", &image.height);
            if let Some(r) = &image.responsive {
                ctx.insert("src", &r.src);
                ctx.insert("srcset", &r.srcset);
                ctx.insert("sizes", &r.sizes);
            }
        }
        ctx.insert("nth", &call.nth);
        ctx.insert("page", page);
        if let Some(body) = &body {
            ctx.insert("body", body);
        }
        let mut output = self.tera.render(&template, &ctx).map_err(|e| {
            let inner = tera_error(&e, &self.sources, None);
            let place = match (inner.line, inner.column) {
                (Some(l), Some(c)) => format!("{}:{l}:{c}", inner.file.display()),
                _ => inner.file.display().to_string(),
            };
            let reason = ["模板渲染错误：", "模板语法错误：", "模板错误："]
                .iter()
                .find_map(|p| inner.message.strip_prefix(p))
                .unwrap_or(&inner.message);
            at(
                format!("短代码 {name} 的模板出错：{reason}"),
                format!("出错的模板：{place}"),
            )
        })?;
        // As in Jinja, the template file's last line break is not part of the output: an
        // inline shortcode must not leave a space behind it.
        if output.ends_with('\n') {
            output.pop();
        }
        Ok(output)
    }
}

fn template_name(name: &str) -> String {
    format!("{DIR}{name}.html")
}

/// The HTML of `body`, the rendered Markdown of a text that is not part of `site` (the editor's
/// desk previews unsaved text), with its shortcodes expanded as on a page titled `title` at
/// site path `path`, its `@/` links resolved and site paths given the base path.
pub fn expand_fragment(
    site: &Site,
    sources: &[TemplateSource],
    body: &Rendered,
    title: &str,
    path: &str,
) -> Result<String, Diagnostics> {
    let source = Path::new("");
    let outputs = if body.shortcodes.is_empty() {
        Vec::new()
    } else {
        let templates = ShortcodeTemplates::new(&site.config, sources)?;
        templates.outputs(body, &PageRef::new(site, title, path, ""), source, 0)?
    };
    let (urls, _) = links::link_urls(site, &body.links, source, 0);
    let html = if outputs.is_empty() {
        body.html.clone()
    } else {
        body.shortcodes.substitute(&body.html, &outputs)
    };
    Ok(links::finished(html, &urls, site.config.base_path()))
}

/// Expands the shortcodes of every page and section of `site` still holding tokens, with the
/// templates of `sources`, giving the finished site. Every error of every page is reported.
pub fn expand(site: UnexpandedSite, sources: &[TemplateSource]) -> Result<Site, Diagnostics> {
    let (site, errors) = expand_partly(site, sources);
    if errors.is_empty() {
        Ok(site)
    } else {
        Err(Diagnostics::unsorted(errors))
    }
}

/// Expands what [`expand`] does, but keeps the site when some shortcodes cannot be expanded:
/// their bodies keep their tokens (the site is for the check rules then, not for render),
/// and their errors are returned, in site order.
pub fn expand_partly(site: UnexpandedSite, sources: &[TemplateSource]) -> (Site, Vec<Diagnostic>) {
    if site.pending().is_empty() {
        // Nothing to expand: the templates are not even compiled.
        return site.expand_with(|_, _| Ok((String::new(), None)));
    }
    let templates = match ShortcodeTemplates::new(&site.site().config, sources) {
        Ok(templates) => templates,
        Err(errors) => return (site.into_site_with_tokens(), errors.into()),
    };
    let base_path = site.site().config.base_path().to_string();
    site.expand_with(|shared, target| {
        let Doc {
            body,
            view,
            source,
            line_offset,
        } = Doc::of(shared, target);
        let outputs = templates.outputs(body, &view, source, line_offset)?;
        let (urls, _) = links::link_urls(shared, &body.links, source, line_offset);
        let finish = |html: &str| {
            links::finished(
                body.shortcodes.substitute(html, &outputs),
                &urls,
                &base_path,
            )
        };
        Ok((finish(&body.html), body.summary_html.as_deref().map(finish)))
    })
}
