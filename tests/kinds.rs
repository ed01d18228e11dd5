//! Content kinds on a fixture site, built in memory at a fixed moment so the figures are
//! exact: completion rates and 百分点 changes, the dashboard's overdue and behind flags,
//! ranks with ties and their changes, regulation articles, volunteer statistics, notices.

mod common;

use std::collections::HashMap;

use wenming::build::{BuildOptions, render_site};
use wenming::output::Bytes;

/// Builds fixture `name` as of `now` (Beijing time) and returns its files as text.
fn build_at(name: &str, now: &str) -> Result<HashMap<String, String>, String> {
    let mut options = BuildOptions::new(common::fixture(name));
    options.now = wenming::text::dates::parse(now)
        .map_err(|e| e.to_string())?
        .timestamp();
    let rendered = render_site(&options).map_err(|e| e.to_string())?;
    Ok(rendered
        .files
        .into_iter()
        .filter_map(|f| match f.bytes {
            Bytes::Owned(b) => Some((f.path, String::from_utf8_lossy(&b).into_owned())),
            _ => None,
        })
        .collect())
}

fn kinds_site() -> HashMap<String, String> {
    build_at("kinds", "2026-06-01 12:00").unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn progress_pages_show_rates_and_changes_in_percentage_points() {
    let files = kinds_site();
    assert_eq!(
        files["progress/p1/index.html"],
        "2026年第1期\na|30/120个|25.00|\nb|50/50座|100.00|\nc|20/200条|10.00|\n\n"
    );
    assert_eq!(
        files["progress/p2/index.html"],
        "2026年第2期\na|38/120个|31.67|+6.67\nb|50/50座|100.00|0.00\nc|25.5/200条|12.75|+2.75\nd|0/0条||\n\n"
    );
}

#[test]
fn dashboard_flags_overdue_and_behind_metrics_and_sums_departments() {
    let files = kinds_site();
    let home = &files["index.html"];
    assert!(
        home.starts_with(
            "a|overdue|已逾期|31.67|2026-02-10|25.00,31.67,\n\
b|completed|已完成|100.00|2026-02-10|100.00,100.00,\n\
c|behind|进度滞后|12.75|2026-02-10|10.00,12.75,\n\
d|completed|已完成||2026-02-10|,\n\
市交通局|1|1|0|0|100.00\n\
市住建局|2|0|1|1|22.21\n\
市工信局|1|1|0|0|\n"
        ),
        "{home}"
    );
    // The day after the second announcement, c is on track (12.75% done, 9% of its time
    // gone) while a is behind (31.67% done, 40% of its time gone) but not yet overdue.
    let early = build_at("kinds", "2026-02-11 09:00").unwrap_or_else(|e| panic!("{e}"));
    assert!(
        early["index.html"].contains("c|on_track|正常推进|12.75|"),
        "{}",
        early["index.html"]
    );
    assert!(
        early["index.html"].starts_with("a|behind|进度滞后|"),
        "{}",
        early["index.html"]
    );
}

#[test]
fn rankings_tie_compare_with_the_previous_week_and_split_red_and_black() {
    let files = kinds_site();
    assert_eq!(
        files["rankings/w1/index.html"],
        "1|甲街道|92.5|95.00||red\n2|乙街道|88|100.00||\n2|丁街道|88|90.00||\n4|丙街道|79.5|40.00||black\nred:甲街道; black:丙街道; previous:\n"
    );
    assert_eq!(
        files["rankings/w2/index.html"],
        "1|乙街道|95|96.67|↑1|red\n2|甲街道|85|50.00|↓1|\n2|丙街道|85|33.33|↑2|\n4|戊街道|60||新|black\nred:乙街道; black:戊街道; previous:/rankings/w1/\n"
    );
}

#[test]
fn regulations_get_article_anchors_chapters_and_status() {
    let files = kinds_site();
    assert_eq!(
        files["rules/tiaoli/index.html"],
        "现行有效|true||测人大常〔2026〕1号\n第一章-总则:第一条,第二条,\n第二章-规范:第三条,第四条,\n\
<h2 id=\"第一章-总则\">第一章 总则</h2>\n\
<p id=\"第一条\" class=\"article\"><strong>第一条</strong>　为了促进文明行为，制定本条例。</p>\n\
<p id=\"第二条\" class=\"article\"><strong>第二条</strong>　本条例适用于本市。</p>\n\
<h2 id=\"第二章-规范\">第二章 规范</h2>\n\
<p id=\"第三条\" class=\"article\">第三条　市民应当文明出行。</p>\n\
<p id=\"第四条\" class=\"article\">第四条　市民应当爱护环境。</p>\n\n"
    );
    assert!(files["rules/old/index.html"].starts_with("已修订|false|/rules/tiaoli/|\n"));
}

#[test]
fn volunteer_statistics_count_distinct_people_teams_and_hours() {
    // s2's 20 hours in 云栖区 and 鹭洲区 are split between them: the districts add up to 35.5.
    let files = kinds_site();
    let home = &files["index.html"];
    assert!(
        home.contains(
            "stats:3|4|2|35.5\n蓝天队|2|3|32.5\n红马甲队|1|1|3\n云栖区|2|22.5\n鹭洲区|1|10\n"
        ),
        "{home}"
    );
    assert_eq!(
        files["stories/s1/index.html"],
        "蓝天队|李明,王芳|12.5|云栖区\n"
    );
}

#[test]
fn expired_notices_leave_the_latest_list_but_keep_their_page() {
    let files = kinds_site();
    assert!(
        files["index.html"].ends_with("recent:第2周;第1周;第2期;第1期;故事三;故事二;故事一;\n")
    );
    assert_eq!(
        files["notices/n1/index.html"],
        "测文明办〔2026〕2号|true|更正2026-01-06:时间更正为上午九时。;\n"
    );
}

#[test]
fn internal_links_reach_article_anchors() {
    let files = kinds_site();
    assert_eq!(
        files["link/index.html"],
        "page:引用条文||<p>见<a href=\"/rules/tiaoli/#第三条\">第三条</a>。</p>\n\n"
    );
}
