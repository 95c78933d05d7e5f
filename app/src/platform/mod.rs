//! The composition root: what each domain plugs into the shared infrastructure at start-up.
//! The infrastructure (`server/`) names no domain; this module names them all, and nothing
//! imports it but the server binary.

pub mod api;

use crate::messaging::server::channel::ChannelRegistry;
use crate::realtime::server::consumers::ConsumerRegistry;
use crate::realtime::server::{EventHub, Sequencer};
use crate::server::jobs::JobRegistry;
use crate::server::parts::Parts;
use crate::server::{Db, Settings};

/// Each domain's part of the `AppState`, with the event consumers given (the server passes
/// [`consumer_registry`], a test may add its own).
pub fn parts(settings: &Settings, db: &Db, consumers: ConsumerRegistry) -> anyhow::Result<Parts> {
    let hub = EventHub::new();
    let sequencer = Sequencer::start(db.clone(), hub.clone());
    let mut parts = Parts::new();
    parts
        .insert(crate::deals::server::moves::MoveQueue::start(
            db.clone(),
            sequencer.clone(),
        ))
        .insert(hub)
        .insert(sequencer)
        .insert(crate::auth::server::throttle::SignInThrottle::new(settings))
        .insert(crate::access::server::cache::AuthCache::new())
        .insert(crate::email::server::Mailer::from_settings(settings)?)
        .insert(crate::channels::telegram_user::TelegramUsers::from_settings(settings))
        .insert(channel_registry())
        .insert(consumers);
    Ok(parts)
}

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
