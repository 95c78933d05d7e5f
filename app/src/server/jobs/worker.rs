//! The worker: claims due jobs this instance may run and runs each by its registered kind, in
//! its own span, within the kind's time limit.

use super::registry::Ran;
use super::{backoff_ms, claim, finish_alone, release_late, Job, Outcome};
use crate::server::{now_ms, AppState};
use std::time::{Duration, Instant};
use tracing::Instrument as _;

/// Jobs run at once by one instance.
const BATCH: i64 = 8;

/// Runs due jobs until shutdown: woken when a job is queued here, and every second for
/// jobs queued by other instances or due again.
pub async fn work(state: AppState) {
    let mut stop = state.shutdown.subscribe();
    loop {
        match claim(&state.db, &state.instance_id, BATCH).await {
            Ok(jobs) if !jobs.is_empty() => {
                let running: Vec<_> = jobs
                    .into_iter()
                    .map(|job| {
                        metrics::counter!("parley_jobs_claimed_total", "kind" => job.kind.clone())
                            .increment(1);
                        let span = tracing::info_span!("job", id = job.id, kind = %job.kind, attempt = job.attempts);
                        tokio::spawn(run(state.clone(), job).instrument(span))
                    })
                    .collect();
                for r in running {
                    let _ = r.await;
                }
                continue;
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not claim jobs"),
        }
        tokio::select! {
            _ = state.jobs_wake.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = stop.changed() => return,
        }
    }
}

/// Runs one job by its kind. A handler that fails outright leaves the job to its lease: it
/// is claimed again once the lease runs out.
async fn run(state: AppState, job: Job) {
    let kind = job.kind.clone();
    let Some(handler) = state.jobs.get(&job.kind) else {
        tracing::error!("a job of an unknown kind");
        let why = format!("Unknown job kind {}", job.kind);
        if let Err(e) = finish_alone(&state.db, job.id, &Outcome::Failed(why)).await {
            tracing::warn!(error = %e, "could not fail a job of an unknown kind");
        }
        failed(&kind, "unknown_kind");
        return;
    };
    let started = Instant::now();
    let result = tokio::time::timeout(handler.timeout, handler.run(&state, &job)).await;
    metrics::histogram!("parley_job_run_seconds", "kind" => kind.clone())
        .record(started.elapsed().as_secs_f64());
    match result {
        Ok(Ok(Ran::Handled)) => {}
        Ok(Ok(Ran::BadPayload)) => failed(&kind, "payload"),
        Ok(Err(e)) => {
            failed(&kind, "error");
            tracing::warn!(error = %e, "a job failed; it runs again after its lease");
        }
        Err(_) => {
            failed(&kind, "timeout");
            let why = format!("Stopped after {} s", handler.timeout.as_secs());
            tracing::warn!(
                timeout_s = handler.timeout.as_secs(),
                "a job ran out of time"
            );
            let at = now_ms() + backoff_ms(job.attempts);
            if let Err(e) = release_late(&state.db, job.id, at, &why).await {
                tracing::warn!(error = %e, "could not put a late job back");
            }
        }
    }
}

fn failed(kind: &str, reason: &'static str) {
    metrics::counter!("parley_jobs_failed_total", "kind" => kind.to_string(), "reason" => reason)
        .increment(1);
}
