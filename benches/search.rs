//! Search index benchmark: generates an N-page Chinese corpus with search enabled, builds it
//! (the output is kept for the Pagefind comparison in `benches/search-compare.mjs`), then times
//! building the index alone and reports its size.
//!
//! `cargo bench --bench search -- 10000` (page counts; default 1000 and 10000). The site is
//! left in `target/tmp/search-N/`, its output in `target/tmp/search-N/public/`.

mod corpus;

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

use wenming::build::{BuildOptions, build, render_site};
use wenming::output::Bytes;

fn main() {
    for n in corpus::sizes_from_args(&[1000, 10_000]) {
        let dir = corpus::generate_in_target("search", n);
        let config = dir.join("site.yaml");
        let enabled = std::fs::read_to_string(&config)
            .and_then(|text| std::fs::write(&config, format!("{text}search:\n  enabled: true\n")));
        if let Err(e) = enabled {
            eprintln!("cannot enable search in {}: {e}", config.display());
            std::process::exit(1);
        }
        let options = BuildOptions::new(&dir);
        let started = Instant::now();
        if let Err(errors) = build(&options) {
            eprint!("{errors}");
            std::process::exit(1);
        }
        let whole_build = started.elapsed().as_secs_f64();
        let rendered = match render_site(&options) {
            Ok(r) => r,
            Err(errors) => {
                eprint!("{errors}");
                std::process::exit(1);
            }
        };
        drop(rendered.files);

        // The index alone, on the linked site, three times.
        let mut times = Vec::new();
        let sizes: Mutex<BTreeMap<String, (usize, usize)>> = Mutex::new(BTreeMap::new());
        let mut summary = None;
        for _ in 0..3 {
            sizes.lock().unwrap_or_else(|e| e.into_inner()).clear();
            let started = Instant::now();
            let result = wenming::search::build(&rendered.site, &|file| {
                let len = match &file.bytes {
                    Bytes::Owned(b) => b.len(),
                    Bytes::Embedded(b) => b.len(),
                    Bytes::File(_) => 0,
                };
                let kind = file.path.split('/').nth(1).unwrap_or_default().to_string();
                let mut sizes = sizes.lock().unwrap_or_else(|e| e.into_inner());
                let entry = sizes.entry(kind).or_default();
                entry.0 += 1;
                entry.1 += len;
                Ok(())
            });
            times.push(started.elapsed().as_secs_f64());
            summary = result.ok();
        }
        times.sort_by(f64::total_cmp);
        let Some(summary) = summary else {
            eprintln!("the index could not be built");
            std::process::exit(1);
        };
        println!(
            "{n} pages: whole build with search {whole_build:.2} s; index alone best {:.3} s, median {:.3} s; {} pages, {} terms, {} terms files, {} positions files",
            times[0], times[1], summary.pages, summary.terms, summary.files.0, summary.files.1
        );
        let sizes = sizes.into_inner().unwrap_or_else(|e| e.into_inner());
        for (kind, (files, bytes)) in &sizes {
            println!(
                "  search/{kind}: {files} files, {:.1} MB, {:.1} KB per file",
                *bytes as f64 / 1e6,
                *bytes as f64 / 1e3 / (*files).max(1) as f64
            );
        }
        println!("  output: {}", dir.join("public").display());
    }
}
