//! The Telegram user-account channel (MTProto): a rep's own Telegram. Everything network-facing
//! goes through the boundary traits (`boundary.rs`); `grammers/` implements them against
//! Telegram, `simulated/` in process for tests. The rest is Parley's: logging in
//! (`login.rs`), the account's chats and which are synced (`chats.rs`), the worker that owns a
//! connected account under a lease (`worker.rs`), storing what arrives (`store.rs`), and sending and
//! marking read for the inbox (`channel.rs`).

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod rest;

#[cfg(feature = "ssr")]
pub mod boundary;
#[cfg(feature = "ssr")]
pub mod channel;
#[cfg(feature = "ssr")]
pub mod chats;
#[cfg(feature = "ssr")]
pub mod grammers;
#[cfg(feature = "ssr")]
pub mod login;
#[cfg(feature = "ssr")]
pub mod simulated;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod telegram_app;
#[cfg(feature = "ssr")]
pub mod worker;

pub use api::*;
pub use pages::{TelegramAccountPage, TelegramConnectPage};
#[cfg(feature = "ssr")]
pub use state::TelegramUsers;

#[cfg(feature = "ssr")]
mod state;
