//! Live reload: the small script `serve` adds to every HTML page it sends (never to what
//! `build` writes), and the messages it receives over Server-Sent Events. The script reloads
//! the page when the page itself or a file it loaded changed, swaps a changed stylesheet
//! without reloading, and shows build errors as an overlay over the page (see `overlay.rs`).

use serde::Serialize;

use super::overlay::ErrorView;

/// Where the script is served.
pub const SCRIPT_PATH: &str = "/__wenming/livereload.js";
/// The Server-Sent Events stream the script listens to.
pub const EVENTS_PATH: &str = "/__wenming/events";

/// One message to the browsers, sent after every rebuild (and once when a browser connects).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Message {
    /// Counts rebuilds that changed the site; a page from another build may be out of date.
    pub build: u64,
    /// The first message of a connection, telling the current state.
    pub hello: bool,
    /// Output paths changed by this rebuild (`news/a/index.html`, `style.css`).
    pub changed: Vec<String>,
    /// Every page should reload (too many changes to list, or the site was rebuilt whole).
    pub all: bool,
    /// Present while the sources have errors: the overlay shows them (at most
    /// [`MAX_ERRORS_SHOWN`], each cut to [`MAX_ERROR_TEXT`] characters; see [`shown_errors`]).
    pub errors: Option<Vec<ErrorView>>,
    /// How many errors the build has, shown or not.
    pub error_count: usize,
}

/// The messages kept for browsers (a channel shared by all): a browser that falls further
/// behind, such as one that stopped reading, gets one "reload everything" message instead
/// of the ones it missed, so what is held for it never grows.
pub const QUEUED_MESSAGES: usize = 16;

/// Past this many changed files, browsers are told to reload whatever they show.
pub const MAX_LISTED: usize = 2000;

/// The most errors one message carries: with the cap on each text, an event stays below
/// about 100 KB however broken the site, so the messages queued for a browser that does not
/// read (at most the channel's capacity, after which it is told to reload) stay small.
pub const MAX_ERRORS_SHOWN: usize = 20;

/// The most characters of an error's location, message or hint sent to browsers.
pub const MAX_ERROR_TEXT: usize = 1000;

/// The errors a message carries (the first [`MAX_ERRORS_SHOWN`], texts cut to
/// [`MAX_ERROR_TEXT`] characters with `…`) and how many there are in all.
pub fn shown_errors(mut errors: Vec<ErrorView>) -> (Vec<ErrorView>, usize) {
    let count = errors.len();
    errors.truncate(MAX_ERRORS_SHOWN);
    for e in &mut errors {
        for text in [&mut e.location, &mut e.file, &mut e.message]
            .into_iter()
            .chain(e.hint.as_mut())
        {
            if let Some((cut, _)) = text.char_indices().nth(MAX_ERROR_TEXT) {
                text.truncate(cut);
                text.push('…');
            }
        }
    }
    (errors, count)
}

/// The tag inserted into HTML pages. `file` is the page's output path, `build` the rebuild
/// it comes from, `base` the site's base path.
pub fn script_tag(file: &str, build: u64, base: &str) -> String {
    format!(
        "<script src=\"{SCRIPT_PATH}\" data-file=\"{}\" data-build=\"{build}\" data-base=\"{}\"></script>",
        crate::text::escape_html(file),
        crate::text::escape_html(base)
    )
}

/// `html` with the live-reload script added before its last `</body>` (or at the end).
pub fn inject(html: &[u8], tag: &str) -> Vec<u8> {
    let at = rfind_ascii_case_insensitive(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn rfind_ascii_case_insensitive(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if hay.len() < needle.len() {
        return None;
    }
    (0..=hay.len() - needle.len())
        .rev()
        .find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// The script itself. It uses no libraries and builds the overlay with `textContent` only,
/// so error messages can never inject markup.
pub const SCRIPT: &str = r#"// wenming serve: live reload and build error overlay (added by `wenming serve` only).
(() => {
  const me = document.currentScript;
  const file = me.dataset.file || '';
  const base = me.dataset.base || '';
  const builtAt = Number(me.dataset.build || 0);
  const OVERLAY_ID = 'wenming-error-overlay';

  const fullPath = (changed) => base + '/' + changed;
  const pathOf = (url) => {
    try { return decodeURIComponent(new URL(url, location.href).pathname); } catch (e) { return ''; }
  };

  function hideErrors() {
    const old = document.getElementById(OVERLAY_ID);
    if (old) old.remove();
  }

  function showErrors(errors, count) {
    hideErrors();
    const box = document.createElement('div');
    box.id = OVERLAY_ID;
    box.setAttribute('role', 'alertdialog');
    box.setAttribute('aria-labelledby', OVERLAY_ID + '-title');
    box.style.cssText = 'position:fixed;inset:0;z-index:2147483647;overflow:auto;' +
      'background:rgba(20,20,20,.92);color:#fff;font:16px/1.6 system-ui,sans-serif;padding:24px';
    const title = document.createElement('h2');
    title.id = OVERLAY_ID + '-title';
    title.style.cssText = 'margin:0 0 8px;color:#ff8a80;font-size:20px';
    title.textContent = '构建失败：共 ' + count + ' 个错误' +
      (count > errors.length ? '（以下是前 ' + errors.length + ' 个，全部错误见运行 wenming serve 的终端）' : '') +
      '（修改后自动刷新，当前显示的是上一次成功构建的页面）';
    box.appendChild(title);
    for (const e of errors) {
      const item = document.createElement('pre');
      item.className = 'wenming-error';
      item.style.cssText = 'white-space:pre-wrap;background:#2b2b2b;border-left:4px solid #ff5252;' +
        'padding:12px;margin:12px 0;font:15px/1.5 ui-monospace,monospace';
      const where = document.createElement('strong');
      where.className = 'wenming-error-location';
      where.textContent = e.location;
      item.appendChild(where);
      item.appendChild(document.createTextNode('\n' + e.message + (e.hint ? '\n提示：' + e.hint : '')));
      box.appendChild(item);
    }
    const close = document.createElement('button');
    close.type = 'button';
    close.textContent = '暂时关闭';
    close.style.cssText = 'font-size:16px;padding:8px 16px;min-height:44px';
    close.onclick = hideErrors;
    box.appendChild(close);
    document.body.appendChild(box);
  }

  // A stylesheet's path without its fingerprint: /style.3f9a1c2e.css → /style.css.
  function plain(path) {
    return path.replace(/\.[0-9a-f]{8}(\.[^./]+)$/, '$1');
  }

  function swapStylesheets(changed) {
    // By the plain name, so that a changed stylesheet replaces the one the page links under
    // its old fingerprinted name. The plain file is taken when it is there: the list also
    // holds the old fingerprinted name, which is gone.
    const wanted = new Map();
    for (const c of changed) {
      const path = fullPath(c);
      const key = plain(path);
      if (!wanted.has(key) || path === key) wanted.set(key, path);
    }
    for (const link of document.querySelectorAll('link[rel~="stylesheet"]')) {
      const now = wanted.get(plain(pathOf(link.href)));
      if (!now) continue;
      const url = new URL(now, location.href);
      url.searchParams.set('wenming-reload', String(Date.now()));
      const next = link.cloneNode();
      next.href = url.href;
      next.addEventListener('load', () => link.remove());
      link.after(next);
    }
  }

  function shows(changed) {
    if (changed.includes(file)) return true;
    const loaded = new Set(performance.getEntriesByType('resource').map((r) => pathOf(r.name)));
    return changed.some((c) => !c.endsWith('.css') && loaded.has(fullPath(c)));
  }

  let seen = builtAt;
  const events = new EventSource('/__wenming/events');
  events.onmessage = (event) => {
    const m = JSON.parse(event.data);
    if (m.errors) { showErrors(m.errors, Math.max(m.error_count || 0, m.errors.length)); return; }
    hideErrors();
    // A page from an older build than the server's (missed messages, a restarted server)
    // reloads; otherwise only when it shows something that changed.
    if (m.all || (m.hello && m.build !== seen) || shows(m.changed)) {
      location.reload();
      return;
    }
    seen = m.build;
    swapStylesheets(m.changed.filter((c) => c.endsWith('.css')));
  };
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_goes_before_the_last_body_end_tag() {
        let tag = script_tag("a/index.html", 3, "");
        let out = inject(b"<p>x</p></BODY></html>", &tag);
        assert_eq!(
            String::from_utf8_lossy(&out),
            format!("<p>x</p>{tag}</BODY></html>")
        );
        assert_eq!(
            String::from_utf8_lossy(&inject(b"<p>no body", &tag)),
            format!("<p>no body{tag}")
        );
    }

    #[test]
    fn events_carry_the_first_errors_cut_short_and_the_count() {
        let long = "错".repeat(5000);
        let errors: Vec<ErrorView> = (0..10_000)
            .map(|i| ErrorView {
                location: format!("content/a{i}.md:1:1"),
                file: format!("content/a{i}.md"),
                line: Some(1),
                column: Some(1),
                message: long.clone(),
                hint: Some(long.clone()),
            })
            .collect();
        let (shown, count) = shown_errors(errors);
        assert_eq!((shown.len(), count), (MAX_ERRORS_SHOWN, 10_000));
        assert_eq!(shown[0].message.chars().count(), MAX_ERROR_TEXT + 1);
        assert!(shown[0].message.ends_with("错…"));
        let message = Message {
            build: 1,
            hello: false,
            changed: Vec::new(),
            all: false,
            errors: Some(shown),
            error_count: count,
        };
        let json = serde_json::to_string(&message).unwrap_or_default();
        assert!(json.len() < 150_000, "{}", json.len());
        assert!(
            json.ends_with(",\"error_count\":10000}"),
            "{}",
            &json[json.len() - 40..]
        );
    }

    #[test]
    fn tag_attributes_are_escaped() {
        assert!(script_tag("a\"b/index.html", 1, "").contains("data-file=\"a&quot;b/index.html\""));
    }
}
