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
