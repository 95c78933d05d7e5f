//! Moving an account to another address: asked for with the current password, done when the
//! single-use link emailed to the new address is opened (which also proves the address).

use super::profile::check_password;
use super::{email_links, AuthContext};
use crate::auth::profile::EmailChange;
use crate::email::server::{self as email, templates::Template};
use crate::error::server::violates;
use crate::error::{AppError, FieldError};
use crate::ids::UserId;
use crate::server::extract::ClientMeta;
use crate::server::{now_ms, AppState};
use crate::team::server::audit;
use crate::workspaces::server as workspaces;
use validator::Validate;

/// Emails a confirmation link to the new address, in the member's language.
pub async fn request(
    state: &AppState,
    auth: &AuthContext,
    input: EmailChange,
) -> Result<(), AppError> {
    let input = input.normalized();
    input.validate()?;
    let account = check_password(state, auth, &input.current_password).await?;
    if account.email == input.new_email {
        return Err(AppError::field(
            "newEmail",
            "same_email",
            "This is your address already",
        ));
    }
    let owner: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(&input.new_email)
        .fetch_optional(&state.db.pool)
        .await?;
    if owner.is_some() {
        return Err(email_taken("newEmail"));
    }
    let mut tx = state.db.begin().await?;
    let token = email_links::issue_email_change(&mut tx, auth.user_id, &input.new_email).await?;
    let url = format!(
        "{}/confirm-email-change?token={token}",
        state.settings.app_url()
    );
    let name = if account.name.is_empty() {
        &account.email
    } else {
        &account.name
    };
    let template = Template::EmailChange { name, url: &url };
    let mail = email::templates::render(&template, &account.locale, &input.new_email);
    email::queue(&mut tx, state, None, &mail).await?;
    let details = serde_json::json!({ "to": input.new_email });
    let target = ("user", auth.user_id.0.to_string());
    audit::log(
        &mut tx,
        auth,
        "auth.email_change_requested",
        target,
        details,
    )
    .await?;
    tx.commit().await?;
    state.jobs_wake.notify_one();
    Ok(())
}

/// Opens the link: the account takes the new address, confirmed, unless another account took
/// it meanwhile (409 `email_taken`). Other pending change links stop working.
pub async fn confirm(state: &AppState, token: &str, meta: &ClientMeta) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let (user, new_email) = email_links::consume_email_change(&mut tx, token)
        .await?
        .ok_or_else(|| AppError::field("token", "invalid", "This link was used or has expired"))?;
    let (old, locale): (String, String) =
        sqlx::query_as("SELECT email, locale FROM users WHERE id = $1")
            .bind(user.0)
            .fetch_one(&mut *tx)
            .await?;
    let now = now_ms();
    let changed = sqlx::query(
        "UPDATE users SET email = $1, email_verified_at = $2, updated_at = $2 WHERE id = $3",
    )
    .bind(&new_email)
    .bind(now)
    .bind(user.0)
    .execute(&mut *tx)
    .await;
    match changed {
        Err(e) if violates(&e, "users_email_key", "users.email") => {
            return Err(email_taken("email"))
        }
        Err(e) => return Err(e.into()),
        Ok(_) => {}
    }
    sqlx::query(
        "UPDATE auth_tokens SET used_at = $1 WHERE user_id = $2 AND purpose = 'email_change' \
         AND used_at IS NULL",
    )
    .bind(now)
    .bind(user.0)
    .execute(&mut *tx)
    .await?;
    // The old address hears of it: if this was not its owner, it is the way back.
    let url = format!("{}/forgot-password", state.settings.app_url());
    let notice = Template::EmailChanged {
        new_email: &new_email,
        url: &url,
    };
    email::queue(
        &mut tx,
        state,
        None,
        &email::templates::render(&notice, &locale, &old),
    )
    .await?;
    let details = serde_json::json!({ "from": old, "to": new_email });
    audit::log(
        &mut tx,
        actor(state, user, meta).await?,
        "auth.email_changed",
        ("user", user.0.to_string()),
        details,
    )
    .await?;
    tx.commit().await?;
    state.jobs_wake.notify_one();
    state.auth_cache.forget_profiles();
    tracing::info!(user_id = %user, "email address changed");
    Ok(())
}

async fn actor(
    state: &AppState,
    user: UserId,
    meta: &ClientMeta,
) -> Result<audit::Actor, AppError> {
    let workspace = workspaces::default_membership(state, user)
        .await?
        .map(|(w, _)| w.0);
    Ok(audit::Actor {
        workspace_id: workspace,
        user_id: Some(user.0),
        ip: meta.ip.to_string(),
    })
}

fn email_taken(field: &str) -> AppError {
    let message = "An account with this email already exists";
    let mut e = AppError::conflict(message);
    e.details = vec![FieldError {
        field: field.into(),
        message: message.into(),
        code: Some("email_taken".into()),
    }];
    e
}
