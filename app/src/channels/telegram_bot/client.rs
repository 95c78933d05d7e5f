//! A Telegram Bot API client over HTTPS (`{base}/bot{token}/{method}`), the base URL from
//! `telegram_api_base`. The token is part of every URL, so errors are stripped of their URL
//! before anything logs them.

use super::types::{Envelope, File, Message, Update, User};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::time::Duration;

/// How a call failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum BotError {
    /// 429: wait this many seconds before the next call.
    #[error("Telegram asks to wait {0} s")]
    RetryAfter(u64),
    /// 401/404 on the token: the token is wrong or revoked.
    #[error("Telegram does not accept this bot token")]
    Unauthorized,
    /// Telegram answered with an error (400 chat not found, 403 bot blocked, 409 …).
    #[error("Telegram: {description}")]
    Api { code: i64, description: String },
    /// The request may not have reached Telegram (connection refused, DNS).
    #[error("cannot reach Telegram: {0}")]
    Unreachable(String),
    /// The request went out but no answer came back: it may or may not have been applied.
    #[error("no answer from Telegram: {0}")]
    Unanswered(String),
}

impl BotError {
    fn from_reqwest(e: reqwest::Error) -> BotError {
        let connect = e.is_connect() || e.is_builder();
        let text = e.without_url().to_string();
        if connect {
            BotError::Unreachable(text)
        } else {
            BotError::Unanswered(text)
        }
    }
}

/// Photo or document: how an attachment is sent and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Photo,
    Document,
}

#[derive(Clone)]
pub struct BotClient {
    http: reqwest::Client,
    base: String,
    token: SecretString,
}

impl std::fmt::Debug for BotClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BotClient")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl BotClient {
    pub fn new(http: reqwest::Client, base: &str, token: SecretString) -> BotClient {
        BotClient {
            http,
            base: base.trim_end_matches('/').to_string(),
            token,
        }
    }

    fn url(&self, method: &str) -> String {
        format!("{}/bot{}/{method}", self.base, self.token.expose_secret())
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: &str,
        params: Value,
        timeout: Duration,
    ) -> Result<T, BotError> {
        let response = self
            .http
            .post(self.url(method))
            .timeout(timeout)
            .json(&params)
            .send()
            .await
            .map_err(BotError::from_reqwest)?;
        read(response).await
    }

    pub async fn get_me(&self) -> Result<User, BotError> {
        self.call("getMe", json!({}), Duration::from_secs(15)).await
    }

    /// Long polls for updates from `offset` (confirming everything before it).
    pub async fn get_updates(
        &self,
        offset: i64,
        timeout_secs: u64,
    ) -> Result<Vec<Update>, BotError> {
        let params = json!({ "offset": offset, "timeout": timeout_secs, "limit": 100,
            "allowed_updates": ["message", "edited_message"] });
        self.call("getUpdates", params, Duration::from_secs(timeout_secs + 15))
            .await
    }

    pub async fn send_message(
        &self,
        chat_id: &str,
        text: &str,
        reply_to: Option<i64>,
    ) -> Result<Message, BotError> {
        let mut params = json!({ "chat_id": chat_id, "text": text });
        if let Some(id) = reply_to {
            params["reply_parameters"] =
                json!({ "message_id": id, "allow_sending_without_reply": true });
        }
        self.call("sendMessage", params, Duration::from_secs(30))
            .await
    }

    /// Shows "typing…" in the chat for about five seconds.
    pub async fn send_typing(&self, chat_id: &str) -> Result<bool, BotError> {
        let params = json!({ "chat_id": chat_id, "action": "typing" });
        self.call("sendChatAction", params, Duration::from_secs(15))
            .await
    }

    /// Uploads a photo or document with an optional caption.
    pub async fn send_file(
        &self,
        kind: FileKind,
        chat_id: &str,
        file: (Vec<u8>, String, String),
        caption: &str,
        reply_to: Option<i64>,
    ) -> Result<Message, BotError> {
        let (bytes, file_name, mime) = file;
        let (method, field) = match kind {
            FileKind::Photo => ("sendPhoto", "photo"),
            FileKind::Document => ("sendDocument", "document"),
        };
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(file_name)
            .mime_str(&mime)
            .map_err(|e| BotError::Unreachable(e.without_url().to_string()))?;
        let mut form = reqwest::multipart::Form::new()
            .text("chat_id", chat_id.to_string())
            .part(field, part);
        if !caption.is_empty() {
            form = form.text("caption", caption.to_string());
        }
        if let Some(id) = reply_to {
            form = form.text(
                "reply_parameters",
                json!({ "message_id": id, "allow_sending_without_reply": true }).to_string(),
            );
        }
        let response = self
            .http
            .post(self.url(method))
            .timeout(Duration::from_secs(120))
            .multipart(form)
            .send()
            .await
            .map_err(BotError::from_reqwest)?;
        read(response).await
    }

    /// Downloads a file Telegram holds (an inbound photo or document).
    pub async fn download(&self, file_id: &str) -> Result<Vec<u8>, BotError> {
        let file: File = self
            .call(
                "getFile",
                json!({ "file_id": file_id }),
                Duration::from_secs(15),
            )
            .await?;
        let path = file.file_path.ok_or_else(|| BotError::Api {
            code: 400,
            description: "the file cannot be downloaded".into(),
        })?;
        let url = format!(
            "{}/file/bot{}/{path}",
            self.base,
            self.token.expose_secret()
        );
        let response = self
            .http
            .get(url)
            .timeout(Duration::from_secs(120))
            .send()
            .await
            .map_err(BotError::from_reqwest)?;
        if !response.status().is_success() {
            return Err(BotError::Api {
                code: response.status().as_u16() as i64,
                description: "file download refused".into(),
            });
        }
        Ok(response
            .bytes()
            .await
            .map_err(BotError::from_reqwest)?
            .to_vec())
    }

    pub async fn set_webhook(&self, url: &str, secret: &str) -> Result<bool, BotError> {
        let params = json!({ "url": url, "secret_token": secret,
            "allowed_updates": ["message", "edited_message"] });
        self.call("setWebhook", params, Duration::from_secs(15))
            .await
    }

    pub async fn delete_webhook(&self) -> Result<bool, BotError> {
        self.call("deleteWebhook", json!({}), Duration::from_secs(15))
            .await
    }
}

/// Reads the `{ok, result | error_code, description, parameters}` envelope.
async fn read<T: DeserializeOwned>(response: reqwest::Response) -> Result<T, BotError> {
    let status = response.status().as_u16();
    let body = response.bytes().await.map_err(BotError::from_reqwest)?;
    let envelope: Envelope<T> = serde_json::from_slice(&body).map_err(|e| BotError::Api {
        code: status as i64,
        description: format!("unreadable answer ({e})"),
    })?;
    if envelope.ok {
        return envelope.result.ok_or_else(|| BotError::Api {
            code: status as i64,
            description: "answer without a result".into(),
        });
    }
    let code = envelope.error_code.unwrap_or(status as i64);
    if code == 429 {
        let wait = envelope.parameters.and_then(|p| p.retry_after).unwrap_or(5);
        return Err(BotError::RetryAfter(wait));
    }
    if code == 401 || (code == 404 && status == 404) {
        return Err(BotError::Unauthorized);
    }
    Err(BotError::Api {
        code,
        description: envelope
            .description
            .unwrap_or_else(|| format!("error {code}")),
    })
}
