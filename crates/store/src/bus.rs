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
                    Ok(notification) => match serde_json::from_str::<Event>(notification.payload())
                    {
                        Ok(event) => {
                            let _ = forward.send(event);
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
        let payloads = events
            .iter()
            .map(serde_json::to_string)
            .collect::<std::result::Result<Vec<String>, _>>()
            .map_err(|_| StoreError::Corrupt("event"))?;
        // One statement for the lot, sent in the order given.
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
