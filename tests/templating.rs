//! Templates: kind fallbacks, explicit templates, data files, site functions and filters, and
//! Markdown that is never evaluated as a template.

mod common;

use common::{build, read, temp};

fn built() -> tempfile::TempDir {
    let out = temp();
    let run = build("templating", out.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    out
}

#[test]
fn kind_templates_fall_back_to_generic_ones() {
    let out = built();
    // The section says kind: story, and page-story.html exists.
    assert_eq!(read(out.path(), "zyfw/a/index.html"), "story:故事一|1|11\n");
    // The page says kind: notice; there is no page-notice.html.
    assert!(
        read(out.path(), "zyfw/b/index.html")
            .starts_with("generic:模板语法|notice|首页>志愿服务>|")
    );
    // template: in front matter wins.
    assert_eq!(
        read(out.path(), "zyfw/c/index.html"),
        "special:特别页面|2026/02/03|te-bie-ye-mian\n"
    );
}

#[test]
fn markdown_is_never_evaluated_as_a_template() {
    let out = built();
    assert_eq!(
        read(out.path(), "zyfw/b/index.html"),
        "generic:模板语法|notice|首页>志愿服务>|<p>正文里的 {{ config.title }} 和 {% include \"page.html\" %} 原样显示。</p>\n\n"
    );
}

#[test]
fn data_files_and_site_functions() {
    let out = built();
    assert_eq!(
        read(out.path(), "index.html"),
        "云栖区=95.5;鹭洲区=91;\n讲文明 树新风|文明办综合科|0|1\n故事一|/zyfw/a/|<p>这是一个志愿服务的故事。</p>\n\n区县:鹭洲区(1)云栖区(2)\n"
    );
}

#[test]
fn section_slug_and_page_path_overrides() {
    let out = built();
    assert_eq!(
        read(out.path(), "zyfw/index.html"),
        "section:志愿服务|/zyfw/|特别页面;模板语法;故事一;\n"
    );
    assert_eq!(
        read(out.path(), "about/us/index.html"),
        "generic:关于我们||首页>|\n"
    );
}

#[test]
fn nested_sections_inherit_the_parent_slug_and_list_their_ancestors() {
    let out = built();
    assert_eq!(
        read(out.path(), "zyfw/teams/lan-tian/index.html"),
        "generic:蓝天救援队|notice|首页>志愿服务>服务队>|\n"
    );
    assert_eq!(
        read(out.path(), "zyfw/teams/index.html"),
        "section:服务队|/zyfw/teams/|蓝天救援队;\n"
    );
}

#[test]
fn large_sites_get_a_sitemap_index() {
    let options = wenming::build::BuildOptions::new(common::fixture("basic"));
    let rendered = wenming::build::render_site(&options).unwrap_or_else(|e| panic!("{e}"));
    let files = wenming::output::sitemaps_with_limit(&rendered.site, 5);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "sitemap.xml",
            "sitemap1.xml",
            "sitemap2.xml",
            "sitemap3.xml"
        ]
    );
    assert_eq!(
        files[0].1,
        concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
            "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
            "  <sitemap>\n    <loc>https://wm.example.gov.cn/sitemap1.xml</loc>\n  </sitemap>\n",
            "  <sitemap>\n    <loc>https://wm.example.gov.cn/sitemap2.xml</loc>\n  </sitemap>\n",
            "  <sitemap>\n    <loc>https://wm.example.gov.cn/sitemap3.xml</loc>\n  </sitemap>\n",
            "</sitemapindex>\n"
        )
    );
    assert_eq!(files[3].1.matches("<url>").count(), 3);
}
