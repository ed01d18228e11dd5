//! Metadata removed without touching the pixels: a JPEG, PNG or WebP file rewritten without
//! its Exif, XMP, IPTC and text blocks (where a phone or a camera writes the position, the
//! device and its owner), and without anything after the end of the image (the preview and
//! depth pictures some phones append, which carry their own Exif). Colour profiles stay.

/// Why a file could not be read as the format its first bytes claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed;

/// The bytes of `data` (a JPEG) without metadata; `None` when it has none to remove.
pub fn jpeg(data: &[u8]) -> Result<Option<Vec<u8>>, Malformed> {
    if !data.starts_with(&[0xff, 0xd8]) {
        return Err(Malformed);
    }
    let mut out = Vec::with_capacity(data.len());
    out.extend_from_slice(&data[..2]);
    let mut removed = false;
    let mut i = 2;
    loop {
        // Fill bytes (0xff) may precede a marker.
        while data.get(i) == Some(&0xff) && data.get(i + 1) == Some(&0xff) {
            i += 1;
        }
        if data.get(i) != Some(&0xff) {
            return Err(Malformed);
        }
        let marker = *data.get(i + 1).ok_or(Malformed)?;
        if marker == 0xd9 {
            out.extend_from_slice(&[0xff, 0xd9]);
            removed |= i + 2 < data.len();
            break;
        }
        let length = usize::from(u16::from_be_bytes([
            *data.get(i + 2).ok_or(Malformed)?,
            *data.get(i + 3).ok_or(Malformed)?,
        ]));
        let end = i + 2 + length;
        if length < 2 || end > data.len() {
            return Err(Malformed);
        }
        let body = &data[i + 4..end];
        let drop = match marker {
            // APP1 (Exif, XMP), APP3–APP13 (IPTC, Photoshop, maker blocks), APP15, comments.
            0xe1 | 0xe3..=0xed | 0xef | 0xfe => true,
            // APP2 holds the colour profile (kept) or the index of appended pictures (MPF).
            0xe2 => body.starts_with(b"MPF\0"),
            _ => false,
        };
        if drop {
            removed = true;
        } else {
            out.extend_from_slice(&data[i..end]);
        }
        i = end;
        if marker == 0xda {
            // Entropy-coded data up to the end-of-image marker; a 0xff in it is followed by
            // 0x00 (stuffing) or a restart marker (0xd0–0xd7).
            // No end marker: the file was cut short (decoders fill the rest with grey).
            let j = i + data[i..]
                .windows(2)
                .position(|w| w == [0xff, 0xd9])
                .ok_or(Malformed)?;
            out.extend_from_slice(&data[i..j + 2]);
            removed |= j + 2 < data.len();
            break;
        }
    }
    Ok(removed.then_some(out))
}

/// The bytes of `data` (a PNG) without its `eXIf`, text and time chunks; `None` when it has
/// none to remove.
pub fn png(data: &[u8]) -> Result<Option<Vec<u8>>, Malformed> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if !data.starts_with(SIGNATURE) {
        return Err(Malformed);
    }
    let mut out = Vec::with_capacity(data.len());
    out.extend_from_slice(SIGNATURE);
    let mut removed = false;
    let mut i = SIGNATURE.len();
    while i < data.len() {
        let header = data.get(i..i + 8).ok_or(Malformed)?;
        let length = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind = &header[4..8];
        let end = i
            .checked_add(12)
            .and_then(|e| e.checked_add(length))
            .filter(|&e| e <= data.len())
            .ok_or(Malformed)?;
        if matches!(kind, b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt" | b"tIME") {
            removed = true;
        } else {
            out.extend_from_slice(&data[i..end]);
        }
        i = end;
        if kind == b"IEND" {
            removed |= i < data.len();
            return Ok(removed.then_some(out));
        }
    }
    Err(Malformed)
}

/// The bytes of `data` (a WebP) without its `EXIF` and `XMP ` chunks; `None` when it has
/// none to remove.
pub fn webp(data: &[u8]) -> Result<Option<Vec<u8>>, Malformed> {
    if data.len() < 12 || &data[..4] != b"RIFF" || &data[8..12] != b"WEBP" {
        return Err(Malformed);
    }
    let mut out = Vec::with_capacity(data.len());
    out.extend_from_slice(&data[..12]);
    let mut removed = false;
    let mut i = 12;
    while i < data.len() {
        let header = data.get(i..i + 8).ok_or(Malformed)?;
        let length = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
        let end = (i + 8)
            .checked_add(length + (length & 1))
            .filter(|&e| e <= data.len())
            .ok_or(Malformed)?;
        match &header[..4] {
            b"EXIF" | b"XMP " => removed = true,
            b"VP8X" if length >= 1 => {
                let start = out.len();
                out.extend_from_slice(&data[i..end]);
                // The flags say which chunks follow: no more Exif (0x08) nor XMP (0x04).
                out[start + 8] &= !0x0c;
            }
            _ => out.extend_from_slice(&data[i..end]),
        }
        i = end;
    }
    if !removed {
        return Ok(None);
    }
    let size = u32::try_from(out.len() - 8).map_err(|_| Malformed)?;
    out[4..8].copy_from_slice(&size.to_le_bytes());
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(marker: u8, body: &[u8]) -> Vec<u8> {
        let mut s = vec![0xff, marker];
        s.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
        s.extend_from_slice(body);
        s
    }

    #[test]
    fn jpeg_loses_exif_xmp_comments_and_appended_pictures_but_keeps_its_profile() {
        let icc = segment(0xe2, b"ICC_PROFILE\0\x01\x01profile");
        let scan = [
            segment(0xda, b"\x01\x01\x00\x00\x3f\x00"),
            vec![1, 0xff, 0, 2, 0xff, 0xd0, 3],
        ]
        .concat();
        let jpeg_bytes = [
            vec![0xff, 0xd8],
            segment(0xe0, b"JFIF\0\x01\x01"),
            segment(0xe1, b"Exif\0\0GPS"),
            segment(0xe1, b"http://ns.adobe.com/xap/1.0/\0<x/>"),
            icc.clone(),
            segment(0xe2, b"MPF\0index"),
            segment(0xfe, b"Pixel 7 of Zhang San"),
            segment(0xdb, b"\0quant"),
            scan.clone(),
            vec![0xff, 0xd9],
            b"\xff\xd8appended preview with Exif".to_vec(),
        ]
        .concat();
        let expected = [
            vec![0xff, 0xd8],
            segment(0xe0, b"JFIF\0\x01\x01"),
            icc,
            segment(0xdb, b"\0quant"),
            scan,
            vec![0xff, 0xd9],
        ]
        .concat();
        assert_eq!(jpeg(&jpeg_bytes), Ok(Some(expected.clone())));
        assert_eq!(jpeg(&expected), Ok(None));
        assert_eq!(jpeg(b"GIF89a"), Err(Malformed));
        assert_eq!(jpeg(&jpeg_bytes[..9]), Err(Malformed));
        // Cut short: no end-of-image marker.
        assert_eq!(jpeg(&expected[..expected.len() - 3]), Err(Malformed));
    }

    fn chunk(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut c = (body.len() as u32).to_be_bytes().to_vec();
        c.extend_from_slice(kind);
        c.extend_from_slice(body);
        c.extend_from_slice(&[0, 0, 0, 0]);
        c
    }

    #[test]
    fn png_loses_exif_and_text_chunks() {
        let sig = b"\x89PNG\r\n\x1a\n".to_vec();
        let with = [
            sig.clone(),
            chunk(b"IHDR", &[0; 13]),
            chunk(b"eXIf", b"MM\0*GPS"),
            chunk(b"iTXt", b"XML:com.adobe.xmp\0"),
            chunk(b"IDAT", b"pixels"),
            chunk(b"IEND", b""),
        ]
        .concat();
        let without = [
            sig,
            chunk(b"IHDR", &[0; 13]),
            chunk(b"IDAT", b"pixels"),
            chunk(b"IEND", b""),
        ]
        .concat();
        assert_eq!(png(&with), Ok(Some(without.clone())));
        assert_eq!(png(&without), Ok(None));
        assert_eq!(png(&with[..20]), Err(Malformed));
    }

    #[test]
    fn webp_loses_exif_and_xmp_chunks_and_their_flags() {
        let chunk = |kind: &[u8; 4], body: &[u8]| {
            let mut c = kind.to_vec();
            c.extend_from_slice(&(body.len() as u32).to_le_bytes());
            c.extend_from_slice(body);
            if body.len() % 2 == 1 {
                c.push(0);
            }
            c
        };
        let riff = |chunks: Vec<u8>| {
            let mut f = b"RIFF".to_vec();
            f.extend_from_slice(&(chunks.len() as u32 + 4).to_le_bytes());
            f.extend_from_slice(b"WEBP");
            f.extend(chunks);
            f
        };
        let with = riff(
            [
                chunk(b"VP8X", &[0x0c, 0, 0, 0, 1, 0, 0, 1, 0, 0]),
                chunk(b"VP8 ", b"pixels"),
                chunk(b"EXIF", b"MM\0*GPS"),
                chunk(b"XMP ", b"<x/>"),
            ]
            .concat(),
        );
        let without = riff(
            [
                chunk(b"VP8X", &[0, 0, 0, 0, 1, 0, 0, 1, 0, 0]),
                chunk(b"VP8 ", b"pixels"),
            ]
            .concat(),
        );
        assert_eq!(webp(&with), Ok(Some(without.clone())));
        assert_eq!(webp(&without), Ok(None));
    }
}
