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
