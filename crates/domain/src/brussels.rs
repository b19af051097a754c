//! Brussels time, the one time zone the work runs on: due dates, reminders,
//! opening hours, report months and receipts are all read in it. jiff
//! carries its own copy of the time-zone database (`tzdb-bundle-always`),
//! so the zone is there even on a system without one, and daylight-saving
//! changes are the real ones.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// The zone's name in the time-zone database.
pub const NAME: &str = "Europe/Brussels";

/// The zone; `None` only if the database lacked it.
pub fn zone() -> Option<TimeZone> {
    TimeZone::get(NAME).ok()
}

/// The calendar day it is in Brussels at `at`.
pub fn today(at: Timestamp) -> Option<Date> {
    Some(zone()?.to_datetime(at).date())
}

/// 09:00 in Brussels, `days` after `date` (before it when negative), at
/// whatever offset that day has; `None` past the calendar's ends.
pub fn nine_am(date: Date, days: i32) -> Option<Timestamp> {
    let day = date.checked_add(days.days()).ok()?;
    zone()?.to_timestamp(day.at(9, 0, 0, 0)).ok()
}
