//! The unit of work: one transaction, the events it records, and their publication after the
//! commit — never before (a rolled-back change announces nothing) and never forgotten (a
//! service cannot commit without publishing what it recorded).
//!
//! The events are written last, just before the commit: after every statement that could wait
//! for another transaction's row lock, so of two writes to one row the later one writes its
//! events later (the order the sequencer numbers them in), and in one `INSERT`.

use super::events::{write, NewEvent, Recorded};
use crate::error::AppError;
use crate::ids::{UserId, WorkspaceId};
use crate::realtime::DomainEvent;
use crate::server::db::{Backend, Tx};
use crate::server::AppState;
use std::ops::{Deref, DerefMut};

pub struct UnitOfWork<'s> {
    state: &'s AppState,
    tx: Tx,
    /// Recorded here, written at the commit.
    pending: Vec<NewEvent>,
    /// Written by code that writes its own.
    written: Recorded,
    wake_jobs: bool,
}

impl<'s> UnitOfWork<'s> {
    pub async fn begin(state: &'s AppState) -> Result<UnitOfWork<'s>, AppError> {
        Ok(UnitOfWork {
            state,
            tx: state.db.begin_flushed_later().await?,
            pending: Vec::new(),
            written: Recorded::default(),
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

    /// Records `event`: it is written with the commit and published after it.
    pub async fn record<E: DomainEvent>(
        &mut self,
        workspace_id: WorkspaceId,
        actor: Option<UserId>,
        event: &E,
    ) -> Result<(), AppError> {
        self.pending.push(NewEvent::of(workspace_id, actor, event)?);
        Ok(())
    }

    /// Records an event already encoded (see [`NewEvent::of`]).
    pub fn record_new(&mut self, event: NewEvent) {
        self.pending.push(event);
    }

    /// Events written in this transaction by code that writes them itself.
    pub fn recorded(&mut self, events: Recorded) {
        self.written.add(events);
    }

    /// A job was queued in this transaction: the worker is woken after the commit.
    pub fn wake_jobs(&mut self) {
        self.wake_jobs = true;
    }

    /// Writes the recorded events, commits, then publishes them (and wakes the job worker
    /// when asked). It returns once the events are numbered: a request that starts after it
    /// sees them.
    ///
    /// On PostgreSQL a transaction whose events wait for the sequencer commits without waiting
    /// for its WAL to reach the disk: the answer waits for a sequencer pass that numbers those
    /// events and commits synchronously after this commit, and flushing the WAL up to that
    /// pass's commit flushes this one too (the log is written in order). The write is as
    /// durable when answered as with a synchronous commit, and one disk flush serves every
    /// write of the pass.
    pub async fn commit(mut self) -> Result<(), AppError> {
        let mut events = write(&mut self.tx, std::mem::take(&mut self.pending)).await?;
        events.add(self.written);
        if !events.awaits_numbers() && self.state.db.backend == Backend::Postgres {
            // Nothing for the sequencer to commit after this: the commit flushes itself.
            sqlx::query("SET LOCAL synchronous_commit = on")
                .execute(&mut *self.tx)
                .await?;
        }
        self.tx.commit().await?;
        if self.wake_jobs {
            self.state.jobs_wake.notify_one();
        }
        self.state.sequencer().publish(events).await?;
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
