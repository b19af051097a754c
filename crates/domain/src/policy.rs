//! The one policy function (DESIGN section 3): may this actor do this to
//! this case now? Every endpoint asks it, and nothing else grants access.
//! It is pure: the caller gathers the facts, the function only decides.

use jiff::Timestamp;
use serde::Serialize;

use crate::consent::{ConsentRecord, Restriction, Scope, effective_scopes};
use crate::{AccountId, Membership, Role, ServiceId};

/// Who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    /// The account.
    pub account: AccountId,
    /// Its role.
    pub role: Role,
    /// Its service, for staff.
    pub service: Option<ServiceId>,
    /// What it is to the case, if anything.
    pub membership: Option<Membership>,
}

/// What the actor wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// See that the case exists, the detained person's name and one's own
    /// place in it.
    ViewCase,
    /// List the case's parties (each one then filtered by
    /// [`Action::SeeRelative`]).
    ViewParties,
    /// See that a relative is linked to the case, and who they are.
    SeeRelative(AccountId),
    /// See items of one kind about the detained person: case status,
    /// release plan, request outcomes, health or legal information.
    See(Scope),
    /// Contact between the detained person and `relative`, of the kind
    /// `scope` names (messages or visits), in either direction: the
    /// relative writing or being written to, a visit being asked for, a
    /// worker relaying.
    Contact {
        /// The relative on the other side.
        relative: AccountId,
        /// `messages` or `visits`.
        scope: Scope,
    },
    /// Case work that only its workers do: relaying and holding, invitations,
    /// consent records, restrictions, assignments.
    Manage,
    /// Export the case's audit trail.
    ExportAudit,
    /// Ask the service for practical help about the detained person (file
    /// a practical request, and follow one's own). No consent scope is
    /// needed; a restriction bars a relative.
    Ask,
}

/// The case's facts that decisions rest on.
#[derive(Debug, Clone, Copy)]
pub struct CaseFacts<'a> {
    /// The service that runs the case.
    pub service: ServiceId,
    /// The case's consent history, oldest first.
    pub consents: &'a [ConsentRecord],
    /// The case's restrictions, lifted ones included.
    pub restrictions: &'a [Restriction],
}

impl CaseFacts<'_> {
    fn restricted(&self, relative: AccountId, at: Timestamp) -> bool {
        self.restrictions
            .iter()
            .any(|r| r.relative == relative && r.active_at(at))
    }

    /// Whether the detained person and `relative` may be in contact of kind
    /// `scope` at `at`: no restriction, and consent. The answer does not
    /// depend on who asks, so live events and listings can use it for every
    /// party at once.
    pub fn contact(&self, relative: AccountId, scope: Scope, at: Timestamp) -> Decision {
        if self.restricted(relative, at) {
            Decision::Deny(Denial::Restricted)
        } else if effective_scopes(self.consents, relative, at).contains(scope) {
            Decision::Allow
        } else {
            Decision::Deny(Denial::NoConsent(scope))
        }
    }
}

/// The answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Go ahead.
    Allow,
    /// No, for this reason.
    Deny(Denial),
}

impl Decision {
    /// Whether it allows.
    pub fn is_allowed(self) -> bool {
        self == Self::Allow
    }
}

/// Why an action is denied. The reason is for the audit trail and for
/// staff: people on the other side of a restriction are told only that the
/// person is not available, never why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", content = "scope", rename_all = "snake_case")]
pub enum Denial {
    /// The actor is not linked to the case: answer as if it did not exist.
    NotAParty,
    /// The actor's role does not do this.
    NotPermitted,
    /// The detained person has not consented to this scope for the relative,
    /// or the consent is revoked, expired or not yet valid.
    NoConsent(Scope),
    /// A restriction bars contact between the relative and the detained
    /// person.
    Restricted,
}

impl Denial {
    /// A short stable name, for the audit trail.
    pub fn code(self) -> &'static str {
        match self {
            Self::NotAParty => "not_a_party",
            Self::NotPermitted => "not_permitted",
            Self::NoConsent(_) => "no_consent",
            Self::Restricted => "restricted",
        }
    }
}

/// Decides whether `actor` may do `action` on the case described by `case`
/// at time `at`. The default is deny; a restriction overrides consent.
pub fn decide(actor: &Actor, action: Action, case: &CaseFacts<'_>, at: Timestamp) -> Decision {
    use Decision::{Allow, Deny};

    if action == Action::ExportAudit {
        // The trail is the service's record of its own work: its coordinator
        // exports it, assigned or not, and nobody else does.
        let coordinator_here =
            actor.role == Role::Coordinator && actor.service == Some(case.service);
        return match (coordinator_here, actor.membership) {
            (true, _) => Allow,
            (false, None) => Deny(Denial::NotAParty),
            (false, Some(_)) => Deny(Denial::NotPermitted),
        };
    }
    let Some(membership) = actor.membership else {
        return Deny(Denial::NotAParty);
    };
    match membership {
        Membership::Worker => match action {
            Action::Contact { relative, scope } => case.contact(relative, scope, at),
            _ => Allow,
        },
        Membership::Detainee => match action {
            Action::ViewCase | Action::ViewParties | Action::See(_) | Action::Ask => Allow,
            // A protected relative's existence is never revealed.
            Action::SeeRelative(relative) if case.restricted(relative, at) => {
                Deny(Denial::Restricted)
            }
            Action::SeeRelative(_) => Allow,
            Action::Contact { relative, scope } => case.contact(relative, scope, at),
            Action::Manage | Action::ExportAudit => Deny(Denial::NotPermitted),
        },
        Membership::Relative { .. } => match action {
            Action::ViewCase | Action::ViewParties => Allow,
            Action::Ask if case.restricted(actor.account, at) => Deny(Denial::Restricted),
            Action::Ask => Allow,
            // Relatives never see one another.
            Action::SeeRelative(relative) if relative == actor.account => Allow,
            Action::SeeRelative(_) => Deny(Denial::NotPermitted),
            Action::See(scope) => case.contact(actor.account, scope, at),
            Action::Contact { relative, scope } if relative == actor.account => {
                case.contact(relative, scope, at)
            }
            Action::Contact { .. } | Action::Manage | Action::ExportAudit => {
                Deny(Denial::NotPermitted)
            }
        },
    }
}
