//! The nginx `server { … }` block that serves a built site as wenming means it to be served:
//! pretty URLs, the site's own 404 page (also under a sub-path `base_url`), precompressed
//! twins, long caching only for fingerprinted assets, security headers fit for a government
//! site, and nothing internal reachable. `wenming nginx-conf` prints it; it is meant to be
//! `include`d from the `http {}` block of a stock Debian nginx.

use std::fmt::Write as _;
use std::path::Path;

use crate::config::Config;
use crate::error::Diagnostic;

/// What the printed block needs to know besides the site's configuration.
#[derive(Debug, Clone)]
pub struct NginxOptions<'a> {
    /// The output folder (absolute), served as the site.
    pub output: &'a Path,
    /// `listen` argument: a port (`80`) or `address:port` (`127.0.0.1:8080`).
    pub listen: &'a str,
    /// Whether `brotli_static` is switched on (nginx has the brotli module) or left as a
    /// comment that says how to get it.
    pub brotli: bool,
}

/// The Content-Security-Policy the default theme works under: everything from the site's
/// own host, inline `style` attributes (charts) and `data:` images, no inline scripts.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'";

/// Whether this machine's nginx loads the brotli module (Debian's
/// `libnginx-mod-http-brotli-static` enables itself in `/etc/nginx/modules-enabled/`).
pub fn brotli_module_enabled() -> bool {
    std::fs::read_dir("/etc/nginx/modules-enabled").is_ok_and(|entries| {
        entries
            .filter_map(Result::ok)
            .any(|e| e.file_name().to_string_lossy().contains("brotli-static"))
    })
}

/// A name safe to use inside an nginx variable name: the site's host with every other
/// character replaced, so two sites' blocks included side by side do not clash.
fn variable_suffix(host: &str) -> String {
    host.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// The host part of `base_url` (`wenming.example.gov.cn` for
/// `https://wenming.example.gov.cn/sub`), without a port.
fn host(base_url: &str) -> &str {
    let after_scheme = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    let host_port = after_scheme.split('/').next().unwrap_or(after_scheme);
    match host_port.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => host_port,
    }
}

/// A path as an nginx string: quoted, so spaces, `;`, `{`, `}` and `#` stay in it. nginx
/// has no escape for `$` (a variable) and reads `"` and `\\` specially, so a path holding
/// them, or a control character, cannot be served as it is.
fn quoted(path: &Path) -> Result<String, Diagnostic> {
    let text = path.to_string_lossy();
    if let Some(c) = text
        .chars()
        .find(|c| matches!(c, '"' | '\\' | '$') || c.is_control())
    {
        return Err(Diagnostic::new(
            path,
            format!(
                "输出目录的路径含有 nginx 配置无法表示的字符“{}”",
                c.escape_default()
            ),
        )
        .hint("把网站构建到路径中没有 $、引号、反斜杠的目录（--output），再生成配置"));
    }
    Ok(format!("\"{text}\""))
}

/// The complete configuration text: a `map` for the cache policy and the `server` block.
pub fn server_block(config: &Config, options: &NginxOptions) -> Result<String, Diagnostic> {
    let host = host(&config.base_url);
    let base = config.base_path().trim_end_matches('/');
    let var = format!("$wenming_cache_{}", variable_suffix(host));
    let root = quoted(options.output)?;
    let mut root_dir = options.output.to_string_lossy().to_string();
    if !root_dir.ends_with('/') {
        root_dir.push('/');
    }
    let root_with_slash = quoted(Path::new(&root_dir))?;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# {} ({}) — printed by `wenming nginx-conf`.\n\
         # Include this file from the http {{}} block of nginx (Debian: put it in\n\
         # /etc/nginx/sites-enabled/), then `nginx -t && systemctl reload nginx`.\n\
         # Served from {} as built by `wenming build`; rebuild in place, nginx needs no reload.\n",
        config.title,
        config.base_url,
        options.output.display()
    );
    let _ = writeln!(
        s,
        "# Fingerprinted assets (style.3f9a1c2e.css) never change: cache them for a year.\n\
         # Everything else is revalidated on every visit, so a correction is seen at once.\n\
         map $uri {var} {{\n    \
             \"~\\.[0-9a-f]{{8,}}\\.[A-Za-z0-9]+$\" \"public, max-age=31536000, immutable\";\n    \
             default \"no-cache\";\n\
         }}\n"
    );
    let _ = writeln!(s, "server {{");
    let _ = writeln!(s, "    listen {};", options.listen);
    let _ = writeln!(s, "    server_name {host};");
    let _ = writeln!(s, "    root {root};");
    let _ = writeln!(
        s,
        "    index index.html;\n    \
         charset utf-8;\n    \
         charset_types text/css text/plain text/xml application/javascript application/json application/atom+xml image/svg+xml;\n    \
         autoindex off;\n    \
         server_tokens off;\n"
    );
    let _ = writeln!(
        s,
        "    # Precompressed twins written by the build (name.gz, name.br beside the file).\n    \
         gzip_static on;"
    );
    if options.brotli {
        let _ = writeln!(s, "    brotli_static on;");
    } else {
        let _ = writeln!(
            s,
            "    # brotli_static on;  # needs the brotli module: apt-get install libnginx-mod-http-brotli-static"
        );
    }
    let _ = writeln!(
        s,
        "\n    add_header Cache-Control ${} always;",
        var.trim_start_matches('$')
    );
    let _ = writeln!(
        s,
        "    add_header Content-Security-Policy \"{CONTENT_SECURITY_POLICY}\" always;\n    \
         add_header X-Content-Type-Options \"nosniff\" always;\n    \
         add_header X-Frame-Options \"SAMEORIGIN\" always;\n    \
         add_header Referrer-Policy \"strict-origin-when-cross-origin\" always;\n    \
         add_header Permissions-Policy \"camera=(), microphone=(), geolocation=(), payment=()\" always;\n    \
         # Once the site is served over HTTPS only, also send:\n    \
         # add_header Strict-Transport-Security \"max-age=31536000\" always;\n"
    );
    let _ = writeln!(
        s,
        "    # Nothing internal is served: dotfiles and folders (.git, wenming's own state), the\n    \
         # publish-date record older versions wrote into the output, editor backups.\n    \
         location ~ /\\.(?!well-known/) {{ return 404; }}\n    \
         location ~ (?:^|/)wenming-manifest\\.json$ {{ return 404; }}\n"
    );
    let _ = writeln!(
        s,
        "    # A folder without index.html is not listed: it is answered like any missing page."
    );
    if base.is_empty() {
        let _ = writeln!(
            s,
            "    error_page 404 /404.html;\n    \
             error_page 403 =404 /404.html;\n\n    \
             location / {{\n        \
                 try_files $uri $uri/ =404;\n    \
             }}"
        );
    } else {
        let _ = writeln!(
            s,
            "    # base_url has the sub-path {base}/: the output folder is served there.\n    \
             error_page 404 {base}/404.html;\n    \
             error_page 403 =404 {base}/404.html;\n\n    \
             location = {base} {{ return 301 {base}/; }}\n\n    \
             location {base}/ {{\n        \
                 alias {root_with_slash};\n        \
                 try_files $uri $uri/ =404;\n    \
             }}\n\n    \
             location / {{ return 404; }}"
        );
    }
    s.push_str("}\n");
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_drops_scheme_path_and_port() {
        assert_eq!(
            host("https://wenming.example.gov.cn"),
            "wenming.example.gov.cn"
        );
        assert_eq!(host("https://a.example:8443/sub"), "a.example");
        assert_eq!(host("http://127.0.0.1:8080"), "127.0.0.1");
    }

    #[test]
    fn paths_are_quoted_so_spaces_and_semicolons_stay_in_the_path() {
        assert_eq!(
            quoted(Path::new("/srv/my site;x")).ok().as_deref(),
            Some("\"/srv/my site;x\"")
        );
        let refused = quoted(Path::new("/srv/a$b")).err().map(|d| d.to_string());
        assert_eq!(
            refused.as_deref(),
            Some(
                "/srv/a$b: 输出目录的路径含有 nginx 配置无法表示的字符“$”\n    提示：把网站构建到路径中没有 $、引号、反斜杠的目录（--output），再生成配置"
            )
        );
    }

    #[test]
    fn variable_names_differ_per_host() {
        assert_eq!(variable_suffix("wenming.a-b.cn"), "wenming_a_b_cn");
    }
}
