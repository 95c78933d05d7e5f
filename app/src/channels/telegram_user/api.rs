//! Server functions for Telegram user accounts: logging in, picking chats, resync, and the
//! workspace's Telegram application.

use crate::error::AppError;
use crate::messaging::{AccountChats, LoginView, TelegramAppView};
use leptos::prelude::*;

#[server(prefix = "/sfn", endpoint = "start_telegram_login")]
pub async fn start_telegram_login(method: String, phone: String) -> Result<LoginView, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        let input = crate::messaging::StartLogin { method, phone };
        crate::channels::telegram_user::login::start(&state, &auth, input).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "telegram_login_state")]
pub async fn telegram_login_state(id: String) -> Result<LoginView, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        crate::channels::telegram_user::login::poll(&state, &auth, &id).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "answer_telegram_login")]
pub async fn answer_telegram_login(id: String, value: String) -> Result<LoginView, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        let input = crate::messaging::LoginAnswer { value };
        crate::channels::telegram_user::login::answer(&state, &auth, &id, input).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "cancel_telegram_login")]
pub async fn cancel_telegram_login(id: String) -> Result<(), AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        crate::channels::telegram_user::login::cancel(&state, &auth, &id).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "list_account_chats")]
pub async fn list_account_chats(id: i64) -> Result<AccountChats, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        crate::channels::telegram_user::chats::list(&state, &auth, id).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "pick_account_chats")]
pub async fn pick_account_chats(id: i64, peer_ids: Vec<String>) -> Result<AccountChats, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        let input = crate::messaging::PickChats { peer_ids };
        crate::channels::telegram_user::chats::pick(&state, &auth, id, input).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "resync_account")]
pub async fn resync_account(id: i64) -> Result<(), AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        crate::channels::telegram_user::chats::resync(&state, &auth, id).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "telegram_app")]
pub async fn telegram_app() -> Result<TelegramAppView, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        crate::channels::telegram_user::telegram_app::get(&state, &auth).await
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "set_telegram_app")]
pub async fn set_telegram_app(api_id: i64, api_hash: String) -> Result<TelegramAppView, AppError> {
    crate::error::server::server_fn(async move {
        let (state, auth) = crate::access::server::sfn::caller().await?;
        let input = crate::messaging::TelegramAppInput { api_id, api_hash };
        crate::channels::telegram_user::telegram_app::set(&state, &auth, input).await
    })
    .await
}
