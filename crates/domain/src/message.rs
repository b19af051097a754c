//! The relay flow of a message: `pending_relay`, then `delivered` (or
//! `held` with a reason the sender sees), then `read`.

use serde::{Deserialize, Serialize};

/// Why a worker held a message. The sender sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldReason(String);

impl HoldReason {
    /// The longest reason accepted, in characters.
    pub const MAX_CHARS: usize = 500;

    /// A reason of 1 to [`Self::MAX_CHARS`] characters, trimmed.
    pub fn new(text: &str) -> Result<Self, TransitionError> {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > Self::MAX_CHARS {
            return Err(TransitionError::InvalidReason);
        }
        Ok(Self(text.to_owned()))
    }

    /// The reason's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where a message stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum MessageStatus {
    /// Sent; waiting for a worker of the case to relay it.
    PendingRelay,
    /// Held by a worker, with a reason the sender sees. It can still be
    /// relayed once the reason is dealt with.
    Held {
        /// Why.
        reason: HoldReason,
    },
    /// Available to its addressee; `in_person` when a worker read or handed
    /// it over during a visit because the detained person has no device.
    Delivered {
        /// Delivered by a worker in person.
        in_person: bool,
    },
    /// The addressee has read it.
    Read,
}

/// A transition the relay flow does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The message is not in a state where this step makes sense.
    #[error("a message that is {from} cannot be {action}")]
    NotAllowed {
        /// The current status.
        from: &'static str,
        /// The attempted step.
        action: &'static str,
    },
    /// A hold reason must be 1 to 500 characters.
    #[error("a hold reason must be 1 to 500 characters")]
    InvalidReason,
}

impl MessageStatus {
    /// The stable name stored and sent in JSON.
    pub fn name(&self) -> &'static str {
        match self {
            Self::PendingRelay => "pending_relay",
            Self::Held { .. } => "held",
            Self::Delivered { .. } => "delivered",
            Self::Read => "read",
        }
    }

    fn refuse(&self, action: &'static str) -> TransitionError {
        TransitionError::NotAllowed {
            from: self.name(),
            action,
        }
    }

    /// A worker relays: from pending or held to delivered.
    pub fn relay(&self) -> Result<Self, TransitionError> {
        match self {
            Self::PendingRelay | Self::Held { .. } => Ok(Self::Delivered { in_person: false }),
            _ => Err(self.refuse("relayed")),
        }
    }

    /// A worker delivers in person: from pending or held to delivered.
    pub fn deliver_in_person(&self) -> Result<Self, TransitionError> {
        match self {
            Self::PendingRelay | Self::Held { .. } => Ok(Self::Delivered { in_person: true }),
            _ => Err(self.refuse("delivered in person")),
        }
    }

    /// A worker holds a pending message, or changes the reason of a held one.
    pub fn hold(&self, reason: HoldReason) -> Result<Self, TransitionError> {
        match self {
            Self::PendingRelay | Self::Held { .. } => Ok(Self::Held { reason }),
            _ => Err(self.refuse("held")),
        }
    }

    /// The addressee reads a delivered message. Reading twice is not an
    /// error: the second read changes nothing.
    pub fn read(&self) -> Result<Self, TransitionError> {
        match self {
            Self::Delivered { .. } | Self::Read => Ok(Self::Read),
            _ => Err(self.refuse("read")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held() -> MessageStatus {
        MessageStatus::Held {
            reason: HoldReason::new("contenu à vérifier avec la personne").unwrap(),
        }
    }

    const PENDING: MessageStatus = MessageStatus::PendingRelay;
    const DELIVERED: MessageStatus = MessageStatus::Delivered { in_person: false };
    const IN_PERSON: MessageStatus = MessageStatus::Delivered { in_person: true };
    const READ: MessageStatus = MessageStatus::Read;

    /// Every state × every step, with the expected outcome written out by
    /// hand: `Some(next)` or `None` for a refusal.
    #[test]
    fn every_transition_of_the_relay_flow() {
        type Step = fn(&MessageStatus) -> Result<MessageStatus, TransitionError>;
        let relay: Step = MessageStatus::relay;
        let in_person: Step = MessageStatus::deliver_in_person;
        let hold: Step = |s| s.hold(HoldReason::new("raison").unwrap());
        let read: Step = MessageStatus::read;
        let reason = || MessageStatus::Held {
            reason: HoldReason::new("raison").unwrap(),
        };
        let table: Vec<(MessageStatus, Step, Option<MessageStatus>)> = vec![
            (PENDING, relay, Some(DELIVERED)),
            (PENDING, in_person, Some(IN_PERSON)),
            (PENDING, hold, Some(reason())),
            (PENDING, read, None),
            (held(), relay, Some(DELIVERED)),
            (held(), in_person, Some(IN_PERSON)),
            (held(), hold, Some(reason())),
            (held(), read, None),
            (DELIVERED, relay, None),
            (DELIVERED, in_person, None),
            (DELIVERED, hold, None),
            (DELIVERED, read, Some(READ)),
            (IN_PERSON, read, Some(READ)),
            (IN_PERSON, hold, None),
            (READ, relay, None),
            (READ, in_person, None),
            (READ, hold, None),
            (READ, read, Some(READ)),
        ];
        for (from, step, expected) in table {
            assert_eq!(step(&from).ok(), expected, "from {from:?}");
        }
    }

    #[test]
    fn a_refusal_names_the_state_and_the_step() {
        let error = READ.relay().unwrap_err();
        assert_eq!(
            error.to_string(),
            "a message that is read cannot be relayed"
        );
    }

    #[test]
    fn hold_reasons_are_bounded() {
        assert_eq!(
            HoldReason::new("   ").unwrap_err(),
            TransitionError::InvalidReason
        );
        assert!(HoldReason::new(&"é".repeat(500)).is_ok());
        assert_eq!(
            HoldReason::new(&"é".repeat(501)).unwrap_err(),
            TransitionError::InvalidReason
        );
        assert_eq!(
            HoldReason::new("  attendre  ").unwrap().as_str(),
            "attendre"
        );
    }

    #[test]
    fn statuses_serialise_with_their_stable_names() {
        let json = serde_json::to_value(held()).unwrap();
        assert_eq!(json["status"], "held");
        assert_eq!(json["reason"], "contenu à vérifier avec la personne");
        assert_eq!(serde_json::to_value(IN_PERSON).unwrap()["in_person"], true);
        assert_eq!(
            serde_json::to_value(PENDING).unwrap()["status"],
            "pending_relay"
        );
    }

    #[test]
    fn only_workers_and_coordinators_are_staff() {
        use crate::Role;
        assert!(Role::Worker.is_staff() && Role::Coordinator.is_staff());
        assert!(!Role::Relative.is_staff() && !Role::Detainee.is_staff());
    }
}
