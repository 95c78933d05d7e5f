//! Server functions for the inbox.

use super::{
    AccountCheck, AccountView, ChatQuery, ChatToCrm, ConversationView, MessageHit, MessagePage,
    MessageQuery, MessageView, SendInput, StartChat,
};
use crate::error::AppError;
use crate::ids::{ConversationId, MessageId};
use crate::listing::Page;
use leptos::prelude::*;

#[server(prefix = "/sfn", endpoint = "list_channel_accounts")]
pub async fn list_channel_accounts() -> Result<Vec<AccountView>, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::accounts::list(&state, &auth).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "connect_bot")]
pub async fn connect_bot(token: String) -> Result<AccountView, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        let input = super::ConnectAccount {
            kind: "telegram_bot".into(),
            token,
        };
        super::server::accounts::connect(&state, &auth, input).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "disconnect_account")]
pub async fn disconnect_account(id: i64) -> Result<(), AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::accounts::disconnect(&state, &auth, id).await
    })
    .await
}

/// Asks the network whether the account works now (see `server::check`).
#[server(prefix = "/sfn", endpoint = "check_channel_account")]
pub async fn check_channel_account(id: i64) -> Result<AccountCheck, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::check::check(&state, &auth, id).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "start_conversation")]
pub async fn start_conversation(input: StartChat) -> Result<ConversationView, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::reach::start(&state, &auth, input).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "show_typing")]
pub async fn show_typing(conversation_id: ConversationId) -> Result<bool, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::typing::typing(&state, &auth, conversation_id).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "list_chats")]
pub async fn list_chats(query: ChatQuery) -> Result<Page<ConversationView>, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::chats(&state, &auth, &query).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "get_conversation")]
pub async fn get_conversation(id: ConversationId) -> Result<ConversationView, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::conversation(&state, &auth, id).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "list_messages")]
pub async fn list_messages(
    conversation_id: ConversationId,
    query: MessageQuery,
) -> Result<MessagePage, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::messages(&state, &auth, conversation_id, &query).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "send_message")]
pub async fn send_message(input: SendInput) -> Result<MessageView, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::send::send(&state, &auth, input, None).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "retry_message")]
pub async fn retry_message(id: MessageId) -> Result<MessageView, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::send::retry(&state, &auth, id).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "mark_conversation_read")]
pub async fn mark_conversation_read(id: ConversationId) -> Result<ConversationView, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::mark_read(&state, &auth, id).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "create_from_chat")]
pub async fn create_from_chat(
    id: ConversationId,
    input: ChatToCrm,
) -> Result<ConversationView, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::links::create_from_chat(&state, &auth, id, input).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "assign_conversation")]
pub async fn assign_conversation(
    id: ConversationId,
    assignee_id: Option<i64>,
) -> Result<ConversationView, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::links::assign(&state, &auth, id, assignee_id).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "pin_conversation")]
pub async fn pin_conversation(
    id: ConversationId,
    pinned: bool,
) -> Result<ConversationView, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::links::pin(&state, &auth, id, pinned).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "search_messages")]
pub async fn search_messages(term: String) -> Result<Vec<MessageHit>, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::search::search(&state, &auth, &term).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "list_folders")]
pub async fn list_folders() -> Result<Vec<super::FolderView>, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::folders::list(&state, &auth).await
    })
    .await
}

/// Creates (no `id`) or renames (with `id`) a folder.
#[server(prefix = "/sfn", endpoint = "save_folder")]
pub async fn save_folder(id: Option<i64>, name: String) -> Result<super::FolderView, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        let input = super::FolderInput { name };
        match id {
            Some(id) => super::server::folders::rename(&state, &auth, id, input).await,
            None => super::server::folders::create(&state, &auth, input).await,
        }
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "delete_folder")]
pub async fn delete_folder(id: i64) -> Result<(), AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::folders::delete(&state, &auth, id).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "set_conversation_folders")]
pub async fn set_conversation_folders(
    id: ConversationId,
    folder_ids: Vec<i64>,
) -> Result<ConversationView, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::folders::set_for_conversation(&state, &auth, id, folder_ids).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "get_channel_account")]
pub async fn get_channel_account(id: i64) -> Result<super::AccountView, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        super::server::accounts::get(&state, &auth, id).await
    })
    .await
}
