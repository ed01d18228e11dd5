//! Broken sites: every error of a build is reported together with file, line, column and a
//! hint, the exit code is 1, and the previous output is left exactly as it was.

mod common;

use common::{build, errors_only, files, read, temp};

#[test]
fn bad_front_matter_reports_every_file_at_once() {
    let out = temp();
    let run = build("errors/front-matter", out.path());
    assert_eq!(run.code, 1);
    assert_eq!(
        errors_only(&run.stderr),
        "错误：content/colon.md:2:13: YAML 格式错误：这里不能出现“: ”（英文冒号加空格）
    提示：值中含有英文冒号时，请用引号把整个值括起来，例如 title: \"通知：…\"
错误：content/gbk.md:4:1: 文件不是 UTF-8 编码（可能是 GBK 等旧编码）
    提示：用编辑器把文件另存为 UTF-8 编码
错误：content/tab.md:4:1: YAML 格式错误：这一行含有 Tab
    提示：YAML 不能用 Tab 缩进，请改用空格
错误：content/typo.md:2:1: front matter 中有未知字段“titel”
    提示：是否想写“title”？可用的字段有：title, date, updated, expires, draft, slug, path, summary, description, author, source, editor, weight, cover, aliases, template, kind, search, extra, corrections, review, waive
错误：content/typo.md:2:1: 缺少标题 title
    提示：在 front matter 中加一行，例如 title: 学雷锋志愿服务活动
错误：content/typo.md:3:7: 字段“date”的日期“2026-02-30”无效：2026年2月没有30日
    提示：日期写成 2026-03-05 或 2026-03-05 09:30（北京时间），也可带时区如 2026-03-05T09:30:00+08:00
错误：content/unclosed.md:1:1: front matter 没有结束
    提示：在字段之后另起一行写 --- 作为结束
构建失败：共 7 个错误，输出目录保持不变。
"
    );
}

#[test]
fn unknown_config_keys_name_the_closest_valid_key() {
    let out = temp();
    let run = build("errors/config", out.path());
    assert_eq!(run.code, 1);
    assert_eq!(
        errors_only(&run.stderr),
        "错误：site.yaml:2:1: base_url“wm.example.gov.cn”应以 http:// 或 https:// 开头
    提示：例如 base_url: https://wenming.example.gov.cn
错误：site.yaml:3:1: site.yaml 中有未知字段“paginte”
    提示：是否想写“paginate”？可用的字段有：title, base_url, language, description, share_image, theme, paginate, taxonomies, footer, markdown, feed, search, extra, check, limits, output, images, desk
错误：site.yaml:6:3: site.yaml 的 footer 中有未知字段“sponser”
    提示：是否想写“sponsor”？可用的字段有：sponsor, organizer, contact, icp, police_record, site_code, badge, badge_link, jiucuo
构建失败：共 3 个错误，输出目录保持不变。
"
    );
}

#[test]
fn broken_internal_links_name_file_line_and_column() {
    let out = temp();
    let run = build("errors/links", out.path());
    assert_eq!(run.code, 1);
    assert_eq!(
        errors_only(&run.stderr),
        "错误：content/cite.md:6:2: 内部链接 @/tiaoli.md 中的锚点 #第六条 在该页面中不存在
    提示：该页面的锚点有：第五条
错误：content/cite.md:7:3: 内部链接 @/news/old.md 指向的文件不存在
    提示：路径从 content/ 下算起，例如 @/rules/tiaoli.md
构建失败：共 2 个错误，输出目录保持不变。
"
    );
}

#[test]
fn two_pages_with_one_url_name_both_files() {
    let out = temp();
    let run = build("errors/duplicates", out.path());
    assert_eq!(run.code, 1);
    assert_eq!(
        errors_only(&run.stderr),
        "错误：content/news/b.md: 网址与 content/news/a.md 重复：两者都会生成 news/a/index.html
    提示：修改其中一个的 slug、path 或文件名
构建失败：共 1 个错误，输出目录保持不变。
"
    );
}

#[test]
fn unsafe_paths_in_front_matter_are_refused() {
    let out = temp();
    let run = build("errors/paths", out.path());
    assert_eq!(run.code, 1);
    assert_eq!(
        errors_only(&run.stderr),
        "错误：content/a.md:3:1: slug“../../etc”只能包含小写英文字母、数字、- 和 _，不能含 /、.. 或中文
    提示：例如 slug: xue-lei-feng
错误：content/b.md:3:1: 路径“/../outside”中的“..”无效：只能用英文字母、数字、-、_ 和 .，且不能是 . 或 ..
    提示：例如 path: about/contact
错误：content/c.md:3:1: 路径“C:\\Windows”含有不允许的字符（\\、:、?、# 或空字符）
    提示：例如 aliases: [/old/page.shtml]
构建失败：共 3 个错误，输出目录保持不变。
"
    );
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let out = temp();
    assert_eq!(build("basic", out.path()).code, 0);
    let before = files(out.path());
    let home = read(out.path(), "index.html");
    let run = build("errors/links", out.path());
    assert_eq!(run.code, 1);
    assert_eq!(files(out.path()), before);
    assert_eq!(read(out.path(), "index.html"), home);
    let parent = out
        .path()
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default();
    let name = out
        .path()
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    assert!(
        !parent.join(format!(".{name}.wenming-staging")).exists(),
        "no staging folder is left behind"
    );
}

#[test]
fn output_directory_may_not_be_the_site_itself() {
    let root = common::fixture("basic");
    let run = common::wenming(&[
        "build",
        "--root",
        root.to_str().unwrap_or_default(),
        "--output",
        root.to_str().unwrap_or_default(),
    ]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("：它是站点目录本身或其上级目录"),
        "{}",
        run.stderr
    );
    assert!(root.join("site.yaml").is_file());
}

#[test]
fn bad_command_line_exits_with_2() {
    let run = common::wenming(&["build", "--no-such-flag"]);
    assert_eq!(run.code, 2);
}

#[test]
fn every_template_error_is_reported_with_its_template_line_and_column() {
    let out = temp();
    let run = build("errors/templates", out.path());
    assert_eq!(run.code, 1);
    assert_eq!(
        errors_only(&run.stderr),
        "错误：templates/page.html:2:19: 模板语法错误：Found `}` but expected }}.
错误：templates/section.html:2:20: 模板错误：Unknown filter `no_such_filter`
错误：templates/section.html:3:4: 模板错误：Unknown function `nope`
构建失败：共 3 个错误，输出目录保持不变。
"
    );
}

#[test]
fn rendering_errors_name_the_template_and_the_page_being_rendered() {
    let out = temp();
    let run = build("errors/render", out.path());
    assert_eq!(run.code, 1);
    assert_eq!(
        errors_only(&run.stderr),
        "错误：content/a.md: 找不到 template 指定的模板 nope.html
    提示：模板放在 templates/ 或主题的 templates/ 目录下；删掉 template 一行则使用默认模板
错误：templates/page.html:2:9: 模板渲染错误：Field `nope` is not defined. Available fields: ancestors, articles, assets, author, chapters, content, content_path, corrections, cover, cover_image, date, description, draft, editor, expired, expires, extra, issue_no, kind, next, notice, path, permalink, previous, progress, quiz, ranking, reading_time, rule, section_path, section_title, share_image, source, story, summary, taxonomies, title, toc, updated, weight, word_count（渲染 content/b.md 时）
构建失败：共 2 个错误，输出目录保持不变。
"
    );
}

#[test]
fn kind_fields_are_validated_with_their_lines() {
    let out = temp();
    let run = build("errors/kinds-content", out.path());
    assert_eq!(run.code, 1);
    assert_eq!(
        errors_only(&run.stderr),
        "错误：content/news/n.md:3:1: front matter 中有未知字段“volunteers”
    提示：这个字段属于 story 类型的内容：在本页或所在栏目的 _index.md 中写 kind: story
错误：content/progress/bad.md:5:5: 缺少字段“unit”
    提示：例如 unit: 个
错误：content/progress/bad.md:13:11: 字段“done”应该是不小于 0 的数字
错误：content/progress/bad.md:14:46: 字段“target”应该是数字
错误：content/rules/gap.md:8:1: 条文编号不连续：第三条之前缺少第二条
    提示：条文应从第一条起连续编号，不能跳号或重复；修正案插入的条文写作 第二条之一
错误：content/rules/gap.md:10:1: 第三条重复：上一条是第三条
    提示：条文应从第一条起连续编号，不能跳号或重复；修正案插入的条文写作 第二条之一
错误：content/rules/status.md:3:1: status 不能是“作废”
    提示：可选：现行有效、已修订、已废止
错误：content/stories/s.md:3:8: 字段“hours”应该是数字
构建失败：共 8 个错误，输出目录保持不变。
"
    );
}

#[test]
fn site_wide_kind_checks_name_the_page_or_data_file_and_line() {
    let out = temp();
    let run = build("errors/kinds-site", out.path());
    assert_eq!(run.code, 1);
    assert_eq!(
        errors_only(&run.stderr),
        "错误：content/progress/p2.md:5: 指标 a 的单位“座”与 content/progress/p1.md 中的“个”不一致
    提示：同一个指标 id 在各期通报中必须使用相同的单位
错误：content/rankings/r2.md:4: 找不到排名数据文件 data/rankings/bda.csv
    提示：是否想写 data: rankings/bad.csv？
错误：content/rules/old.md:4: superseded_by 指向的 rules/none.md 不存在
    提示：写取代它的规定在 content/ 下的路径，例如 rules/wen-ming-yang-quan-gui-ding.md
错误：data/rankings/bad.csv:2: 甲街道 的整改数 fixed（12）大于发现问题数 found（10）
错误：data/rankings/bad.csv:3: 乙街道 的得分 score“八十”不是数字
错误：data/rankings/bad.csv:4: 单位“甲街道”重复出现
错误：data/rankings/bad.csv:5: 丙街道 的 found“1.5”应是不小于 0 的整数
构建失败：共 7 个错误，输出目录保持不变。
"
    );
}

#[test]
fn errors_of_every_stage_are_reported_together() {
    // A front matter error, a broken link, an unknown shortcode, personal data and a broken
    // template: one run names them all. The link to the page with the front matter error is not reported twice.
    let out = temp();
    let run = build("errors/all-stages", out.path());
    assert_eq!(run.code, 1);
    assert_eq!(
        errors_only(&run.stderr),
        "错误：content/bad.md:3:7: 字段“date”的日期“2026-02-30”无效：2026年2月没有30日
    提示：日期写成 2026-03-05 或 2026-03-05 09:30（北京时间），也可带时区如 2026-03-05T09:30:00+08:00
错误：content/cite.md:5:19: 内部链接 @/old.md 指向的文件不存在
    提示：路径从 content/ 下算起，例如 @/rules/tiaoli.md
错误：content/cite.md:7:1: 未知的短代码“nosuch”
    提示：可用的短代码有：figure, tip, video；新的短代码放在 templates/shortcodes/名称.html
错误：content/contact.md:5:7: 发现未脱敏的手机号 138****5678 [pii-mobile]
    提示：改为 138****5678（模板中可用 mask 过滤器）；确需公开，请在 waive 中写明 pii-mobile 的理由
错误：templates/page.html:3:21: 模板错误：Unknown filter `no_such_filter`
构建失败：共 5 个错误，输出目录保持不变。
"
    );
    assert_eq!(files(out.path()), Vec::<String>::new());
}
