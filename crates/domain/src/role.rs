//! The four roles of DESIGN section 1.

use serde::{Deserialize, Serialize};

/// What a person is in Passerelle. Prison staff have no role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A social worker of a member service; acts only on assigned cases.
    Worker,
    /// A worker who also runs a service: accounts, assignments, directory.
    Coordinator,
    /// Family or a close person, invited to a case by a worker.
    Relative,
    /// The detained, interned or released person at the centre of a case.
    Detainee,
}

impl Role {
    /// Workers and coordinators: the people who relay, and who are recipients
    /// of every message in the cases assigned to them.
    pub fn is_staff(self) -> bool {
        matches!(self, Self::Worker | Self::Coordinator)
    }
}
