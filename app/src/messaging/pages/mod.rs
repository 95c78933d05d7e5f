//! The inbox UI: accounts, the chat list and the open conversation, kept live.

pub(crate) mod accounts;
mod chat_list;
mod check_account;
mod composer;
mod conversation;
mod create_from_chat;
mod crm_actions;
mod crm_panel;
pub(crate) mod format;
mod live;
mod message;
mod page;
mod send_file;
mod start_chat;
mod state;

pub use page::InboxPage;
