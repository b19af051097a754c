//! Visit requests: what a relative asks for, and the flow a worker takes it
//! through (DESIGN section 5): submitted, under review, forwarded to the
//! prison's visit service, then scheduled or refused, and at last done.
//! Either side may cancel a request that is not final. Names and anything
//! else personal go in the sealed note, never here.

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use crate::AccountId;

crate::ids::id!(
    /// A visit request, as the server names it.
    VisitId
);

macro_rules! names {
    ($ty:ident { $($variant:ident => $name:literal),* $(,)? }) => {
        impl $ty {
            /// The stable name stored and sent in JSON.
            pub fn name(self) -> &'static str {
                match self { $(Self::$variant => $name),* }
            }

            /// The value named `name`, if any.
            pub fn from_name(name: &str) -> Option<Self> {
                match name { $($name => Some(Self::$variant),)* _ => None }
            }
        }
    };
}

mod ask;

pub use ask::{PreferredDate, PreferredDates, Slot, VisitError, VisitKind, Visitors};

names!(Side { Relative => "relative", Worker => "worker" });

macro_rules! bounded_text {
    ($(#[$doc:meta])* $name:ident, $field:literal, $max:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The longest text accepted, in characters.
            pub const MAX_CHARS: usize = $max;

            /// A text of 1 to [`Self::MAX_CHARS`] characters, trimmed.
            pub fn new(text: &str) -> Result<Self, VisitError> {
                let text = text.trim();
                if text.is_empty() || text.chars().count() > Self::MAX_CHARS {
                    return Err(VisitError::Text { field: $field, max: $max });
                }
                Ok(Self(text.to_owned()))
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    };
}

bounded_text!(
    /// Why a visit was refused or cancelled; the relative sees it.
    Reason,
    "reason",
    500
);
bounded_text!(
    /// Where a visit takes place.
    Place,
    "place",
    200
);
bounded_text!(
    /// The visit service's own reference for a forwarded request.
    Reference,
    "reference",
    100
);

/// Which side cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The relative who asked.
    Relative,
    /// A worker of the case.
    Worker,
}

/// The recorded external step: when a worker forwarded the request to the
/// prison's visit service, who, and the service's reference if it gave one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Forwarding {
    /// When.
    pub at: Timestamp,
    /// The worker.
    pub by: AccountId,
    /// The visit service's reference.
    pub reference: Option<Reference>,
}

/// When and where a scheduled visit takes place (Brussels time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    /// The day.
    pub date: Date,
    /// The time it starts.
    pub time: Time,
    /// Where.
    pub place: Place,
}

/// Where a visit request stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum VisitStatus {
    /// Sent by the relative.
    Submitted,
    /// A worker is looking at it.
    UnderReview,
    /// Sent on to the prison's visit service.
    Forwarded(Forwarding),
    /// The visit service gave a date, a time and a place.
    Scheduled(Appointment),
    /// Refused, with a reason the relative sees. Final.
    Refused {
        /// Why.
        reason: Reason,
    },
    /// The visit took place. Final.
    Done,
    /// Cancelled by one side. Final.
    Cancelled {
        /// Which side.
        by: Side,
        /// Why, if they said.
        reason: Option<Reason>,
    },
}

/// A step the visit flow does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a visit request that is {from} cannot be {action}")]
pub struct VisitTransitionError {
    /// The current status.
    pub from: &'static str,
    /// The attempted step.
    pub action: &'static str,
}

impl VisitStatus {
    /// The stable name stored and sent in JSON.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::UnderReview => "under_review",
            Self::Forwarded(_) => "forwarded",
            Self::Scheduled(_) => "scheduled",
            Self::Refused { .. } => "refused",
            Self::Done => "done",
            Self::Cancelled { .. } => "cancelled",
        }
    }

    /// Whether nothing can follow.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            Self::Refused { .. } | Self::Done | Self::Cancelled { .. }
        )
    }

    fn refuse_step(&self, action: &'static str) -> VisitTransitionError {
        VisitTransitionError {
            from: self.name(),
            action,
        }
    }

    /// A worker takes up a submitted request.
    pub fn review(&self) -> Result<Self, VisitTransitionError> {
        match self {
            Self::Submitted => Ok(Self::UnderReview),
            _ => Err(self.refuse_step("reviewed")),
        }
    }

    /// A worker forwards a reviewed request to the visit service.
    pub fn forward(&self, forwarding: Forwarding) -> Result<Self, VisitTransitionError> {
        match self {
            Self::UnderReview => Ok(Self::Forwarded(forwarding)),
            _ => Err(self.refuse_step("forwarded")),
        }
    }

    /// A worker records the visit service's appointment, or a new one for a
    /// visit already scheduled.
    pub fn schedule(&self, appointment: Appointment) -> Result<Self, VisitTransitionError> {
        match self {
            Self::Forwarded(_) | Self::Scheduled(_) => Ok(Self::Scheduled(appointment)),
            _ => Err(self.refuse_step("scheduled")),
        }
    }

    /// A worker records a refusal: their own while reviewing, or the visit
    /// service's once forwarded.
    pub fn refuse(&self, reason: Reason) -> Result<Self, VisitTransitionError> {
        match self {
            Self::UnderReview | Self::Forwarded(_) => Ok(Self::Refused { reason }),
            _ => Err(self.refuse_step("refused")),
        }
    }

    /// A worker records that a scheduled visit took place.
    pub fn done(&self) -> Result<Self, VisitTransitionError> {
        match self {
            Self::Scheduled(_) => Ok(Self::Done),
            _ => Err(self.refuse_step("marked done")),
        }
    }

    /// Either side cancels a request that is not final.
    pub fn cancel(&self, by: Side, reason: Option<Reason>) -> Result<Self, VisitTransitionError> {
        if self.is_final() {
            return Err(self.refuse_step("cancelled"));
        }
        Ok(Self::Cancelled { by, reason })
    }
}

/// When the relative is reminded of a visit on `date`: the day before at
/// 09:00 in Brussels, whatever the daylight-saving offset that day. `None`
/// only at the edges of the calendar.
pub fn reminder_due(date: Date) -> Option<Timestamp> {
    crate::brussels::nine_am(date, -1)
}

/// The day it is in Brussels at `at`, for checking that preferred dates lie
/// ahead. `None` only if the time-zone database lacks Brussels.
pub fn brussels_today(at: Timestamp) -> Option<Date> {
    crate::brussels::today(at)
}
