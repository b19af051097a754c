//! Live events between the people of a case: "something new for you", never
//! the content. On SQLite they stay in the process (one instance); on
//! PostgreSQL they travel through LISTEN/NOTIFY, so that a client connected
//! to one `passerelle serve` hears of a message stored by another.

use async_trait::async_trait;
use passerelle_domain::{AccountId, CaseId};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::sync::broadcast;
use uuid::Uuid;

use crate::{Result, StoreError};

/// The PostgreSQL channel the instances share.
pub const CHANNEL: &str = "passerelle_events";
/// How many events a slow subscriber may fall behind before it is told so.
const BACKLOG: usize = 1024;
/// The most bytes of events one notification carries: PostgreSQL refuses a
/// payload of 8,000 bytes or more.
const PACKET_BYTES: usize = 7_000;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A message arrived.
    MessageNew,
    /// A message's status changed.
    MessageStatus,
    /// A notification was written to the audience's inbox.
    Notification,
}

/// One event: who should hear of it, and about what. Ids only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// What happened.
    pub kind: EventKind,
    /// The case, if any.
    pub case: Option<CaseId>,
    /// The message, or the notification.
    pub object: Uuid,
    /// The accounts to tell.
    pub audience: Vec<AccountId>,
}

/// Publishes events and hands out subscriptions.
#[async_trait]
pub trait Bus: Send + Sync + 'static {
    /// Tells every subscriber, on every instance.
    async fn publish(&self, event: &Event) -> Result<()>;
    /// Tells every subscriber of several events, in order; engines may send
    /// them together.
    async fn publish_all(&self, events: &[Event]) -> Result<()> {
        for event in events {
            self.publish(event).await?;
        }
        Ok(())
    }
    /// Events from now on.
    fn subscribe(&self) -> broadcast::Receiver<Event>;
}

/// Events within one process.
#[derive(Debug)]
pub struct LocalBus {
    sender: broadcast::Sender<Event>,
}

impl Default for LocalBus {
    fn default() -> Self {
        Self {
            sender: broadcast::channel(BACKLOG).0,
        }
    }
}

#[async_trait]
impl Bus for LocalBus {
    async fn publish(&self, event: &Event) -> Result<()> {
        // No subscriber is not an error: nobody is listening right now.
        let _ = self.sender.send(event.clone());
        Ok(())
    }

    fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.sender.subscribe()
    }
}

/// What one notification carries: an event (from [`Bus::publish`]) or, from
/// [`Bus::publish_all`], several in order.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Packet {
    One(Event),
    Many(Vec<Event>),
}

/// `events` as JSON arrays of at most [`PACKET_BYTES`] each, in order; an
/// event too big to share a packet goes alone.
fn packets(events: &[Event]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut packet = String::from("[");
    for event in events {
        let one = serde_json::to_string(event).map_err(|_| StoreError::Corrupt("event"))?;
        if packet.len() > 1 && packet.len() + one.len() + 1 > PACKET_BYTES {
            packet.push(']');
            out.push(std::mem::replace(&mut packet, String::from("[")));
        }
        if packet.len() > 1 {
            packet.push(',');
        }
        packet.push_str(&one);
    }
    if packet.len() > 1 {
        packet.push(']');
        out.push(packet);
    }
    Ok(out)
}

/// Events across instances through PostgreSQL's LISTEN/NOTIFY.
#[derive(Debug)]
pub struct PgBus {
    pool: PgPool,
    local: broadcast::Sender<Event>,
}

impl PgBus {
    /// Listens on [`CHANNEL`] and forwards every notification to local
    /// subscribers, until the process ends. The listener reconnects by
    /// itself if the connection drops.
    pub async fn start(pool: PgPool) -> Result<Self> {
        let (local, _) = broadcast::channel(BACKLOG);
        let mut listener = PgListener::connect_with(&pool).await?;
        listener.listen(CHANNEL).await?;
        let forward = local.clone();
        tokio::spawn(async move {
            loop {
                match listener.recv().await {
                    Ok(notification) => match serde_json::from_str(notification.payload()) {
                        Ok(Packet::One(event)) => {
                            let _ = forward.send(event);
                        }
                        Ok(Packet::Many(events)) => {
                            for event in events {
                                let _ = forward.send(event);
                            }
                        }
                        Err(_) => tracing::warn!("ignored a malformed event notification"),
                    },
                    Err(error) => {
                        tracing::warn!(%error, "event listener interrupted; reconnecting");
                        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                    }
                }
            }
        });
        Ok(Self { pool, local })
    }
}

#[async_trait]
impl Bus for PgBus {
    async fn publish(&self, event: &Event) -> Result<()> {
        let payload = serde_json::to_string(event).map_err(|_| StoreError::Corrupt("event"))?;
        // Delivered to every listening instance, this one included.
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(payload)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn publish_all(&self, events: &[Event]) -> Result<()> {
        let payloads = packets(events)?;
        // One statement for the lot, sent in the order given. Every
        // instance decodes every notification, so a burst (a batch of
        // reminders) goes as a few arrays rather than one per event.
        sqlx::query(
            "SELECT pg_notify($1, payload)
             FROM UNNEST($2::text[]) WITH ORDINALITY AS e (payload, n) ORDER BY n",
        )
        .bind(CHANNEL)
        .bind(&payloads)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.local.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(n: u128) -> Event {
        Event {
            kind: EventKind::Notification,
            case: None,
            object: Uuid::from_u128(n),
            audience: vec![AccountId::from_uuid(Uuid::from_u128(n + 1))],
        }
    }

    #[test]
    fn packets_keep_every_event_in_order_and_stay_under_the_limit() {
        let events: Vec<Event> = (0..500).map(event).collect();
        let sent = packets(&events).unwrap();
        assert!(sent.len() > 1, "500 events do not fit one notification");
        let mut back = Vec::new();
        for packet in &sent {
            assert!(packet.len() < 8_000, "{} bytes", packet.len());
            match serde_json::from_str(packet).unwrap() {
                Packet::Many(events) => back.extend(events),
                Packet::One(_) => panic!("publish_all sends arrays"),
            }
        }
        assert_eq!(back, events);
        assert!(packets(&[]).unwrap().is_empty());
    }

    #[test]
    fn a_single_event_from_publish_still_reads() {
        let json = serde_json::to_string(&event(7)).unwrap();
        match serde_json::from_str(&json).unwrap() {
            Packet::One(e) => assert_eq!(e, event(7)),
            Packet::Many(_) => panic!("an object is one event"),
        }
    }
}
