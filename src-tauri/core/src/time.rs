//! Time as the ledger stores it (UTC milliseconds) and as people read it (local).

use chrono::{Local, LocalResult, NaiveDate, TimeZone, Utc};

/// Local time with its offset, to the second: "2026-11-22T11:05:09+08:00".
pub fn iso(ms: i64) -> String {
    match Utc.timestamp_millis_opt(ms) {
        LocalResult::Single(t) => t
            .with_timezone(&Local)
            .format("%Y-%m-%dT%H:%M:%S%:z")
            .to_string(),
        _ => String::new(),
    }
}

/// The UTC-millisecond range [start, end) of a local calendar day.
pub fn local_day_bounds(day: NaiveDate) -> (i64, i64) {
    let start = |d: NaiveDate| {
        let midnight = d.and_hms_opt(0, 0, 0).unwrap_or_default();
        match Local.from_local_datetime(&midnight) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.timestamp_millis(),
            // A day that starts inside a DST gap: fall back to UTC midnight.
            LocalResult::None => midnight.and_utc().timestamp_millis(),
        }
    };
    let next = day.succ_opt().unwrap_or(day);
    (start(day), start(next))
}

pub fn today_bounds() -> (i64, i64) {
    local_day_bounds(Local::now().date_naive())
}
