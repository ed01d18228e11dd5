// The compressed-twin settings of docs/perf.md ("Cheaper settings? Measured, none kept"),
// side by side: `cargo run --release --offline -- OUTPUT_DIR [MAX_FILES] [NAME_FILTER]` here
// (a package of its own, not part of wenming's build; copy wenming's Cargo.lock to build offline).
// Compresses every .html/.xml/.json file of >= 1 KB under DIR (at most N files) with several
// settings; prints total input bytes, output bytes and CPU seconds per setting.
use std::io::Write;

fn files(dir: &std::path::Path, out: &mut Vec<Vec<u8>>, max: usize) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        if out.len() >= max { return; }
        let p = e.path();
        if p.is_dir() { files(&p, out, max); continue; }
        let name = p.to_string_lossy();
        if [".html", ".xml", ".json"].iter().any(|x| name.ends_with(x)) {
            let b = std::fs::read(&p).unwrap();
            if b.len() >= 1024 { out.push(b); }
        }
    }
}

fn gz_zlibrs(b: &[u8], level: u32) -> usize {
    let mut e = flate2::GzBuilder::new().mtime(0).write(Vec::with_capacity(b.len() / 3), flate2::Compression::new(level));
    e.write_all(b).unwrap();
    e.finish().unwrap().len()
}
fn gz_miniz(b: &[u8], level: u8) -> usize {
    miniz_oxide::deflate::compress_to_vec(b, level).len() + 18
}
fn br(b: &[u8], q: i32, lgwin: i32) -> usize {
    let params = brotli::enc::BrotliEncoderParams { quality: q, lgwin, size_hint: b.len(), ..Default::default() };
    let mut out = Vec::with_capacity(b.len() / 3);
    brotli::BrotliCompress(&mut &b[..], &mut out, &params).unwrap();
    out.len()
}
fn br_with(b: &[u8], f: impl Fn(&mut brotli::enc::BrotliEncoderParams)) -> usize {
    let mut params = brotli::enc::BrotliEncoderParams { quality: 5, lgwin: win(b.len()), size_hint: b.len(), ..Default::default() };
    f(&mut params);
    let mut out = Vec::with_capacity(b.len() / 3);
    brotli::BrotliCompress(&mut &b[..], &mut out, &params).unwrap();
    out.len()
}
fn win(len: usize) -> i32 { (usize::BITS - len.leading_zeros()).clamp(18, 22) as i32 }

/// Nanoseconds this thread has run on a CPU (not waiting for one): the machine is loaded.
fn cpu() -> f64 {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap();
    s.split_whitespace().next().unwrap().parse::<f64>().unwrap() / 1e9
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let max: usize = args.get(2).map(|s| s.parse().unwrap()).unwrap_or(3000);
    let only = args.get(3).cloned().unwrap_or_default();
    let mut fs = Vec::new();
    files(std::path::Path::new(&args[1]), &mut fs, max);
    let input: usize = fs.iter().map(|f| f.len()).sum();
    println!("{} files, {} bytes", fs.len(), input);
    let settings: Vec<(&str, Box<dyn Fn(&[u8]) -> usize>)> = vec![
        ("gzip miniz_oxide 9", Box::new(|b| gz_miniz(b, 9))),
        ("gzip miniz_oxide 6", Box::new(|b| gz_miniz(b, 6))),
        ("gzip zlib-rs 9", Box::new(|b| gz_zlibrs(b, 9))),
        ("gzip zlib-rs 6", Box::new(|b| gz_zlibrs(b, 6))),
        ("gzip miniz_oxide 7", Box::new(|b| gz_miniz(b, 7))),
        ("gzip zlib-rs 7", Box::new(|b| gz_zlibrs(b, 7))),
        ("gzip zlib-rs 8", Box::new(|b| gz_zlibrs(b, 8))),
        ("gzip miniz_oxide 5", Box::new(|b| gz_miniz(b, 5))),
        ("brotli q5 win>=18", Box::new(|b| br(b, 5, win(b.len())))),
        ("brotli q4 win>=18", Box::new(|b| br(b, 4, win(b.len())))),
        ("brotli q6 win>=18", Box::new(|b| br(b, 6, win(b.len())))),
        ("brotli q5 text mode", Box::new(|b| br_with(b, |p| p.mode = brotli::enc::backward_references::BrotliEncoderMode::BROTLI_MODE_TEXT))),
        ("brotli q5 favor cpu", Box::new(|b| br_with(b, |p| p.favor_cpu_efficiency = true))),
        ("brotli q5 no dictionary", Box::new(|b| br_with(b, |p| p.use_dictionary = false))),
        ("brotli q3 win>=18", Box::new(|b| br(b, 3, win(b.len())))),
    ];
    for (name, f) in settings {
        if !only.is_empty() && !name.contains(&only) { continue; }
        let t = cpu();
        let out: usize = fs.iter().map(|b| f(b)).sum();
        let s = cpu() - t;
        println!("| {name} | {out} | {:.1}% | {s:.2} s CPU | {:.1} MB/s |", 100.0 * out as f64 / input as f64, input as f64 / s / 1e6);
    }
}
