//! The words of the work and the rules between them, with no I/O: who a
//! person is to a case, and how a relayed message moves from sender to
//! reader. The store persists these types; the server asks them questions.

mod case;
mod ids;
mod message;
mod role;

pub use case::{CaseStatus, LegalSituation, Membership, Party, Relationship};
pub use ids::{AccountId, CaseId, MessageId, ServiceId};
pub use message::{HoldReason, MessageStatus, TransitionError};
pub use role::Role;
