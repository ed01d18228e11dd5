//! The binary format of the index, and which file each term goes to.
//!
//! Every term has a **bucket**: the top 16 bits of FNV-1a (32 bit) of its UTF-8 key
//! ([`bucket_of`]). Terms are ordered by bucket, then by key bytes, and that order is cut
//! between whole buckets into `terms` files of about [`TERMS_FILE_BYTES`]; runs of whole terms
//! files make the `positions` files, of about [`POSITIONS_FILE_BYTES`] ([`Layout`]). A term
//! too large for one file gets a file of its own. `index.json` lists where each file starts,
//! so a query downloads the files of its own terms and nothing else:
//!
//! - `terms/K.bin`: the number of terms, where the first term's positions start in its
//!   positions file, then for each term: the key's length and UTF-8 bytes, the page list's
//!   length and the page list, and the length of the term's positions.
//! - `positions/K.bin`: the positions of its pair terms, one after another in term order.
//!   Only queries of three or more tokens need them, so a two-character query never
//!   downloads them.
//!
//! Cutting by size instead of spreading by `hash mod N` (format 1) keeps every file near the
//! aimed-for size: a frequent term no longer shares its file with other frequent ones, so the
//! index takes fewer files without more bytes per query (docs/perf.md: 1,573 files instead of
//! 4,096 at 10,000 pages).
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

/// Aimed-for size of a `terms` file. Every query downloads one per word (or pair of a word),
/// so what other terms put in it is a query's waste: on the 10,000-page benchmark corpus a
/// rare word's file averages 1.7 KB, against 2.5 KB for a `hash mod 2048` shard of format 1.
pub const TERMS_FILE_BYTES: usize = 4 * 1024;

/// Aimed-for size of a `positions` file (fetched only for words of three or more tokens).
pub const POSITIONS_FILE_BYTES: usize = 16 * 1024;

/// Upper bound on the files of each kind: beyond it files grow instead, so that the table of
/// where they start (in `index.json`, fetched by every query) stays small.
pub const MAX_FILES: usize = 4096;

/// The bucket of `key`: the top 16 bits of FNV-1a (32 bit) of its UTF-8 bytes.
pub fn bucket_of(key: &str) -> u16 {
    let mut hash: u32 = 0x811c_9dc5;
    for b in key.bytes() {
        hash = (hash ^ u32::from(b)).wrapping_mul(16_777_619);
    }
    (hash >> 16) as u16
}

/// How the ordered terms are cut into files: the first bucket of each file after the first
/// (file 0 starts at bucket 0). Ascending.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    pub starts: Vec<u16>,
}

impl Layout {
    /// Cuts buckets into files of about `target` bytes: `sizes` gives, by ascending bucket,
    /// the bytes each bucket's terms take (buckets without any term may be left out). A file
    /// is closed before a bucket that would take it past `target` (a bucket is never split).
    /// When that would make more than [`MAX_FILES`] files, the target grows to fit.
    pub fn cut(sizes: &[(u16, usize)], target: usize) -> Layout {
        let total: usize = sizes.iter().map(|(_, s)| s).sum();
        let target = target.max(total.div_ceil(MAX_FILES)).max(1);
        let mut starts = Vec::new();
        let mut filled = 0;
        for &(bucket, size) in sizes {
            if size == 0 {
                continue;
            }
            if filled > 0 && filled + size > target && starts.len() + 1 < MAX_FILES {
                starts.push(bucket);
                filled = 0;
            }
            filled += size;
        }
        Layout { starts }
    }

    /// How many files.
    pub fn files(&self) -> usize {
        self.starts.len() + 1
    }

    /// The file holding `bucket`.
    pub fn file_of(&self, bucket: u16) -> usize {
        self.starts.partition_point(|&start| start <= bucket)
    }

    /// The starts as `index.json` lists them: each start minus the one before (the first
    /// minus 0), which keeps the numbers short.
    pub fn deltas(&self) -> Vec<u16> {
        let mut previous = 0;
        self.starts
            .iter()
            .map(|&s| {
                let d = s - previous;
                previous = s;
                d
            })
            .collect()
    }
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
}

/// The index's files: how terms are cut into `terms` and `positions` files, and their bytes.
#[derive(Debug, Default)]
pub struct Encoded {
    pub terms: Layout,
    pub positions: Layout,
    pub terms_files: Vec<Vec<u8>>,
    pub positions_files: Vec<Vec<u8>>,
}

/// Bytes a term takes in its `terms` file (near enough to cut files by).
fn terms_entry_bytes(key: &str, postings: &Postings) -> usize {
    key.len() + postings.list.len() + 6
}

/// Bytes per bucket, for [`Layout::cut`]; `terms` is in bucket order.
fn bucket_sizes<T>(terms: &[(u16, T)], size: impl Fn(&T) -> usize) -> Vec<(u16, usize)> {
    let mut sizes: Vec<(u16, usize)> = Vec::new();
    for (bucket, term) in terms {
        match sizes.last_mut() {
            Some((b, s)) if b == bucket => *s += size(term),
            _ => sizes.push((*bucket, size(term))),
        }
    }
    sizes
}

/// Orders the terms by bucket, then key bytes; cuts them into terms files, and runs of terms
/// files into positions files; encodes the files.
pub fn encode(terms: &[(&str, &Postings)]) -> Encoded {
    let mut ordered: Vec<(u16, (&str, &Postings))> =
        terms.iter().map(|&(k, p)| (bucket_of(k), (k, p))).collect();
    ordered.sort_unstable_by(|(a, (ka, _)), (b, (kb, _))| (a, ka).cmp(&(b, kb)));
    let terms_layout = Layout::cut(
        &bucket_sizes(&ordered, |(k, p)| terms_entry_bytes(k, p)),
        TERMS_FILE_BYTES,
    );
    // Each terms file's terms, in order.
    let mut by_file: Vec<Vec<(&str, &Postings)>> = vec![Vec::new(); terms_layout.files()];
    for &(bucket, term) in &ordered {
        by_file[terms_layout.file_of(bucket)].push(term);
    }
    // A positions file is a run of whole terms files, so that a terms file's positions are in
    // one positions file, one after another.
    let first_buckets = std::iter::once(0).chain(terms_layout.starts.iter().copied());
    let positions_layout = Layout::cut(
        &first_buckets
            .zip(&by_file)
            .map(|(bucket, terms)| (bucket, terms.iter().map(|(_, p)| p.positions.len()).sum()))
            .collect::<Vec<_>>(),
        POSITIONS_FILE_BYTES,
    );
    let mut positions_files = vec![Vec::new(); positions_layout.files()];
    let first_buckets = std::iter::once(0).chain(terms_layout.starts.iter().copied());
    let terms_files = first_buckets
        .zip(&by_file)
        .map(|(bucket, terms)| {
            let positions = &mut positions_files[positions_layout.file_of(bucket)];
            encode_terms_file(terms, positions)
        })
        .collect();
    Encoded {
        terms: terms_layout,
        positions: positions_layout,
        terms_files,
        positions_files,
    }
}

/// One terms file: the number of terms, where the first term's positions start in
/// `positions`, then each term. Appends the terms' positions to `positions`.
fn encode_terms_file(terms: &[(&str, &Postings)], positions: &mut Vec<u8>) -> Vec<u8> {
    let bytes: usize = terms.iter().map(|(k, p)| terms_entry_bytes(k, p)).sum();
    let mut out = Vec::with_capacity(bytes + 10);
    write_varint(&mut out, terms.len() as u64);
    write_varint(&mut out, positions.len() as u64);
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
    out
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

    /// Decodes every file of an index, as the client does: each term is looked for in the
    /// terms file of its bucket, its positions in the positions file of its bucket.
    pub fn decode(index: &Encoded) -> Vec<Decoded> {
        let mut out = Vec::new();
        for (file, bytes) in index.terms_files.iter().enumerate() {
            let mut r = Reader { bytes, at: 0 };
            let count = r.varint();
            let mut position_at = r.varint() as usize;
            for _ in 0..count {
                let key_len = r.varint() as usize;
                let key = String::from_utf8_lossy(r.take(key_len)).into_owned();
                assert_eq!(index.terms.file_of(bucket_of(&key)), file, "{key}");
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
                let positions = &index.positions_files[index.positions.file_of(bucket_of(&key))];
                let len = r.varint() as usize;
                out.push((
                    key,
                    pages,
                    positions[position_at..position_at + len].to_vec(),
                ));
                position_at += len;
            }
        }
        out
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
    fn buckets_are_stable_and_spread() {
        // Fixed values: the client computes the same hash, so these must never change.
        assert_eq!(bucket_of("分类"), 0xd559);
        assert_eq!(bucket_of(""), 0x811c);
        let text = "为深入推进全国文明城市创建工作市文明办组织开展了专项督导检查志愿者们身穿红马甲走进社区学校和农贸市场开展垃圾分类宣传";
        let chars: Vec<char> = text.chars().collect();
        let mut counts = [0usize; 4];
        for w in chars.windows(2) {
            counts[usize::from(bucket_of(&w.iter().collect::<String>()) >> 14)] += 1;
        }
        let (min, max) = (counts.iter().min(), counts.iter().max());
        assert!(
            min >= Some(&8) && max <= Some(&22),
            "{} pairs spread unevenly: {counts:?}",
            chars.len() - 1
        );
    }

    #[test]
    fn files_are_cut_by_size_between_whole_buckets() {
        // Buckets of 3, 3, 3, 10 (too large for one file: alone), 1, 1 bytes; files of 6.
        let sizes = [(2, 3), (5, 3), (9, 3), (10, 10), (11, 0), (40, 1), (41, 1)];
        let layout = Layout::cut(&sizes, 6);
        assert_eq!(layout.starts, [9, 10, 40]);
        assert_eq!(layout.deltas(), [9, 1, 30]);
        assert_eq!(layout.files(), 4);
        let files: Vec<usize> = [0, 2, 8, 9, 10, 11, 39, 40, u16::MAX]
            .into_iter()
            .map(|b| layout.file_of(b))
            .collect();
        assert_eq!(files, [0, 0, 0, 1, 2, 2, 2, 3, 3]);
        // Nothing to cut: one file.
        assert_eq!(Layout::cut(&[], 6).files(), 1);
        assert_eq!(Layout::cut(&[(0, 100), (1, 100)], 1000).files(), 1);
    }

    #[test]
    fn the_number_of_files_is_bounded() {
        let sizes: Vec<(u16, usize)> = (0..=u16::MAX).map(|b| (b, 10)).collect();
        assert_eq!(Layout::cut(&sizes, 10).files(), MAX_FILES);
        assert_eq!(Layout::cut(&sizes, 1).files(), MAX_FILES);
        assert_eq!(Layout::cut(&sizes, 1600).files(), 410);
    }

    #[test]
    fn files_round_trip_page_lists_and_positions() {
        let mut single = Postings::default();
        single.add_single(0, false);
        single.add_single(3, true);
        single.add_single(200, false);
        let mut pair = Postings::default();
        pair.add_pair(2, [].into_iter(), [5, 9].into_iter());
        pair.add_pair(3, [0].into_iter(), [130].into_iter());
        let index = encode(&[("分类", &pair), ("类", &single)]);
        assert_eq!((index.terms.files(), index.positions.files()), (1, 1));
        assert_eq!(index.positions_files[0], [2, 5, 4, 1, 0, 1, 130, 1]);
        let mut decoded = decode(&index);
        decoded.sort();
        assert_eq!(
            decoded,
            [
                (
                    "分类".to_string(),
                    vec![(2, false), (3, true)],
                    index.positions_files[0].clone()
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

    #[test]
    fn many_terms_spread_over_files_that_each_hold_their_buckets() {
        let keys: Vec<String> = (0..3000).map(|n| format!("词{n}")).collect();
        let postings: Vec<Postings> = (0..3000u32)
            .map(|n| {
                let mut p = Postings::default();
                let positions = (0..n % 7).map(|i| i * 3);
                p.add_pair(n, [].into_iter(), positions.clone());
                p.add_pair(n + 1 + n % 5, [1].into_iter(), positions);
                p
            })
            .collect();
        let terms: Vec<(&str, &Postings)> =
            keys.iter().map(|k| k.as_str()).zip(&postings).collect();
        let index = encode(&terms);
        assert!(index.terms.files() > 4, "{}", index.terms.files());
        assert!(index.positions.files() > 1, "{}", index.positions.files());
        for file in index.terms_files.iter().chain(&index.positions_files) {
            assert!(
                !file.is_empty() && file.len() < 2 * TERMS_FILE_BYTES.max(POSITIONS_FILE_BYTES)
            );
        }
        let mut decoded = decode(&index);
        decoded.sort();
        let mut expected: Vec<Decoded> = terms
            .iter()
            .map(|(k, p)| {
                let mut list = Reader {
                    bytes: &p.list,
                    at: 0,
                };
                let mut previous: i64 = -1;
                let pages = (0..p.pages)
                    .map(|_| {
                        let v = list.varint();
                        previous += (v >> 1) as i64 + 1;
                        (previous as u64, v & 1 == 1)
                    })
                    .collect();
                (k.to_string(), pages, p.positions.clone())
            })
            .collect();
        expected.sort();
        assert_eq!(decoded, expected);
    }
}
