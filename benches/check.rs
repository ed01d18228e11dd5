//! `wenming check` benchmark: generates an N-page Chinese corpus (the same as the build
//! benchmark) and times the whole check on it: loading, linking and every rule but
//! `--external`; then the rules alone on an already linked site, which is what `build` adds.
//!
//! `cargo bench --bench check -- 1000 10000` (page counts; default 10000).

mod corpus;

use std::time::Instant;

use wenming::check::{CheckOptions, Inputs, Level, Rules, check_site, run_rules};
use wenming::pipeline::{SiteOptions, load_site};

fn main() {
    let runs = 5;
    for n in corpus::sizes_from_args(&[10_000]) {
        let dir = corpus::generate_in_target("check-corpus", n);
        let mut times = Vec::with_capacity(runs);
        let mut summary = String::new();
        for _ in 0..runs {
            let started = Instant::now();
            let report = check_site(&CheckOptions::new(&dir));
            times.push(started.elapsed().as_secs_f64());
            summary = format!(
                "{} pages, {} errors, {} warnings",
                report.pages,
                report.count(Level::Error),
                report.count(Level::Warning)
            );
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{n} pages: check best {:.3} s, median {:.3} s over {runs} runs ({summary})",
            times[0],
            times[runs / 2]
        );
        let site = linked_site(&dir);
        let mut rules = Vec::with_capacity(runs);
        for _ in 0..runs {
            let started = Instant::now();
            let findings = run_rules(&Inputs {
                site: &site,
                static_files: Vec::new(),
                site_static: Vec::new(),
                published: None,
                external: None,
                rules: Rules::All,
                changed_files: None,
                strict: false,
            });
            rules.push(started.elapsed().as_secs_f64());
            std::hint::black_box(findings);
        }
        rules.sort_by(f64::total_cmp);
        println!(
            "{n} pages: rules alone (what build adds) best {:.3} s, median {:.3} s",
            rules[0],
            rules[runs / 2]
        );
    }
}

fn linked_site(dir: &std::path::Path) -> wenming::site::Site {
    let options = SiteOptions {
        root: dir.to_path_buf(),
        base_url: None,
        drafts: false,
        now: jiff::Timestamp::now(),
    };
    match load_site(&options) {
        Ok(loaded) if loaded.problems.is_empty() => loaded.site,
        Ok(loaded) => {
            eprintln!("{:?}", loaded.problems);
            std::process::exit(1)
        }
        Err(e) => {
            eprintln!("{e:?}");
            std::process::exit(1)
        }
    }
}
