//! REST routes under `/api/messaging`: channel accounts, the chat list, conversations and
//! their messages, sending, reading, media and message search.

use super::server::{self, accounts, check, folders, media, reach, search, send, typing};
use super::{
    AccountCheck, AccountView, ChatQuery, ConnectAccount, ConversationFolders, ConversationView,
    FolderInput, FolderView, MessageHit, MessagePage, MessageQuery, MessageView, SendInput,
    StartChat,
};
use crate::access::server::AuthContext;
use crate::error::AppError;
use crate::ids::{ConversationId, MessageId};
use crate::listing::Page;
use crate::server::extract::{ApiJson, ApiPath, ApiQuery};
use crate::server::openapi::{Conflict, Forbidden, Invalid, NotFound, RateLimited};
use crate::server::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_accounts, connect_account))
        .routes(routes!(disconnect_account))
        .routes(routes!(check_account))
        .routes(routes!(chats))
        .routes(routes!(conversation))
        .routes(routes!(messages))
        .routes(routes!(read))
        .routes(routes!(start_chat))
        .routes(routes!(typing))
        .routes(routes!(send_message))
        .routes(routes!(retry))
        .routes(routes!(media_file))
        .routes(routes!(search_messages))
        .routes(routes!(list_folders, create_folder))
        .routes(routes!(rename_folder, delete_folder))
        .routes(routes!(set_folders))
        .merge(super::upload::routes())
}

/// The workspace's custom folders with their unread totals.
#[utoipa::path(
    get, path = "/folders", operation_id = "listFolders", tag = "messaging",
    responses((status = 200, description = "The folders", body = Vec<FolderView>))
)]
async fn list_folders(
    State(s): State<AppState>,
    auth: AuthContext,
) -> Result<Json<Vec<FolderView>>, AppError> {
    Ok(Json(folders::list(&s, &auth).await?))
}

/// Create a folder.
#[utoipa::path(
    post, path = "/folders", operation_id = "createFolder", tag = "messaging",
    request_body = FolderInput,
    responses(
        (status = 201, description = "Created", body = FolderView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
    )
)]
async fn create_folder(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiJson(input): ApiJson<FolderInput>,
) -> Result<(StatusCode, Json<FolderView>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(folders::create(&s, &auth, input).await?),
    ))
}

/// Rename a folder.
#[utoipa::path(
    put, path = "/folders/{id}", operation_id = "renameFolder", tag = "messaging",
    params(("id" = i64, Path, description = "The folder's id")),
    request_body = FolderInput,
    responses(
        (status = 200, description = "Renamed", body = FolderView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
async fn rename_folder(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<FolderInput>,
) -> Result<Json<FolderView>, AppError> {
    Ok(Json(folders::rename(&s, &auth, id, input).await?))
}

/// Delete a folder (its conversations stay).
#[utoipa::path(
    delete, path = "/folders/{id}", operation_id = "deleteFolder", tag = "messaging",
    params(("id" = i64, Path, description = "The folder's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
async fn delete_folder(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    folders::delete(&s, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Put a conversation in exactly these folders.
#[utoipa::path(
    put, path = "/conversations/{id}/folders", operation_id = "setConversationFolders", tag = "messaging",
    params(("id" = i64, Path, description = "The conversation's id")),
    request_body = ConversationFolders,
    responses(
        (status = 200, description = "The conversation", body = ConversationView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
async fn set_folders(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<ConversationId>,
    ApiJson(input): ApiJson<ConversationFolders>,
) -> Result<Json<ConversationView>, AppError> {
    Ok(Json(
        folders::set_for_conversation(&s, &auth, id, input.folder_ids).await?,
    ))
}

/// The workspace's connected channel accounts, with their health and unread totals.
#[utoipa::path(
    get, path = "/accounts", operation_id = "listChannelAccounts", tag = "messaging",
    responses((status = 200, description = "The accounts", body = Vec<AccountView>))
)]
async fn list_accounts(
    State(s): State<AppState>,
    auth: AuthContext,
) -> Result<Json<Vec<AccountView>>, AppError> {
    Ok(Json(accounts::list(&s, &auth).await?))
}

/// Connect a Telegram bot by its token (checked with Telegram's `getMe`).
#[utoipa::path(
    post, path = "/accounts", operation_id = "connectChannelAccount", tag = "messaging",
    request_body = ConnectAccount,
    responses(
        (status = 201, description = "Connected", body = AccountView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
    )
)]
async fn connect_account(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiJson(input): ApiJson<ConnectAccount>,
) -> Result<(StatusCode, Json<AccountView>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(accounts::connect(&s, &auth, input).await?),
    ))
}

/// Disconnect an account: its token is erased; its conversations stay.
#[utoipa::path(
    delete, path = "/accounts/{id}", operation_id = "disconnectChannelAccount", tag = "messaging",
    params(("id" = i64, Path, description = "The account's id")),
    responses(
        (status = 204, description = "Disconnected"),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
async fn disconnect_account(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    accounts::disconnect(&s, &auth, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ask the network whether the account works now (a bot's `getMe`, a user account's profile
/// through its connection). What is certain becomes the account's health: a flood wait, a token
/// or session no longer accepted, a wait that has ended; a network that did not answer is
/// reported in `error`. Waits up to 15 s; `checked` is false when the check had not run by
/// then.
#[utoipa::path(
    post, path = "/accounts/{id}/check", operation_id = "checkChannelAccount", tag = "messaging",
    params(("id" = i64, Path, description = "The account's id")),
    responses(
        (status = 200, description = "The account as it now is", body = AccountCheck),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
async fn check_account(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<AccountCheck>, AppError> {
    Ok(Json(check::check(&s, &auth, id).await?))
}

/// The chat list: pinned first, then by the last message; filters `all`, `unread`, `mine`,
/// `unassigned`, an account, a folder, a search over title and username.
#[utoipa::path(
    get, path = "/chats", operation_id = "listChats", tag = "messaging",
    params(ChatQuery),
    responses(
        (status = 200, description = "A page of conversations", body = Page<ConversationView>),
        (status = 400, response = Invalid),
    )
)]
async fn chats(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiQuery(q): ApiQuery<ChatQuery>,
) -> Result<Json<Page<ConversationView>>, AppError> {
    Ok(Json(server::chats(&s, &auth, &q).await?))
}

/// One conversation.
#[utoipa::path(
    get, path = "/conversations/{id}", operation_id = "getConversation", tag = "messaging",
    params(("id" = i64, Path, description = "The conversation's id")),
    responses(
        (status = 200, description = "The conversation", body = ConversationView),
        (status = 404, response = NotFound),
    )
)]
async fn conversation(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<ConversationId>,
) -> Result<Json<ConversationView>, AppError> {
    Ok(Json(server::conversation(&s, &auth, id).await?))
}

/// A conversation's messages, newest first; pass `nextBefore` as `before` for older ones.
#[utoipa::path(
    get, path = "/conversations/{id}/messages", operation_id = "listMessages", tag = "messaging",
    params(("id" = i64, Path, description = "The conversation's id"), MessageQuery),
    responses(
        (status = 200, description = "A page of messages", body = MessagePage),
        (status = 400, response = Invalid),
        (status = 404, response = NotFound),
    )
)]
async fn messages(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<ConversationId>,
    ApiQuery(q): ApiQuery<MessageQuery>,
) -> Result<Json<MessagePage>, AppError> {
    Ok(Json(server::messages(&s, &auth, id, &q).await?))
}

/// Mark a conversation read (for everyone who shares it).
#[utoipa::path(
    post, path = "/conversations/{id}/read", operation_id = "markConversationRead", tag = "messaging",
    params(("id" = i64, Path, description = "The conversation's id")),
    responses(
        (status = 200, description = "Read", body = ConversationView),
        (status = 404, response = NotFound),
    )
)]
async fn read(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<ConversationId>,
) -> Result<Json<ConversationView>, AppError> {
    Ok(Json(server::mark_read(&s, &auth, id).await?))
}

/// Write first to someone, found by username or phone number on one of the workspace's accounts:
/// opens the (empty) conversation, assigned to the caller, or answers the one that exists. Each
/// lookup counts against the account's daily allowance (`reach` on the account).
#[utoipa::path(
    post, path = "/conversations", operation_id = "startConversation", tag = "messaging",
    request_body = StartChat,
    responses(
        (status = 200, description = "The conversation", body = ConversationView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 429, response = RateLimited),
    )
)]
async fn start_chat(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiJson(input): ApiJson<StartChat>,
) -> Result<Json<ConversationView>, AppError> {
    Ok(Json(reach::start(&s, &auth, input).await?))
}

/// Show the conversation's other side that the caller is typing (for about five seconds; call
/// again while typing). `shown` is false when the network cannot show it.
#[utoipa::path(
    post, path = "/conversations/{id}/typing", operation_id = "showTyping", tag = "messaging",
    params(("id" = i64, Path, description = "The conversation's id")),
    responses(
        (status = 200, description = "Whether it was shown", body = Typing),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
    )
)]
async fn typing(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<ConversationId>,
) -> Result<Json<Typing>, AppError> {
    Ok(Json(Typing {
        shown: typing::typing(&s, &auth, id).await?,
    }))
}

/// `{"shown": …}`
#[derive(serde::Serialize, utoipa::ToSchema)]
struct Typing {
    shown: bool,
}

/// Send a message: stored `pending` at once and delivered by a durable job (watch
/// `message.updated` for `sent` or `failed`).
#[utoipa::path(
    post, path = "/send", operation_id = "sendMessage", tag = "messaging",
    request_body = SendInput,
    responses(
        (status = 201, description = "Queued", body = MessageView),
        (status = 400, response = Invalid),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
async fn send_message(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiJson(input): ApiJson<SendInput>,
) -> Result<(StatusCode, Json<MessageView>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(send::send(&s, &auth, input, None).await?),
    ))
}

/// Send a failed message again.
#[utoipa::path(
    post, path = "/messages/{id}/retry", operation_id = "retryMessage", tag = "messaging",
    params(("id" = i64, Path, description = "The message's id")),
    responses(
        (status = 200, description = "Queued again", body = MessageView),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
    )
)]
async fn retry(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<MessageId>,
) -> Result<Json<MessageView>, AppError> {
    Ok(Json(send::retry(&s, &auth, id).await?))
}

/// A message's attachment.
#[utoipa::path(
    get, path = "/media/{id}", operation_id = "getMedia", tag = "messaging",
    params(("id" = i64, Path, description = "The file's id")),
    responses(
        (status = 200, description = "The file's bytes", content_type = "application/octet-stream"),
        (status = 404, response = NotFound),
    )
)]
async fn media_file(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiPath(id): ApiPath<i64>,
) -> Result<impl IntoResponse, AppError> {
    let (bytes, mime, name) = media::read(&s, &auth, id).await?;
    // Only images are shown inline; anything else downloads, so no upload runs as a page.
    let disposition = if mime.starts_with("image/") && !mime.contains("svg") {
        "inline"
    } else {
        "attachment"
    };
    let safe_name: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' '))
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, mime),
            (
                header::CONTENT_DISPOSITION,
                format!("{disposition}; filename=\"{safe_name}\""),
            ),
            (header::CACHE_CONTROL, "private, max-age=86400".into()),
        ],
        bytes,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct SearchQuery {
    /// The text to find (case-insensitive).
    q: String,
}

/// Messages whose text contains `q`, newest first (at most 50).
#[utoipa::path(
    get, path = "/search", operation_id = "searchMessages", tag = "messaging",
    params(SearchQuery),
    responses(
        (status = 200, description = "The matches", body = Vec<MessageHit>),
        (status = 400, response = Invalid),
    )
)]
async fn search_messages(
    State(s): State<AppState>,
    auth: AuthContext,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> Result<Json<Vec<MessageHit>>, AppError> {
    Ok(Json(search::search(&s, &auth, &q.q).await?))
}
