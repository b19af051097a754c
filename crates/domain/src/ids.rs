//! Identifiers: UUIDs with a type each, so an account id can never be
//! passed where a case id is expected.

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(crate = "::serde", transparent)]
        pub struct $name(::uuid::Uuid);

        impl $name {
            /// A new random (version 4) id.
            pub fn random() -> Self {
                Self(::uuid::Uuid::new_v4())
            }

            /// Wraps an existing UUID.
            pub const fn from_uuid(uuid: ::uuid::Uuid) -> Self {
                Self(uuid)
            }

            /// The UUID.
            pub const fn as_uuid(&self) -> ::uuid::Uuid {
                self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.0, f)
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                ::uuid::Uuid::parse_str(s).map(Self)
            }
        }
    };
}

/// Other modules declare their own ids with it.
pub(crate) use id;

id!(
    /// A person's account.
    AccountId
);
id!(
    /// A service (organisation) that runs cases.
    ServiceId
);
id!(
    /// A case ("dossier"), centred on one detained person.
    CaseId
);
id!(
    /// A stored message, as the server names it.
    MessageId
);

impl MessageId {
    /// A new time-ordered (version 7) id, for the server to name a message
    /// it stores: ids of messages stored together sit together in the
    /// index, so a batch of inserts writes a few index pages instead of one
    /// per message. The time it carries is the one `created_at` shows.
    pub fn time_ordered() -> Self {
        Self(::uuid::Uuid::now_v7())
    }
}

id!(
    /// One record in a case's consent history.
    ConsentId
);
id!(
    /// A no-contact restriction.
    RestrictionId
);

#[cfg(test)]
mod tests {
    use super::MessageId;

    #[test]
    fn message_ids_made_in_turn_sort_in_turn() {
        let ids: Vec<MessageId> = (0..1000).map(|_| MessageId::time_ordered()).collect();
        assert!(ids.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(ids.iter().all(|id| id.as_uuid().get_version_num() == 7));
    }
}
