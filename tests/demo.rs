//! The demo site in the repository root must always build cleanly.

mod common;

#[test]
fn demo_site_builds_with_at_least_forty_pages() {
    let out = common::temp();
    let run = common::build_demo(out.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The only warning is planted on purpose: one metric exceeds its target.
    assert_eq!(
        run.stderr,
        "警告：content/progress/2026-di-6-qi.md:15: 指标“公交站亭”完成数 263 超过目标 260\n    提示：如确已超额完成可忽略；否则请核对 done 和 target\n"
    );
    let pages: usize = run
        .stdout
        .strip_prefix("构建完成：")
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(pages >= 40, "{}", run.stdout);
    let tiaoli = common::read(
        out.path(),
        "rules/wen-ming-xing-wei-cu-jin-tiao-li/index.html",
    );
    assert!(
        tiaoli.contains("<h2 id=\"第一章-总则\">第一章 总则</h2>"),
        "Chinese headings get stable ids"
    );
    let link = common::read(out.path(), "news/tiao-li-jiu-yue-shi-shi/index.html");
    assert!(
        link.contains("href=\"/rules/wen-ming-xing-wei-cu-jin-tiao-li/\""),
        "internal links resolve"
    );
}
