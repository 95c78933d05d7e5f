//! The unit of work: one transaction, the events it records, and their publication after the
//! commit — never before (a rolled-back change announces nothing) and never forgotten (a
//! service cannot commit without publishing what it recorded).

use super::{record_event, StoredEvent};
use crate::error::AppError;
use crate::ids::{UserId, WorkspaceId};
use crate::realtime::DomainEvent;
use crate::server::db::Tx;
use crate::server::AppState;
use std::ops::{Deref, DerefMut};

pub struct UnitOfWork<'s> {
    state: &'s AppState,
    tx: Tx,
    events: Vec<StoredEvent>,
    wake_jobs: bool,
}

impl<'s> UnitOfWork<'s> {
    pub async fn begin(state: &'s AppState) -> Result<UnitOfWork<'s>, AppError> {
        Ok(UnitOfWork {
            state,
            tx: state.db.begin().await?,
            events: Vec::new(),
            wake_jobs: false,
        })
    }

    pub fn state(&self) -> &'s AppState {
        self.state
    }

    /// The transaction's connection, for queries: `.execute(uow.conn())`.
    pub fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }

    /// Records `event` in this transaction; it is published after the commit.
    pub async fn record<E: DomainEvent>(
        &mut self,
        workspace_id: WorkspaceId,
        actor: Option<UserId>,
        event: &E,
    ) -> Result<(), AppError> {
        let stored = record_event(&mut self.tx, workspace_id, actor, event).await?;
        self.events.push(stored);
        Ok(())
    }

    /// Events recorded in this transaction by code that records them itself.
    pub fn recorded(&mut self, events: impl IntoIterator<Item = StoredEvent>) {
        self.events.extend(events);
    }

    /// A job was queued in this transaction: the worker is woken after the commit.
    pub fn wake_jobs(&mut self) {
        self.wake_jobs = true;
    }

    /// Commits, then publishes the recorded events (and wakes the job worker when asked).
    pub async fn commit(self) -> Result<(), AppError> {
        self.tx.commit().await?;
        self.state.hub().publish(self.events);
        if self.wake_jobs {
            self.state.jobs_wake.notify_one();
        }
        Ok(())
    }
}

impl Deref for UnitOfWork<'_> {
    type Target = Tx;
    fn deref(&self) -> &Tx {
        &self.tx
    }
}

impl DerefMut for UnitOfWork<'_> {
    fn deref_mut(&mut self) -> &mut Tx {
        &mut self.tx
    }
}
