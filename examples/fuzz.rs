//! Runs the fuzz targets of `wenming::fuzz` on random inputs, on the stable toolchain:
//! `cargo run --release --example fuzz -- TARGET SECONDS [SEED]` (TARGET `all` runs each in
//! turn). Prints how many inputs ran; a broken property panics with the seed and the input.

use std::time::Duration;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let name = args.first().map_or("all", String::as_str);
    let seconds: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(10);
    let seed: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let mut ran_any = false;
    for (target_name, target) in wenming::fuzz::TARGETS {
        if name != "all" && name != *target_name {
            continue;
        }
        ran_any = true;
        // Seeds advance per batch, so a long run explores new inputs, and a failure names
        // the batch seed that reproduces it.
        let deadline = std::time::Instant::now() + Duration::from_secs(seconds);
        let (mut total, mut batch_seed) = (0, seed);
        while std::time::Instant::now() < deadline {
            total += wenming::fuzz::run(*target, batch_seed, 1000, Duration::from_secs(seconds));
            batch_seed += 1;
        }
        println!("{target_name}: {total} inputs in {seconds} s (seeds {seed}..{batch_seed})");
    }
    if !ran_any {
        eprintln!("unknown target {name}");
        std::process::exit(2);
    }
}
