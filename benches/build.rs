//! Whole-site build benchmark: generates an N-page Chinese corpus and times `build` on it.
//!
//! `cargo bench --bench build -- 1000 10000` (page counts; default 1000 and 10000). Prints the
//! wall time of the first build (every file written) and of unchanged rebuilds, the time to
//! render in memory without writing, and the process's peak resident memory.

mod corpus;

use std::time::Instant;

use wenming::build::{BuildOptions, build, render_site};

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    let runs = 5;
    for n in corpus::sizes_from_args(&[1000, 10_000]) {
        let dir = corpus::generate_in_target("corpus", n);
        let mut times = Vec::with_capacity(runs);
        let mut pages = 0;
        for _ in 0..runs {
            let options = BuildOptions::new(&dir);
            let started = Instant::now();
            match build(&options) {
                Ok(report) => pages = report.pages,
                Err(errors) => {
                    eprint!("{errors}");
                    std::process::exit(1);
                }
            }
            times.push(started.elapsed().as_secs_f64());
        }
        // The first build writes every file; the others find them unchanged.
        let fresh = times[0];
        let mut again = times[1..].to_vec();
        again.sort_by(f64::total_cmp);
        println!(
            "{n} pages ({pages} built): first build {fresh:.3} s; rebuild unchanged: best {:.3} s, median {:.3} s over {} runs; peak RSS so far {:.0} MiB",
            again[0],
            again[again.len() / 2],
            again.len(),
            peak_rss_mib().unwrap_or(f64::NAN)
        );
        // Where the time goes: everything up to rendered bytes in memory, versus writing.
        let options = BuildOptions::new(&dir);
        let started = Instant::now();
        let rendered = render_site(&options).ok();
        let in_memory = started.elapsed().as_secs_f64();
        drop(rendered);
        println!("{n} pages: load + link + render in memory {in_memory:.3} s");
    }
}
