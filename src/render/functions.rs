//! Filters and functions templates can call: Chinese dates, pinyin, URLs, and read-only access
//! to the linked site (`get_page`, `get_section`, `get_taxonomy`, `load_data`).

use std::collections::BTreeSet;
use std::sync::Arc;

use tera::{Kwargs, State, Tera, TeraResult, Value};

use super::views;
use crate::site::{Site, Target};
use crate::text::dates;

/// What functions need: the site and the light page summaries shared with listings.
pub struct Shared {
    pub site: Arc<Site>,
    pub summaries: Arc<Vec<Value>>,
    /// The progress dashboard, built on first use and then shared.
    pub dashboard: std::sync::OnceLock<Value>,
}

/// What a rendering read through the functions below, beyond its context (see
/// `reuse`): the whole site, the progress dashboard, the build's moment.
pub const READ_SITE: u8 = 1;
pub const READ_DASHBOARD: u8 = 2;
pub const READ_CLOCK: u8 = 4;

thread_local! {
    /// What the rendering running on this thread has read (a template renders on one thread).
    static READ: std::cell::Cell<u8> = const { std::cell::Cell::new(0) };
    /// The static images it asked `image_set` about, by their key in `Site::images`.
    static IMAGES: std::cell::RefCell<BTreeSet<String>> =
        const { std::cell::RefCell::new(BTreeSet::new()) };
}

fn note(what: u8) {
    READ.with(|r| r.set(r.get() | what));
}

fn note_image(key: &str) {
    IMAGES.with(|i| {
        let mut images = i.borrow_mut();
        if !images.contains(key) {
            images.insert(key.to_string());
        }
    });
}

/// What the functions read on this thread since the last call, and starts over.
pub fn take_reads() -> FunctionReads {
    FunctionReads {
        flags: READ.with(|r| r.replace(0)),
        images: IMAGES.with(|i| std::mem::take(&mut *i.borrow_mut())),
    }
}

/// What one rendering read through the functions: [`READ_SITE`], [`READ_DASHBOARD`] and
/// [`READ_CLOCK`] as `flags`, and the static images `image_set` was asked about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FunctionReads {
    pub flags: u8,
    pub images: BTreeSet<String>,
}

fn error(message: impl ToString) -> tera::Error {
    tera::Error::message(message)
}

/// `asset(path="/style.css")`: the URL of a stylesheet or script under its fingerprinted name
/// (`/style.3f9a1c2e.css`, see `output::assets`), which changes whenever the file does.
fn asset(shared: &Shared, kwargs: Kwargs) -> TeraResult<String> {
    let path = kwargs.must_get::<&str>("path")?;
    let site = &shared.site;
    match site.assets.get(path.trim_start_matches('/')) {
        Some(name) => Ok(site.url_path(&format!("/{name}"))),
        None => Err(error(format!(
            "asset：静态文件中没有 {path}（asset 只用于主题或 static/ 中的 .css、.js 文件，其他文件请用 url）"
        ))),
    }
}

/// Reads a date given to a filter; `none` (a page without a date) gives `None`.
fn parse_date(value: &Value, filter: &str) -> TeraResult<Option<dates::Date>> {
    if value.is_none() || value.is_undefined() {
        return Ok(None);
    }
    let Some(text) = value.as_str() else {
        return Err(error(format!(
            "过滤器 {filter} 需要日期文字，收到的是 {}",
            value.name()
        )));
    };
    dates::parse(text)
        .map(Some)
        .map_err(|reason| error(format!("过滤器 {filter} 收到的“{text}”不是日期：{reason}")))
}

/// Registers every wenming filter and function on `tera`.
pub fn register(tera: &mut Tera, shared: Arc<Shared>) {
    register_filters(tera);
    register_functions(tera, shared);
}

/// Registers the filters, which need nothing of the site (all that shortcode templates get).
pub fn register_filters(tera: &mut Tera) {
    tera.register_filter(
        "date_cn",
        |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
            Ok(parse_date(v, "date_cn")?
                .map(|d| d.chinese())
                .unwrap_or_default())
        },
    );
    tera.register_filter(
        "datetime",
        |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
            Ok(parse_date(v, "datetime")?
                .map(|d| d.metadata())
                .unwrap_or_default())
        },
    );
    tera.register_filter(
        "date",
        |v: &Value, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let Some(d) = parse_date(v, "date")? else {
                return Ok(String::new());
            };
            let format = kwargs.get::<&str>("format")?.unwrap_or("%Y-%m-%d");
            let tm = jiff::fmt::strtime::BrokenDownTime::from(d.local);
            let mut out = String::new();
            tm.format(format, &mut out)
                .map_err(|e| error(format!("date 过滤器的格式“{format}”无效：{e}")))?;
            Ok(out)
        },
    );
    tera.register_filter("pinyin", |v: &str, _: Kwargs, _: &State| {
        crate::text::slug::slugify(v)
    });
    tera.register_filter(
        "mask",
        |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
            if v.is_none() || v.is_undefined() {
                return Ok(String::new());
            }
            let text = v.as_str().map_or_else(|| v.to_string(), str::to_string);
            Ok(crate::text::pii::mask(&text))
        },
    );
    tera.register_filter("json_encode", tera_contrib::json::json_encode);
    tera.register_filter("urlencode", tera_contrib::urlencode::urlencode);
    tera.register_filter("safe_url", |v: &str, _: Kwargs, _: &State| {
        crate::markdown::safe_url(v).to_string()
    });
}

/// Registers the functions that read the linked site, one line each (the functions are
/// below, by the same names).
fn register_functions(tera: &mut Tera, shared: Arc<Shared>) {
    tera.register_function("qr_code", |kwargs: Kwargs, _: &State| qr_code(kwargs));
    let s = shared.clone();
    tera.register_function("asset", move |kwargs: Kwargs, _: &State| asset(&s, kwargs));
    let s = shared.clone();
    tera.register_function("days_until", move |kwargs: Kwargs, _: &State| {
        days_until(&s, kwargs)
    });
    let s = shared.clone();
    tera.register_function("url", move |kwargs: Kwargs, _: &State| url(&s, kwargs));
    let s = shared.clone();
    tera.register_function("get_page", move |kwargs: Kwargs, _: &State| {
        get_page(&s, kwargs)
    });
    let s = shared.clone();
    tera.register_function("get_section", move |kwargs: Kwargs, _: &State| {
        get_section(&s, kwargs)
    });
    let s = shared.clone();
    tera.register_function("get_taxonomy", move |kwargs: Kwargs, _: &State| {
        get_taxonomy(&s, kwargs)
    });
    let s = shared.clone();
    tera.register_function("progress_dashboard", move |_: Kwargs, _: &State| {
        progress_dashboard(&s)
    });
    let s = shared.clone();
    tera.register_function("image_set", move |kwargs: Kwargs, _: &State| {
        image_set(&s, kwargs)
    });
    let s = shared;
    tera.register_function("load_data", move |kwargs: Kwargs, _: &State| {
        load_data(&s, kwargs)
    });
}

/// `image_set(path="/images/poster.jpg")`: an image of the site's static files as an `<img>`
/// shows it — `src` (a photo's resized copy at most 960 px wide), `srcset` (every copy, empty
/// for an image wenming does not resize), `width` and `height` (of `src`, none when unknown).
/// An outside URL is given back as `src` with nothing else. The image it reads is noted, so a
/// page showing it is rendered again when it changes.
fn image_set(s: &Shared, kwargs: Kwargs) -> TeraResult<Value> {
    let path = kwargs.must_get::<&str>("path")?;
    if path.contains("://") || path.starts_with("//") {
        return Ok(Value::from_serializable(&super::photos::StaticImageSet {
            src: path.to_string(),
            srcset: String::new(),
            width: None,
            height: None,
        }));
    }
    note_image(super::photos::static_key(path));
    match super::photos::static_image_set(&s.site, path) {
        Some(set) => Ok(Value::from_serializable(&set)),
        None => Err(error(format!(
            "image_set：static/ 中没有图片 {path}（路径从 static/ 下算起，例如 /images/poster.jpg）"
        ))),
    }
}

/// `qr_code(text=, label=)`: the QR code of `text` as inline SVG.
fn qr_code(kwargs: Kwargs) -> TeraResult<String> {
    let text = kwargs.must_get::<&str>("text")?;
    let label = kwargs.get::<&str>("label")?.unwrap_or("二维码");
    super::qr::svg(text, label).map_err(error)
}

/// `days_until(date=)`: whole days from the build's moment to `date`.
fn days_until(s: &Shared, kwargs: Kwargs) -> TeraResult<i64> {
    let date = kwargs.must_get::<&str>("date")?;
    note(READ_CLOCK);
    super::countdown::days_until(s.site.now, date).map_err(error)
}

/// `url(path=, absolute=)`: the URL of a content file (`@/news/a.md#anchor`), a site path,
/// or an outside URL as it is.
fn url(s: &Shared, kwargs: Kwargs) -> TeraResult<String> {
    let path = kwargs.must_get::<&str>("path")?;
    let absolute = kwargs.get::<bool>("absolute")?.unwrap_or(false);
    let site = &s.site;
    let site_path = if path.starts_with("@/") {
        note(READ_SITE);
        let (target, anchor) = path
            .split_once('#')
            .map_or((path, None), |(t, a)| (t, Some(a)));
        let base = match site.lookup(target) {
            Some(Target::Page(i)) => site.pages[i].path.clone(),
            Some(Target::Section(i)) => site.sections[i].path.clone(),
            None => {
                return Err(error(format!("url：找不到 {path}，路径从 content/ 下算起")));
            }
        };
        anchor.map_or(base.clone(), |a| format!("{base}#{a}"))
    } else if path.contains("://") {
        return Ok(path.to_string());
    } else {
        format!("/{}", path.trim_start_matches('/'))
    };
    Ok(if absolute {
        site.permalink(&site_path)
    } else {
        site.url_path(&site_path)
    })
}

/// `get_page(path=)`: a page's full view.
fn get_page(s: &Shared, kwargs: Kwargs) -> TeraResult<Value> {
    note(READ_SITE);
    let path = kwargs.must_get::<&str>("path")?;
    match s.site.lookup(path) {
        Some(Target::Page(i)) => Ok(Value::from_serializable(&views::page_full(
            &s.site,
            &s.site.pages[i],
            &s.summaries,
        ))),
        _ => Err(error(format!(
            "get_page：找不到页面 {path}（路径从 content/ 下算起，例如 news/a.md）"
        ))),
    }
}

/// `get_section(path=, limit=)`: a section's view with the summaries of its first pages.
fn get_section(s: &Shared, kwargs: Kwargs) -> TeraResult<Value> {
    note(READ_SITE);
    let path = kwargs.must_get::<&str>("path")?;
    let limit = kwargs.get::<usize>("limit")?.unwrap_or(usize::MAX);
    match s.site.lookup(path) {
        Some(Target::Section(i)) => {
            let section = &s.site.sections[i];
            let pages = section
                .pages
                .iter()
                .take(limit)
                .filter_map(|&p| s.summaries.get(p.index()).cloned())
                .collect();
            Ok(Value::from_serializable(&views::section_full(
                &s.site, section, pages,
            )))
        }
        _ => Err(error(format!(
            "get_section：找不到栏目 {path}（例如 news/_index.md 或 news）"
        ))),
    }
}

/// `get_taxonomy(kind=)`: a taxonomy with its terms.
fn get_taxonomy(s: &Shared, kwargs: Kwargs) -> TeraResult<Value> {
    note(READ_SITE);
    let kind = kwargs.must_get::<&str>("kind")?;
    let site = &s.site;
    let Some(t) = site.taxonomies.iter().find(|t| t.name == kind) else {
        let known: Vec<&str> = site.taxonomies.iter().map(|t| t.name.as_str()).collect();
        return Err(error(format!(
            "get_taxonomy：site.yaml 中没有分类法 {kind}（已有：{}）",
            known.join(", ")
        )));
    };
    #[derive(serde::Serialize)]
    struct TaxonomyWithTerms<'a> {
        #[serde(flatten)]
        taxonomy: views::TaxonomyView<'a>,
        terms: Vec<views::TermView<'a>>,
    }
    Ok(Value::from_serializable(&TaxonomyWithTerms {
        taxonomy: views::taxonomy_view(site, t),
        terms: t
            .terms
            .iter()
            .map(|term| views::term_view(site, term))
            .collect(),
    }))
}

/// `progress_dashboard()`: the progress dashboard, made on first use and then shared.
fn progress_dashboard(s: &Shared) -> TeraResult<Value> {
    note(READ_DASHBOARD);
    Ok(s.dashboard
        .get_or_init(|| Value::from_serializable(&views::dashboard(&s.site)))
        .clone())
}

/// `load_data(path=, default=)`: a file of `data/`.
fn load_data(s: &Shared, kwargs: Kwargs) -> TeraResult<Value> {
    note(READ_SITE);
    let path = kwargs.must_get::<&str>("path")?;
    let key = path.trim_start_matches("data/").trim_start_matches('/');
    // `default=` makes the file optional: a theme for every site can offer a block
    // fed from data/ without failing the sites that have no such file.
    let default = kwargs.get::<Value>("default")?;
    match (s.site.data.get(key), default) {
        (Some(v), _) => Ok(Value::from_serializable(v)),
        (None, Some(default)) => Ok(default),
        (None, None) => {
            let known: Vec<&str> = s.site.data.keys().map(String::as_str).collect();
            Err(error(format!(
                "load_data：data/ 下没有 {key}（已有：{}）；可选的数据文件请加 default=，例如 load_data(path=\"{key}\", default=[])",
                known.join(", ")
            )))
        }
    }
}
