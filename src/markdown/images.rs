//! The `<img>` of an image a page's Markdown shows, with what the loader knows of it: its
//! size and the resized copies a browser picks from (`srcset`). Every image in a page's text
//! loads lazily: where it falls on a phone's first screen is not known, and the theme promises
//! that nothing below it loads early.

use pulldown_cmark::Event;

/// What the loader knows of an image a page shows, by its `src` as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageInfo {
    /// Size in pixels of the image `src` names (for a resized photo, of its fallback copy).
    pub width: u32,
    pub height: u32,
    /// The resized copies of a photo; `None` for an image shown as it is (SVG, GIF).
    pub responsive: Option<ResponsiveImage>,
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
/// `title`), with the copies, the size and the loading hints added.
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
    tag.push_str(" loading=\"lazy\"");
    if info.responsive.is_some() {
        tag.push_str(" decoding=\"async\"");
    }
    tag.push('>');
    tag
}

#[cfg(test)]
mod tests {
    use super::super::{MarkdownOptions, render_with_images};
    use super::*;

    #[test]
    fn photos_get_their_copies_and_load_lazily() {
        let info = |src: &str| {
            (src != "icon.svg").then(|| ImageInfo {
                width: 960,
                height: 720,
                responsive: Some(ResponsiveImage {
                    src: src.replace(".jpg", ".960.3f9a1c2e.jpg"),
                    srcset: src.replace(".jpg", ".480.3f9a1c2e.jpg 480w, a&b.jpg 960w"),
                    sizes: "100vw".into(),
                }),
            })
        };
        let r = render_with_images(
            "![一](a.jpg)\n\n![二](/images/b.jpg)\n\n![图标](icon.svg)",
            MarkdownOptions::default(),
            &info,
        );
        assert_eq!(
            r.html,
            "<p><img src=\"a.960.3f9a1c2e.jpg\" alt=\"一\" srcset=\"a.480.3f9a1c2e.jpg 480w, a&amp;b.jpg 960w\" sizes=\"100vw\" width=\"960\" height=\"720\" loading=\"lazy\" decoding=\"async\"></p>\n\
             <p><img src=\"/images/b.960.3f9a1c2e.jpg\" alt=\"二\" srcset=\"/images/b.480.3f9a1c2e.jpg 480w, a&amp;b.jpg 960w\" sizes=\"100vw\" width=\"960\" height=\"720\" loading=\"lazy\" decoding=\"async\"></p>\n\
             <p><img src=\"icon.svg\" alt=\"图标\" loading=\"lazy\"></p>\n"
        );
    }
}
