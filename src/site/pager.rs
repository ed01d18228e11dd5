//! Pagination of listings (sections and taxonomy terms): how many pager pages a listing has,
//! which items each shows and the path of each. The link stage decides URLs, so these live
//! here; render, check and serve read them from this one place.

/// How many pager pages a listing of `items` needs at `per` items a page (always at least one).
pub fn pager_count(items: usize, per: usize) -> usize {
    if per == 0 {
        1
    } else {
        items.div_ceil(per).max(1)
    }
}

/// The items shown on pager `k` (1-based) of a listing at `per` items a page (all when `per`
/// is 0; none past the last pager).
pub fn pager_slice<T>(list: &[T], per: usize, k: usize) -> &[T] {
    if per == 0 {
        list
    } else {
        list.chunks(per).nth(k - 1).unwrap_or(&[])
    }
}

/// The site path of pager `index` (1-based) of a listing at `base`.
pub fn pager_path(base: &str, index: usize) -> String {
    if index <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{index}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listing_has_at_least_one_pager_and_the_last_holds_the_rest() {
        assert_eq!(pager_count(0, 10), 1);
        assert_eq!(pager_count(10, 10), 1);
        assert_eq!(pager_count(11, 10), 2);
        assert_eq!(pager_count(25, 0), 1);
        let items: Vec<usize> = (0..25).collect();
        assert_eq!(pager_slice(&items, 10, 3), &[20, 21, 22, 23, 24]);
        assert_eq!(pager_slice(&items, 10, 4), &[] as &[usize]);
        assert_eq!(pager_slice(&items, 0, 1).len(), 25);
    }

    #[test]
    fn the_first_pager_is_the_listing_itself() {
        assert_eq!(pager_path("/news/", 1), "/news/");
        assert_eq!(pager_path("/news/", 2), "/news/page/2/");
    }
}
