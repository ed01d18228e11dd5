//! Precompressed twins: `name.gz` and `name.br` beside every text file of at least
//! [`MIN_SIZE`] bytes, so a static server (nginx `gzip_static`, `brotli_static`) sends them
//! without compressing on every request. The writer asks for them only when a file changed.

use std::io::Write as _;

/// Files smaller than this are sent as they are: compression saves less than a packet.
pub const MIN_SIZE: usize = 1024;

/// The extensions of files that compress well (text).
const TEXT_EXTENSIONS: [&str; 9] = [
    "html",
    "css",
    "js",
    "xml",
    "json",
    "svg",
    "txt",
    "mjs",
    "webmanifest",
];

/// Stylesheets, scripts and icons are few, shared by every page and cached for long: they get
/// brotli's maximum quality (11). Pages are many: quality 11 compresses about 0.4 MB a second
/// here, quality 5 about 15 MB for 18% more bytes (docs/perf.md), so pages get quality 5.
fn brotli_quality(path: &str) -> u32 {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    if ["css", "js", "mjs", "svg"]
        .iter()
        .any(|a| ext.eq_ignore_ascii_case(a))
    {
        11
    } else {
        5
    }
}

/// The brotli window: as large as the file (no larger than brotli's 4 MB), but never below
/// 256 KB, because the encoder at quality 5 is an order of magnitude slower with small windows.
fn brotli_window(len: usize) -> i32 {
    (usize::BITS - len.leading_zeros()).clamp(18, 22) as i32
}

/// Whether `path` gets compressed twins: a text file of at least [`MIN_SIZE`] bytes that is
/// not itself a twin.
pub fn wants_twins(path: &str, len: usize) -> bool {
    len >= MIN_SIZE
        && path
            .rsplit_once('.')
            .is_some_and(|(_, ext)| TEXT_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
}

/// The twins of `bytes` at `path`: `(path.gz, gzip bytes)` and `(path.br, brotli bytes)`.
pub fn twins(path: &str, bytes: &[u8]) -> [(String, Vec<u8>); 2] {
    [
        (format!("{path}.gz"), gzip(bytes)),
        (format!("{path}.br"), brotli(bytes, brotli_quality(path))),
    ]
}

/// gzip at its maximum level (9).
fn gzip(bytes: &[u8]) -> Vec<u8> {
    // A gzip header without a file name or time, so equal input gives equal bytes.
    let mut encoder = flate2::GzBuilder::new().mtime(0).write(
        Vec::with_capacity(bytes.len() / 3),
        flate2::Compression::best(),
    );
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

fn brotli(bytes: &[u8], quality: u32) -> Vec<u8> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: quality as i32,
        lgwin: brotli_window(bytes.len()),
        size_hint: bytes.len(),
        ..Default::default()
    };
    let mut out = Vec::with_capacity(bytes.len() / 3);
    // Reading from a slice and writing into a Vec cannot fail.
    let _ = brotli::BrotliCompress(&mut &bytes[..], &mut out, &params);
    out
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;

    fn page() -> Vec<u8> {
        "<p>栖云市文明城市创建工作进展顺利。</p>\n"
            .repeat(200)
            .into_bytes()
    }

    #[test]
    fn text_files_of_a_kilobyte_or_more_get_twins() {
        assert!(wants_twins("news/index.html", 1024));
        assert!(wants_twins("style.CSS", 5000));
        assert!(wants_twins("search/index.json", 2048));
        assert!(!wants_twins("news/index.html", 1023));
        assert!(!wants_twins("photo.jpg", 100_000));
        assert!(!wants_twins("index.html.gz", 100_000));
        assert!(!wants_twins("LICENSE", 100_000));
    }

    #[test]
    fn twins_decompress_to_the_original_bytes() {
        let original = page();
        for path in ["a/index.html", "style.css"] {
            let [(gz_path, gz), (br_path, br)] = twins(path, &original);
            assert_eq!(gz_path, format!("{path}.gz"));
            assert_eq!(br_path, format!("{path}.br"));
            let mut back = Vec::new();
            flate2::read::GzDecoder::new(&gz[..])
                .read_to_end(&mut back)
                .expect("valid gzip");
            assert_eq!(back, original);
            let mut back = Vec::new();
            brotli::Decompressor::new(&br[..], 4096)
                .read_to_end(&mut back)
                .expect("valid brotli");
            assert_eq!(back, original);
            assert!(gz.len() < original.len() / 4 && br.len() < original.len() / 4);
        }
    }

    #[test]
    fn equal_input_gives_equal_twins() {
        let original = page();
        assert_eq!(twins("x.html", &original), twins("x.html", &original));
    }
}
