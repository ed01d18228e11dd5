//! Photo metadata written by hand, for the tests and the photo benchmark (which includes this
//! file with `#[path]`): one place for the bytes of an Exif block with a GPS position.

/// A minimal Exif APP1 segment: IFD0 with the orientation and a pointer to a GPS IFD holding a
/// latitude and a longitude.
pub fn exif_segment(orientation: u16) -> Vec<u8> {
    let mut tiff: Vec<u8> = b"MM\0\x2a\0\0\0\x08".to_vec();
    let entry = |tag: u16, kind: u16, count: u32, value: [u8; 4]| {
        let mut e = tag.to_be_bytes().to_vec();
        e.extend_from_slice(&kind.to_be_bytes());
        e.extend_from_slice(&count.to_be_bytes());
        e.extend_from_slice(&value);
        e
    };
    // IFD0 at 8: 2 entries (2 + 24 + 4 bytes) → the GPS IFD at 38: 4 entries (2 + 48 + 4) →
    // the rationals at 92 and 116.
    tiff.extend_from_slice(&2u16.to_be_bytes());
    let o = orientation.to_be_bytes();
    tiff.extend(entry(0x0112, 3, 1, [o[0], o[1], 0, 0]));
    tiff.extend(entry(0x8825, 4, 1, 38u32.to_be_bytes()));
    tiff.extend_from_slice(&[0; 4]);
    tiff.extend_from_slice(&4u16.to_be_bytes());
    tiff.extend(entry(0x0001, 2, 2, *b"N\0\0\0"));
    tiff.extend(entry(0x0002, 5, 3, 92u32.to_be_bytes()));
    tiff.extend(entry(0x0003, 2, 2, *b"E\0\0\0"));
    tiff.extend(entry(0x0004, 5, 3, 116u32.to_be_bytes()));
    tiff.extend_from_slice(&[0; 4]);
    for (num, den) in [(30u32, 1u32), (15, 1), (0, 1), (120, 1), (10, 1), (0, 1)] {
        tiff.extend_from_slice(&num.to_be_bytes());
        tiff.extend_from_slice(&den.to_be_bytes());
    }
    assert_eq!(tiff.len(), 140);
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend(tiff);
    let mut segment = vec![0xff, 0xe1];
    segment.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    segment.extend(payload);
    segment
}
