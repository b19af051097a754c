//! Weekly opening hours in Brussels wall-clock time, and whether a service
//! is open at a given instant.
//!
//! A range never crosses midnight: `22:00`–`02:00` is refused. A service
//! open through the night gives two ranges, `22:00`–`24:00` on one day and
//! `00:00`–`02:00` on the next; `24:00` is accepted as a closing time only.
//! Times are local to Europe/Brussels, so a service that opens at 09:00
//! opens at 09:00 in winter and in summer; the offset is looked up in the
//! time-zone database for the instant asked about.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use jiff::civil::Weekday;
use serde::{Deserialize, Serialize};

use super::Invalid;

/// The time zone every opening time is read in.
pub const TIME_ZONE: &str = crate::brussels::NAME;

/// At most this many ranges on one day.
pub const MAX_RANGES_PER_DAY: usize = 6;

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Day {
    /// Monday.
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday.
    Friday,
    /// Saturday.
    Saturday,
    /// Sunday.
    Sunday,
}

impl Day {
    /// Monday to Sunday.
    pub const ALL: [Self; 7] = [
        Self::Monday,
        Self::Tuesday,
        Self::Wednesday,
        Self::Thursday,
        Self::Friday,
        Self::Saturday,
        Self::Sunday,
    ];

    /// The two-letter iCalendar code (`MO` … `SU`) that HSDS schedules use.
    pub fn ical(self) -> &'static str {
        match self {
            Self::Monday => "MO",
            Self::Tuesday => "TU",
            Self::Wednesday => "WE",
            Self::Thursday => "TH",
            Self::Friday => "FR",
            Self::Saturday => "SA",
            Self::Sunday => "SU",
        }
    }

    /// The day of an iCalendar code, upper case only.
    pub fn from_ical(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.ical() == code)
    }

    fn from_weekday(day: Weekday) -> Self {
        match day {
            Weekday::Monday => Self::Monday,
            Weekday::Tuesday => Self::Tuesday,
            Weekday::Wednesday => Self::Wednesday,
            Weekday::Thursday => Self::Thursday,
            Weekday::Friday => Self::Friday,
            Weekday::Saturday => Self::Saturday,
            Weekday::Sunday => Self::Sunday,
        }
    }
}

/// A wall-clock time as minutes since midnight, from `00:00` to `24:00`.
/// Written `HH:MM`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ClockTime(u16);

impl ClockTime {
    /// Midnight at the end of the day, valid only as a closing time.
    pub const END_OF_DAY: Self = Self(24 * 60);

    /// From hours and minutes; `None` past `24:00`.
    pub fn new(hours: u16, minutes: u16) -> Option<Self> {
        let total = hours.checked_mul(60)?.checked_add(minutes)?;
        (minutes < 60 && total <= 24 * 60).then_some(Self(total))
    }

    /// Minutes since midnight.
    pub fn minutes(self) -> u16 {
        self.0
    }
}

impl FromStr for ClockTime {
    type Err = String;

    /// `HH:MM`, or `HH:MM:00` as HSDS examples write it. A UTC offset or a
    /// `Z` is refused: times are Brussels local times.
    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("`{text}` is not a time of day written HH:MM");
        let hhmm = match text.len() {
            5 => text,
            8 if text.ends_with(":00") => &text[..5],
            _ => return Err(bad()),
        };
        let (h, m) = hhmm.split_once(':').ok_or_else(bad)?;
        let digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(h) || !digits(m) {
            return Err(bad());
        }
        let (h, m) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        Self::new(h, m).ok_or_else(bad)
    }
}

impl TryFrom<String> for ClockTime {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        text.parse()
    }
}

impl From<ClockTime> for String {
    fn from(time: ClockTime) -> Self {
        time.to_string()
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl fmt::Debug for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ClockTime({self})")
    }
}

/// One opening range on one day: open from `opens` (included) until
/// `closes` (excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TimeRange {
    /// Opening time.
    pub opens: ClockTime,
    /// Closing time, after the opening time on the same day.
    pub closes: ClockTime,
}

/// The ranges of one day.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DayHours {
    /// The day.
    pub day: Day,
    /// One or more ranges, in any order on input; sorted once validated.
    pub ranges: Vec<TimeRange>,
}

/// A service's regular week. Validated, it lists each day at most once, in
/// week order, with sorted ranges that neither overlap nor cross midnight.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OpeningHours(pub Vec<DayHours>);

impl OpeningHours {
    /// Checks and puts in canonical order. Refuses a day listed twice or
    /// with no range, a range that closes at or before it opens (crossing
    /// midnight included), overlapping ranges, an opening at `24:00`, and
    /// more than [`MAX_RANGES_PER_DAY`] ranges on a day.
    pub fn validated(self) -> Result<Self, Invalid> {
        let mut days = self.0;
        days.sort_by_key(|d| d.day);
        if let Some(pair) = days.windows(2).find(|w| w[0].day == w[1].day) {
            return Err(Invalid::new(
                "hours",
                format!("{:?} is listed twice", pair[0].day),
            ));
        }
        for day in &mut days {
            let field = || format!("hours.{}", serde_day(day.day));
            if day.ranges.is_empty() {
                return Err(Invalid::new(
                    field(),
                    "a listed day needs at least one range",
                ));
            }
            if day.ranges.len() > MAX_RANGES_PER_DAY {
                return Err(Invalid::new(
                    field(),
                    format!("at most {MAX_RANGES_PER_DAY} ranges a day"),
                ));
            }
            day.ranges.sort();
            for range in &day.ranges {
                if range.closes <= range.opens {
                    return Err(Invalid::new(
                        field(),
                        format!(
                            "{}–{} closes before it opens; a range may not cross midnight, split it at 24:00",
                            range.opens, range.closes
                        ),
                    ));
                }
            }
            if let Some(w) = day.ranges.windows(2).find(|w| w[1].opens < w[0].closes) {
                return Err(Invalid::new(
                    field(),
                    format!(
                        "{}–{} overlaps {}–{}",
                        w[0].opens, w[0].closes, w[1].opens, w[1].closes
                    ),
                ));
            }
        }
        Ok(Self(days))
    }

    /// Whether the service is open at `at`, read in Brussels time.
    pub fn is_open_at(&self, at: &BrusselsTime) -> bool {
        self.0
            .iter()
            .filter(|d| d.day == at.day)
            .flat_map(|d| &d.ranges)
            .any(|r| r.opens.minutes() <= at.minute && at.minute < r.closes.minutes())
    }
}

fn serde_day(day: Day) -> String {
    format!("{day:?}").to_lowercase()
}

/// An instant read on a Brussels wall clock: the day and the minute of the
/// day, computed with the time-zone database (so correct across the March
/// and October changes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BrusselsTime {
    /// The local day.
    pub day: Day,
    /// Minutes since local midnight.
    pub minute: u16,
}

impl BrusselsTime {
    /// Reads `at` in Europe/Brussels. Fails only if the bundled time-zone
    /// database lacks the zone.
    pub fn at(at: Timestamp) -> Result<Self, jiff::Error> {
        let local = at.in_tz(TIME_ZONE)?;
        let hour = u16::try_from(local.hour()).unwrap_or(0);
        let minute = u16::try_from(local.minute()).unwrap_or(0);
        Ok(Self {
            day: Day::from_weekday(local.weekday()),
            minute: hour * 60 + minute,
        })
    }
}

#[cfg(test)]
#[path = "hours_tests.rs"]
mod tests;
