//! Server side of realtime: recording events, numbering them, fanning them out, and the `/ws`
//! endpoint.

pub mod consumers;
mod events;
mod hub;
pub mod listener;
mod sequencer;
mod unit_of_work;
mod ws;

pub use events::{latest_seq, recent, record_event, since, write, NewEvent, Recorded, StoredEvent};
pub use hub::EventHub;
pub use sequencer::{begin_numbered, commit_numbered, Sequencer};
pub use unit_of_work::UnitOfWork;
pub use ws::{ws_handler, Subscriber};
