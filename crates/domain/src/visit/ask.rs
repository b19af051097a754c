//! What a relative gives when asking for a visit: the kind, the preferred
//! dates, and who visits.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// What a request says that cannot be accepted. Answered as a 400.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VisitError {
    /// At least one preferred date is needed.
    #[error("give at least one preferred date")]
    NoDates,
    /// At most [`PreferredDates::MAX`] dates.
    #[error("give at most 5 preferred dates")]
    TooManyDates,
    /// The same date and slot twice.
    #[error("a preferred date is given twice")]
    DuplicateDate,
    /// A preferred date that is not after the day of the request.
    #[error("preferred dates must be after today")]
    DateInThePast,
    /// A visit needs an adult.
    #[error("at least one adult visits")]
    NoAdult,
    /// More people than a visiting room takes.
    #[error("at most 6 visitors, minors included")]
    TooManyVisitors,
    /// A minor is under 18.
    #[error("a minor's age is 0 to 17")]
    NotAMinor,
    /// A text field is empty or too long.
    #[error("the {field} must be 1 to {max} characters")]
    Text {
        /// Which field.
        field: &'static str,
        /// Its longest length, in characters.
        max: usize,
    },
}

/// The kind of visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitKind {
    /// In the visiting room.
    Ordinary,
    /// An extended family visit without surveillance.
    ExtendedFamily,
    /// By video.
    Video,
}

/// A part of the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Slot {
    /// Before noon.
    Morning,
    /// After noon.
    Afternoon,
    /// Any time of the day.
    Any,
}

names!(VisitKind { Ordinary => "ordinary", ExtendedFamily => "extended_family", Video => "video" });
names!(Slot { Morning => "morning", Afternoon => "afternoon", Any => "any" });

/// One preferred date and part of the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreferredDate {
    /// The day.
    pub date: Date,
    /// The part of the day.
    pub slot: Slot,
}

/// The dates a relative proposes: 1 to 5, each once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct PreferredDates(Vec<PreferredDate>);

impl PreferredDates {
    /// The most dates one request proposes.
    pub const MAX: usize = 5;

    /// 1 to [`Self::MAX`] dates, none twice, each after `today`.
    pub fn new(dates: Vec<PreferredDate>, today: Date) -> Result<Self, VisitError> {
        if dates.is_empty() {
            return Err(VisitError::NoDates);
        }
        if dates.len() > Self::MAX {
            return Err(VisitError::TooManyDates);
        }
        if dates.iter().any(|d| d.date <= today) {
            return Err(VisitError::DateInThePast);
        }
        if dates
            .iter()
            .enumerate()
            .any(|(i, d)| dates[..i].contains(d))
        {
            return Err(VisitError::DuplicateDate);
        }
        Ok(Self(dates))
    }

    /// Dates read back from storage, checked when they were stored.
    pub fn stored(dates: Vec<PreferredDate>) -> Self {
        Self(dates)
    }

    /// The dates, in the order given.
    pub fn as_slice(&self) -> &[PreferredDate] {
        &self.0
    }
}

/// Who visits: how many adults, and the age of each minor. Their names are
/// in the sealed note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Visitors {
    adults: u8,
    minor_ages: Vec<u8>,
}

impl Visitors {
    /// The most people one visit takes, minors included.
    pub const MAX: usize = 6;

    /// At least one adult, at most [`Self::MAX`] people, minors aged 0 to 17.
    pub fn new(adults: u8, minor_ages: Vec<u8>) -> Result<Self, VisitError> {
        if adults == 0 {
            return Err(VisitError::NoAdult);
        }
        if usize::from(adults) + minor_ages.len() > Self::MAX {
            return Err(VisitError::TooManyVisitors);
        }
        if minor_ages.iter().any(|age| *age >= 18) {
            return Err(VisitError::NotAMinor);
        }
        Ok(Self { adults, minor_ages })
    }

    /// The number of adults.
    pub fn adults(&self) -> u8 {
        self.adults
    }

    /// The age of each minor.
    pub fn minor_ages(&self) -> &[u8] {
        &self.minor_ages
    }
}
