//! Storage of visit requests, in the domain's words. The relative's note is
//! an envelope stored as the opaque bytes it arrived as; refusal and
//! cancellation reasons, which the server reads, are encrypted at rest.

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::{Date, Time};
use passerelle_domain::visit::{
    Appointment, Forwarding, Place, PreferredDate, PreferredDates, Reason, Reference, Side, Slot,
    VisitId, VisitKind, VisitStatus, Visitors,
};
use passerelle_domain::{AccountId, CaseId};
use uuid::Uuid;

use crate::codec::timestamp;
use crate::{AtRest, Result, StoreError};

/// A visit request to store.
#[derive(Debug, Clone)]
pub struct NewVisit {
    /// The case.
    pub case: CaseId,
    /// The relative who asks.
    pub relative: AccountId,
    /// The kind of visit.
    pub kind: VisitKind,
    /// The preferred dates.
    pub dates: PreferredDates,
    /// Who visits.
    pub visitors: Visitors,
    /// The note's own envelope id; unique per relative, so a replay is
    /// refused.
    pub envelope_id: Uuid,
    /// The note, sealed; opaque.
    pub envelope: Vec<u8>,
    /// The parties the note is sealed to.
    pub note_readers: Vec<AccountId>,
}

/// A stored visit request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitRequest {
    /// The server's id.
    pub id: VisitId,
    /// The case.
    pub case: CaseId,
    /// The relative who asked.
    pub relative: AccountId,
    /// The kind of visit.
    pub kind: VisitKind,
    /// The preferred dates.
    pub dates: PreferredDates,
    /// Who visits.
    pub visitors: Visitors,
    /// The note's envelope id.
    pub envelope_id: Uuid,
    /// The note, sealed.
    pub envelope: Vec<u8>,
    /// The parties the note is sealed to, sorted.
    pub note_readers: Vec<AccountId>,
    /// Where it stands.
    pub status: VisitStatus,
    /// The forwarding to the visit service, kept once recorded.
    pub forwarding: Option<Forwarding>,
    /// The last appointment given, kept once recorded (a done visit still
    /// says when it was).
    pub appointment: Option<Appointment>,
    /// Who made the last step, and when (the submission is the first).
    pub updated_by: AccountId,
    /// Counts the steps taken; a status change names the revision it
    /// starts from.
    pub revision: i64,
    /// When it was submitted.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// Visit requests; part of [`crate::Store`].
#[async_trait]
pub trait VisitStore: Send + Sync {
    /// Stores a submitted request; `Conflict` if the relative already used
    /// the note's envelope id.
    async fn insert_visit(&self, visit: &NewVisit, now: Timestamp) -> Result<VisitRequest>;
    /// A request by id.
    async fn visit(&self, id: VisitId) -> Result<Option<VisitRequest>>;
    /// A case's requests, newest first.
    async fn case_visits(&self, case: CaseId) -> Result<Vec<VisitRequest>>;
    /// Moves a request to `to`, made by `by`, if it is still at `revision`:
    /// otherwise `Conflict` (another worker, or the relative, acted first);
    /// `NotFound` if there is no such request. The caller checks that the
    /// step is allowed ([`VisitStatus`]'s transitions).
    async fn set_visit_status(
        &self,
        id: VisitId,
        revision: i64,
        to: &VisitStatus,
        by: AccountId,
        now: Timestamp,
    ) -> Result<VisitRequest>;
}

/// The column values a status writes. Forwarding and appointment columns
/// are written only by the status that carries them and kept afterwards.
#[derive(Debug)]
pub(crate) struct StatusColumns {
    pub status: &'static str,
    pub forwarded_at: Option<i64>,
    pub forwarded_by: Option<Uuid>,
    pub forward_reference: Option<String>,
    pub scheduled_date: Option<String>,
    pub scheduled_time: Option<String>,
    pub place: Option<String>,
    /// Encrypted at rest.
    pub reason: Option<Vec<u8>>,
    pub cancelled_side: Option<&'static str>,
}

impl StatusColumns {
    pub(crate) fn of(status: &VisitStatus, at_rest: &AtRest) -> Result<Self> {
        let mut columns = Self {
            status: status.name(),
            forwarded_at: None,
            forwarded_by: None,
            forward_reference: None,
            scheduled_date: None,
            scheduled_time: None,
            place: None,
            reason: None,
            cancelled_side: None,
        };
        match status {
            VisitStatus::Forwarded(f) => {
                columns.forwarded_at = Some(crate::codec::micros(f.at));
                columns.forwarded_by = Some(f.by.as_uuid());
                columns.forward_reference = f.reference.as_ref().map(|r| r.as_str().to_owned());
            }
            VisitStatus::Scheduled(a) => {
                columns.scheduled_date = Some(a.date.to_string());
                columns.scheduled_time = Some(a.time.to_string());
                columns.place = Some(a.place.as_str().to_owned());
            }
            VisitStatus::Refused { reason } => {
                columns.reason = Some(at_rest.seal("visits.reason", reason.as_str())?);
            }
            VisitStatus::Cancelled { by, reason } => {
                columns.cancelled_side = Some(by.name());
                columns.reason =
                    at_rest.seal_opt("visits.reason", reason.as_ref().map(Reason::as_str))?;
            }
            VisitStatus::Submitted | VisitStatus::UnderReview | VisitStatus::Done => {}
        }
        Ok(columns)
    }
}

/// Preferred dates as stored: `2026-12-01 morning,2026-12-03 any`.
pub(crate) fn dates_text(dates: &PreferredDates) -> String {
    dates
        .as_slice()
        .iter()
        .map(|d| format!("{} {}", d.date, d.slot.name()))
        .collect::<Vec<_>>()
        .join(",")
}

/// Minor ages as stored: `4,12`.
pub(crate) fn ages_text(visitors: &Visitors) -> String {
    visitors
        .minor_ages()
        .iter()
        .map(u8::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// Account ids as stored: comma-separated UUIDs.
pub(crate) fn ids_text(ids: &[AccountId]) -> String {
    ids.iter()
        .map(|id| id.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

fn corrupt(what: &'static str) -> StoreError {
    StoreError::Corrupt(what)
}

/// A `visits` row, as both engines return it.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct VisitRow {
    id: Uuid,
    case_id: Uuid,
    relative_id: Uuid,
    kind: String,
    dates: String,
    adults: i32,
    minor_ages: String,
    envelope_id: Uuid,
    envelope: Vec<u8>,
    note_readers: String,
    status: String,
    revision: i64,
    forwarded_at: Option<i64>,
    forwarded_by: Option<Uuid>,
    forward_reference: Option<String>,
    scheduled_date: Option<String>,
    scheduled_time: Option<String>,
    place: Option<String>,
    reason: Option<Vec<u8>>,
    cancelled_side: Option<String>,
    updated_by: Uuid,
    created_at: i64,
    updated_at: i64,
}

impl VisitRow {
    /// The request, with its reason decrypted.
    pub(crate) fn into_visit(self, at_rest: &AtRest) -> Result<VisitRequest> {
        let dates = self
            .dates
            .split(',')
            .map(|d| {
                let (date, slot) = d.split_once(' ').ok_or(corrupt("a preferred date"))?;
                Ok(PreferredDate {
                    date: date
                        .parse::<Date>()
                        .map_err(|_| corrupt("a preferred date"))?,
                    slot: Slot::from_name(slot).ok_or(corrupt("a slot"))?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let ages = self
            .minor_ages
            .split(',')
            .filter(|a| !a.is_empty())
            .map(|a| a.parse::<u8>().map_err(|_| corrupt("a minor's age")))
            .collect::<Result<Vec<_>>>()?;
        let adults = u8::try_from(self.adults).map_err(|_| corrupt("adults"))?;
        let mut note_readers = self
            .note_readers
            .split(',')
            .filter(|id| !id.is_empty())
            .map(|id| id.parse().map_err(|_| corrupt("a note reader")))
            .collect::<Result<Vec<AccountId>>>()?;
        note_readers.sort();
        let forwarding = match (self.forwarded_at, self.forwarded_by) {
            (Some(at), Some(by)) => Some(Forwarding {
                at: timestamp(at)?,
                by: AccountId::from_uuid(by),
                reference: self
                    .forward_reference
                    .as_deref()
                    .map(Reference::new)
                    .transpose()
                    .map_err(|_| corrupt("a reference"))?,
            }),
            (None, None) => None,
            _ => return Err(corrupt("a half-recorded forwarding")),
        };
        let appointment = match (self.scheduled_date, self.scheduled_time, self.place) {
            (Some(date), Some(time), Some(place)) => Some(Appointment {
                date: date.parse::<Date>().map_err(|_| corrupt("a visit date"))?,
                time: time.parse::<Time>().map_err(|_| corrupt("a visit time"))?,
                place: Place::new(&place).map_err(|_| corrupt("a place"))?,
            }),
            (None, None, None) => None,
            _ => return Err(corrupt("a half-recorded appointment")),
        };
        let reason = at_rest
            .open_opt("visits.reason", self.reason.as_deref())?
            .map(|r| Reason::new(&r).map_err(|_| corrupt("a reason")))
            .transpose()?;
        let status = match self.status.as_str() {
            "submitted" => VisitStatus::Submitted,
            "under_review" => VisitStatus::UnderReview,
            "forwarded" => VisitStatus::Forwarded(forwarding.clone().ok_or(corrupt("forwarded"))?),
            "scheduled" => VisitStatus::Scheduled(appointment.clone().ok_or(corrupt("scheduled"))?),
            "refused" => VisitStatus::Refused {
                reason: reason.ok_or(corrupt("a refusal without reason"))?,
            },
            "done" => VisitStatus::Done,
            "cancelled" => VisitStatus::Cancelled {
                by: self
                    .cancelled_side
                    .as_deref()
                    .and_then(Side::from_name)
                    .ok_or(corrupt("a cancelling side"))?,
                reason,
            },
            _ => return Err(corrupt("a visit status")),
        };
        Ok(VisitRequest {
            id: VisitId::from_uuid(self.id),
            case: CaseId::from_uuid(self.case_id),
            relative: AccountId::from_uuid(self.relative_id),
            kind: VisitKind::from_name(&self.kind).ok_or(corrupt("a visit kind"))?,
            dates: PreferredDates::stored(dates),
            visitors: Visitors::new(adults, ages).map_err(|_| corrupt("visitors"))?,
            envelope_id: self.envelope_id,
            envelope: self.envelope,
            note_readers,
            status,
            forwarding,
            appointment,
            updated_by: AccountId::from_uuid(self.updated_by),
            revision: self.revision,
            created_at: timestamp(self.created_at)?,
            updated_at: timestamp(self.updated_at)?,
        })
    }
}
