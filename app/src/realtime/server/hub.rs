//! Fans committed events out to the WebSocket connections of this instance.

use super::StoredEvent;
use std::sync::Arc;
use tokio::sync::broadcast;

#[derive(Clone)]
pub struct EventHub {
    tx: broadcast::Sender<Arc<StoredEvent>>,
}

impl Default for EventHub {
    fn default() -> Self {
        Self::new()
    }
}

impl EventHub {
    pub fn new() -> EventHub {
        let (tx, _) = broadcast::channel(4096);
        EventHub { tx }
    }

    /// Announces events whose transaction has committed.
    pub fn publish(&self, events: impl IntoIterator<Item = StoredEvent>) {
        for e in events {
            // No receivers is normal: nobody is connected.
            let _ = self.tx.send(Arc::new(e));
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<StoredEvent>> {
        self.tx.subscribe()
    }

    pub fn receiver_count(&self) -> usize {
        self.tx.receiver_count()
    }
}
