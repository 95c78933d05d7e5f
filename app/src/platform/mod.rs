//! The composition root: what each domain plugs into the shared infrastructure at start-up.
//! The infrastructure (`server/`) names no domain; this module names them all, and nothing
//! imports it but the server binary.

pub mod api;

use crate::messaging::server::channel::ChannelRegistry;
use crate::realtime::server::consumers::ConsumerRegistry;
use crate::server::jobs::JobRegistry;

/// Every job kind the domains run.
pub fn job_registry() -> JobRegistry {
    let mut jobs = JobRegistry::new();
    crate::messaging::server::register_jobs(&mut jobs);
    crate::email::server::register_jobs(&mut jobs);
    jobs
}

/// Every channel the inbox talks through. Adding one is a folder under `channels/` and a
/// line in `channels::register`.
pub fn channel_registry() -> ChannelRegistry {
    let mut channels = ChannelRegistry::new();
    crate::channels::register(&mut channels);
    channels
}

/// Every durable consumer of the event log.
pub fn consumer_registry() -> ConsumerRegistry {
    let mut consumers = ConsumerRegistry::new();
    crate::messaging::server::register_consumers(&mut consumers);
    consumers
}
