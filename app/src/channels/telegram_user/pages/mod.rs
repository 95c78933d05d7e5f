//! Connecting a rep's own Telegram account (by phone or QR code) and choosing which of its
//! chats the inbox syncs.

mod account;
mod connect;

pub use account::TelegramAccountPage;
pub use connect::TelegramConnectPage;
