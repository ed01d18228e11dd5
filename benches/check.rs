//! `wenming check` benchmark: generates an N-page Chinese corpus (the same as the build
//! benchmark) and times the whole check on it: loading, linking and every rule but
//! `--external`.
//!
//! `cargo bench --bench check -- 1000 10000` (page counts; default 10000).

mod corpus;

use std::time::Instant;

use wenming::check::{CheckOptions, Level, check};

fn main() {
    let runs = 5;
    for n in corpus::sizes_from_args(&[10_000]) {
        let dir = corpus::generate_in_target("check-corpus", n);
        let mut times = Vec::with_capacity(runs);
        let mut summary = String::new();
        for _ in 0..runs {
            let started = Instant::now();
            let report = check(&CheckOptions::new(&dir));
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
    }
}
