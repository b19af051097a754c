//! Release-preparation plans (DESIGN section 6): the release date of a case
//! and its kind, and a checklist of items due at offsets from that date
//! (identity card, housing, CPAS, ...). Due dates are civil dates in
//! Brussels, derived from the release date, so moving the release moves
//! every item. Reminders fall at 09:00 Brussels time, correct across the
//! daylight-saving switches.

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use crate::AccountId;

crate::ids::id!(
    /// A release plan.
    PlanId
);
crate::ids::id!(
    /// An item of a release plan.
    PlanItemId
);

macro_rules! names {
    ($(#[$doc:meta])* $ty:ident { $($(#[$vdoc:meta])* $variant:ident => $name:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $ty {
            $($(#[$vdoc])* $variant),*
        }

        impl $ty {
            /// Every value.
            pub const ALL: &'static [$ty] = &[$(Self::$variant),*];

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

names!(
    /// How the person leaves prison.
    ReleaseKind {
        /// At the end of the sentence.
        EndOfSentence => "end_of_sentence",
        /// Conditional release.
        ConditionalRelease => "conditional_release",
        /// Electronic monitoring.
        ElectronicMonitoring => "electronic_monitoring",
        /// Limited detention.
        LimitedDetention => "limited_detention",
        /// Provisional release.
        ProvisionalRelease => "provisional_release",
        /// Leave.
        Leave => "leave",
    }
);

names!(
    /// Where an item of the checklist stands.
    ItemStatus {
        /// Not started.
        Todo => "todo",
        /// Someone is on it.
        InProgress => "in_progress",
        /// Done (final).
        Done => "done",
        /// Not needed for this person (final).
        NotNeeded => "not_needed",
    }
);

/// A status change that the checklist does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a plan item cannot go from {} to {}", from.name(), to.name())]
pub struct ItemTransitionError {
    /// The status it is in.
    pub from: ItemStatus,
    /// The status asked for.
    pub to: ItemStatus,
}

impl ItemStatus {
    /// Whether the item needs no more work, and so no more reminders.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Done | Self::NotNeeded)
    }

    /// The status after moving to `to`: from `todo` to anything else, from
    /// `in_progress` to anything else. A finished item (`done`,
    /// `not_needed`) can be reopened, to `todo` or `in_progress`: a box
    /// ticked by mistake, or a flat that fell through, must not leave the
    /// checklist wrong. Staying where it is is not a step.
    pub fn step(self, to: ItemStatus) -> Result<ItemStatus, ItemTransitionError> {
        use ItemStatus::{Done, InProgress, NotNeeded, Todo};
        match (self, to) {
            (Todo, InProgress | Done | NotNeeded)
            | (InProgress, Todo | Done | NotNeeded)
            | (Done | NotNeeded, Todo | InProgress) => Ok(to),
            _ => Err(ItemTransitionError { from: self, to }),
        }
    }
}

/// Who carries an item out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "account", rename_all = "snake_case")]
pub enum ItemOwner {
    /// The case's workers.
    Worker,
    /// This relative.
    Relative(AccountId),
    /// The detained person.
    Detainee,
}

/// An item of a checklist template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TemplateItem {
    /// A stable key, which the interface translates.
    pub key: &'static str,
    /// Days from the release date; negative is before it.
    pub offset_days: i32,
}

/// The checklist every plan starts from.
pub const DEFAULT_TEMPLATE: &[TemplateItem] = &[
    TemplateItem {
        key: "identity_card",
        offset_days: -90,
    },
    TemplateItem {
        key: "housing",
        offset_days: -90,
    },
    TemplateItem {
        key: "cpas",
        offset_days: -30,
    },
    TemplateItem {
        key: "mutualite",
        offset_days: -30,
    },
    TemplateItem {
        key: "bank_account",
        offset_days: -30,
    },
    TemplateItem {
        key: "replacement_income",
        offset_days: -30,
    },
    TemplateItem {
        key: "treatment_continuity",
        offset_days: -14,
    },
    TemplateItem {
        key: "first_appointments",
        offset_days: 1,
    },
];

/// The furthest an offset reaches from the release date, in days.
pub const MAX_OFFSET_DAYS: i32 = 730;

/// The due date of an item `offset_days` from `release`; `None` past the
/// calendar's ends.
pub fn due_date(release: Date, offset_days: i32) -> Option<Date> {
    release.checked_add(offset_days.days()).ok()
}

/// 09:00 in Brussels, `days` from `date`.
pub fn nine_in_brussels(date: Date, days: i32) -> Option<Timestamp> {
    crate::brussels::nine_am(date, days)
}

/// A reminder kind with the day it falls on, relative to a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReminderRule {
    /// The notification kind, `reminder.item_due_7d`.
    pub kind: &'static str,
    /// Days from the due or release date.
    pub days: i32,
}

/// The reminders of an item that is not done, from its due date.
pub const ITEM_REMINDERS: &[ReminderRule] = &[
    ReminderRule {
        kind: "reminder.item_due_7d",
        days: -7,
    },
    ReminderRule {
        kind: "reminder.item_due_1d",
        days: -1,
    },
    ReminderRule {
        kind: "reminder.item_overdue",
        days: 1,
    },
];

/// The reminders of a plan, from its release date.
pub const RELEASE_REMINDERS: &[ReminderRule] = &[
    ReminderRule {
        kind: "reminder.release_30d",
        days: -30,
    },
    ReminderRule {
        kind: "reminder.release_7d",
        days: -7,
    },
    ReminderRule {
        kind: "reminder.release_1d",
        days: -1,
    },
];

/// The instants of `rules` around `date` that are still ahead of `now`.
pub fn reminder_instants(
    rules: &[ReminderRule],
    date: Date,
    now: Timestamp,
) -> Vec<(&'static str, Timestamp)> {
    rules
        .iter()
        .filter_map(|rule| Some((rule.kind, nine_in_brussels(date, rule.days)?)))
        .filter(|(_, at)| *at > now)
        .collect()
}

/// An item of a service's own checklist template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateStep {
    /// A stable key, 1 to 40 characters among `a-z`, `0-9` and `_`.
    pub key: String,
    /// Days from the release date, within [`MAX_OFFSET_DAYS`].
    pub offset_days: i32,
}

/// The most items a template holds.
pub const MAX_TEMPLATE_ITEMS: usize = 40;

/// Why a template is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// No items, or too many.
    #[error("a template has 1 to 40 items")]
    Size,
    /// A key that is empty, too long or not `a-z`, `0-9` and `_`.
    #[error("an item key is 1 to 40 characters among a-z, 0-9 and _")]
    Key,
    /// An offset too far from the release.
    #[error("an offset lies within 730 days of the release")]
    Offset,
    /// The same key twice.
    #[error("an item key appears twice")]
    Duplicate,
}

/// Checks a service's template.
pub fn check_template(steps: &[TemplateStep]) -> Result<(), TemplateError> {
    if steps.is_empty() || steps.len() > MAX_TEMPLATE_ITEMS {
        return Err(TemplateError::Size);
    }
    for (n, step) in steps.iter().enumerate() {
        let key_ok = (1..=40).contains(&step.key.len())
            && step
                .key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !key_ok {
            return Err(TemplateError::Key);
        }
        if step.offset_days.abs() > MAX_OFFSET_DAYS {
            return Err(TemplateError::Offset);
        }
        if steps[..n].iter().any(|s| s.key == step.key) {
            return Err(TemplateError::Duplicate);
        }
    }
    Ok(())
}

/// The default template as steps.
pub fn default_steps() -> Vec<TemplateStep> {
    DEFAULT_TEMPLATE
        .iter()
        .map(|t| TemplateStep {
            key: t.key.to_owned(),
            offset_days: t.offset_days,
        })
        .collect()
}
