//! Job kinds and the registry each domain adds its kinds to at start-up.

use super::{Job, Outcome, LEASE_MS};
use crate::error::AppError;
use crate::server::AppState;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// A kind of durable job: its name in the table, its payload's type, how many attempts it
/// gets, how long one run may take, and (optionally) the channel account whose lease-holder
/// must run it. Register it with [`JobRegistry::register`]; queue it with
/// [`super::enqueue`].
pub trait JobKind: Send + Sync + 'static {
    /// The kind's name, stored with every job (never rename one with jobs queued).
    const KIND: &'static str;
    /// Attempts before the worker gives up.
    const MAX_ATTEMPTS: i64 = 8;
    /// How long one run may take before it is stopped and tried again later.
    const TIMEOUT: Duration = Duration::from_secs(60);
    type Payload: Serialize + DeserializeOwned + Send + Sync + 'static;

    /// The channel account whose lease-holder runs this job (a connection only it has).
    fn affinity(_payload: &Self::Payload) -> Option<i64> {
        None
    }

    /// Runs one job and records its outcome (with [`super::finish`], in the transaction that
    /// writes its effect). An `Err` leaves the job to its lease: it is claimed again later.
    fn run(
        state: &AppState,
        job: &Job,
        payload: Self::Payload,
    ) -> impl Future<Output = Result<(), AppError>> + Send;
}

type BoxFuture<'a> = Pin<Box<dyn Future<Output = Result<Ran, AppError>> + Send + 'a>>;
type RunFn = dyn for<'a> Fn(&'a AppState, &'a Job) -> BoxFuture<'a> + Send + Sync;

/// How a run went, as far as the worker needs to know.
pub(super) enum Ran {
    /// The handler ran (and recorded its outcome).
    Handled,
    /// The payload did not parse: the job was failed with that reason.
    BadPayload,
}

/// A registered kind, with its payload type erased.
pub(super) struct Handler {
    pub timeout: Duration,
    run: Box<RunFn>,
}

impl Handler {
    pub fn run<'a>(&'a self, state: &'a AppState, job: &'a Job) -> BoxFuture<'a> {
        (self.run)(state, job)
    }
}

/// Every job kind this server runs, by name.
#[derive(Default, Clone)]
pub struct JobRegistry {
    kinds: HashMap<&'static str, Arc<Handler>>,
}

impl JobRegistry {
    pub fn new() -> JobRegistry {
        JobRegistry::default()
    }

    /// Adds a kind. Panics at start-up on a name used twice or a time limit the job lease
    /// would not cover: both are programming errors.
    pub fn register<K: JobKind>(&mut self) -> &mut Self {
        assert!(
            (K::TIMEOUT.as_millis() as i64) < LEASE_MS,
            "job kind {} may run longer than a job's lease",
            K::KIND
        );
        let handler = Handler {
            timeout: K::TIMEOUT,
            run: Box::new(|state, job| {
                Box::pin(async move {
                    match serde_json::from_str::<K::Payload>(&job.payload) {
                        Ok(payload) => K::run(state, job, payload).await.map(|()| Ran::Handled),
                        Err(e) => {
                            let why = format!("The job's payload does not parse: {e}");
                            tracing::error!(id = job.id, kind = K::KIND, error = %e, "a job's payload does not parse");
                            super::finish_alone(&state.db, job.id, &Outcome::Failed(why)).await?;
                            Ok(Ran::BadPayload)
                        }
                    }
                })
            }),
        };
        let previous = self.kinds.insert(K::KIND, Arc::new(handler));
        assert!(previous.is_none(), "job kind {} registered twice", K::KIND);
        self
    }

    pub(super) fn get(&self, kind: &str) -> Option<Arc<Handler>> {
        self.kinds.get(kind).cloned()
    }

    /// The registered kinds' names, sorted.
    pub fn kinds(&self) -> Vec<&'static str> {
        let mut kinds: Vec<_> = self.kinds.keys().copied().collect();
        kinds.sort_unstable();
        kinds
    }
}
