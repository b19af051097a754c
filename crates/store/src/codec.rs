//! Conversions between domain values and their stored forms, shared by both
//! engines so that the two databases hold the same words.

use jiff::Timestamp;
use passerelle_domain::{
    CaseStatus, ConsentChange, ConsentMethod, HoldReason, LegalSituation, Membership,
    MessageStatus, Relationship, RestrictionKind, Role, Scopes,
};

use crate::StoreError;

/// Times are stored as microseconds since the Unix epoch.
pub fn micros(t: Timestamp) -> i64 {
    t.as_microsecond()
}

pub fn timestamp(us: i64) -> Result<Timestamp, StoreError> {
    Timestamp::from_microsecond(us).map_err(|_| StoreError::Corrupt("timestamp out of range"))
}

macro_rules! text_enum {
    ($ty:ty, $to:ident, $from:ident, { $($variant:path => $text:literal),+ $(,)? }) => {
        pub fn $to(value: $ty) -> &'static str {
            match value { $($variant => $text),+ }
        }

        pub fn $from(text: &str) -> Result<$ty, StoreError> {
            match text {
                $($text => Ok($variant),)+
                _ => Err(StoreError::Corrupt(concat!("unknown ", stringify!($ty)))),
            }
        }
    };
}

text_enum!(Role, role_text, role_from, {
    Role::Coordinator => "coordinator",
    Role::Worker => "worker",
    Role::Relative => "relative",
    Role::Detainee => "detainee",
});

text_enum!(LegalSituation, situation_text, situation_from, {
    LegalSituation::Charged => "charged",
    LegalSituation::Sentenced => "sentenced",
    LegalSituation::Interned => "interned",
    LegalSituation::OnLeave => "on_leave",
    LegalSituation::LimitedDetention => "limited_detention",
    LegalSituation::ElectronicMonitoring => "electronic_monitoring",
    LegalSituation::Released => "released",
});

text_enum!(CaseStatus, case_status_text, case_status_from, {
    CaseStatus::Open => "open",
    CaseStatus::Closed => "closed",
});

text_enum!(Relationship, relationship_text, relationship_from, {
    Relationship::Parent => "parent",
    Relationship::Partner => "partner",
    Relationship::Child => "child",
    Relationship::Sibling => "sibling",
    Relationship::OtherFamily => "other_family",
    Relationship::Friend => "friend",
});

/// A membership as (kind, relationship) columns.
pub fn membership_columns(m: Membership) -> (&'static str, Option<&'static str>) {
    match m {
        Membership::Worker => ("worker", None),
        Membership::Detainee => ("detainee", None),
        Membership::Relative { relationship } => {
            ("relative", Some(relationship_text(relationship)))
        }
    }
}

pub fn membership_from(kind: &str, relationship: Option<&str>) -> Result<Membership, StoreError> {
    match (kind, relationship) {
        ("worker", _) => Ok(Membership::Worker),
        ("detainee", _) => Ok(Membership::Detainee),
        ("relative", Some(r)) => Ok(Membership::Relative {
            relationship: relationship_from(r)?,
        }),
        _ => Err(StoreError::Corrupt("unknown membership")),
    }
}

/// A message status as (status, hold reason, in person) columns.
pub fn status_columns(s: &MessageStatus) -> (&'static str, Option<&str>, bool) {
    match s {
        MessageStatus::PendingRelay => ("pending_relay", None, false),
        MessageStatus::Held { reason } => ("held", Some(reason.as_str()), false),
        MessageStatus::Delivered { in_person } => ("delivered", None, *in_person),
        MessageStatus::Read => ("read", None, false),
    }
}

pub fn status_from(
    status: &str,
    reason: Option<String>,
    in_person: bool,
) -> Result<MessageStatus, StoreError> {
    match status {
        "pending_relay" => Ok(MessageStatus::PendingRelay),
        "held" => Ok(MessageStatus::Held {
            reason: HoldReason::new(reason.as_deref().unwrap_or_default())
                .map_err(|_| StoreError::Corrupt("held message without a reason"))?,
        }),
        "delivered" => Ok(MessageStatus::Delivered { in_person }),
        "read" => Ok(MessageStatus::Read),
        _ => Err(StoreError::Corrupt("unknown message status")),
    }
}

pub fn languages_text(languages: &[String]) -> String {
    languages.join(",")
}

pub fn languages_from(text: &str) -> Vec<String> {
    text.split(',')
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

pub fn date_from(text: Option<String>) -> Result<Option<jiff::civil::Date>, StoreError> {
    text.map(|t| t.parse().map_err(|_| StoreError::Corrupt("bad date")))
        .transpose()
}

pub fn key_from(bytes: Vec<u8>) -> Result<[u8; 32], StoreError> {
    bytes
        .try_into()
        .map_err(|_| StoreError::Corrupt("key of the wrong length"))
}

pub fn hash_from(bytes: &[u8; 32]) -> Vec<u8> {
    bytes.to_vec()
}

/// A consent change as (change, scopes, valid_from, valid_until) columns.
pub fn consent_columns(change: &ConsentChange) -> (&'static str, i64, Option<i64>, Option<i64>) {
    match change {
        ConsentChange::Grant {
            scopes,
            valid_from,
            valid_until,
        } => (
            "grant",
            i64::from(scopes.bits()),
            Some(micros(*valid_from)),
            valid_until.map(micros),
        ),
        ConsentChange::Revoke { scopes } => ("revoke", i64::from(scopes.bits()), None, None),
    }
}

/// A consent change back from its columns.
pub fn consent_change_from(
    change: &str,
    scopes: i64,
    valid_from: Option<i64>,
    valid_until: Option<i64>,
) -> Result<ConsentChange, StoreError> {
    let scopes = u8::try_from(scopes)
        .ok()
        .and_then(Scopes::from_bits)
        .ok_or(StoreError::Corrupt("unknown consent scopes"))?;
    match (change, valid_from) {
        ("grant", Some(from)) => Ok(ConsentChange::Grant {
            scopes,
            valid_from: timestamp(from)?,
            valid_until: valid_until.map(timestamp).transpose()?,
        }),
        ("revoke", _) => Ok(ConsentChange::Revoke { scopes }),
        _ => Err(StoreError::Corrupt("unknown consent change")),
    }
}

/// A consent method back from its text.
pub fn method_from(text: &str) -> Result<ConsentMethod, StoreError> {
    text.parse()
        .map_err(|_| StoreError::Corrupt("unknown consent method"))
}

/// A restriction kind back from its text.
pub fn restriction_kind_from(text: &str) -> Result<RestrictionKind, StoreError> {
    text.parse()
        .map_err(|_| StoreError::Corrupt("unknown restriction kind"))
}

/// An optional 32-byte hash back from its column.
pub fn hash32_from(bytes: Option<Vec<u8>>) -> Result<Option<[u8; 32]>, StoreError> {
    bytes
        .map(|b| {
            <[u8; 32]>::try_from(b.as_slice()).map_err(|_| StoreError::Corrupt("bad hash length"))
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_survives_its_columns() {
        let all = [
            MessageStatus::PendingRelay,
            MessageStatus::Held {
                reason: HoldReason::new("à revoir").unwrap(),
            },
            MessageStatus::Delivered { in_person: true },
            MessageStatus::Delivered { in_person: false },
            MessageStatus::Read,
        ];
        for status in all {
            let (s, r, p) = status_columns(&status);
            assert_eq!(status_from(s, r.map(str::to_owned), p).unwrap(), status);
        }
        assert!(status_from("lost", None, false).is_err());
    }

    #[test]
    fn every_membership_survives_its_columns() {
        for m in [
            Membership::Worker,
            Membership::Detainee,
            Membership::Relative {
                relationship: Relationship::Sibling,
            },
        ] {
            let (k, r) = membership_columns(m);
            assert_eq!(membership_from(k, r).unwrap(), m);
        }
    }
}
