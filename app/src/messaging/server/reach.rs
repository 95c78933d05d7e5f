//! Writing first. A member looks someone up by username or phone number on one of the
//! workspace's accounts, and the conversation opens (empty, assigned to them) for them to write
//! in. The lookup needs the account's connection, which may live on another instance, so it
//! runs as a job pinned to the account (`look_up.rs`); the request waits for the outcome in the
//! lookup's `reaches` row. Every lookup counts against the account's allowance
//! ([`Reach::per_day`] over a sliding 24 hours), found or not: the network rations them.

use super::channel::{PeerQuery, Reach};
use super::look_up::{ReachPayload, ReachPeer};
use crate::access::permissions::Action;
use crate::access::server::AuthContext;
use crate::error::AppError;
use crate::ids::ConversationId;
use crate::messaging::{AccountStatus, ConversationView, StartChat};
use crate::realtime::server::UnitOfWork;
use crate::server::db::Backend;
use crate::server::jobs;
use crate::server::{now_ms, AppState};
use sqlx::{AssertSqlSafe, Row as _};
use std::time::Duration;
use validator::Validate;

/// The allowance's window.
pub const WINDOW_MS: i64 = 24 * 60 * 60 * 1000;
/// How long the member's request waits for the lookup before answering that it goes on.
const WAIT: Duration = Duration::from_secs(20);

/// The start of the allowance's window that ends at `now`.
pub fn window_start(now: i64) -> i64 {
    now - WINDOW_MS
}

/// Looks someone up on an account and opens the conversation with them (or answers the one
/// that exists). See the module's description.
#[tracing::instrument(skip_all, fields(workspace = auth.workspace_id.0, account = input.account_id))]
pub async fn start(
    state: &AppState,
    auth: &AuthContext,
    input: StartChat,
) -> Result<ConversationView, AppError> {
    auth.require(Action::StartConversations)?;
    input.validate()?;
    let query = query_of(&input)?;
    let (field, _) = describe(&query);
    let ws = auth.workspace_id.0;
    let now = now_ms();

    let mut uow = UnitOfWork::begin(state).await?;
    // The account's row is locked on PostgreSQL so two lookups cannot both take the last
    // of the allowance (SQLite writes one transaction at a time).
    let lock = match state.db.backend {
        Backend::Postgres => " FOR UPDATE",
        Backend::Sqlite => "",
    };
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT kind, status, owner_id FROM channel_accounts WHERE id = $1 AND workspace_id = $2{lock}"
    )))
    .bind(input.account_id)
    .bind(ws)
    .fetch_optional(uow.conn())
    .await?
    .ok_or_else(|| AppError::not_found("Account"))?;
    let kind: String = row.try_get("kind")?;
    let status: AccountStatus = crate::messaging::column(&row, "status")?;
    auth.require_on(Action::StartConversations, row.try_get("owner_id")?)?;
    match status {
        AccountStatus::Disconnected => {
            return Err(AppError::conflict(
                "This account is disconnected; reconnect it to write",
            ))
        }
        AccountStatus::NeedsRelogin => {
            return Err(AppError::conflict(
                "This account needs to be connected again before it can write",
            ))
        }
        _ => {}
    }
    let capabilities = state.channels().capabilities(&kind);
    let reach = capabilities.map_or(Reach::NONE, |c| c.reach);
    if !reach.allows(&query) {
        let why = match query {
            PeerQuery::Username(_) => "This account cannot write first to someone by username",
            PeerQuery::Phone(_) => "This account cannot write first to someone by phone number",
        };
        return Err(AppError::field(field, "unsupported", why));
    }
    let used: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM reaches WHERE account_id = $1 AND created_at >= $2",
    )
    .bind(input.account_id)
    .bind(window_start(now))
    .fetch_one(uow.conn())
    .await?;
    if used >= i64::from(reach.per_day) {
        let oldest: i64 = sqlx::query_scalar(
            "SELECT MIN(created_at) FROM reaches WHERE account_id = $1 AND created_at >= $2",
        )
        .bind(input.account_id)
        .bind(window_start(now))
        .fetch_one(uow.conn())
        .await?;
        let wait_s = ((oldest + WINDOW_MS - now) / 1000).max(1) as u64;
        let mut e = AppError::rate_limited(wait_s);
        e.error = format!(
            "This account has looked up {} people in the last 24 hours, its daily allowance",
            reach.per_day
        );
        return Err(e);
    }
    let query_json =
        serde_json::to_string(&query).map_err(|e| AppError::bad_request(e.to_string()))?;
    let reach_id: i64 = sqlx::query_scalar(
        "INSERT INTO reaches (workspace_id, account_id, user_id, query, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(ws)
    .bind(input.account_id)
    .bind(auth.user_id.0)
    .bind(&query_json)
    .bind(now)
    .fetch_one(uow.conn())
    .await?;
    let on_one_instance = capabilities.is_some_and(|c| c.connection_on_one_instance);
    let payload = ReachPayload {
        reach_id,
        account_id: on_one_instance.then_some(input.account_id),
    };
    jobs::enqueue::<ReachPeer>(&mut uow, Some(ws), &payload, now).await?;
    uow.wake_jobs();
    uow.commit().await?;

    let outcome = wait_for(state, reach_id).await?;
    match outcome {
        Some((found, Some(conversation_id), _)) if found == "found" => {
            super::conversation(state, auth, conversation_id).await
        }
        Some((not_found, _, _)) if not_found == "not_found" => {
            let (field, what) = describe(&query);
            Err(AppError::field(
                field,
                "nobody_found",
                format!("Nobody on the network has this {what}, or they do not let strangers find them by it"),
            ))
        }
        Some((_, _, error)) => Err(AppError::conflict(error)),
        None => Err(AppError::conflict(
            "The account has not answered yet; the chat appears in the inbox if the person is found",
        )),
    }
}

/// The field a query came from, and what it is called in a sentence.
fn describe(query: &PeerQuery) -> (&'static str, &'static str) {
    match query {
        PeerQuery::Username(_) => ("username", "username"),
        PeerQuery::Phone(_) => ("phone", "phone number"),
    }
}

/// The one lookup the input asks for, normalised: a username without `@` or link, or a phone
/// number as `+` and digits.
fn query_of(input: &StartChat) -> Result<PeerQuery, AppError> {
    let username = input.username.as_deref().map(str::trim).unwrap_or("");
    let phone = input.phone.as_deref().map(str::trim).unwrap_or("");
    match (username.is_empty(), phone.is_empty()) {
        (true, true) => Err(AppError::field(
            "username",
            "required",
            "Enter a username or a phone number",
        )),
        (false, false) => Err(AppError::field(
            "phone",
            "invalid",
            "Enter a username or a phone number, not both",
        )),
        (false, true) => username_of(username).map(PeerQuery::Username),
        (true, false) => phone_of(phone).map(PeerQuery::Phone),
    }
}

/// `@name`, `name`, `t.me/name` or `https://t.me/name` → `name`, checked against Telegram's
/// rule (4 to 32 letters, digits and underscores, starting with a letter), as contacts are.
fn username_of(input: &str) -> Result<String, AppError> {
    let name = input
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_start_matches("t.me/")
        .trim_start_matches('@');
    let valid = (4..=32).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        Ok(name.to_string())
    } else {
        Err(AppError::field(
            "username",
            "telegram_username",
            "A username has 4 to 32 letters, digits or underscores and starts with a letter",
        ))
    }
}

/// `+44 20 7946-0958` → `+442079460958`: the international form with 7 to 15 digits.
fn phone_of(input: &str) -> Result<String, AppError> {
    let invalid = || {
        AppError::field(
            "phone",
            "phone_international",
            "Enter the number in international form, with + and the country code",
        )
    };
    let rest = input.strip_prefix('+').ok_or_else(invalid)?;
    if !rest
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '.'))
    {
        return Err(invalid());
    }
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    if (7..=15).contains(&digits.len()) {
        Ok(format!("+{digits}"))
    } else {
        Err(invalid())
    }
}

/// Waits for a lookup to end: its state, conversation and error, or `None` when it is still
/// pending after [`WAIT`].
async fn wait_for(
    state: &AppState,
    reach_id: i64,
) -> Result<Option<(String, Option<ConversationId>, String)>, AppError> {
    jobs::await_outcome(WAIT, || async {
        let row: Option<(String, Option<ConversationId>, String)> =
            sqlx::query_as("SELECT state, conversation_id, error FROM reaches WHERE id = $1")
                .bind(reach_id)
                .fetch_optional(&state.db.pool)
                .await?;
        match row {
            None => Err(AppError::not_found("Lookup")),
            Some(outcome) => Ok((outcome.0 != "pending").then_some(outcome)),
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(username: Option<&str>, phone: Option<&str>) -> StartChat {
        StartChat {
            account_id: 1,
            username: username.map(String::from),
            phone: phone.map(String::from),
        }
    }

    #[test]
    fn a_username_is_read_from_the_forms_people_paste() {
        for typed in [
            "@anna_k",
            "anna_k",
            "t.me/anna_k",
            "https://t.me/anna_k",
            " @anna_k ",
        ] {
            assert_eq!(
                query_of(&input(Some(typed), None)).unwrap(),
                PeerQuery::Username("anna_k".into()),
                "{typed}"
            );
        }
        for bad in ["@ann", "1anna", "anna-k", "@", "анна_к"] {
            let e = query_of(&input(Some(bad), None)).unwrap_err();
            let code = e.field_error("username").unwrap().code.as_deref();
            assert_eq!(code, Some("telegram_username"), "{bad}");
        }
    }

    #[test]
    fn a_phone_number_must_be_international() {
        assert_eq!(
            query_of(&input(None, Some("+44 20 7946-0958"))).unwrap(),
            PeerQuery::Phone("+442079460958".into())
        );
        assert_eq!(
            query_of(&input(Some(""), Some("+7 (912) 345-67-89"))).unwrap(),
            PeerQuery::Phone("+79123456789".into())
        );
        for bad in ["89123456789", "+12", "+7 912 abc", "+1234567890123456"] {
            let e = query_of(&input(None, Some(bad))).unwrap_err();
            let code = e.field_error("phone").unwrap().code.as_deref();
            assert_eq!(code, Some("phone_international"), "{bad}");
        }
    }

    #[test]
    fn exactly_one_way_to_find_someone() {
        let none = query_of(&input(None, Some("  "))).unwrap_err();
        assert_eq!(
            none.field_error("username").unwrap().code.as_deref(),
            Some("required")
        );
        let both = query_of(&input(Some("anna_k"), Some("+79123456789"))).unwrap_err();
        assert!(both.field_error("phone").is_some());
    }
}
