//! Referrals: a practical request sent on to a service of the directory,
//! and whether that service confirmed it took the person on (the closed
//! loop of DESIGN section 7: a referral nobody confirms is a family left
//! without help).

use serde::{Deserialize, Serialize};

crate::ids::id!(
    /// A referral.
    ReferralId
);

/// Where a referral stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralStatus {
    /// Sent; the service has not answered yet.
    Pending,
    /// The service confirmed it takes the person on.
    Confirmed,
    /// The service declined, or could not help.
    Declined,
}

/// A step the referral flow does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a referral that is {from} cannot be answered again")]
pub struct AlreadyAnswered {
    /// The current status.
    pub from: &'static str,
}

impl ReferralStatus {
    /// The stable name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Confirmed => "confirmed",
            Self::Declined => "declined",
        }
    }

    /// The service's answer: only a pending referral gets one.
    pub fn answer(self, confirmed: bool) -> Result<Self, AlreadyAnswered> {
        match self {
            Self::Pending if confirmed => Ok(Self::Confirmed),
            Self::Pending => Ok(Self::Declined),
            _ => Err(AlreadyAnswered { from: self.name() }),
        }
    }

    /// From its stable name.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "pending" => Some(Self::Pending),
            "confirmed" => Some(Self::Confirmed),
            "declined" => Some(Self::Declined),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_pending_referral_is_answered_and_only_once() {
        assert_eq!(
            ReferralStatus::Pending.answer(true),
            Ok(ReferralStatus::Confirmed)
        );
        assert_eq!(
            ReferralStatus::Pending.answer(false),
            Ok(ReferralStatus::Declined)
        );
        for done in [ReferralStatus::Confirmed, ReferralStatus::Declined] {
            for confirmed in [true, false] {
                assert!(done.answer(confirmed).is_err(), "{done:?}");
            }
        }
        for s in [
            ReferralStatus::Pending,
            ReferralStatus::Confirmed,
            ReferralStatus::Declined,
        ] {
            assert_eq!(ReferralStatus::from_name(s.name()), Some(s));
        }
        assert_eq!(ReferralStatus::from_name("lost"), None);
    }
}
