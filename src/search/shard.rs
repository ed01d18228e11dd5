//! The binary format of the index, and which shard each term goes to.
//!
//! Terms are spread over `N` shards by a hash of their key ([`shard_of`]), so a query
//! downloads the shards of its own terms and nothing else. Shard `K` is two files:
//!
//! - `terms/K.bin`: the number of terms, then for each term, sorted by key bytes: the key's
//!   length and UTF-8 bytes, the page list's length and the page list, and the length of the
//!   term's positions.
//! - `positions/K.bin`: the positions of the shard's pair terms, one after another in term
//!   order (empty when it has none). Only queries of three or more tokens need them, so a
//!   two-character query never downloads them.
//!
//! Every number is an unsigned LEB128 varint. A **page list** is the number of pages, then
//! per page, by ascending page id, `gap << 1 | in_title` where `gap` is the id minus the
//! previous id minus one (the first id counts from −1) and `in_title` says the term occurs
//! in the page's title. A pair's **positions** are, per page of its list: when `in_title`,
//! the number of title positions and the positions; then the number of body positions and
//! the positions. Positions ascend and are stored as differences from the previous one
//! (the first from 0).
//!
//! The client decodes this in `themes/default/static/search.js`; docs/search.md has the
//! whole format.

/// Aimed-for size of a shard's two files together: a query downloads whole files, so what
/// other terms put in them is a query's waste.
pub const TARGET_SHARD_BYTES: usize = 8 * 1024;

/// Upper bound on the number of shards (each is up to two files).
pub const MAX_SHARDS: u32 = 2048;

/// The shard of `key`: FNV-1a (32 bit) of its UTF-8 bytes, modulo `shards`.
pub fn shard_of(key: &str, shards: u32) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for b in key.bytes() {
        hash = (hash ^ u32::from(b)).wrapping_mul(16_777_619);
    }
    hash % shards.max(1)
}

/// How many shards an index is split into whose keys, page lists and positions take `bytes`.
pub fn shard_count(bytes: usize) -> u32 {
    let wanted = bytes.div_ceil(TARGET_SHARD_BYTES);
    u32::try_from(wanted)
        .unwrap_or(MAX_SHARDS)
        .clamp(1, MAX_SHARDS)
}

/// Appends `n` as an unsigned LEB128 varint.
pub fn write_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8 & 0x7f) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn write_positions(out: &mut Vec<u8>, positions: impl ExactSizeIterator<Item = u32>) {
    write_varint(out, positions.len() as u64);
    let mut previous = 0;
    for p in positions {
        write_varint(out, u64::from(p - previous));
        previous = p;
    }
}

/// One term's pages (and, for a pair, positions), encoded as pages are added in id order.
#[derive(Debug, Default)]
pub struct Postings {
    pages: u32,
    last_page: Option<u32>,
    list: Vec<u8>,
    positions: Vec<u8>,
}

impl Postings {
    fn add_page(&mut self, page: u32, in_title: bool) {
        debug_assert!(self.last_page.is_none_or(|last| page > last));
        let gap = match self.last_page {
            Some(last) => page - last - 1,
            None => page,
        };
        write_varint(&mut self.list, u64::from(gap) << 1 | u64::from(in_title));
        self.pages += 1;
        self.last_page = Some(page);
    }

    /// Adds a single (a token alone) found in page `page`.
    pub fn add_single(&mut self, page: u32, in_title: bool) {
        self.add_page(page, in_title);
    }

    /// Adds a pair found in page `page` at these title and body positions (ascending).
    pub fn add_pair(
        &mut self,
        page: u32,
        title: impl ExactSizeIterator<Item = u32>,
        body: impl ExactSizeIterator<Item = u32>,
    ) {
        let in_title = title.len() > 0;
        self.add_page(page, in_title);
        if in_title {
            write_positions(&mut self.positions, title);
        }
        write_positions(&mut self.positions, body);
    }

    /// Bytes of the encoded page list and positions.
    pub fn encoded_bytes(&self) -> usize {
        self.list.len() + self.positions.len()
    }
}

/// Encodes one shard's terms (sorted by key) as its `terms` and `positions` files.
pub fn encode_shard(terms: &[(&str, &Postings)]) -> (Vec<u8>, Vec<u8>) {
    let list_bytes: usize = terms.iter().map(|(k, p)| k.len() + p.list.len() + 8).sum();
    let mut out = Vec::with_capacity(list_bytes + 4);
    let mut positions = Vec::with_capacity(terms.iter().map(|(_, p)| p.positions.len()).sum());
    write_varint(&mut out, terms.len() as u64);
    for (key, postings) in terms {
        write_varint(&mut out, key.len() as u64);
        out.extend_from_slice(key.as_bytes());
        let mut count = Vec::with_capacity(5);
        write_varint(&mut count, u64::from(postings.pages));
        write_varint(&mut out, (count.len() + postings.list.len()) as u64);
        out.extend_from_slice(&count);
        out.extend_from_slice(&postings.list);
        write_varint(&mut out, postings.positions.len() as u64);
        positions.extend_from_slice(&postings.positions);
    }
    (out, positions)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Reads varints from a byte slice (the client's decoder, in Rust, for tests).
    pub struct Reader<'a> {
        pub bytes: &'a [u8],
        pub at: usize,
    }

    impl Reader<'_> {
        pub fn varint(&mut self) -> u64 {
            let mut n = 0u64;
            let mut shift = 0;
            loop {
                let b = self.bytes[self.at];
                self.at += 1;
                n |= u64::from(b & 0x7f) << shift;
                if b < 0x80 {
                    return n;
                }
                shift += 7;
            }
        }

        pub fn take(&mut self, len: usize) -> &[u8] {
            self.at += len;
            &self.bytes[self.at - len..self.at]
        }
    }

    /// A decoded term: key, (page id, in title) list, raw positions.
    pub type Decoded = (String, Vec<(u64, bool)>, Vec<u8>);

    /// Decodes a shard's `terms` and `positions` files.
    pub fn decode_shard(terms: &[u8], positions: &[u8]) -> Vec<Decoded> {
        let mut r = Reader {
            bytes: terms,
            at: 0,
        };
        let mut position_at = 0;
        let count = r.varint();
        (0..count)
            .map(|_| {
                let key_len = r.varint() as usize;
                let key = String::from_utf8_lossy(r.take(key_len)).into_owned();
                let list_len = r.varint() as usize;
                let mut list = Reader {
                    bytes: r.take(list_len),
                    at: 0,
                };
                let mut previous: i64 = -1;
                let pages = (0..list.varint())
                    .map(|_| {
                        let v = list.varint();
                        previous += (v >> 1) as i64 + 1;
                        (previous as u64, v & 1 == 1)
                    })
                    .collect();
                let positions_len = r.varint() as usize;
                let raw = positions[position_at..position_at + positions_len].to_vec();
                position_at += positions_len;
                (key, pages, raw)
            })
            .collect()
    }

    #[test]
    fn varints_use_seven_bits_per_byte() {
        let mut out = Vec::new();
        for n in [0, 1, 127, 128, 300, u64::from(u32::MAX)] {
            write_varint(&mut out, n);
        }
        assert_eq!(
            out,
            [0, 1, 127, 0x80, 1, 0xac, 2, 0xff, 0xff, 0xff, 0xff, 0x0f]
        );
        let mut r = Reader { bytes: &out, at: 0 };
        let back: Vec<u64> = (0..6).map(|_| r.varint()).collect();
        assert_eq!(back, [0, 1, 127, 128, 300, u64::from(u32::MAX)]);
    }

    #[test]
    fn shards_are_stable_and_spread() {
        // Fixed values: the client computes the same hash, so these must never change.
        assert_eq!(shard_of("分类", 1 << 31), 0xd559_9ffb % (1 << 31));
        assert_eq!(shard_of("分类", 100), 0xd559_9ffb % 100);
        assert_eq!(shard_of("", 7), 0x811c_9dc5 % 7);
        let text = "为深入推进全国文明城市创建工作市文明办组织开展了专项督导检查志愿者们身穿红马甲走进社区学校和农贸市场开展垃圾分类宣传";
        let chars: Vec<char> = text.chars().collect();
        let mut counts = [0usize; 8];
        for w in chars.windows(2) {
            counts[shard_of(&w.iter().collect::<String>(), 8) as usize] += 1;
        }
        let (min, max) = (counts.iter().min(), counts.iter().max());
        assert!(
            min >= Some(&4) && max <= Some(&14),
            "{} pairs spread unevenly: {counts:?}",
            chars.len() - 1
        );
    }

    #[test]
    fn shard_count_grows_with_the_index_and_is_bounded() {
        assert_eq!(shard_count(0), 1);
        assert_eq!(shard_count(TARGET_SHARD_BYTES), 1);
        assert_eq!(shard_count(TARGET_SHARD_BYTES + 1), 2);
        assert_eq!(shard_count(usize::MAX / 2), MAX_SHARDS);
    }

    #[test]
    fn shards_round_trip_page_lists_and_positions() {
        let mut single = Postings::default();
        single.add_single(0, false);
        single.add_single(3, true);
        single.add_single(200, false);
        let mut pair = Postings::default();
        pair.add_pair(2, [].into_iter(), [5, 9].into_iter());
        pair.add_pair(3, [0].into_iter(), [130].into_iter());
        let (terms, positions) = encode_shard(&[("分类", &pair), ("类", &single)]);
        assert_eq!(positions, [2, 5, 4, 1, 0, 1, 130, 1]);
        assert_eq!(
            decode_shard(&terms, &positions),
            [
                (
                    "分类".to_string(),
                    vec![(2, false), (3, true)],
                    positions.clone()
                ),
                (
                    "类".to_string(),
                    vec![(0, false), (3, true), (200, false)],
                    vec![]
                ),
            ]
        );
        // gap << 1 | in_title: 0, (3 - 0 - 1) << 1 | 1 = 5, (200 - 3 - 1) << 1 = 392.
        assert_eq!(single.list, [0, 5, 0x88, 3]);
    }
}
