//! Trend reports ("veille", DESIGN section 7): monthly counts for the
//! authorities, with no personal data. Months are calendar months in
//! Brussels time, and every count under [`THRESHOLD`] is suppressed, so no
//! person can be singled out from a small cell.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Serialize, Serializer};

use crate::directory::InterventionDomain;
use crate::request::{Category, ResolutionKind};

/// Counts under this are never published.
pub const THRESHOLD: u64 = 5;
/// The longest period one report covers, in months.
pub const MAX_MONTHS: usize = 36;

/// A calendar month, `2026-11`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i16,
    month: i8,
}

/// A month or a period that cannot be reported on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// Not `YYYY-MM`, or no such month.
    #[error("{0:?} is not a month; write it as YYYY-MM")]
    NotAMonth(String),
    /// `to` comes before `from`.
    #[error("the period ends before it starts")]
    Backwards,
    /// More than [`MAX_MONTHS`] months.
    #[error("a report covers at most {MAX_MONTHS} months")]
    TooLong,
}

impl Month {
    /// The month `month` (1 to 12) of `year`, if it exists.
    pub fn new(year: i16, month: i8) -> Option<Self> {
        Date::new(year, month, 1).ok().map(|_| Self { year, month })
    }

    /// The month that holds `at` in Brussels.
    pub fn of(at: Timestamp) -> Self {
        let date = brussels().to_datetime(at).date();
        Self {
            year: date.year(),
            month: date.month(),
        }
    }

    /// The month after this one.
    pub fn next(self) -> Self {
        if self.month == 12 {
            Self {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Self {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// Its first instant: midnight on the 1st, in Brussels.
    pub fn start(self) -> Timestamp {
        Date::new(self.year, self.month, 1)
            .and_then(|d| brussels().to_timestamp(d.to_datetime(jiff::civil::Time::midnight())))
            // Every month of a representable year has a first day whose
            // midnight exists in Brussels (no DST change happens at midnight).
            .unwrap_or(Timestamp::MIN)
    }

    /// Its instants: from [`Month::start`] up to the next month's start.
    pub fn range(self) -> (Timestamp, Timestamp) {
        (self.start(), self.next().start())
    }

    /// The months from `from` to `to`, both included.
    pub fn through(from: Self, to: Self) -> Result<Vec<Self>, PeriodError> {
        if to < from {
            return Err(PeriodError::Backwards);
        }
        let mut months = vec![from];
        while months.last() != Some(&to) {
            if months.len() == MAX_MONTHS {
                return Err(PeriodError::TooLong);
            }
            let last = *months.last().unwrap_or(&from);
            months.push(last.next());
        }
        Ok(months)
    }
}

fn brussels() -> TimeZone {
    // The bundled tz database always holds it (feature tzdb-bundle-always).
    crate::brussels::zone().unwrap_or(TimeZone::UTC)
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for Month {
    type Err = PeriodError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let refuse = || PeriodError::NotAMonth(text.chars().take(20).collect());
        let (year, month) = text.split_once('-').ok_or_else(refuse)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(refuse());
        }
        let year: i16 = year.parse().map_err(|_| refuse())?;
        let month: i8 = month.parse().map_err(|_| refuse())?;
        Self::new(year, month).ok_or_else(refuse)
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A published count: the number, or nothing when it is under
/// [`THRESHOLD`] (zero included, so that an absent cell and a small one
/// look alike).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    /// At least [`THRESHOLD`].
    Shown(u64),
    /// Under [`THRESHOLD`].
    Suppressed,
}

impl Count {
    /// `n`, suppressed if under [`THRESHOLD`].
    pub fn of(n: u64) -> Self {
        if n < THRESHOLD {
            Self::Suppressed
        } else {
            Self::Shown(n)
        }
    }

    /// The number, if shown.
    pub fn shown(self) -> Option<u64> {
        match self {
            Self::Shown(n) => Some(n),
            Self::Suppressed => None,
        }
    }
}

impl Serialize for Count {
    /// A number, or `null` when suppressed.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.shown().serialize(serializer)
    }
}

/// The domain of intervention a practical request's category belongs to
/// (the domains of `domain/README.md`, as the directory names them).
pub fn domain_of(category: Category) -> InterventionDomain {
    use Category as C;
    use InterventionDomain as D;
    match category {
        C::ClothingAndLinen | C::MoneyDeposit | C::Housing | C::Other => D::PracticalRequests,
        C::DocumentsAndId | C::ContactingTheLawyer | C::CpasBenefits | C::Mutualite => {
            D::AdministrativeHelp
        }
        C::Debts => D::MoneyAndDebt,
        C::ResidenceStatus => D::ResidenceStatus,
        C::Children | C::TransportToVisits => D::FamilyTies,
    }
}

/// How a request was answered, for counting: its resolution kind, or
/// `open` while it has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Response {
    /// Not resolved (yet, or reopened).
    Open,
    /// Resolved with this kind of answer.
    Resolved(ResolutionKind),
}

impl Response {
    /// Every response, `open` first.
    pub fn all() -> impl Iterator<Item = Self> {
        std::iter::once(Self::Open).chain(ResolutionKind::ALL.iter().map(|k| Self::Resolved(*k)))
    }

    /// The stable name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Resolved(kind) => kind.name(),
        }
    }
}

impl Serialize for Response {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// One cell of the request report: how many requests filed in `month`, of
/// `category`, got `response`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RequestCell {
    /// The month the requests were filed in.
    pub month: Month,
    /// The category's domain of intervention.
    pub domain: InterventionDomain,
    /// The category.
    pub category: Category,
    /// The response.
    pub response: Response,
    /// How many, or `null` under [`THRESHOLD`].
    pub count: Count,
}

/// The whole grid for `months`: every month × category × response, in that
/// order, counted from `counted` (raw counts per cell; absent cells are
/// zero) and suppressed under [`THRESHOLD`]. Every cell is present, so an
/// empty cell and a small one look alike.
pub fn request_grid(
    months: &[Month],
    counted: &std::collections::HashMap<(Month, Category, Response), u64>,
) -> Vec<RequestCell> {
    let mut cells = Vec::new();
    for month in months {
        for category in Category::ALL {
            for response in Response::all() {
                let n = counted
                    .get(&(*month, *category, response))
                    .copied()
                    .unwrap_or(0);
                cells.push(RequestCell {
                    month: *month,
                    domain: domain_of(*category),
                    category: *category,
                    response,
                    count: Count::of(n),
                });
            }
        }
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_print_and_refuse_what_is_not_a_month() {
        let november: Month = "2026-11".parse().unwrap();
        assert_eq!(november.to_string(), "2026-11");
        assert_eq!(november.next().to_string(), "2026-12");
        assert_eq!(november.next().next().to_string(), "2027-01");
        for bad in [
            "2026-13",
            "2026-00",
            "26-11",
            "2026-1",
            "2026/11",
            "",
            "2026-11-01",
        ] {
            assert!(bad.parse::<Month>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_month_runs_from_midnight_to_midnight_in_brussels_across_dst() {
        // March 2026: CET (+01:00) at its start; April starts in CEST (+02:00).
        let march: Month = "2026-03".parse().unwrap();
        let (start, end) = march.range();
        assert_eq!(start, "2026-02-28T23:00:00Z".parse().unwrap());
        assert_eq!(end, "2026-03-31T22:00:00Z".parse().unwrap());
        // An instant one second before April, Brussels time, is in March.
        assert_eq!(Month::of("2026-03-31T21:59:59Z".parse().unwrap()), march);
        assert_eq!(
            Month::of("2026-03-31T22:00:00Z".parse().unwrap()).to_string(),
            "2026-04"
        );
        // October's end is back in CET.
        let october: Month = "2026-10".parse().unwrap();
        assert_eq!(october.range().1, "2026-10-31T23:00:00Z".parse().unwrap());
    }

    #[test]
    fn a_period_is_forwards_and_at_most_three_years() {
        let from: Month = "2025-11".parse().unwrap();
        let to: Month = "2026-02".parse().unwrap();
        let months: Vec<String> = Month::through(from, to)
            .unwrap()
            .iter()
            .map(Month::to_string)
            .collect();
        assert_eq!(months, ["2025-11", "2025-12", "2026-01", "2026-02"]);
        assert_eq!(Month::through(to, from), Err(PeriodError::Backwards));
        let far: Month = "2028-11".parse().unwrap();
        assert_eq!(Month::through(from, far), Err(PeriodError::TooLong));
        let edge: Month = "2028-10".parse().unwrap();
        assert_eq!(Month::through(from, edge).unwrap().len(), MAX_MONTHS);
    }

    #[test]
    fn the_grid_holds_every_cell_and_shows_only_counts_of_five_or_more() {
        let months = [Month::new(2026, 10).unwrap(), Month::new(2026, 11).unwrap()];
        let mut counted = std::collections::HashMap::new();
        let housing = (months[1], Category::Housing, Response::Open);
        let debts = (
            months[0],
            Category::Debts,
            Response::Resolved(ResolutionKind::NotPossible),
        );
        counted.insert(housing, 7);
        counted.insert(debts, 4);
        let grid = request_grid(&months, &counted);
        // 2 months x 12 categories x 5 responses.
        assert_eq!(grid.len(), 2 * 12 * 5);
        let cell = |m: Month, c: Category, r: Response| {
            grid.iter()
                .find(|x| x.month == m && x.category == c && x.response == r)
                .unwrap()
        };
        let shown = cell(housing.0, housing.1, housing.2);
        assert_eq!(shown.count, Count::Shown(7));
        assert_eq!(shown.domain, InterventionDomain::PracticalRequests);
        assert_eq!(cell(debts.0, debts.1, debts.2).count, Count::Suppressed);
        assert_eq!(
            cell(debts.0, debts.1, debts.2).domain,
            InterventionDomain::MoneyAndDebt
        );
        let visible: Vec<u64> = grid.iter().filter_map(|c| c.count.shown()).collect();
        assert_eq!(visible, vec![7], "every other cell is suppressed");
        let json = serde_json::to_value(shown).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"month": "2026-11", "domain": "practical_requests",
                "category": "housing", "response": "open", "count": 7})
        );
    }

    #[test]
    fn every_category_has_a_domain_a_person_would_expect() {
        assert_eq!(
            domain_of(Category::CpasBenefits),
            InterventionDomain::AdministrativeHelp
        );
        assert_eq!(
            domain_of(Category::Mutualite),
            InterventionDomain::AdministrativeHelp
        );
        assert_eq!(
            domain_of(Category::ContactingTheLawyer),
            InterventionDomain::AdministrativeHelp
        );
        assert_eq!(domain_of(Category::Debts), InterventionDomain::MoneyAndDebt);
        assert_eq!(
            domain_of(Category::ResidenceStatus),
            InterventionDomain::ResidenceStatus
        );
        assert_eq!(
            domain_of(Category::TransportToVisits),
            InterventionDomain::FamilyTies
        );
        assert_eq!(
            domain_of(Category::ClothingAndLinen),
            InterventionDomain::PracticalRequests
        );
    }

    #[test]
    fn counts_under_five_are_suppressed_and_serialise_as_null() {
        for n in 0..5 {
            assert_eq!(Count::of(n), Count::Suppressed, "{n}");
        }
        assert_eq!(Count::of(5), Count::Shown(5));
        assert_eq!(serde_json::to_string(&Count::of(4)).unwrap(), "null");
        assert_eq!(serde_json::to_string(&Count::of(12)).unwrap(), "12");
    }
}
