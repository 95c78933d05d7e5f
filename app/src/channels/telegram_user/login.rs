//! Connecting a Telegram account: by phone (code, then the cloud password when the account has
//! one) or by QR code (shown until scanned, refreshed before it expires, then the password when
//! needed). A login lives in this instance's memory for 15 minutes, tied to the member who
//! started it; when it completes, the session is sealed and stored, and the account's worker
//! takes over. One Telegram account belongs to one workspace.

use super::boundary::{LoginStep, Me, MtError, UserClient};
use crate::access::permissions::Action;
use crate::access::server::AuthContext;
use crate::error::AppError;
use crate::messaging::server::accounts::{self, NewAccount};
use crate::messaging::{LoginAnswer, LoginView, StartLogin};
use crate::server::{now_ms, AppState};
use std::collections::HashMap;
use std::sync::Arc;
use validator::Validate;

const LOGIN_TTL_MS: i64 = 15 * 60_000;

#[derive(Default)]
pub struct Logins {
    flows: std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<Flow>>>>,
}

struct Flow {
    workspace_id: i64,
    user_id: i64,
    method: String,
    phone: String,
    client: Box<dyn UserClient>,
    created_at: i64,
    step: String,
    qr: Option<(String, i64)>,
    hint: Option<String>,
    account_id: Option<i64>,
}

impl Logins {
    fn insert(&self, id: String, flow: Flow) {
        let mut flows = self.flows.lock().unwrap_or_else(|p| p.into_inner());
        let now = now_ms();
        flows.retain(|_, f| {
            f.try_lock()
                .map(|f| now - f.created_at < LOGIN_TTL_MS)
                .unwrap_or(true)
        });
        flows.insert(id, Arc::new(tokio::sync::Mutex::new(flow)));
    }

    fn get(&self, id: &str) -> Option<Arc<tokio::sync::Mutex<Flow>>> {
        self.flows
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(id)
            .cloned()
    }

    fn remove(&self, id: &str) {
        self.flows
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id);
    }
}

/// Telegram's answers in the API's terms.
pub fn app_error(e: MtError) -> AppError {
    match e {
        MtError::FloodWait(secs) => {
            let mut err = AppError::rate_limited(secs);
            err.error = format!("Telegram asks to wait {secs} s before trying again");
            err
        }
        MtError::PhoneInvalid => AppError::field("phone", "invalid", e.to_string()),
        MtError::SignUpRequired => AppError::field("phone", "no_account", e.to_string()),
        MtError::InvalidCode | MtError::CodeExpired => {
            AppError::field("value", "invalid_code", e.to_string())
        }
        MtError::InvalidPassword => AppError::field("value", "invalid_password", e.to_string()),
        MtError::OutOfOrder(_) => AppError::conflict(e.to_string()),
        MtError::SessionRevoked | MtError::Network(_) | MtError::Other(_) => {
            AppError::bad_request(e.to_string())
        }
    }
}

pub async fn start(
    state: &AppState,
    auth: &AuthContext,
    input: StartLogin,
) -> Result<LoginView, AppError> {
    auth.require(Action::ConnectChannels)?;
    input.validate()?;
    let method = input.method.trim().to_string();
    if method != "phone" && method != "qr" {
        return Err(AppError::field("method", "invalid", "Choose phone or qr"));
    }
    let phone: String = input
        .phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    if method == "phone" && phone.trim_start_matches('+').len() < 7 {
        return Err(AppError::field(
            "phone",
            "invalid",
            "Enter the phone number in international format, like +44 7700 900123",
        ));
    }
    let api = super::telegram_app::credentials(state, auth.workspace_id.0).await?;
    let client = state
        .telegram()
        .connector
        .open(&api, None)
        .await
        .map_err(app_error)?;
    let step = if method == "phone" {
        client.request_code(&phone).await
    } else {
        client.qr_login().await
    }
    .map_err(app_error)?;
    let mut flow = Flow {
        workspace_id: auth.workspace_id.0,
        user_id: auth.user_id.0,
        method,
        phone,
        client,
        created_at: now_ms(),
        step: String::new(),
        qr: None,
        hint: None,
        account_id: None,
    };
    let id = crate::access::server::session::new_token();
    apply(state, auth, &mut flow, step).await?;
    let view = view(&id, &flow);
    state.telegram().logins.insert(id, flow);
    Ok(view)
}

/// The login code (step `code`) or the cloud password (step `password`).
pub async fn answer(
    state: &AppState,
    auth: &AuthContext,
    id: &str,
    input: LoginAnswer,
) -> Result<LoginView, AppError> {
    auth.require(Action::ConnectChannels)?;
    input.validate()?;
    let flow = find(state, auth, id)?;
    let mut flow = flow.lock().await;
    owned(&flow, auth)?;
    let step = match flow.step.as_str() {
        "code" => flow.client.sign_in(input.value.trim()).await,
        "password" => flow.client.check_password(&input.value).await,
        _ => {
            return Err(AppError::conflict(
                "This login is not waiting for a code or a password",
            ))
        }
    }
    .map_err(app_error)?;
    apply(state, auth, &mut flow, step).await?;
    let view = view(id, &flow);
    if flow.step == "done" {
        state.telegram().logins.remove(id);
    }
    Ok(view)
}

/// Where the login stands; for a QR login, asks Telegram whether the code was scanned and
/// replaces the code before it expires.
pub async fn poll(state: &AppState, auth: &AuthContext, id: &str) -> Result<LoginView, AppError> {
    auth.require(Action::ConnectChannels)?;
    let flow = find(state, auth, id)?;
    let mut flow = flow.lock().await;
    owned(&flow, auth)?;
    if flow.step == "qr" {
        let step = flow.client.qr_login().await.map_err(app_error)?;
        apply(state, auth, &mut flow, step).await?;
    }
    let view = view(id, &flow);
    if flow.step == "done" {
        state.telegram().logins.remove(id);
    }
    Ok(view)
}

pub async fn cancel(state: &AppState, auth: &AuthContext, id: &str) -> Result<(), AppError> {
    auth.require(Action::ConnectChannels)?;
    let flow = find(state, auth, id)?;
    owned(&*flow.lock().await, auth)?;
    state.telegram().logins.remove(id);
    Ok(())
}

fn find(
    state: &AppState,
    auth: &AuthContext,
    id: &str,
) -> Result<Arc<tokio::sync::Mutex<Flow>>, AppError> {
    let flow = state
        .telegram()
        .logins
        .get(id)
        .ok_or_else(|| AppError::not_found("Login"))?;
    // Busy with another step: the caller waits its turn, and `owned` checks once it holds it.
    if let Ok(f) = flow.try_lock() {
        owned(&f, auth)?;
    }
    Ok(flow)
}

/// A login is its member's, in its workspace, for 15 minutes; to anyone else it does not exist.
fn owned(flow: &Flow, auth: &AuthContext) -> Result<(), AppError> {
    let mine = flow.workspace_id == auth.workspace_id.0
        && flow.user_id == auth.user_id.0
        && now_ms() - flow.created_at < LOGIN_TTL_MS;
    if mine {
        Ok(())
    } else {
        Err(AppError::not_found("Login"))
    }
}

async fn apply(
    state: &AppState,
    auth: &AuthContext,
    flow: &mut Flow,
    step: LoginStep,
) -> Result<(), AppError> {
    match step {
        LoginStep::CodeSent => flow.step = "code".into(),
        LoginStep::Qr { url, expires_at_ms } => {
            flow.step = "qr".into();
            flow.qr = Some((url, expires_at_ms));
        }
        LoginStep::PasswordNeeded { hint } => {
            flow.step = "password".into();
            flow.hint = Some(hint);
        }
        LoginStep::Done(me) => {
            let session = flow.client.session();
            let phone = if me.phone.is_empty() {
                flow.phone.clone()
            } else {
                me.phone.clone()
            };
            flow.account_id = Some(store_account(state, auth, &me, &phone, &session).await?);
            flow.step = "done".into();
        }
    }
    Ok(())
}

fn view(id: &str, flow: &Flow) -> LoginView {
    let qr = flow.qr.clone().filter(|_| flow.step == "qr");
    LoginView {
        id: id.to_string(),
        method: flow.method.clone(),
        step: flow.step.clone(),
        qr_svg: qr.as_ref().map(|(url, _)| qr_svg(url)),
        qr_expires_at: qr.as_ref().map(|(_, at)| *at),
        qr_url: qr.map(|(url, _)| url),
        password_hint: flow.hint.clone().filter(|_| flow.step == "password"),
        account_id: flow.account_id,
    }
}

fn qr_svg(url: &str) -> String {
    match qrcode::QrCode::new(url.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(220, 220)
            .build(),
        Err(_) => String::new(),
    }
}

/// Saves the signed-in account with its sealed session; the worker connects it next.
async fn store_account(
    state: &AppState,
    auth: &AuthContext,
    me: &Me,
    phone: &str,
    session: &[u8],
) -> Result<i64, AppError> {
    use base64::Engine as _;
    let sealed = state
        .secrets
        .seal(&base64::engine::general_purpose::STANDARD.encode(session));
    accounts::upsert(
        state,
        auth,
        NewAccount {
            kind: super::channel::KIND,
            external_id: &me.user_id.to_string(),
            name: &me.name,
            username: &me.username,
            phone,
            sealed_secret: &sealed,
            webhook_secret: "",
            receive_mode: "mtproto",
        },
    )
    .await
}
