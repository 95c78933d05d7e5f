//! A workspace's event sequence number as of now, read once for every request that asks at
//! the same moment.
//!
//! The list and count caches are keyed by `workspaces.event_seq`, so each request must read a
//! number no older than the writes acknowledged before it began. A read of its own costs every
//! request a round trip, and under load (64 clients paging one list) those reads are most of
//! the database's work. Here a request joins the next read that *begins after it asked*: the
//! first asker starts a read; whoever asks while it is in flight waits for the one after it,
//! which then serves all of them at once. A read that begins after a request began sees every
//! write acknowledged before that request, so the shared number is exactly as fresh as a read
//! of its own — on any number of instances, because it comes from the database.
//!
//! Reads run in a task of their own: a request that gives up (its client left) never strands
//! the others waiting for its read.

use sqlx::AnyPool;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::oneshot;

/// What a shared read hands each of its askers: the number (`None`: no such workspace), or
/// `Err` when it failed (each asker then reads alone and gets its own error).
type Answer = Result<Option<i64>, ()>;

/// The reads in flight, by workspace.
#[derive(Clone, Default)]
pub struct SeqReads {
    /// A workspace has an entry while a read of it is in flight; the entry holds the askers
    /// who came after that read began, for the next one.
    next: Arc<Mutex<HashMap<i64, Vec<oneshot::Sender<Answer>>>>>,
}

impl SeqReads {
    /// `workspaces.event_seq` of `workspace_id`, read after this call began (`None`: no such
    /// workspace).
    pub async fn read(
        &self,
        pool: &AnyPool,
        workspace_id: i64,
    ) -> Result<Option<i64>, sqlx::Error> {
        let shared_pool = pool.clone();
        let read = move || read_one(shared_pool.clone(), workspace_id);
        match self.shared(workspace_id, read).await {
            Ok(seq) => Ok(seq),
            // The shared read failed (or its task ended): read alone, for this caller's error.
            Err(()) => read_one(pool.clone(), workspace_id).await,
        }
    }

    /// The answer of the first `read` of `workspace_id` that begins after this call began,
    /// shared with everyone who asked before that read began.
    async fn shared<F, Fut>(&self, workspace_id: i64, read: F) -> Answer
    where
        F: Fn() -> Fut + Send + 'static,
        Fut: Future<Output = Result<Option<i64>, sqlx::Error>> + Send + 'static,
    {
        let (answer, answered) = oneshot::channel();
        let leads = {
            let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
            match next.get_mut(&workspace_id) {
                Some(waiting) => {
                    waiting.push(answer);
                    None
                }
                None => {
                    next.insert(workspace_id, Vec::new());
                    Some(answer)
                }
            }
        };
        if let Some(answer) = leads {
            tokio::spawn(self.clone().reading(workspace_id, read, vec![answer]));
        }
        answered.await.unwrap_or(Err(()))
    }

    /// Reads for `askers`, then for whoever asked meanwhile, until nobody waits.
    async fn reading<F, Fut>(
        self,
        workspace_id: i64,
        read: F,
        mut askers: Vec<oneshot::Sender<Answer>>,
    ) where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<Option<i64>, sqlx::Error>>,
    {
        let mut unwind = Unwind {
            reads: &self,
            workspace_id,
            armed: true,
        };
        loop {
            let answer = read().await.map_err(|_| ());
            for asker in askers {
                let _ = asker.send(answer);
            }
            let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
            let waiting = next
                .get_mut(&workspace_id)
                .map(std::mem::take)
                .unwrap_or_default();
            if waiting.is_empty() {
                next.remove(&workspace_id);
                unwind.armed = false;
                return;
            }
            askers = waiting;
        }
    }
}

/// If a read's task ends without finishing (a panic), its workspace's askers are let go (each
/// then reads alone) and the next asker starts a new read.
struct Unwind<'a> {
    reads: &'a SeqReads,
    workspace_id: i64,
    armed: bool,
}

impl Drop for Unwind<'_> {
    fn drop(&mut self) {
        if self.armed {
            let mut next = self
                .reads
                .next
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            next.remove(&self.workspace_id);
        }
    }
}

async fn read_one(pool: AnyPool, workspace_id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT event_seq FROM workspaces WHERE id = $1")
        .bind(workspace_id)
        .fetch_optional(&pool)
        .await
}

#[cfg(test)]
mod tests {
    use super::SeqReads;
    use std::future::Future;
    use std::sync::atomic::{AtomicI64, Ordering};
    use std::sync::Arc;
    use tokio::sync::Semaphore;

    type Read = std::pin::Pin<Box<dyn Future<Output = Result<Option<i64>, sqlx::Error>> + Send>>;

    /// A read of a number that each read advances, which waits for a permit: the test holds
    /// a read in flight as long as it likes.
    fn gated_reads(
        gate: Arc<Semaphore>,
        reads: Arc<AtomicI64>,
    ) -> impl Fn() -> Read + Send + 'static {
        move || {
            let (gate, reads) = (gate.clone(), reads.clone());
            Box::pin(async move {
                let n = reads.fetch_add(1, Ordering::SeqCst) + 1;
                gate.acquire().await.expect("open").forget();
                Ok(Some(n))
            })
        }
    }

    #[tokio::test]
    async fn an_ask_during_a_read_waits_for_the_next_read_which_serves_every_later_ask() {
        let seq_reads = SeqReads::default();
        let gate = Arc::new(Semaphore::new(0));
        let reads = Arc::new(AtomicI64::new(0));
        let ask = |seq_reads: &SeqReads| {
            let (seq_reads, read) = (seq_reads.clone(), gated_reads(gate.clone(), reads.clone()));
            tokio::spawn(async move { seq_reads.shared(7, read).await })
        };
        let first = ask(&seq_reads);
        while reads.load(Ordering::SeqCst) < 1 {
            tokio::task::yield_now().await;
        }
        // Read 1 is in flight: these three ask after it began, so it cannot answer them.
        let later: Vec<_> = (0..3).map(|_| ask(&seq_reads)).collect();
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        assert_eq!(reads.load(Ordering::SeqCst), 1, "one read at a time");
        gate.add_permits(1);
        assert_eq!(first.await.expect("asked"), Ok(Some(1)));
        gate.add_permits(1);
        for asked in later {
            assert_eq!(
                asked.await.expect("asked"),
                Ok(Some(2)),
                "one read, begun after they asked, serves them all"
            );
        }
        assert_eq!(reads.load(Ordering::SeqCst), 2);
        // Nobody waits any more: the next ask starts a read of its own.
        gate.add_permits(1);
        assert_eq!(ask(&seq_reads).await.expect("asked"), Ok(Some(3)));
        assert!(seq_reads.next.lock().expect("lock").is_empty());
    }

    #[tokio::test]
    async fn a_failed_shared_read_tells_every_asker() {
        let seq_reads = SeqReads::default();
        let failing = || async { Err::<Option<i64>, _>(sqlx::Error::PoolTimedOut) };
        assert_eq!(seq_reads.shared(1, failing).await, Err(()));
        assert!(seq_reads.next.lock().expect("lock").is_empty());
    }
}
