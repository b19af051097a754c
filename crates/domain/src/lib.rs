//! The words of the work and the rules between them, with no I/O: who a
//! person is to a case, and how a relayed message moves from sender to
//! reader, what consent and restrictions allow. The store persists these types; the server asks them questions.

pub mod brussels;
mod case;
mod consent;
pub mod directory;
mod ids;
mod message;
pub mod plan;
pub mod policy;
pub mod queue;
pub mod receipt;
pub mod referral;
pub mod report;
pub mod request;
mod role;
pub mod visit;

pub use case::{CaseStatus, LegalSituation, Membership, Party, Relationship};
pub use consent::{
    ConsentChange, ConsentMethod, ConsentRecord, Restriction, RestrictionKind, Scope, Scopes,
    UnknownName, effective_scopes,
};
pub use ids::{AccountId, CaseId, ConsentId, MessageId, RestrictionId, ServiceId};
pub use message::{HoldReason, MessageStatus, TransitionError};
pub use role::Role;
