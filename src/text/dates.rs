//! Dates in Beijing time: parsing what editors write (`2026-03-05`, `2026-03-05 09:30`, or
//! RFC 3339 with an offset) and printing them as `2026年3月5日` or `2026-03-05 09:30`.

use jiff::Timestamp;
use jiff::civil::{self, DateTime};
use jiff::tz::{Offset, TimeZone};

/// UTC+8: China has one time zone and no daylight saving time since 1991.
pub fn beijing() -> TimeZone {
    TimeZone::fixed(Offset::constant(8))
}

/// A moment, kept as Beijing wall time. `has_time` is false when only a day was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub local: DateTime,
    pub has_time: bool,
}

impl Date {
    pub fn from_timestamp(ts: Timestamp) -> Date {
        Date {
            local: ts.to_zoned(beijing()).datetime(),
            has_time: true,
        }
    }

    pub fn timestamp(&self) -> Timestamp {
        // A fixed offset has no gaps or folds, so this conversion cannot fail in range.
        beijing()
            .to_ambiguous_timestamp(self.local)
            .compatible()
            .unwrap_or(Timestamp::UNIX_EPOCH)
    }

    /// RFC 3339 in Beijing time, e.g. `2026-03-05T09:30:00+08:00` (for feeds, sitemaps, `<time>`).
    pub fn rfc3339(&self) -> String {
        format!("{}+08:00", self.local.strftime("%Y-%m-%dT%H:%M:%S"))
    }

    /// RFC 3339 when a time was given, else just the day (`2026-03-05`): what templates get,
    /// so filters know whether there is a time to show.
    pub fn for_templates(&self) -> String {
        if self.has_time {
            self.rfc3339()
        } else {
            self.ymd()
        }
    }

    /// `2026-03-05`
    pub fn ymd(&self) -> String {
        self.local.strftime("%Y-%m-%d").to_string()
    }

    /// `2026年3月5日`, for prose (GB/T 9704: full year, no zero padding).
    pub fn chinese(&self) -> String {
        format!(
            "{}年{}月{}日",
            self.local.year(),
            self.local.month(),
            self.local.day()
        )
    }

    /// `2026-03-05 09:30` for metadata, or `2026-03-05` when no time was given.
    pub fn metadata(&self) -> String {
        if self.has_time {
            self.local.strftime("%Y-%m-%d %H:%M").to_string()
        } else {
            self.ymd()
        }
    }
}

/// Parses `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]`, or either with `T` and an offset (`Z`, `+08:00`).
/// The error is a reason in Chinese, e.g. `2026年2月没有30日`.
pub fn parse(text: &str) -> Result<Date, String> {
    let text = text.trim();
    let (day_part, rest) = text.split_at(text.find(['T', ' ']).unwrap_or(text.len()));
    let date = parse_day(day_part)?;
    let rest = rest.get(1..).unwrap_or("").trim();
    if rest.is_empty() {
        let local = date.to_datetime(civil::Time::midnight());
        return Ok(Date {
            local,
            has_time: false,
        });
    }
    let (time_part, offset) = split_offset(rest)?;
    let time = parse_time(time_part)?;
    let local = date.to_datetime(time);
    match offset {
        None => Ok(Date {
            local,
            has_time: true,
        }),
        Some(offset) => {
            let ts = offset
                .to_timestamp(local)
                .map_err(|_| "超出可表示的时间范围".to_string())?;
            Ok(Date::from_timestamp(ts))
        }
    }
}

fn parse_day(s: &str) -> Result<civil::Date, String> {
    let parts: Vec<&str> = s.split('-').collect();
    let well_formed = parts.len() == 3
        && parts[0].len() == 4
        && parts[1].len() == 2
        && parts[2].len() == 2
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()));
    if !well_formed {
        return Err("格式应为 YYYY-MM-DD（月和日用两位数字）".into());
    }
    let num = |p: &str| p.parse::<i16>().map_err(|_| "数字无效".to_string());
    let (y, m, d) = (num(parts[0])?, num(parts[1])?, num(parts[2])?);
    if !(1..=12).contains(&m) {
        return Err(format!("没有{m}月"));
    }
    civil::Date::new(y, m as i8, d as i8).map_err(|_| format!("{y}年{m}月没有{d}日"))
}

fn parse_time(s: &str) -> Result<civil::Time, String> {
    let parts: Vec<&str> = s.split(':').collect();
    let well_formed = (parts.len() == 2 || parts.len() == 3)
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()));
    if !well_formed {
        return Err("时间格式应为 HH:MM 或 HH:MM:SS".into());
    }
    let num = |p: &str| p.parse::<i8>().map_err(|_| "数字无效".to_string());
    let h = num(parts[0])?;
    let m = num(parts[1])?;
    let sec = if parts.len() == 3 { num(parts[2])? } else { 0 };
    civil::Time::new(h, m, sec, 0).map_err(|_| format!("没有 {s} 这个时刻"))
}

fn split_offset(s: &str) -> Result<(&str, Option<Offset>), String> {
    if let Some(time) = s.strip_suffix('Z') {
        return Ok((time, Some(Offset::UTC)));
    }
    let Some(i) = s.rfind(['+', '-']) else {
        return Ok((s, None));
    };
    let (time, off) = s.split_at(i);
    let sign: i32 = if off.starts_with('-') { -1 } else { 1 };
    let digits: Vec<&str> = off[1..].split(':').collect();
    let valid = digits.len() == 2
        && digits
            .iter()
            .all(|d| d.len() == 2 && d.bytes().all(|b| b.is_ascii_digit()));
    if !valid {
        return Err("时区格式应为 +08:00".into());
    }
    let hours: i32 = digits[0].parse().map_err(|_| "时区无效".to_string())?;
    let minutes: i32 = digits[1].parse().map_err(|_| "时区无效".to_string())?;
    if hours > 14 || minutes > 59 {
        return Err("时区超出范围".into());
    }
    let seconds = sign * (hours * 3600 + minutes * 60);
    let offset = Offset::from_seconds(seconds).map_err(|_| "时区超出范围".to_string())?;
    Ok((time.trim(), Some(offset)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_day_and_prints_chinese() {
        let d = parse("2026-03-05").expect("valid");
        assert_eq!(d.chinese(), "2026年3月5日");
        assert_eq!(d.metadata(), "2026-03-05");
        assert_eq!(d.rfc3339(), "2026-03-05T00:00:00+08:00");
    }

    #[test]
    fn parses_time_and_offsets_into_beijing_time() {
        assert_eq!(
            parse("2026-03-05 09:30").expect("valid").metadata(),
            "2026-03-05 09:30"
        );
        assert_eq!(
            parse("2026-03-05T01:30:00Z").expect("valid").metadata(),
            "2026-03-05 09:30"
        );
        assert_eq!(
            parse("2026-03-05T09:30:00+08:00")
                .expect("valid")
                .metadata(),
            "2026-03-05 09:30"
        );
    }

    #[test]
    fn rejects_impossible_dates_with_a_reason() {
        assert_eq!(parse("2026-02-30"), Err("2026年2月没有30日".to_string()));
        assert_eq!(parse("2026-13-01"), Err("没有13月".to_string()));
        assert_eq!(
            parse("2026-3-5"),
            Err("格式应为 YYYY-MM-DD（月和日用两位数字）".to_string())
        );
        assert_eq!(
            parse("2026-03-05 25:00"),
            Err("没有 25:00 这个时刻".to_string())
        );
    }
}
