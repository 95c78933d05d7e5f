//! The inbox UI: accounts, the chat list and the open conversation, kept live.

mod accounts;
mod chat_list;
mod composer;
mod conversation;
mod create_from_chat;
mod crm_actions;
mod crm_panel;
mod format;
mod live;
mod message;
mod page;
mod send_file;
mod state;
mod telegram_account;
mod telegram_connect;

pub use page::InboxPage;
pub use telegram_account::TelegramAccountPage;
pub use telegram_connect::TelegramConnectPage;
