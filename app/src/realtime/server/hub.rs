//! Fans committed events out to the WebSocket connections of this instance, and remembers
//! the newest sequence number seen per workspace.

use super::StoredEvent;
use crate::ids::WorkspaceId;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use tokio::sync::broadcast;

#[derive(Clone)]
pub struct EventHub {
    tx: broadcast::Sender<Arc<StoredEvent>>,
    latest: Arc<RwLock<HashMap<WorkspaceId, i64>>>,
}

impl Default for EventHub {
    fn default() -> Self {
        Self::new()
    }
}

impl EventHub {
    pub fn new() -> EventHub {
        let (tx, _) = broadcast::channel(4096);
        EventHub {
            tx,
            latest: Arc::default(),
        }
    }

    /// Announces events whose transaction has committed.
    pub fn publish(&self, events: impl IntoIterator<Item = StoredEvent>) {
        for e in events {
            metrics::counter!("parley_events_published_total").increment(1);
            self.observe(e.workspace_id, e.event.seq);
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

    /// The newest sequence number this instance knows for a workspace, if any.
    pub fn latest(&self, workspace: WorkspaceId) -> Option<i64> {
        self.latest
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&workspace)
            .copied()
    }

    /// Records that `seq` exists in `workspace` (keeps the maximum).
    pub fn observe(&self, workspace: WorkspaceId, seq: i64) {
        let mut latest = self.latest.write().unwrap_or_else(|e| e.into_inner());
        let entry = latest.entry(workspace).or_insert(seq);
        *entry = (*entry).max(seq);
    }
}

impl crate::server::AppState {
    /// The live event hub of this instance.
    pub fn hub(&self) -> &EventHub {
        self.part()
    }
}
