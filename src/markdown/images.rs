//! The `<img>` of an image a page's Markdown shows, with what the loader knows of it: its
//! size, the resized copies a browser picks from (`srcset`), and whether it loads lazily.

use pulldown_cmark::Event;

/// What the loader knows of an image a page shows, by its `src` as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageInfo {
    /// Size in pixels of the image `src` names (for a resized photo, of its fallback copy).
    pub width: u32,
    pub height: u32,
    /// The resized copies of a photo; `None` for an image shown as it is (SVG, GIF).
    pub responsive: Option<ResponsiveImage>,
    /// Loads only when scrolled near (every image but a page's first photo).
    pub lazy: bool,
}

/// The copies of a resized photo, as `<img>` attributes (URLs as they go in the page).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResponsiveImage {
    /// The fallback copy, replacing the `src` written.
    pub src: String,
    pub srcset: String,
    pub sizes: String,
}

/// The `<img>` of one image's events, as pulldown-cmark writes it (escaped `src`, `alt` and
/// `title`), with the copies, the size and the loading hints added. An image the loader does
/// not know loads lazily.
pub(super) fn image_tag(events: &[Event], info: Option<&ImageInfo>) -> String {
    let mut tag = String::new();
    pulldown_cmark::html::push_html(&mut tag, events.iter().cloned());
    let mut tag = match tag.strip_suffix(" />") {
        Some(open) => open.to_string(),
        None => return tag,
    };
    let Some(info) = info else {
        tag.push_str(" loading=\"lazy\">");
        return tag;
    };
    if let Some(r) = &info.responsive {
        tag.push_str(&format!(
            " srcset=\"{}\" sizes=\"{}\"",
            crate::text::escape_html(&r.srcset),
            crate::text::escape_html(&r.sizes)
        ));
    }
    tag.push_str(&format!(
        " width=\"{}\" height=\"{}\"",
        info.width, info.height
    ));
    if info.lazy {
        tag.push_str(" loading=\"lazy\"");
    }
    if info.responsive.is_some() {
        tag.push_str(" decoding=\"async\"");
    }
    tag.push('>');
    tag
}
