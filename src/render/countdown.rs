//! The `days_until` template function: whole days from the build's date to a date, both in
//! Beijing time, for a home page's countdown to the 测评 (`WENMING_NOW` pins the build's
//! date, so the figure is reproducible).

use jiff::Timestamp;

use crate::text::dates::{self, Date};

/// Days from `now`'s calendar day to `date`'s (negative once it has passed).
pub fn days_until(now: Timestamp, date: &str) -> Result<i64, String> {
    let target =
        dates::parse(date).map_err(|reason| format!("days_until：“{date}”不是日期：{reason}"))?;
    let today = day(now);
    let span = today
        .until(target.local.date())
        .map_err(|e| format!("days_until：无法计算到“{date}”的天数：{e}"))?;
    Ok(i64::from(span.get_days()))
}

/// The calendar day of `now` in Beijing time: what `days_until` counts from.
pub fn day(now: Timestamp) -> jiff::civil::Date {
    Date::from_timestamp(now).local.date()
}

/// The first moment of the day after `now`'s (Beijing midnight), when every `days_until`
/// changes; `None` at the end of time.
pub fn next_midnight(now: Timestamp) -> Option<Timestamp> {
    let tomorrow = day(now).tomorrow().ok()?;
    let midnight = Date {
        local: tomorrow.to_datetime(jiff::civil::Time::midnight()),
        has_time: true,
    };
    Some(midnight.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        dates::parse(text)
            .map(|d| d.timestamp())
            .unwrap_or(Timestamp::UNIX_EPOCH)
    }

    #[test]
    fn counts_calendar_days_in_beijing_time() {
        // 23:30 on 21 November in Beijing is still the 21st: 10 days to 1 December.
        assert_eq!(days_until(at("2026-11-21 23:30"), "2026-12-01"), Ok(10));
        assert_eq!(days_until(at("2026-11-21 10:00"), "2026-11-21"), Ok(0));
        assert_eq!(days_until(at("2026-11-21 10:00"), "2026-11-01"), Ok(-20));
        assert_eq!(days_until(at("2026-11-21 10:00"), "2027-05-20"), Ok(180));
    }

    #[test]
    fn a_bad_date_is_an_error_naming_it() {
        let err = days_until(at("2026-11-21 10:00"), "明年五月").unwrap_err();
        assert!(err.starts_with("days_until：“明年五月”不是日期："), "{err}");
    }
}
