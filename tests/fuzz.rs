//! A short, deterministic run of every fuzz target (`wenming::fuzz`) on random inputs; the
//! long runs are `examples/fuzz.rs` and `fuzz/` (see docs/robustness.md).

use std::time::Duration;

#[test]
fn every_fuzz_target_survives_a_smoke_run() {
    for (name, target) in wenming::fuzz::TARGETS {
        let ran = wenming::fuzz::run(*target, 20261121, 300, Duration::from_secs(5));
        assert!(ran > 0, "{name} ran no input");
    }
}

#[test]
fn the_unsafe_markup_detector_finds_what_it_looks_for() {
    use wenming::fuzz::unsafe_markup;
    for bad in [
        "<script>x</script>",
        "<p><img src=x onerror=alert(1)></p>",
        "<a href=\"javascript:alert(1)\">a</a>",
        "<a href=' java\tscript:x'>a</a>",
        "<a href=data:text/html,x>a</a>",
        "<iframe src=x></iframe>",
        "<div title=\"a b\" onclick='x'>",
    ] {
        assert!(unsafe_markup(bad).is_some(), "{bad}");
    }
    let tag = "<img src=\"a b\" alt='c' onerror=x/>";
    let names: Vec<&str> = wenming::fuzz::attributes(tag)
        .iter()
        .map(|(n, _)| *n)
        .collect();
    assert_eq!(names, ["src", "alt", "onerror"]);
    for good in [
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
        "<a href=\"https://a.b/on=1\" title=\"onclick=x\">a</a>",
        "<img src=\"x.png\" alt=\"javascript: 教程\">",
    ] {
        assert_eq!(unsafe_markup(good), None, "{good}");
    }
}

/// Inputs the fuzzers found breaking a property, kept so that the fix stays.
#[test]
fn inputs_that_once_broke_a_property_stay_fixed() {
    // cargo fuzz, target `markdown`, 2026-11-21: heading attributes (`{… on …}`) reached the
    // page unsanitized when the page had no raw HTML (`crash-521839fe…`).
    let heading_attributes: &[u8] = &[
        35, 32, 215, 35, 60, 255, 13, 0, 0, 0, 231, 123, 49, 89, 0, 123, 36, 115, 2, 0, 0, 255, 44,
        255, 255, 255, 255, 255, 9, 0, 0, 0, 16, 11, 42, 32, 0, 9, 0, 9, 0, 12, 12, 11, 0, 12, 16,
        0, 12, 12, 12, 12, 12, 12, 12, 111, 110, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
        12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
        12, 12, 12, 12, 127, 0, 127, 42, 9, 32, 32, 0, 5, 8, 125,
    ];
    wenming::fuzz::markdown(heading_attributes);
    wenming::fuzz::markdown("# 标题 {onclick=alert(1) style=color:red}".as_bytes());
}
