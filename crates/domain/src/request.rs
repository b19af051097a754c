//! Practical requests: categories, urgencies, the handling flow and how a
//! request is resolved (DESIGN section 5). The flow is
//! submitted → acknowledged → in progress → resolved → closed, and a closed
//! request can be reopened (back to in progress); every other step is a
//! [`RequestTransitionError`].

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::UnknownName;

crate::ids::id!(
    /// A practical request, as the server names it.
    RequestId
);

/// Declares a unit enum with stable snake_case names, `name()`, `ALL` and
/// `FromStr`.
macro_rules! named {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $text)] $variant,)+
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &[Self] = &[$(Self::$variant),+];

            /// The stable name stored and sent in JSON.
            pub const fn name(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
        }

        impl FromStr for $name {
            type Err = UnknownName;

            fn from_str(text: &str) -> Result<Self, UnknownName> {
                match text {
                    $($text => Ok(Self::$variant),)+
                    _ => Err(UnknownName),
                }
            }
        }
    };
}

named!(
    /// What a practical request is about (DESIGN section 5).
    Category {
        /// Clothing and linen to bring in.
        ClothingAndLinen => "clothing_and_linen",
        /// Money to deposit on the detained person's account.
        MoneyDeposit => "money_deposit",
        /// Documents and identity papers.
        DocumentsAndId => "documents_and_id",
        /// Getting in touch with the lawyer.
        ContactingTheLawyer => "contacting_the_lawyer",
        /// Benefits from the CPAS (OCMW), the public social-welfare centre.
        CpasBenefits => "cpas_benefits",
        /// The health-insurance fund (mutualité, ziekenfonds).
        Mutualite => "mutualite",
        /// Housing.
        Housing => "housing",
        /// Debts.
        Debts => "debts",
        /// Residence status.
        ResidenceStatus => "residence_status",
        /// Children.
        Children => "children",
        /// Transport to visits.
        TransportToVisits => "transport_to_visits",
        /// Anything else.
        Other => "other",
    }
);

impl Category {
    /// The consent scope a relative needs, beyond `requests`, to see how a
    /// request of this category turned out: contact with the lawyer and
    /// residence status are procedure information (`legal`), the mutualité
    /// is care (`health`). The others need `requests` alone.
    pub fn sensitive_scope(self) -> Option<crate::Scope> {
        match self {
            Self::ContactingTheLawyer | Self::ResidenceStatus => Some(crate::Scope::Legal),
            Self::Mutualite => Some(crate::Scope::Health),
            _ => None,
        }
    }
}

named!(
    /// How soon a request needs an answer. The order matters: the work
    /// queue puts `Urgent` first, `Low` last.
    Urgency {
        /// Can wait.
        Low => "low",
        /// The usual.
        Normal => "normal",
        /// Soon.
        High => "high",
        /// Now.
        Urgent => "urgent",
    }
);

named!(
    /// The kind of answer a request got, without its reason: what trend
    /// reports count.
    ResolutionKind {
        /// The worker answered it.
        AnsweredDirectly => "answered_directly",
        /// Referred to a professional service.
        ProfessionalService => "professional_service",
        /// Referred to a solidarity initiative.
        SolidarityInitiative => "solidarity_initiative",
        /// Not possible, with a reason.
        NotPossible => "not_possible",
    }
);

/// How a request was resolved: one of the four answers of DESIGN section 5.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Resolution {
    /// The worker answered it.
    AnsweredDirectly,
    /// Referred to a professional service (the referral itself is recorded
    /// elsewhere).
    ProfessionalService,
    /// Referred to a solidarity initiative.
    SolidarityInitiative,
    /// Not possible, and why.
    NotPossible {
        /// Why.
        reason: NotPossibleReason,
    },
}

impl Resolution {
    /// Its kind, without the reason.
    pub fn kind(&self) -> ResolutionKind {
        match self {
            Self::AnsweredDirectly => ResolutionKind::AnsweredDirectly,
            Self::ProfessionalService => ResolutionKind::ProfessionalService,
            Self::SolidarityInitiative => ResolutionKind::SolidarityInitiative,
            Self::NotPossible { .. } => ResolutionKind::NotPossible,
        }
    }

    /// Builds one back from its kind and reason: a reason goes with
    /// `not_possible` and with nothing else.
    pub fn from_parts(
        kind: ResolutionKind,
        reason: Option<&str>,
    ) -> Result<Self, RequestTransitionError> {
        match (kind, reason) {
            (ResolutionKind::NotPossible, Some(reason)) => Ok(Self::NotPossible {
                reason: NotPossibleReason::new(reason)?,
            }),
            (ResolutionKind::AnsweredDirectly, None) => Ok(Self::AnsweredDirectly),
            (ResolutionKind::ProfessionalService, None) => Ok(Self::ProfessionalService),
            (ResolutionKind::SolidarityInitiative, None) => Ok(Self::SolidarityInitiative),
            _ => Err(RequestTransitionError::InvalidReason),
        }
    }

    /// The reason, for `not_possible`.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Self::NotPossible { reason } => Some(reason.as_str()),
            _ => None,
        }
    }
}

/// Why a request is not possible. The author sees it (with consent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String")]
pub struct NotPossibleReason(String);

impl NotPossibleReason {
    /// The longest reason accepted, in characters.
    pub const MAX_CHARS: usize = 500;

    /// A reason of 1 to [`Self::MAX_CHARS`] characters, trimmed.
    pub fn new(text: &str) -> Result<Self, RequestTransitionError> {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > Self::MAX_CHARS {
            return Err(RequestTransitionError::InvalidReason);
        }
        Ok(Self(text.to_owned()))
    }

    /// The reason's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for NotPossibleReason {
    type Error = RequestTransitionError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::new(&text)
    }
}

/// Where a request stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestStatus {
    /// Filed; nobody has looked at it yet.
    Submitted,
    /// A worker has seen it and said so.
    Acknowledged,
    /// A worker is on it (also after a reopening).
    InProgress,
    /// Answered, one of the four ways.
    Resolved(Resolution),
    /// Done with; can be reopened.
    Closed(Resolution),
}

/// A step the request flow does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RequestTransitionError {
    /// The request is not in a state where this step makes sense.
    #[error("a request that is {from} cannot be {action}")]
    NotAllowed {
        /// The current status.
        from: &'static str,
        /// The attempted step.
        action: &'static str,
    },
    /// A `not_possible` reason must be 1 to 500 characters, and only
    /// `not_possible` has one.
    #[error("a not_possible resolution needs a reason of 1 to 500 characters, and only it has one")]
    InvalidReason,
}

impl RequestStatus {
    /// Every status name, in flow order.
    pub const NAMES: [&'static str; 5] = [
        "submitted",
        "acknowledged",
        "in_progress",
        "resolved",
        "closed",
    ];

    /// The stable name stored and sent in JSON.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Acknowledged => "acknowledged",
            Self::InProgress => "in_progress",
            Self::Resolved(_) => "resolved",
            Self::Closed(_) => "closed",
        }
    }

    /// The resolution, once resolved (and while closed).
    pub fn resolution(&self) -> Option<&Resolution> {
        match self {
            Self::Resolved(r) | Self::Closed(r) => Some(r),
            _ => None,
        }
    }

    /// Builds a status back from its name and resolution; `None` when they
    /// do not fit together.
    pub fn from_parts(name: &str, resolution: Option<Resolution>) -> Option<Self> {
        match (name, resolution) {
            ("submitted", None) => Some(Self::Submitted),
            ("acknowledged", None) => Some(Self::Acknowledged),
            ("in_progress", None) => Some(Self::InProgress),
            ("resolved", Some(r)) => Some(Self::Resolved(r)),
            ("closed", Some(r)) => Some(Self::Closed(r)),
            _ => None,
        }
    }

    fn refuse(&self, action: &'static str) -> RequestTransitionError {
        RequestTransitionError::NotAllowed {
            from: self.name(),
            action,
        }
    }

    /// A worker says the request was seen: from submitted only.
    pub fn acknowledge(&self) -> Result<Self, RequestTransitionError> {
        match self {
            Self::Submitted => Ok(Self::Acknowledged),
            _ => Err(self.refuse("acknowledged")),
        }
    }

    /// A worker starts on it: from acknowledged only.
    pub fn start(&self) -> Result<Self, RequestTransitionError> {
        match self {
            Self::Acknowledged => Ok(Self::InProgress),
            _ => Err(self.refuse("started")),
        }
    }

    /// A worker resolves it: from in progress only.
    pub fn resolve(&self, resolution: Resolution) -> Result<Self, RequestTransitionError> {
        match self {
            Self::InProgress => Ok(Self::Resolved(resolution)),
            _ => Err(self.refuse("resolved")),
        }
    }

    /// It is closed, keeping its resolution: from resolved only.
    pub fn close(&self) -> Result<Self, RequestTransitionError> {
        match self {
            Self::Resolved(r) => Ok(Self::Closed(r.clone())),
            _ => Err(self.refuse("closed")),
        }
    }

    /// A closed request is reopened: back to in progress, its old
    /// resolution dropped (it will be resolved again).
    pub fn reopen(&self) -> Result<Self, RequestTransitionError> {
        match self {
            Self::Closed(_) => Ok(Self::InProgress),
            _ => Err(self.refuse("reopened")),
        }
    }
}
