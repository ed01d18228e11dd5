//! Progress announcements (创文进展通报) across the site: each metric's completion rate and
//! its change in percentage points (百分点) since the previous announcement, and the
//! dashboard of every metric's latest state, per department, with its history for charts.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::Timestamp;
use serde::Serialize;

use super::SitePage;
use crate::content::kinds::{KindFields, Metric};
use crate::error::Diagnostic;

/// A metric as one announcement shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricView {
    pub id: String,
    pub name: String,
    pub unit: String,
    #[serde(serialize_with = "crate::text::serialize_plain")]
    pub target: f64,
    #[serde(serialize_with = "crate::text::serialize_plain")]
    pub done: f64,
    pub department: Option<String>,
    pub deadline: Option<String>,
    /// Completion rate in percent with two decimals (`31.67`), null when the target is 0.
    pub rate: Option<String>,
    /// Change of the rate since the previous announcement, in percentage points with a sign
    /// (`+1.60`, `-0.50`, `0.00`); null for a metric's first announcement.
    pub change: Option<String>,
}

/// The progress part of one announcement page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageProgress {
    pub issue_no: Option<String>,
    pub metrics: Vec<MetricView>,
}

/// One point of a metric's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryPoint {
    pub date: String,
    pub issue_no: Option<String>,
    #[serde(serialize_with = "crate::text::serialize_plain")]
    pub done: f64,
    pub rate: Option<String>,
    /// Site path of the announcement.
    pub path: String,
    #[serde(skip)]
    pub rate_value: Option<f64>,
}

/// Where a metric stands now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricStatus {
    /// done ≥ target
    Completed,
    /// The deadline has passed and the target is not reached.
    Overdue,
    /// Less done than the share of time that has passed since the first announcement.
    Behind,
    OnTrack,
}

impl MetricStatus {
    pub fn label(self) -> &'static str {
        match self {
            MetricStatus::Completed => "已完成",
            MetricStatus::Overdue => "已逾期",
            MetricStatus::Behind => "进度滞后",
            MetricStatus::OnTrack => "正常推进",
        }
    }
}

/// A metric on the dashboard: its latest announced state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DashboardMetric {
    #[serde(flatten)]
    pub latest: MetricView,
    pub status: MetricStatus,
    pub status_label: &'static str,
    pub overdue: bool,
    pub behind: bool,
    pub updated: String,
    pub history: Vec<HistoryPoint>,
}

/// One department's share of the metrics.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DepartmentRow {
    pub department: String,
    pub metrics: usize,
    pub completed: usize,
    pub overdue: usize,
    pub behind: usize,
    /// Mean completion rate of its metrics, two decimals.
    pub average_rate: Option<String>,
}

/// Every metric of every announcement, summarised.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Dashboard {
    pub metrics: Vec<DashboardMetric>,
    pub departments: Vec<DepartmentRow>,
    /// Site path of the newest announcement.
    pub latest_path: Option<String>,
    pub latest_date: Option<String>,
}

pub fn two_decimals(x: f64) -> String {
    let rounded = (x * 100.0).round() / 100.0;
    let s = format!("{rounded:.2}");
    if s == "-0.00" { "0.00".into() } else { s }
}

fn rate(m: &Metric) -> Option<f64> {
    (m.target > 0.0).then(|| ((m.done / m.target) * 100.0 * 100.0).round() / 100.0)
}

/// The progress figures of a site: each announcement's, the dashboard, and what is wrong.
#[derive(Debug, Default)]
pub struct Progress {
    /// Each page's figures, in page order (`None` for pages that are not announcements).
    pub pages: Vec<Option<PageProgress>>,
    pub dashboard: Dashboard,
    /// Undated announcements, metrics whose unit changes between announcements.
    pub errors: Vec<Diagnostic>,
    /// More done than the target.
    pub warnings: Vec<Diagnostic>,
}

/// Computes each announcement's figures and the dashboard. Reports as errors a metric whose
/// unit changes between announcements, as warnings more done than the target.
pub fn compute(
    pages: &[Arc<SitePage>],
    now: Timestamp,
    url_path: impl Fn(&str) -> String,
) -> Progress {
    let mut progress = Progress {
        pages: vec![None; pages.len()],
        ..Progress::default()
    };
    let order = announcements_oldest_first(pages, &mut progress.errors);
    let mut timeline = Timeline::default();
    for &i in &order {
        let p = &pages[i];
        let KindFields::Progress(fields) = &p.page.meta.fields else {
            continue;
        };
        let Some(date) = p.page.meta.date else {
            continue;
        };
        let views = fields
            .metrics
            .iter()
            .map(|m| {
                timeline.add(
                    p,
                    date,
                    fields.issue_no.as_ref(),
                    m,
                    &url_path,
                    &mut progress,
                )
            })
            .collect();
        progress.pages[i] = Some(PageProgress {
            issue_no: fields.issue_no.clone(),
            metrics: views,
        });
    }
    let metrics = timeline.dashboard_metrics(now);
    let departments = department_rows(&metrics);
    let newest = order.last().map(|&i| &pages[i]);
    progress.dashboard = Dashboard {
        metrics,
        departments,
        latest_path: newest.map(|p| url_path(&p.path)),
        latest_date: newest
            .and_then(|p| p.page.meta.date)
            .map(|d| d.for_templates()),
    };
    progress
}

/// The dated announcements, oldest first; undated ones cannot be placed in time (an error).
fn announcements_oldest_first(pages: &[Arc<SitePage>], errors: &mut Vec<Diagnostic>) -> Vec<usize> {
    let mut order: Vec<usize> = Vec::new();
    for (i, p) in pages.iter().enumerate() {
        if let KindFields::Progress(_) = &p.page.meta.fields {
            if p.page.meta.date.is_none() {
                errors.push(
                    Diagnostic::new(
                        &p.page.source,
                        "进展通报需要发布日期 date，才能与上一期比较",
                    )
                    .hint("例如 date: 2026-05-06"),
                );
            } else {
                order.push(i);
            }
        }
    }
    super::sort_oldest_first(&mut order, pages);
    order
}

/// A metric as last seen in an earlier announcement.
struct Seen {
    unit: String,
    source: String,
    rate: Option<f64>,
    first_date: Timestamp,
}

/// The metrics of the announcements read so far, oldest first.
#[derive(Default)]
struct Timeline {
    seen: BTreeMap<String, Seen>,
    /// Each metric's latest view, the date it was announced, and its deadline.
    latest: BTreeMap<String, (MetricView, String, Option<jiff::civil::DateTime>)>,
    history: BTreeMap<String, Vec<HistoryPoint>>,
    /// Metric ids in the order they first appeared.
    first_order: Vec<String>,
}

impl Timeline {
    /// Adds metric `m` of announcement `p` (dated `date`) and returns its view there.
    fn add(
        &mut self,
        p: &SitePage,
        date: crate::text::dates::Date,
        issue_no: Option<&String>,
        m: &Metric,
        url_path: impl Fn(&str) -> String,
        found: &mut Progress,
    ) -> MetricView {
        let r = rate(m);
        if m.done > m.target {
            found.warnings.push(
                Diagnostic::new(
                    &p.page.source,
                    format!("指标“{}”完成数 {} 超过目标 {}", m.name, m.done, m.target),
                )
                .at_line(m.line)
                .hint("如确已超额完成可忽略；否则请核对 done 和 target"),
            );
        }
        let change = match self.seen.get(&m.id) {
            Some(prev) => {
                if prev.unit != m.unit {
                    found.errors.push(
                        Diagnostic::new(
                            &p.page.source,
                            format!(
                                "指标 {} 的单位“{}”与 {} 中的“{}”不一致",
                                m.id, m.unit, prev.source, prev.unit
                            ),
                        )
                        .at_line(m.unit_line)
                        .hint("同一个指标 id 在各期通报中必须使用相同的单位"),
                    );
                }
                match (r, prev.rate) {
                    (Some(now_rate), Some(before)) => Some(now_rate - before),
                    _ => None,
                }
            }
            None => None,
        };
        let first_date = self
            .seen
            .get(&m.id)
            .map_or(date.timestamp(), |s| s.first_date);
        if !self.seen.contains_key(&m.id) {
            self.first_order.push(m.id.clone());
        }
        self.seen.insert(
            m.id.clone(),
            Seen {
                unit: m.unit.clone(),
                source: p.page.source.display().to_string(),
                rate: r,
                first_date,
            },
        );
        let view = MetricView {
            id: m.id.clone(),
            name: m.name.clone(),
            unit: m.unit.clone(),
            target: m.target,
            done: m.done,
            department: m.department.clone(),
            deadline: m.deadline.map(|d| d.for_templates()),
            rate: r.map(two_decimals),
            change: change.map(signed_points),
        };
        self.history
            .entry(m.id.clone())
            .or_default()
            .push(HistoryPoint {
                date: date.for_templates(),
                issue_no: issue_no.cloned(),
                done: m.done,
                rate: r.map(two_decimals),
                path: url_path(&p.path),
                rate_value: r,
            });
        self.latest.insert(
            m.id.clone(),
            (
                view.clone(),
                date.for_templates(),
                m.deadline.map(|d| d.local),
            ),
        );
        view
    }

    /// Every metric's latest state and status at `now`, in the order they first appeared.
    fn dashboard_metrics(mut self, now: Timestamp) -> Vec<DashboardMetric> {
        let mut metrics = Vec::new();
        for id in &self.first_order {
            let Some((view, updated, deadline)) = self.latest.remove(id) else {
                continue;
            };
            let first = self.seen.get(id).map_or(now, |s| s.first_date);
            let history = self.history.remove(id).unwrap_or_default();
            metrics.push(dashboard_metric(
                view, updated, deadline, first, history, now,
            ));
        }
        metrics
    }
}

/// A change in percentage points with its sign (`+1.60`, `-0.50`, `0.00`).
fn signed_points(c: f64) -> String {
    let s = two_decimals(c);
    if s.starts_with('-') || s == "0.00" {
        s
    } else {
        format!("+{s}")
    }
}

/// A metric on the dashboard: its latest view and where it stands at `now`, given the date
/// it was first announced (`first`) and its deadline.
fn dashboard_metric(
    view: MetricView,
    updated: String,
    deadline: Option<jiff::civil::DateTime>,
    first: Timestamp,
    history: Vec<HistoryPoint>,
    now: Timestamp,
) -> DashboardMetric {
    let deadline_ts = deadline.and_then(|d| {
        crate::text::dates::Date {
            local: d,
            has_time: false,
        }
        .timestamp()
        .checked_add(jiff::SignedDuration::from_hours(24))
        .ok()
    });
    let completed = view.done >= view.target;
    let overdue = !completed && deadline_ts.is_some_and(|d| d < now);
    let behind = !completed
        && !overdue
        && deadline_ts.is_some_and(|d| {
            let total = d.duration_since(first).as_secs_f64();
            let elapsed = now.duration_since(first).as_secs_f64();
            let expected = if total > 0.0 {
                (elapsed / total).clamp(0.0, 1.0)
            } else {
                1.0
            };
            view.target > 0.0 && view.done / view.target < expected
        });
    let status = if completed {
        MetricStatus::Completed
    } else if overdue {
        MetricStatus::Overdue
    } else if behind {
        MetricStatus::Behind
    } else {
        MetricStatus::OnTrack
    };
    DashboardMetric {
        latest: view,
        status,
        status_label: status.label(),
        overdue,
        behind,
        updated,
        history,
    }
}

/// Each department's share of the metrics, by department name.
fn department_rows(metrics: &[DashboardMetric]) -> Vec<DepartmentRow> {
    let mut by_department: BTreeMap<String, Vec<&DashboardMetric>> = BTreeMap::new();
    for m in metrics {
        let name = m
            .latest
            .department
            .clone()
            .unwrap_or_else(|| "未注明".into());
        by_department.entry(name).or_default().push(m);
    }
    by_department
        .into_iter()
        .map(|(department, ms)| {
            let rates: Vec<f64> = ms
                .iter()
                .filter_map(|m| m.history.last().and_then(|h| h.rate_value))
                .collect();
            DepartmentRow {
                department,
                metrics: ms.len(),
                completed: ms
                    .iter()
                    .filter(|m| m.status == MetricStatus::Completed)
                    .count(),
                overdue: ms.iter().filter(|m| m.overdue).count(),
                behind: ms.iter().filter(|m| m.behind).count(),
                average_rate: (!rates.is_empty())
                    .then(|| two_decimals(rates.iter().sum::<f64>() / rates.len() as f64)),
            }
        })
        .collect()
}
