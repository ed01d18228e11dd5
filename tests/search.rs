//! Site search on the `search` fixture: which files the index is, which pages it holds, and
//! what the client's engine (themes/default/static/search.js, run in node) finds for a query
//! and in which order. The engine in a real browser is tested in tests/browser.rs.

mod common;

use std::path::Path;

use common::node::node;
use common::{build, build_root, files, read, temp};
use serde_json::{Value, json};

/// Builds the fixture and returns its output folder.
fn built() -> tempfile::TempDir {
    let out = temp();
    let run = build("search", out.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    out
}

/// What the engine finds for each query: (score, url) in result order.
fn search(out: &Path, queries: &[&str]) -> Vec<Vec<(u64, String)>> {
    let mut args = vec!["search", out.to_str().unwrap_or_default()];
    args.extend_from_slice(queries);
    let found = node("search-engine.mjs", &args);
    queries
        .iter()
        .map(|q| {
            found[q]
                .as_array()
                .unwrap_or_else(|| panic!("no results array for {q}: {found}"))
                .iter()
                .map(|r| {
                    (
                        r["score"].as_u64().unwrap_or(0),
                        r["url"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .collect()
}

fn results(list: &[(u64, &str)]) -> Vec<(u64, String)> {
    list.iter().map(|(s, u)| (*s, u.to_string())).collect()
}

#[test]
fn the_index_is_sharded_files_under_search() {
    let out = built();
    let index: Vec<String> = files(out.path())
        .into_iter()
        .filter(|f| f.starts_with("search/"))
        .collect();
    assert_eq!(
        index,
        [
            "search/index.html",
            "search/index.html.br",
            "search/index.html.gz",
            "search/index.json",
            "search/index.json.br",
            "search/index.json.gz",
            "search/pages/0.json",
            "search/pages/1.json",
            "search/pages/2.json",
            "search/pages/3.json",
            "search/pages/4.json",
            "search/pages/5.json",
            "search/pages/6.json",
            "search/pages/7.json",
            "search/positions/0.bin",
            "search/terms/0.bin",
        ]
    );
    let meta: Value = serde_json::from_str(&read(out.path(), "search/index.json"))
        .unwrap_or_else(|e| panic!("index.json: {e}"));
    assert_eq!(meta["format"], 2);
    // A small index is one terms file and one positions file: no file starts after the first.
    assert_eq!(meta["terms"], json!([]));
    assert_eq!(meta["positions"], json!([]));
    assert_eq!(meta["pages"], 8);
    assert_eq!(
        meta["sections"],
        json!(["首页", "创文动态", "通知公告", "文明规范", "地方规定"])
    );
    assert_eq!(meta["version"].as_str().map(str::len), Some(16));
    assert!(
        meta["traditional"]
            .as_str()
            .is_some_and(|t| t.contains("類类"))
    );
}

#[test]
fn page_records_hold_what_results_show() {
    let out = built();
    // Ids count from the oldest page; the undated page comes first.
    assert_eq!(
        read(out.path(), "search/pages/0.json"),
        r#"{"title":"分类指南","url":"/news/zhi-nan/","section":1,"date":null,"text":"厨余垃圾、可回收物、有害垃圾和其他垃圾。"}"#
    );
    assert_eq!(
        read(out.path(), "search/pages/1.json"),
        r#"{"title":"生活垃圾管理條例","url":"/rules/local/tiao-li/","section":4,"date":"2025-06-01","text":"第五条\n生活垃圾應當分類投放。"}"#
    );
    assert_eq!(
        read(out.path(), "search/pages/7.json"),
        r#"{"title":"在ＷｅＣｈａｔ上办理志愿者登记","url":"/news/wechat/","section":1,"date":"2026-03-05","text":"关注“栖云文明”WeChat公众号即可登记，2026年3月起开放。"}"#
    );
}

#[test]
fn any_substring_finds_the_page_ranked_title_first_then_newer() {
    let out = built();
    let found = search(out.path(), &["分类", "圾分", "亭", "条例"]);
    // Title matches (3) before body matches (2); among equals the newer page first, the
    // undated one last. 分類 in the regulation is Traditional and still found.
    assert_eq!(
        found[0],
        results(&[
            (3, "/news/la-ji-fen-lei-xin-gui/"),
            (3, "/news/fen-lei-ting/"),
            (3, "/news/zhi-nan/"),
            (2, "/news/he-dao/"),
            (2, "/news/jiu-wen/"),
            (2, "/rules/local/tiao-li/"),
        ])
    );
    // A piece of 垃圾分类 that no word segmenter would produce.
    assert_eq!(
        found[1],
        results(&[
            (3, "/news/la-ji-fen-lei-xin-gui/"),
            (2, "/news/fen-lei-ting/"),
            (2, "/news/jiu-wen/"),
        ])
    );
    // A single character; and 條例 in a title found as 条例.
    assert_eq!(found[2], results(&[(3, "/news/fen-lei-ting/")]));
    assert_eq!(
        found[3],
        results(&[
            (3, "/rules/local/tiao-li/"),
            (2, "/news/la-ji-fen-lei-xin-gui/"),
        ])
    );
}

#[test]
fn phrases_rank_above_scattered_pieces() {
    let out = built();
    let found = search(out.path(), &["垃圾分类", "垃圾分類"]);
    let expected = results(&[
        (3, "/news/la-ji-fen-lei-xin-gui/"), // phrase in the title
        (2, "/news/fen-lei-ting/"),          // phrase in the body
        (2, "/news/jiu-wen/"),
        (1, "/news/he-dao/"), // 垃圾 … 分类 apart
        (1, "/rules/local/tiao-li/"),
        (1, "/news/zhi-nan/"),
    ]);
    assert_eq!(found[0], expected);
    assert_eq!(found[1], expected, "a Traditional query finds the same");
}

#[test]
fn space_separated_terms_must_all_occur_and_scores_add_up() {
    let out = built();
    let found = search(out.path(), &["垃圾 分类", "分类 亭", "分类 不存在"]);
    assert_eq!(
        found[0],
        results(&[
            (6, "/news/la-ji-fen-lei-xin-gui/"),
            (5, "/news/fen-lei-ting/"),
            (5, "/rules/local/tiao-li/"),
            (5, "/news/zhi-nan/"),
            (4, "/news/he-dao/"),
            (4, "/news/jiu-wen/"),
        ])
    );
    assert_eq!(found[1], results(&[(6, "/news/fen-lei-ting/")]));
    assert_eq!(found[2], results(&[]));
}

#[test]
fn latin_words_and_numbers_fold_width_and_case() {
    let out = built();
    let found = search(
        out.path(),
        &[
            "wechat",
            "ＷＥＣＨＡＴ",
            "WeChat公众号",
            "2026年3月",
            "2026年1月",
            "chat",
        ],
    );
    assert_eq!(found[0], results(&[(3, "/news/wechat/")]));
    assert_eq!(found[1], found[0]);
    assert_eq!(found[2], results(&[(2, "/news/wechat/")]));
    assert_eq!(found[3], results(&[(2, "/news/wechat/")]));
    assert_eq!(
        found[4],
        results(&[]),
        "the pieces exist, the phrase does not"
    );
    assert_eq!(found[5], results(&[]), "words match whole");
}

#[test]
fn excluded_pages_are_not_found_and_markup_is_not_text() {
    let out = built();
    let found = search(
        out.path(),
        &["内部安排", "宣传周", "草稿", "关于本站", "script", "加粗"],
    );
    // search: false; a section outside search.sections; a draft; the home section.
    for (i, query) in ["内部安排", "宣传周", "草稿", "关于本站"]
        .iter()
        .enumerate()
    {
        assert_eq!(found[i], results(&[]), "{query}");
    }
    // Raw HTML is markup, not text: <script> in the body is not indexed, but the title is
    // plain text and keeps its angle brackets.
    assert_eq!(found[4], results(&[]));
    assert_eq!(found[5], results(&[(3, "/news/biao-qian/")]));
}

#[test]
fn client_and_index_tokenize_and_bucket_alike() {
    let out = built();
    let texts = [
        "垃圾分类，人人有责",
        "在ＷｅＣｈａｔ里搜索 2026年3月  Über",
        "  ——“文明”……城市 ",
        "臺灣的垃圾分類與資源回收",
        "İstanbul×2 ÀÉÎ 𠀀𠀁字",
        "a-b_c.d 3.14 ｱｲｳ 한국 〇〇七",
    ];
    let mut args = vec!["tokens", out.path().to_str().unwrap_or_default()];
    args.extend_from_slice(&texts);
    let from_client = node("search-engine.mjs", &args);
    let from_index: Vec<Vec<(u32, String)>> = texts
        .iter()
        .map(|t| {
            wenming::search::tokenize::tokenize(t)
                .into_iter()
                .map(|t| (t.position, t.token.key()))
                .collect()
        })
        .collect();
    assert_eq!(from_client, json!(from_index));

    let keys = ["分类", "2026年", "wechat", "垃", "", "𠀀𠀁"];
    let mut args = vec!["buckets", "-"];
    args.extend_from_slice(&keys);
    let from_client = node("search-engine.mjs", &args);
    let from_index: Vec<u16> = keys
        .iter()
        .map(|k| wenming::search::shard::bucket_of(k))
        .collect();
    assert_eq!(from_client, json!(from_index));
}

#[test]
fn the_client_is_plain_es5_and_under_15_kb() {
    let client = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/search.js");
    let checked = node("es5.mjs", &[client.to_str().unwrap_or_default()]);
    assert_eq!(checked["error"], Value::Null, "not ES5: {checked}");
    let bytes = checked["bytes"].as_u64().unwrap_or(u64::MAX);
    assert!(
        bytes < 15 * 1024,
        "search.js is {bytes} bytes, not minified"
    );
}

#[test]
fn site_map_lists_every_section_and_page() {
    let out = built();
    let page = read(out.path(), "sitemap/index.html");
    let main = &page[page.find("<main").unwrap_or(0)..page.find("</main>").unwrap_or(0)];
    assert_eq!(
        main,
        r#"<main id="main" class="wrap" tabindex="-1">
<h1>网站地图</h1>
<noscript><p class="notice">站内搜索需要浏览器启用 JavaScript。您可以在本页按栏目查找文章，或使用浏览器的“在网页中查找”功能。</p></noscript>
<section class="sitemap-section sitemap-depth-0" aria-labelledby="sitemap-1">
  <h2 id="sitemap-1"><a href="/">首页</a></h2>
  <ul>
    <li><a href="/about/">关于本站</a></li>
  </ul>
</section>
<section class="sitemap-section sitemap-depth-1" aria-labelledby="sitemap-2">
  <h2 id="sitemap-2"><a href="/news/">创文动态</a></h2>
  <ul>
    <li><a href="/news/wechat/">在ＷｅＣｈａｔ上办理志愿者登记</a></li>
    <li><a href="/news/nei-bu/">内部安排（不收录）</a></li>
    <li><a href="/news/la-ji-fen-lei-xin-gui/">垃圾分类新规实施</a></li>
    <li><a href="/news/fen-lei-ting/">社区设立分类亭</a></li>
    <li><a href="/news/he-dao/">河道清洁行动</a></li>
    <li><a href="/news/biao-qian/">&lt;b&gt;加粗&lt;/b&gt;标题测试</a></li>
    <li><a href="/news/jiu-wen/">去年的创文工作回顾</a></li>
    <li><a href="/news/zhi-nan/">分类指南</a></li>
  </ul>
</section>
<section class="sitemap-section sitemap-depth-1" aria-labelledby="sitemap-3">
  <h2 id="sitemap-3"><a href="/notices/">通知公告</a></h2>
  <ul>
    <li><a href="/notices/xuan-chuan-zhou/">垃圾分类宣传周通知</a></li>
  </ul>
</section>
<section class="sitemap-section sitemap-depth-1" aria-labelledby="sitemap-4">
  <h2 id="sitemap-4"><a href="/rules/">文明规范</a></h2>
</section>
<section class="sitemap-section sitemap-depth-2" aria-labelledby="sitemap-5">
  <h3 id="sitemap-5"><a href="/rules/local/">地方规定</a></h3>
  <ul>
    <li><a href="/rules/local/tiao-li/">生活垃圾管理條例</a></li>
  </ul>
</section>
"#
    );
    let home = read(out.path(), "index.html");
    assert!(
        home.contains(r#"<p class="footer-links"><a href="/sitemap/">网站地图</a></p>"#),
        "{home}"
    );
}

#[test]
fn the_header_box_leads_to_the_site_map_until_javascript_points_it_at_search() {
    let out = built();
    let home = read(out.path(), "index.html");
    assert!(
        home.contains(
            r#"<form id="search-box" class="search-box" role="search" aria-label="全站搜索" action="/sitemap/" data-search="/search/" method="get">
  <input id="search-box-query" type="search" name="q" aria-label="搜索本站" placeholder="搜索本站" enterkeyhint="search">
  <button type="submit">搜索</button>
  <p class="search-nojs">站内搜索需要浏览器启用 JavaScript。请到<a href="/sitemap/">网站地图</a>按栏目查找。</p>
</form>"#
        ),
        "{home}"
    );
    // elder.js points the box at the search page (tests/browser.rs types into it); no inline
    // script, so the page runs under the Content-Security-Policy of `wenming nginx-conf`.
    assert!(!home.contains("<script>"), "{home}");
    let search_page = read(out.path(), "search/index.html");
    assert!(
        search_page.contains(
            &r#"<p id="search-status" class="search-status" role="status" aria-live="polite" aria-atomic="true"></p>
<ol id="search-results" class="search-results" data-index="/search/" data-sitemap="/sitemap/"></ol>
<button id="search-more" class="search-more" type="button" hidden>显示更多结果</button>
<script src="/search.js"></script>"#
                .replace("/search.js", &format!("/{}", fingerprinted(out.path(), "search.js")))
        ),
        "{search_page}"
    );
}

#[test]
fn without_search_there_is_no_index_no_box_and_still_a_site_map() {
    let out = temp();
    let run = build("basic", out.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let all = files(out.path());
    assert!(!all.iter().any(|f| f.starts_with("search/")), "{all:?}");
    assert!(all.contains(&"sitemap/index.html".to_string()), "{all:?}");
    assert!(!read(out.path(), "sitemap/index.html").contains("search-box"));
}

/// Writes `text` to `path` under `root`, making its folders.
fn write_file(root: &Path, path: &str, text: &str) {
    let p = root.join(path);
    std::fs::create_dir_all(p.parent().unwrap_or(root)).unwrap_or_default();
    std::fs::write(p, text).unwrap_or_else(|e| panic!("{path}: {e}"));
}

#[test]
fn unknown_search_sections_and_taken_urls_are_errors() {
    let site = temp();
    let root = site.path();
    let write = |path: &str, text: &str| write_file(root, path, text);
    write(
        "site.yaml",
        "title: t\nbase_url: https://a.example\nsearch: {enabled: true, sections: [news, nwes]}\n",
    );
    write("content/news/_index.md", "---\ntitle: 新闻\n---\n");
    write("content/search.md", "---\ntitle: 搜索\n---\n");
    let out = temp();
    let run = build_root(root, out.path());
    assert_eq!(run.code, 1);
    assert_eq!(
        common::errors_only(&run.stderr),
        "错误：content/search.md: 网址与 站内搜索（wenming 生成的页面） 重复：两者都会生成 search/index.html
    提示：修改其中一个的 slug、path 或文件名
构建失败：共 1 个错误，输出目录保持不变。
"
    );
    std::fs::remove_file(root.join("content/search.md")).unwrap_or_default();
    let run = build_root(root, out.path());
    assert_eq!(
        common::errors_only(&run.stderr),
        "错误：site.yaml: search.sections 中的栏目“nwes”不存在
    提示：写 content/ 下栏目的目录名，可用的有：news
构建失败：共 1 个错误，输出目录保持不变。
"
    );
}

/// The fingerprinted name the build gave `plain` (`search.js` → `search.3f9a1c2e.js`).
fn fingerprinted(output: &Path, plain: &str) -> String {
    let (stem, extension) = plain.rsplit_once('.').unwrap_or((plain, ""));
    common::files(output)
        .into_iter()
        .find(|f| {
            f.strip_prefix(&format!("{stem}."))
                .and_then(|rest| rest.strip_suffix(&format!(".{extension}")))
                .is_some_and(|hash| hash.len() == 8 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
        })
        .unwrap_or_else(|| panic!("no fingerprinted {plain} in the output"))
}

/// Characters for generated text: common, and no word in them that `check` objects to.
const ALPHABET: &str = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系很情者最立代想已通并提直题程展五果料象员位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别手角期根论运农指几九区强放决西被干做必先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容须际商非验连断深难近千周委素技备半办青省列习响约支般史感便团往历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该价严龙飞";

/// A site of 160 pages of made-up text from [`ALPHABET`], large enough that the index is cut
/// into many terms and positions files: (title, body) per page, oldest first.
fn generated_site(root: &Path) -> Vec<(String, String)> {
    let alphabet: Vec<char> = ALPHABET.chars().collect();
    let mut seed: u64 = 12_345;
    let mut text = |len: usize| -> String {
        (0..len)
            .map(|_| {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                alphabet[(seed >> 33) as usize % alphabet.len()]
            })
            .collect()
    };
    let pages: Vec<(String, String)> = (0..160).map(|_| (text(6), text(400))).collect();
    let write = |path: &str, text: &str| write_file(root, path, text);
    write(
        "site.yaml",
        "title: t\nbase_url: https://a.example\nsearch: {enabled: true}\n",
    );
    write("content/news/_index.md", "---\ntitle: 新闻\n---\n");
    for (i, (title, body)) in pages.iter().enumerate() {
        let date = format!("2025-{:02}-{:02}", i / 28 + 1, i % 28 + 1);
        write(
            &format!("content/news/p{i}.md"),
            &format!("---\ntitle: {title}\ndate: {date}\n---\n{body}\n"),
        );
    }
    pages
}

#[test]
fn an_index_cut_into_many_files_finds_what_a_substring_search_finds() {
    let site = temp();
    let pages = generated_site(site.path());
    let out = temp();
    let run = build_root(site.path(), out.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let meta: Value = serde_json::from_str(&read(out.path(), "search/index.json"))
        .unwrap_or_else(|e| panic!("index.json: {e}"));
    let starts = |kind: &str| meta[kind].as_array().map_or(0, Vec::len);
    let all = files(out.path());
    let count = |dir: &str| all.iter().filter(|f| f.starts_with(dir)).count();
    assert!(starts("terms") >= 10, "{meta}");
    assert!(starts("positions") >= 3, "{meta}");
    assert_eq!(count("search/terms/"), starts("terms") + 1);
    assert_eq!(count("search/positions/"), starts("positions") + 1);

    // Queries of 1 to 5 characters cut from the pages, and one found nowhere.
    let mut queries: Vec<String> = (0..40)
        .map(|n| {
            let (title, body) = &pages[(n * 37) % pages.len()];
            let chars: Vec<char> = if n % 5 == 0 { title } else { body }.chars().collect();
            let len = 1 + n % 5;
            let at = (n * 11) % (chars.len() - len);
            chars[at..at + len].iter().collect()
        })
        .collect();
    queries.push("龙飞龙飞龙".to_string());
    let refs: Vec<&str> = queries.iter().map(String::as_str).collect();
    let found = search(out.path(), &refs);
    for (query, found) in queries.iter().zip(found) {
        let mut expected: Vec<(u64, String)> = pages
            .iter()
            .enumerate()
            .rev()
            .filter_map(|(i, (title, body))| {
                let score = substring_score(query, title, body)?;
                Some((score, format!("/news/p{i}/")))
            })
            .collect();
        // Newer first among equal scores: pages are listed newest first, the sort is stable.
        expected.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
        assert_eq!(found, expected, "{query}");
    }
}

/// What the ranking promises for a query without separators: 3 when the title holds it whole,
/// 2 when the body does, 1 when each of its covering pairs occurs somewhere.
fn substring_score(query: &str, title: &str, body: &str) -> Option<u64> {
    if title.contains(query) {
        return Some(3);
    }
    if body.contains(query) {
        return Some(2);
    }
    let chars: Vec<char> = query.chars().collect();
    if chars.len() < 3 {
        return None;
    }
    let last = chars.len() - 2;
    let mut offsets: Vec<usize> = (0..=last).step_by(2).collect();
    offsets.push(last);
    let pieces = offsets.iter().all(|&o| {
        let pair: String = chars[o..o + 2].iter().collect();
        title.contains(&pair) || body.contains(&pair)
    });
    pieces.then_some(1)
}
