//! `wenming check --external`: fetches every outbound link once, several at a time but never
//! more than `per_host` at once to one host, each within a timeout, and remembers the answers
//! in a cache file so that a scheduled job does not hammer other sites. Without the flag this
//! module is never called and nothing leaves the machine.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::Path;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{Code, ExternalLink, Finding};
use crate::config::ExternalConfig;

/// What fetching a URL gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The server answered (after redirects) with this status.
    Status(u16),
    /// No answer: timeout, unknown host, refused connection… (not cached).
    Failed(String),
}

/// The cache file: URL → last answer.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Cache {
    links: BTreeMap<String, CachedAnswer>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CachedAnswer {
    status: u16,
    /// When it was fetched (RFC 3339).
    checked: String,
}

/// Checks `links`, fetching what the cache does not answer, and reports broken and unreachable
/// ones at every place they are written.
pub fn find(
    root: &Path,
    config: &ExternalConfig,
    links: &[ExternalLink],
    now: Timestamp,
) -> Vec<Finding> {
    if links.is_empty() {
        return Vec::new();
    }
    let cache_path = root.join(&config.cache);
    let mut cache: Cache = std::fs::read_to_string(&cache_path)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    let max_age = config.cache_hours as i64 * 3600;
    let urls: BTreeSet<String> = links.iter().map(|l| without_fragment(&l.url)).collect();
    let mut outcomes: HashMap<String, Outcome> = HashMap::new();
    let mut to_fetch = Vec::new();
    for url in urls {
        let fresh = cache.links.get(&url).filter(|c| {
            c.checked
                .parse::<Timestamp>()
                .is_ok_and(|t| now.duration_since(t).as_secs() < max_age)
        });
        match fresh {
            Some(c) => {
                outcomes.insert(url, Outcome::Status(c.status));
            }
            None => to_fetch.push(url),
        }
    }
    let mut findings = Vec::new();
    if !to_fetch.is_empty() {
        let fetched = fetch_all(to_fetch, config);
        for (url, outcome) in fetched {
            if let Outcome::Status(status) = outcome {
                cache.links.insert(
                    url.clone(),
                    CachedAnswer {
                        status,
                        checked: now.to_string(),
                    },
                );
            }
            outcomes.insert(url, outcome);
        }
        if let Err(e) = write_cache(&cache_path, &cache) {
            findings.push(
                Finding::new(
                    Code::SiteError,
                    &config.cache,
                    format!("无法写入外部链接缓存：{e}"),
                )
                .suggest("检查目录权限，或在 site.yaml 的 check.external.cache 中换一个位置"),
            );
        }
    }
    for link in links {
        let Some(outcome) = outcomes.get(&without_fragment(&link.url)) else {
            continue;
        };
        let finding = match outcome {
            Outcome::Status(status) if *status >= 400 => Finding::new(
                Code::ExternalBroken,
                &link.file,
                format!("外部链接 {} 返回 HTTP {status}", link.url),
            )
            .suggest("更新或删除这个链接；死链是政府网站检查的扣分项"),
            Outcome::Status(_) => continue,
            Outcome::Failed(reason) => Finding::new(
                Code::ExternalUnreachable,
                &link.file,
                format!("外部链接 {} 无法访问：{reason}", link.url),
            )
            .suggest("稍后再用 --external 检查；一直不通请更新或删除这个链接"),
        };
        findings.push(finding.at(link.position));
    }
    findings
}

fn without_fragment(url: &str) -> String {
    url.split('#').next().unwrap_or(url).to_string()
}

fn write_cache(path: &Path, cache: &Cache) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let text = serde_json::to_string_pretty(cache).map_err(std::io::Error::other)?;
    std::fs::write(path, text + "\n")
}

/// The host part of a URL, lowercased, for the per-host limit.
fn host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    authority.to_ascii_lowercase()
}

/// URLs waiting, and how many requests are in flight per host.
struct Queue {
    pending: VecDeque<String>,
    active: HashMap<String, usize>,
    done: Vec<(String, Outcome)>,
}

/// Fetches `urls` with `config.concurrency` workers, at most `config.per_host` at a time to any
/// one host.
pub fn fetch_all(urls: Vec<String>, config: &ExternalConfig) -> Vec<(String, Outcome)> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(config.timeout)))
        .http_status_as_error(false)
        .max_redirects(5)
        .user_agent(concat!("wenming-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let workers = config.concurrency.min(urls.len()).max(1);
    let queue = Mutex::new(Queue {
        pending: urls.into(),
        active: HashMap::new(),
        done: Vec::new(),
    });
    let changed = Condvar::new();
    let per_host = config.per_host.max(1);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(url) = next_url(&queue, &changed, per_host) {
                    let outcome = fetch(&agent, &url, config.timeout);
                    let mut q = queue.lock().unwrap_or_else(|e| e.into_inner());
                    if let Some(n) = q.active.get_mut(&host(&url)) {
                        *n = n.saturating_sub(1);
                    }
                    q.done.push((url, outcome));
                    changed.notify_all();
                }
            });
        }
    });
    let mut done = queue.into_inner().unwrap_or_else(|e| e.into_inner()).done;
    done.sort_by(|a, b| a.0.cmp(&b.0));
    done
}

/// Takes the next URL whose host has a free slot, waiting while every pending host is busy;
/// `None` when nothing is left.
fn next_url(queue: &Mutex<Queue>, changed: &Condvar, per_host: usize) -> Option<String> {
    let mut q = queue.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        if q.pending.is_empty() {
            return None;
        }
        let free = q
            .pending
            .iter()
            .position(|u| q.active.get(&host(u)).copied().unwrap_or(0) < per_host);
        if let Some(i) = free
            && let Some(url) = q.pending.remove(i)
        {
            *q.active.entry(host(&url)).or_insert(0) += 1;
            return Some(url);
        }
        q = changed.wait(q).unwrap_or_else(|e| e.into_inner());
    }
}

/// HEAD first; servers that refuse HEAD get a GET.
fn fetch(agent: &ureq::Agent, url: &str, timeout: u64) -> Outcome {
    let outcome = match agent.head(url).call() {
        Ok(response) => Outcome::Status(response.status().as_u16()),
        Err(e) => Outcome::Failed(reason(&e, timeout)),
    };
    match outcome {
        Outcome::Status(status) if status >= 400 => match agent.get(url).call() {
            Ok(response) => Outcome::Status(response.status().as_u16()),
            Err(_) => Outcome::Status(status),
        },
        other => other,
    }
}

fn reason(e: &ureq::Error, timeout: u64) -> String {
    match e {
        ureq::Error::Timeout(_) => format!("超过 {timeout} 秒没有响应"),
        ureq::Error::HostNotFound => "域名无法解析".to_string(),
        ureq::Error::ConnectionFailed => "无法连接".to_string(),
        ureq::Error::Io(io) => format!("连接出错（{io}）"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_ignore_paths_users_and_case() {
        assert_eq!(
            host("https://User@WWW.Example.gov.cn:8443/a?b"),
            "www.example.gov.cn:8443"
        );
        assert_eq!(host("http://127.0.0.1:8080"), "127.0.0.1:8080");
    }
}
