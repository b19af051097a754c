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
pub const TIME_ZONE: &str = "Europe/Brussels";

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
mod tests {
    use super::*;

    fn t(s: &str) -> ClockTime {
        s.parse().unwrap()
    }

    fn week(day: Day, ranges: &[(&str, &str)]) -> OpeningHours {
        OpeningHours(vec![DayHours {
            day,
            ranges: ranges
                .iter()
                .map(|(o, c)| TimeRange {
                    opens: t(o),
                    closes: t(c),
                })
                .collect(),
        }])
    }

    fn open(hours: &OpeningHours, utc: &str) -> bool {
        hours.is_open_at(&BrusselsTime::at(utc.parse().unwrap()).unwrap())
    }

    #[test]
    fn clock_times_parse_only_hh_mm() {
        assert_eq!(t("09:05").minutes(), 545);
        assert_eq!(t("24:00"), ClockTime::END_OF_DAY);
        assert_eq!(t("10:00:00").minutes(), 600);
        for bad in [
            "9:00",
            "09:60",
            "24:01",
            "25:00",
            "09:00Z",
            "09:00+01:00",
            "09:00:30",
            "",
            "ab:cd",
            "-1:00",
        ] {
            assert!(bad.parse::<ClockTime>().is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn ranges_that_cross_midnight_or_overlap_are_refused() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("22:00", "02:00")], "cross midnight"),
            (&[("09:00", "09:00")], "closes before it opens"),
            (&[("24:00", "24:00")], "closes before it opens"),
            (&[("09:00", "12:00"), ("11:00", "14:00")], "overlaps"),
            (&[], "at least one range"),
        ];
        for (ranges, reason) in cases {
            let error = week(Day::Monday, ranges).validated().unwrap_err();
            assert_eq!(error.field, "hours.monday");
            assert!(
                error.reason.contains(reason),
                "{ranges:?}: {}",
                error.reason
            );
        }
        let seven: Vec<_> = (0..7)
            .map(|h| (format!("0{h}:00"), format!("0{h}:30")))
            .collect();
        let seven: Vec<(&str, &str)> = seven
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        assert!(
            week(Day::Monday, &seven)
                .validated()
                .unwrap_err()
                .reason
                .contains("at most")
        );
    }

    #[test]
    fn a_day_listed_twice_is_refused_and_order_is_canonical() {
        let mut twice = week(Day::Friday, &[("09:00", "10:00")]);
        twice
            .0
            .push(week(Day::Friday, &[("11:00", "12:00")]).0.remove(0));
        assert!(twice.validated().unwrap_err().reason.contains("twice"));

        let mut messy = week(Day::Friday, &[("14:00", "16:00"), ("09:00", "12:00")]);
        messy
            .0
            .insert(0, week(Day::Sunday, &[("10:00", "11:00")]).0.remove(0));
        messy
            .0
            .push(week(Day::Monday, &[("10:00", "11:00")]).0.remove(0));
        let clean = messy.validated().unwrap();
        let days: Vec<Day> = clean.0.iter().map(|d| d.day).collect();
        assert_eq!(days, [Day::Monday, Day::Friday, Day::Sunday]);
        assert_eq!(clean.0[1].ranges[0].opens, t("09:00"));
    }

    #[test]
    fn open_now_follows_brussels_winter_and_summer_time() {
        let monday = week(Day::Monday, &[("09:00", "12:00")]);
        // Winter (UTC+1): 09:00 in Brussels is 08:00 UTC.
        assert!(!open(&monday, "2026-01-05T07:59:00Z"));
        assert!(open(&monday, "2026-01-05T08:00:00Z"));
        assert!(!open(&monday, "2026-01-05T11:00:00Z"));
        // Summer (UTC+2): 09:00 in Brussels is 07:00 UTC.
        assert!(open(&monday, "2026-07-06T07:00:00Z"));
        assert!(!open(&monday, "2026-07-06T10:00:00Z"));
    }

    #[test]
    fn open_now_is_right_on_the_march_switch() {
        // Sunday 29 March 2026: clocks jump from 02:00 to 03:00.
        let sunday = week(Day::Sunday, &[("03:00", "04:00")]);
        // 00:30 UTC is 01:30 CET: before the opening.
        assert!(!open(&sunday, "2026-03-29T00:30:00Z"));
        // 01:00 UTC is 03:00 CEST: the service just opened.
        assert!(open(&sunday, "2026-03-29T01:00:00Z"));
        // 02:00 UTC is 04:00 CEST: closed again.
        assert!(!open(&sunday, "2026-03-29T02:00:00Z"));
        // The Monday after: 09:00 local is now 07:00 UTC.
        let monday = week(Day::Monday, &[("09:00", "10:00")]);
        assert!(open(&monday, "2026-03-30T07:00:00Z"));
        assert!(!open(&monday, "2026-03-30T08:00:00Z"));
    }

    #[test]
    fn open_now_is_right_on_the_october_switch() {
        // Sunday 25 October 2026: clocks go back from 03:00 to 02:00, so
        // 02:00–03:00 local happens twice.
        let sunday = week(Day::Sunday, &[("02:00", "03:00")]);
        assert!(open(&sunday, "2026-10-25T00:00:00Z")); // 02:00 CEST
        assert!(open(&sunday, "2026-10-25T01:00:00Z")); // 02:00 CET
        assert!(!open(&sunday, "2026-10-25T02:00:00Z")); // 03:00 CET
        // The Monday after: 09:00 local is 08:00 UTC, no longer 07:00.
        let monday = week(Day::Monday, &[("09:00", "10:00")]);
        assert!(!open(&monday, "2026-10-26T07:30:00Z"));
        assert!(open(&monday, "2026-10-26T08:00:00Z"));
    }

    #[test]
    fn a_night_split_at_midnight_is_open_on_both_sides() {
        let mut night = week(Day::Friday, &[("22:00", "24:00")]);
        night
            .0
            .push(week(Day::Saturday, &[("00:00", "02:00")]).0.remove(0));
        let night = night.validated().unwrap();
        assert!(open(&night, "2026-01-09T22:59:00Z")); // Friday 23:59
        assert!(open(&night, "2026-01-09T23:00:00Z")); // Saturday 00:00
        assert!(!open(&night, "2026-01-10T01:00:00Z")); // Saturday 02:00
    }

    #[test]
    fn times_serialise_as_hh_mm() {
        let json = serde_json::to_string(&week(Day::Monday, &[("09:00", "24:00")])).unwrap();
        assert_eq!(
            json,
            r#"[{"day":"monday","ranges":[{"opens":"09:00","closes":"24:00"}]}]"#
        );
        assert!(
            serde_json::from_str::<OpeningHours>(
                r#"[{"day":"monday","ranges":[{"opens":"9h","closes":"10:00"}]}]"#
            )
            .is_err()
        );
        assert!(serde_json::from_str::<OpeningHours>(r#"[{"day":"funday","ranges":[]}]"#).is_err());
    }
}
