//! Photos that give away where they were taken: the GPS position a phone writes into an
//! image's Exif metadata (for the `pii-location` rule, and for the build's count of positions
//! removed), and the orientation the pixels must be turned by. Only the metadata is read (with
//! kamadak-exif), from JPEG (APP1), PNG (`eXIf`), WebP (`EXIF`), HEIF/HEIC and TIFF files.

use std::fs::File;
use std::io::{BufRead, BufReader, Seek};
use std::path::Path;

use exif::{Tag, Value};

/// File name endings (compared without case: phones write `IMG_0001.JPG`) of the images
/// whose metadata is read. Other files (SVG, GIF, documents) carry no Exif position.
const EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "jpe", "jfif", "png", "webp", "heic", "heif", "tif", "tiff",
];

/// Whether `path` names an image that may hold Exif metadata.
pub fn is_photo(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// Whether the image file at `path` records where it was taken. A file that cannot be read
/// or holds no readable Exif block records nothing wenming can find (`false`).
pub fn file_has_location(path: &Path) -> bool {
    match File::open(path) {
        // Buffered: a JPEG is read only up to its Exif segment, which phones put first.
        Ok(file) => has_location(&mut BufReader::new(file)),
        Err(_) => false,
    }
}

/// Whether the image read from `reader` has a GPS latitude or longitude in its Exif
/// metadata. Malformed images never panic; what can be read of a damaged Exif block counts.
pub fn has_location<R: BufRead + Seek>(reader: &mut R) -> bool {
    read_exif(reader).is_some_and(|exif| located(&exif))
}

/// What a photo's Exif metadata says that matters for publishing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExifFacts {
    /// The Exif orientation (1–8; 1 when missing or invalid): how the stored pixels must be
    /// turned to show the picture upright.
    pub orientation: u8,
    /// Whether a GPS position is recorded (see [`has_location`]).
    pub located: bool,
}

/// The facts of the image read from `reader`; an image without readable Exif is upright and
/// records no position.
pub fn exif_facts<R: BufRead + Seek>(reader: &mut R) -> ExifFacts {
    match read_exif(reader) {
        Some(exif) => ExifFacts {
            orientation: exif
                .get_field(Tag::Orientation, exif::In::PRIMARY)
                .and_then(|f| f.value.get_uint(0))
                .and_then(|o| u8::try_from(o).ok())
                .filter(|o| (1..=8).contains(o))
                .unwrap_or(1),
            located: located(&exif),
        },
        None => ExifFacts {
            orientation: 1,
            located: false,
        },
    }
}

/// The Exif block of an image; what can be read of a damaged one counts.
fn read_exif<R: BufRead + Seek>(reader: &mut R) -> Option<exif::Exif> {
    let mut exif_reader = exif::Reader::new();
    exif_reader.continue_on_error(true);
    match exif_reader.read_from_container(reader) {
        Ok(exif) => Some(exif),
        Err(e) => e.distill_partial_result(|_| {}).ok(),
    }
}

fn located(exif: &exif::Exif) -> bool {
    exif.fields()
        .filter(|f| f.tag == Tag::GPSLatitude || f.tag == Tag::GPSLongitude)
        .any(|f| match &f.value {
            // Some cameras write 0/0 or 0/1 when they had no fix: no place is given away.
            Value::Rational(parts) => parts.iter().any(|r| r.num != 0),
            _ => true,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn fixture(name: &str) -> Vec<u8> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/check/location/static/images")
            .join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn located(bytes: &[u8]) -> bool {
        has_location(&mut Cursor::new(bytes))
    }

    #[test]
    fn every_container_with_a_position_is_found() {
        for name in [
            "hui-yi.jpg",
            "GUANG-CHANG.JPG",
            "ban-hui.png",
            "jie-dao.webp",
            "xiao-yuan.heic",
        ] {
            assert!(located(&fixture(name)), "{name}");
        }
        for name in [
            "no-location.jpg",
            "no-fix.jpg",
            "no-exif.jpg",
            "truncated.jpg",
            "garbage.jpg",
        ] {
            assert!(!located(&fixture(name)), "{name}");
        }
    }

    #[test]
    fn photos_are_told_by_their_name_in_any_case() {
        for name in [
            "a.jpg",
            "IMG_0001.JPG",
            "b.Jpeg",
            "c.png",
            "d.webp",
            "e.HEIC",
        ] {
            assert!(is_photo(Path::new(name)), "{name}");
        }
        for name in ["a.svg", "b.gif", "c.pdf", "jpg", "d.jpg.txt"] {
            assert!(!is_photo(Path::new(name)), "{name}");
        }
    }

    /// Every prefix of every fixture, and each with bytes flipped, changed or inserted:
    /// never a panic.
    #[test]
    fn damaged_images_never_panic() {
        let names = [
            "hui-yi.jpg",
            "ban-hui.png",
            "jie-dao.webp",
            "xiao-yuan.heic",
            "no-location.jpg",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for name in names {
            let bytes = fixture(name);
            for end in 0..bytes.len() {
                located(&bytes[..end]);
            }
            for _ in 0..2000 {
                let mut damaged = bytes.clone();
                for _ in 0..1 + next() % 4 {
                    let at = (next() % damaged.len() as u64) as usize;
                    match next() % 3 {
                        0 => damaged[at] = next() as u8,
                        1 => damaged[at] ^= 0xff,
                        _ => damaged.splice(at..at, [0xff; 4]).for_each(drop),
                    }
                }
                located(&damaged);
            }
        }
        for bytes in [
            &b""[..],
            b"\xff\xd8",
            b"\x89PNG\r\n\x1a\n",
            b"RIFF\0\0\0\0WEBP",
        ] {
            assert!(!located(bytes));
        }
    }
}
