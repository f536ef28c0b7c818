//! Live updates across instances: every Sanse instance LISTENs on the push
//! channel with one connection of its own and fans each announcement out to
//! the Server-Sent-Event streams it serves. A push written through any
//! instance (or the command line) reaches the dashboards open on all of them.

use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::sync::{broadcast, watch};

use super::queries::outbox::PUSH_CHANNEL;

/// What a dashboard is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveEvent {
    /// A new push for this department.
    Push { push_id: i64, department_id: i64 },
    /// The listening connection was lost and is back: announcements may
    /// have been missed, so every dashboard reloads its list.
    Resync,
}

#[derive(Debug, Deserialize)]
struct Payload {
    push_id: i64,
    department_id: i64,
}

/// The fan-out of one instance. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Live {
    events: broadcast::Sender<LiveEvent>,
    closing: Arc<watch::Sender<bool>>,
}

impl Default for Live {
    fn default() -> Live {
        Live::new()
    }
}

impl Live {
    pub fn new() -> Live {
        let (events, _) = broadcast::channel(256);
        let (closing, _) = watch::channel(false);
        Live {
            events,
            closing: Arc::new(closing),
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.events.subscribe()
    }

    /// Becomes true when the server shuts down: open streams end, so that a
    /// graceful shutdown is not held up by dashboards left open.
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    fn announce(&self, event: LiveEvent) {
        // No receiver is not an error: nobody has a dashboard open.
        let _ = self.events.send(event);
    }
}

/// Listen for pushes until the server shuts down, reconnecting after a
/// lost connection (and telling the dashboards to resynchronise).
pub fn spawn_listener(db: PgPool, live: Live) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut closing = live.closing();
        loop {
            let listener = async {
                let mut listener = PgListener::connect_with(&db).await?;
                listener.listen(PUSH_CHANNEL).await?;
                tracing::info!(channel = PUSH_CHANNEL, "listening for pushes");
                listen(&mut listener, &live).await
            };
            tokio::select! {
                result = listener => {
                    if let Err(err) = result {
                        tracing::warn!(error = %err, "push listener lost its connection; retrying");
                    }
                }
                _ = closing.wait_for(|c| *c) => return,
            }
            live.announce(LiveEvent::Resync);
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = closing.wait_for(|c| *c) => return,
            }
        }
    })
}

async fn listen(listener: &mut PgListener, live: &Live) -> sqlx::Result<()> {
    loop {
        match listener.try_recv().await? {
            Some(note) => match serde_json::from_str::<Payload>(note.payload()) {
                Ok(p) => live.announce(LiveEvent::Push {
                    push_id: p.push_id,
                    department_id: p.department_id,
                }),
                Err(err) => tracing::warn!(error = %err, "unreadable push announcement"),
            },
            // The connection was lost; the next call reconnects.
            None => {
                tracing::warn!("push listener reconnecting");
                live.announce(LiveEvent::Resync);
            }
        }
    }
}
