//! The bot as an inbox channel: sending through the Bot API. Bots cannot mark chats read.

use super::{BotClient, BotError, FileKind};
use crate::access::server::AuthContext;
use crate::error::AppError;
use crate::messaging::server::accounts::{self, NewAccount};
use crate::messaging::server::channel::{
    AccountRef, Capabilities, Channel, Outgoing, Reach, Recipient, SendError,
};
use crate::server::AppState;
use secrecy::SecretString;

pub struct BotChannel;

pub const KIND: &str = "telegram_bot";

#[async_trait::async_trait]
impl Channel for BotChannel {
    fn kind(&self) -> &'static str {
        KIND
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            media: true,
            read_receipts: false,
            typing: true,
            // A bot may only write to people who started it.
            reach: Reach::NONE,
            connection_on_one_instance: false,
        }
    }

    async fn send(
        &self,
        state: &AppState,
        to: &Recipient<'_>,
        message: Outgoing,
    ) -> Result<String, SendError> {
        let client = client(state, to.account_id, to.secret)?;
        let reply_to = message.reply_to.as_deref().and_then(|r| r.parse().ok());
        let sent = match message.file {
            Some(f) => {
                let kind = if f.kind == "photo" {
                    FileKind::Photo
                } else {
                    FileKind::Document
                };
                let file = (f.bytes, f.file_name, f.mime_type);
                client
                    .send_file(kind, to.peer_id, file, &message.text, reply_to)
                    .await
            }
            None => {
                client
                    .send_message(to.peer_id, &message.text, reply_to)
                    .await
            }
        };
        sent.map(|m| m.message_id.to_string()).map_err(send_error)
    }

    async fn typing(&self, state: &AppState, to: &Recipient<'_>) -> Result<(), SendError> {
        client(state, to.account_id, to.secret)?
            .send_typing(to.peer_id)
            .await
            .map(drop)
            .map_err(send_error)
    }

    async fn mark_read(
        &self,
        _state: &AppState,
        _to: &Recipient<'_>,
        _max_id: i64,
    ) -> Result<(), SendError> {
        Err(SendError::Refused("Bots cannot mark chats read".into()))
    }

    async fn check(&self, state: &AppState, account: &AccountRef<'_>) -> Result<(), SendError> {
        client(state, account.account_id, account.secret)?
            .get_me()
            .await
            .map(|_| ())
            .map_err(send_error)
    }

    /// The token is checked with `getMe`, sealed and stored; the bot then receives by long
    /// polling (or by webhook when a public URL is configured).
    async fn connect_by_token(
        &self,
        state: &AppState,
        auth: &AuthContext,
        token: &str,
    ) -> Result<i64, AppError> {
        let client = BotClient::new(
            state.http.clone(),
            &state.settings.telegram_api_base,
            SecretString::from(token.to_string()),
        );
        let me = client.get_me().await.map_err(|e| match e {
            BotError::Unauthorized => AppError::field(
                "token",
                "invalid",
                "Telegram does not accept this bot token",
            ),
            other => AppError::bad_request(format!("Could not check the token: {other}")),
        })?;
        let webhook_secret = super::new_webhook_secret();
        let receive_mode = if state.settings.public_url.is_some() {
            "webhook"
        } else {
            "polling"
        };
        let id = accounts::upsert(
            state,
            auth,
            NewAccount {
                kind: KIND,
                external_id: &me.id.to_string(),
                name: &me.full_name(),
                username: me.username.as_deref().unwrap_or_default(),
                phone: "",
                sealed_secret: &state.secrets.seal(token),
                webhook_secret: &webhook_secret,
                receive_mode,
            },
        )
        .await?;
        // Switch Telegram to the way this server receives; a failure shows in the account's health.
        let switched = match &state.settings.public_url {
            Some(base) => client
                .set_webhook(&super::webhook_url(base, id), &webhook_secret)
                .await
                .map(|_| ()),
            None => client.delete_webhook().await.map(|_| ()),
        };
        if let Err(e) = switched {
            tracing::warn!(account = id, error = %e, "could not set how the bot receives");
        }
        Ok(id)
    }
}

/// A Bot API client with the account's token.
fn client(state: &AppState, account_id: i64, secret: &str) -> Result<BotClient, SendError> {
    let token = state.secrets.open(secret).map_err(|e| {
        tracing::error!(account = account_id, error = %e, "a bot token does not open");
        SendError::NotHere("This server's key does not open the bot's token".into())
    })?;
    Ok(BotClient::new(
        state.http.clone(),
        &state.settings.telegram_api_base,
        token,
    ))
}

fn send_error(e: BotError) -> SendError {
    match e {
        BotError::RetryAfter(secs) => SendError::FloodWait(secs),
        BotError::Unreachable(why) => SendError::Unreachable(why),
        BotError::Unanswered(why) => SendError::Unanswered(why),
        BotError::Unauthorized => SendError::Unauthorized(e.to_string()),
        other => SendError::Refused(other.to_string()),
    }
}
