//! Files generated from the site model without templates: Atom feeds, the sitemap (split into
//! an index past 50,000 URLs), robots.txt and redirect pages for `aliases`.

use crate::site::{PageId, Site, SitePage};
use crate::text::escape_xml as esc;

/// The sitemap protocol's limit of URLs per file.
pub const SITEMAP_MAX_URLS: usize = 50_000;

/// An Atom feed of the newest dated pages among `pages`, at site path `feed_path`.
pub fn atom_feed(
    site: &Site,
    title: &str,
    listing_path: &str,
    feed_path: &str,
    pages: &[PageId],
) -> String {
    let mut dated: Vec<&SitePage> = pages
        .iter()
        .map(|&i| site.pages[i].as_ref())
        .filter(|p| p.page.meta.date.is_some())
        .collect();
    dated.sort_by(|a, b| {
        b.page
            .meta
            .date
            .cmp(&a.page.meta.date)
            .then_with(|| a.page.content_path.cmp(&b.page.content_path))
    });
    dated.truncate(site.config.feed.limit);
    let updated = dated
        .iter()
        .filter_map(|p| p.page.meta.updated.max(p.page.meta.date))
        .max()
        .map(|d| d.rfc3339())
        .unwrap_or_else(|| "1970-01-01T00:00:00+08:00".to_string());
    let base = format!("{}/", site.config.base_url);
    let mut out = String::with_capacity(4096 + dated.len() * 2048);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\" xml:base=\"{}\">\n",
        esc(&site.config.language),
        esc(&base)
    ));
    out.push_str(&format!("  <title>{}</title>\n", esc(title)));
    out.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        esc(&site.permalink(feed_path))
    ));
    out.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        esc(&site.permalink(listing_path))
    ));
    out.push_str(&format!("  <id>{}</id>\n", esc(&site.permalink(feed_path))));
    out.push_str(&format!("  <updated>{updated}</updated>\n"));
    out.push_str("  <generator>wenming</generator>\n");
    for p in dated {
        let link = site.permalink(&p.path);
        let published = p.page.meta.date.map(|d| d.rfc3339()).unwrap_or_default();
        let updated = p
            .page
            .meta
            .updated
            .or(p.page.meta.date)
            .map(|d| d.rfc3339())
            .unwrap_or_default();
        let author = p.page.meta.author.as_deref().unwrap_or(&site.config.title);
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <title>{}</title>\n", esc(&p.page.meta.title)));
        out.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            esc(&link)
        ));
        out.push_str(&format!("    <id>{}</id>\n", esc(&link)));
        out.push_str(&format!("    <published>{published}</published>\n"));
        out.push_str(&format!("    <updated>{updated}</updated>\n"));
        out.push_str(&format!(
            "    <author><name>{}</name></author>\n",
            esc(author)
        ));
        match &p.page.meta.description {
            Some(description) => out.push_str(&format!(
                "    <summary type=\"text\">{}</summary>\n",
                esc(description)
            )),
            None => out.push_str(&format!(
                "    <summary type=\"html\">{}</summary>\n",
                esc(&p.summary_html)
            )),
        }
        out.push_str(&format!(
            "    <content type=\"html\">{}</content>\n",
            esc(p.html())
        ));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

/// `sitemap.xml`, or an index plus `sitemap1.xml`, `sitemap2.xml`… for large sites.
pub fn sitemaps(site: &Site) -> Vec<(String, String)> {
    sitemaps_with_limit(site, SITEMAP_MAX_URLS)
}

/// [`sitemaps`] with `limit` URLs per file.
pub fn sitemaps_with_limit(site: &Site, limit: usize) -> Vec<(String, String)> {
    let limit = limit.max(1);
    let mut entries: Vec<(String, Option<String>)> = Vec::new();
    for s in &site.sections {
        let lastmod = s
            .pages
            .iter()
            .filter_map(|&i| {
                let m = &site.pages[i].page.meta;
                m.updated.max(m.date)
            })
            .max();
        entries.push((site.permalink(&s.path), lastmod.map(|d| d.ymd())));
    }
    for p in &site.pages {
        let lastmod = p.page.meta.updated.max(p.page.meta.date).map(|d| d.ymd());
        entries.push((site.permalink(&p.path), lastmod));
    }
    for t in site.taxonomies.iter() {
        entries.push((site.permalink(&t.path), None));
        for term in &t.terms {
            entries.push((site.permalink(&term.path), None));
        }
    }
    entries.sort();
    entries.dedup();

    let urlset = |chunk: &[(String, Option<String>)]| {
        let mut out = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for (loc, lastmod) in chunk {
            out.push_str(&format!("  <url>\n    <loc>{}</loc>\n", esc(loc)));
            if let Some(m) = lastmod {
                out.push_str(&format!("    <lastmod>{m}</lastmod>\n"));
            }
            out.push_str("  </url>\n");
        }
        out.push_str("</urlset>\n");
        out
    };
    if entries.len() <= limit {
        return vec![("sitemap.xml".to_string(), urlset(&entries))];
    }
    let mut files = Vec::new();
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (n, chunk) in entries.chunks(limit).enumerate() {
        let name = format!("sitemap{}.xml", n + 1);
        index.push_str(&format!(
            "  <sitemap>\n    <loc>{}</loc>\n  </sitemap>\n",
            esc(&site.permalink(&format!("/{name}")))
        ));
        files.push((name, urlset(chunk)));
    }
    index.push_str("</sitemapindex>\n");
    files.insert(0, ("sitemap.xml".to_string(), index));
    files
}

pub fn robots_txt(site: &Site) -> String {
    format!(
        "User-agent: *\nDisallow:\nSitemap: {}\n",
        site.permalink("/sitemap.xml")
    )
}

/// A page that sends readers (and search engines) from an old URL to the page's new one.
pub fn alias_page(site: &Site, page: &SitePage) -> String {
    redirect_page(site, &page.path, &page.page.meta.title)
}

/// A page that sends readers (and search engines) from an old URL to `path`, titled `title`.
pub fn redirect_page(site: &Site, path: &str, title: &str) -> String {
    let url = esc(&site.url_path(path));
    let permalink = esc(&site.permalink(path));
    let title = esc(title);
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n<link rel=\"canonical\" href=\"{permalink}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={url}\">\n</head>\n<body>\n<p>本页已迁移至<a href=\"{url}\">{title}</a>。</p>\n</body>\n</html>\n",
        lang = esc(&site.config.language)
    )
}
