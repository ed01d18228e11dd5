//! 知识问答 (`kind: quiz`) and the 新时代文明实践 阵地 directory (`kind: directory`) on fixture
//! sites with the default theme: the exact HTML a reader gets (with and without JavaScript),
//! the validation errors with their file and line, and the `check` rules for directories.

mod common;

use common::{build, fixture_copy, read, temp, wenming_at};

/// The date the fixtures are written for.
const NOW: &str = "2026-05-10 10:00";

fn built() -> tempfile::TempDir {
    let out = temp();
    let run = common::build_root_at(NOW, &common::fixture("quiz-directory"), out.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    out
}

/// The text of `html` from the first `start` to the end of the first `end` after it.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let a = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in {html}"));
    let b = html[a..]
        .find(end)
        .unwrap_or_else(|| panic!("no {end} after {start}"));
    &html[a..a + b + end.len()]
}

#[test]
fn a_quiz_has_a_fieldset_per_question_with_labelled_options_and_answers_in_details() {
    let out = built();
    let html = read(out.path(), "wen-da/chuang-wen/index.html");
    let form = between(&html, "<form class=\"quiz\"", "</form>");
    assert_eq!(form.matches("<fieldset ").count(), 3);
    assert_eq!(form.matches("<legend>").count(), 3);
    assert_eq!(
        form.matches("type=\"radio\"").count(),
        5,
        "3 + 2 single-choice options"
    );
    assert_eq!(
        form.matches("type=\"checkbox\"").count(),
        4,
        "the multiple-choice question"
    );
    assert_eq!(
        form.matches("<label for=\"").count(),
        9,
        "one label per option"
    );
    for id in [
        "q1-1", "q1-2", "q1-3", "q2-1", "q2-2", "q2-3", "q2-4", "q3-1", "q3-2",
    ] {
        assert!(
            form.contains(&format!("id=\"{id}\"")) && form.contains(&format!("for=\"{id}\"")),
            "{id} has its label"
        );
    }
    assert_eq!(
        form.matches("<details class=\"quiz-answer\">\n      <summary>查看答案</summary>")
            .count(),
        3
    );
    assert_eq!(
        form.matches("<p>解析：").count(),
        2,
        "question 2 has no explain"
    );
    assert_eq!(
        between(form, "<fieldset class=\"quiz-question\" id=\"q-2\"", "</fieldset>"),
        "<fieldset class=\"quiz-question\" id=\"q-2\" data-number=\"2\" data-answer=\"1,2,4\">
    <legend><span class=\"quiz-number\">第 2 题（多选）</span>以下哪些属于文明行为？</legend>
    <ul class=\"quiz-options\">
      <li><input type=\"checkbox\" name=\"q2\" id=\"q2-1\" value=\"1\"><label for=\"q2-1\">A．礼让斑马线</label></li>
      <li><input type=\"checkbox\" name=\"q2\" id=\"q2-2\" value=\"2\"><label for=\"q2-2\">B．垃圾分类投放</label></li>
      <li><input type=\"checkbox\" name=\"q2\" id=\"q2-3\" value=\"3\"><label for=\"q2-3\">C．高空抛物</label></li>
      <li><input type=\"checkbox\" name=\"q2\" id=\"q2-4\" value=\"4\"><label for=\"q2-4\">D．排队候车</label></li>
    </ul>
    <p class=\"quiz-feedback\" hidden></p>
    <details class=\"quiz-answer\">
      <summary>查看答案</summary>
      <p>正确答案：A．礼让斑马线；B．垃圾分类投放；D．排队候车</p>
    </details>
  </fieldset>"
    );
    assert!(
        form.contains("<legend><span class=\"quiz-number\">第 1 题</span>我市正在创建的是哪一类城市？</legend>"),
        "{form}"
    );
    assert!(form.contains(
        "<p>正确答案：B．2026年3月5日</p>\n      <p>解析：条例自2026年3月5日起施行。</p>"
    ));
    // Without JavaScript the button and the scripted hint stay hidden; nothing is submitted.
    assert!(form.ends_with(
        "<p class=\"quiz-actions\"><button type=\"submit\" class=\"quiz-submit\" hidden>交卷</button></p>
  <div class=\"quiz-result\" role=\"status\" aria-live=\"polite\"></div>
</form>"
    ));
    assert!(!form.contains("action="), "the answers go nowhere");
    let script = html.find("<script src=\"/quiz.").map(|i| &html[i..]);
    let script = script
        .and_then(|s| s.split_once("</script>"))
        .map(|(s, _)| s);
    let hash = script
        .and_then(|s| s.strip_prefix("<script src=\"/quiz."))
        .and_then(|s| s.strip_suffix(".js\" defer>"));
    assert!(
        hash.is_some_and(|h| h.len() == 8 && h.bytes().all(|b| b.is_ascii_hexdigit())),
        "the quiz script is linked by its fingerprinted name: {script:?}"
    );
}

#[test]
fn a_directory_counts_by_level_and_district_and_anchors_every_entry() {
    let out = built();
    let html = read(out.path(), "zhen-di/index.html");
    assert_eq!(
        between(&html, "<section class=\"directory-summary\"", "</nav>"),
        "<section class=\"directory-summary\" aria-labelledby=\"directory-summary-title\">
  <h2 id=\"directory-summary-title\">阵地概况</h2>
  <p class=\"directory-totals\">共 6 个阵地：中心 2 个，所 2 个，站 2 个。其中 2 个暂未开放（暂停开放或建设中）。</p>
  <div class=\"table-wrap\" role=\"region\" aria-labelledby=\"directory-counts-caption\" tabindex=\"0\">
  <table class=\"data directory-counts\">
    <caption id=\"directory-counts-caption\">各区县阵地数量</caption>
    <thead>
      <tr><th scope=\"col\">区县</th><th scope=\"col\">阵地数</th><th scope=\"col\">暂未开放</th></tr>
    </thead>
    <tbody>
      <tr><th scope=\"row\"><a href=\"#qu-xian-jia-qu\">甲区</a></th><td class=\"num\">4</td><td class=\"num\">1</td></tr>
      <tr><th scope=\"row\"><a href=\"#qu-xian-wu-xian\">戊县</a></th><td class=\"num\">2</td><td class=\"num\">1</td></tr>
    </tbody>
  </table>
  </div>
</section>
<nav class=\"directory-filter\" id=\"directory-filter\" aria-labelledby=\"directory-filter-title\">
  <h2 id=\"directory-filter-title\">按区县查看</h2>
  <ul>
    <li><a href=\"#qu-xian-jia-qu\">甲区（4 个）</a></li>
    <li><a href=\"#qu-xian-wu-xian\">戊县（2 个）</a></li>
  </ul>
</nav>"
    );
    // Every entry has its own anchor, 中心 first in its 区县, then by 街道 in data order.
    let ids: Vec<&str> = html
        .split("<li class=\"directory-entry\" id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    assert_eq!(
        ids,
        [
            "jia-qu-xin-shi-dai-wen-ming-shi-jian-zhong-xin",
            "yi-jie-dao-xin-shi-dai-wen-ming-shi-jian-suo",
            "bing-she-qu-xin-shi-dai-wen-ming-shi-jian-zhan",
            "ding-she-qu-xin-shi-dai-wen-ming-shi-jian-zhan",
            "wu-xian-xin-shi-dai-wen-ming-shi-jian-zhong-xin",
            "ji-zhen-xin-shi-dai-wen-ming-shi-jian-suo",
        ]
    );
    assert_eq!(
        between(
            &html,
            "<section class=\"directory-district\" id=\"qu-xian-wu-xian\"",
            "</section>"
        ),
        "<section class=\"directory-district\" id=\"qu-xian-wu-xian\" aria-labelledby=\"qu-xian-wu-xian-title\">
  <h2 id=\"qu-xian-wu-xian-title\">戊县（2 个）</h2>
  <ul class=\"directory-entries\">
    <li class=\"directory-entry\" id=\"wu-xian-xin-shi-dai-wen-ming-shi-jian-zhong-xin\">
      <h3 class=\"directory-name\">戊县新时代文明实践中心</h3>
      <dl>
        <dt>级别</dt><dd>新时代文明实践中心</dd>
        <dt>状态</dt><dd><span class=\"directory-status is-open\">正常开放</span></dd>
        <dt>地址</dt><dd>戊路5号</dd>
        <dt>开放时间</dt><dd>周一至周五 9:00-17:00</dd>
        <dt>联系电话</dt><dd><a href=\"tel:0000-82000001\">0000-82000001</a></dd>
      </dl>
    </li>
  </ul>
  <h3 class=\"directory-street\">己镇</h3>
  <ul class=\"directory-entries\">
    <li class=\"directory-entry\" id=\"ji-zhen-xin-shi-dai-wen-ming-shi-jian-suo\">
      <h4 class=\"directory-name\">己镇新时代文明实践所</h4>
      <dl>
        <dt>级别</dt><dd>新时代文明实践所</dd>
        <dt>状态</dt><dd><span class=\"directory-status is-closed\">建设中</span></dd>
        <dt>地址</dt><dd>己路6号</dd>
        <dt>开放时间</dt><dd>暂无</dd>
        <dt>联系电话</dt><dd><a href=\"tel:0000-82000002\">0000-82000002</a></dd>
      </dl>
    </li>
  </ul>
  <p class=\"directory-back\"><a href=\"#directory-filter\">返回区县列表</a></p>
</section>"
    );
    assert_eq!(html.matches("<h3 class=\"directory-street\">").count(), 2);
    assert!(html.contains("<span class=\"directory-status is-closed\">暂停开放</span>"));
    assert!(
        !html.contains("暂无内容"),
        "no empty page list below the directory"
    );
}

#[test]
fn quiz_and_directory_mistakes_are_reported_with_file_and_line() {
    let out = temp();
    let run = build("errors/quiz-directory", out.path());
    assert_eq!(run.code, 1);
    assert_eq!(
        common::errors_only(&run.stderr),
        "错误：content/missing/_index.md:4: 找不到阵地数据文件 data/zhendl.csv
    提示：是否想写 data: zhendi.csv？
错误：content/nodata/_index.md:3:1: 阵地目录（kind: directory）缺少数据文件 data
    提示：例如 data: zhen-di.csv，把这个 CSV 文件放在 data/ 下，表头为 名称,级别,区县,街道,地址,开放时间,联系电话,状态
错误：content/quiz/bad.md:7:3: 第 1 题的答案 answer 是 4，但只有 3 个选项
    提示：answer 写正确选项的序号，从 1 数到 3
错误：content/quiz/bad.md:8:3: 第 2 题的题目 question 是空的
    提示：例如 question: 我市的文明行为促进条例从哪一天起施行？
错误：content/quiz/bad.md:12:3: 第 3 题只有 1 个选项，至少要有两个选项 options
    提示：例如 options: [全国文明城市, 全国卫生城市, 国家园林城市]
错误：content/quiz/bad.md:15:3: 第 4 题的选项“甲”重复
    提示：每个选项只写一次
错误：content/quiz/bad.md:19:3: 第 5 题的答案 answer 应是正确选项的序号（从 1 数起）
    提示：单选题写 answer: 2；多选题写 answer: [1, 3]
错误：content/quiz/empty.md:2:1: 知识问答缺少 questions（题目列表）
    提示：例如 questions: [{question: 我市创建的是哪一类城市？, options: [全国文明城市, 全国卫生城市], answer: 1}]
错误：content/quiz/page-kind.md:3:1: kind: directory 只能写在栏目的 _index.md 中
    提示：新建一个文件夹，在其中的 _index.md 里写 kind 和 data
错误：data/zhendi.csv:3: 乙街道新时代文明实践所 的级别“分所”不对
    提示：级别写 中心、所 或 站（新时代文明实践中心、所、站）
错误：data/zhendi.csv:4: 丙社区新时代文明实践站 的状态“关闭”不对
    提示：状态写 正常开放、暂停开放、建设中
错误：data/zhendi.csv:5: 丁社区新时代文明实践站 缺少区县
错误：data/zhendi.csv:6: 阵地“甲区新时代文明实践中心”重复出现
构建失败：共 13 个错误，输出目录保持不变。
"
    );
}

/// Each finding of a `check --format json` report about `data/` or the directory section.
fn directory_findings(root: &std::path::Path) -> Vec<String> {
    let run = wenming_at(
        NOW,
        &[
            "check",
            "--format",
            "json",
            "--root",
            root.to_str().unwrap_or_default(),
        ],
    );
    let list: Vec<serde_json::Value> = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", run.stdout));
    list.iter()
        .filter(|f| {
            let file = f["file"].as_str().unwrap_or_default();
            file.starts_with("data/") || file.starts_with("content/zhen-di/")
        })
        .map(|f| {
            format!(
                "{}:{}  {}  {}",
                f["file"].as_str().unwrap_or_default(),
                f["line"],
                f["code"].as_str().unwrap_or_default(),
                f["message"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

#[test]
fn check_flags_entries_without_address_or_hours_stale_data_and_mobile_numbers() {
    let site = fixture_copy("quiz-directory");
    let data = site.path().join("data/zhen-di.csv");
    // A mobile number in the data is personal data, reported by the PII rule at its line.
    let mut text = std::fs::read_to_string(&data).unwrap_or_default();
    text.push_str(
        "庚社区新时代文明实践站,站,戊县,己镇,庚路7号,周六 9:00-12:00,13812345678,正常开放\n",
    );
    std::fs::write(&data, text).unwrap_or_else(|e| panic!("{e}"));
    let modified = |date: &str| {
        let time = wenming::text::dates::parse(date)
            .unwrap_or_else(|e| panic!("{e}"))
            .timestamp();
        let system = std::time::SystemTime::from(time);
        std::fs::File::options()
            .write(true)
            .open(&data)
            .and_then(|f| f.set_modified(system))
            .unwrap_or_else(|e| panic!("{e}"));
    };
    // Changed 90 days before NOW: within stale_after_days (90).
    modified("2026-02-09 10:00");
    assert_eq!(
        directory_findings(site.path()),
        [
            "data/zhen-di.csv:5  directory-incomplete  阵地“丁社区新时代文明实践站”没有填写地址",
            "data/zhen-di.csv:7  directory-incomplete  阵地“己镇新时代文明实践所”没有填写开放时间",
            "data/zhen-di.csv:8  pii-mobile  发现未脱敏的手机号 138****5678",
        ]
    );
    // One day more, and the directory is stale; the finding points at its `data:` line.
    modified("2026-02-08 10:00");
    assert_eq!(
        directory_findings(site.path())[0],
        "content/zhen-di/_index.md:4  section-stale  阵地目录“新时代文明实践阵地”的数据文件 data/zhen-di.csv 已 91 天未更新（最后修改 2026-02-08 10:00，要求 90 天内）"
    );
}
