//! Moving an account to another address: asked for with the current password, done when the
//! single-use link emailed to the new address is opened (which also proves the address).

use super::email_links;
use super::profile::{check_password, record_shown_name};
use super::service::email_taken;
use crate::access::server::audit;
use crate::access::server::AuthContext;
use crate::auth::profile::EmailChange;
use crate::email::server::{self as email, templates::Template};
use crate::error::server::violates;
use crate::error::AppError;
use crate::ids::UserId;
use crate::realtime::server::UnitOfWork;
use crate::server::extract::ClientMeta;
use crate::server::{now_ms, AppState};
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
    // Only the newest request counts: a link sent to a mistyped address stops working.
    email_links::revoke(&mut tx, auth.user_id, &["email_change"]).await?;
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
/// it meanwhile (409 `email_taken`). Every other pending change or reset link stops working.
/// The old address is told, with a link that takes the account back for a week (and ends
/// every session): the way back when the change was not its owner's.
pub async fn confirm(state: &AppState, token: &str, meta: &ClientMeta) -> Result<(), AppError> {
    let mut uow = UnitOfWork::begin(state).await?;
    let moved = email_links::consume_email_change(&mut uow, token)
        .await?
        .ok_or_else(|| AppError::field("token", "invalid", "This link was used or has expired"))?;
    let user = moved.user;
    let (old, locale): (String, String) =
        sqlx::query_as("SELECT email, locale FROM users WHERE id = $1")
            .bind(user.0)
            .fetch_one(uow.conn())
            .await?;
    let now = now_ms();
    let changed = sqlx::query(
        "UPDATE users SET email = $1, email_verified_at = $2, updated_at = $2 WHERE id = $3",
    )
    .bind(&moved.email)
    .bind(now)
    .bind(user.0)
    .execute(uow.conn())
    .await;
    match changed {
        Err(e) if violates(&e, "users_email_key", "users.email") => {
            return Err(email_taken("email"))
        }
        Err(e) => return Err(e.into()),
        Ok(_) => {}
    }
    email_links::revoke(&mut uow, user, &email_links::ACCOUNT_LINKS).await?;
    let action = if moved.revert {
        // Whoever moved the account away may still be signed in.
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user.0)
            .execute(uow.conn())
            .await?;
        "auth.email_reverted"
    } else {
        let back = email_links::issue_email_revert(&mut uow, user, &old).await?;
        let url = format!(
            "{}/confirm-email-change?token={back}",
            state.settings.app_url()
        );
        let notice = Template::EmailChanged {
            new_email: &moved.email,
            url: &url,
        };
        email::queue(
            &mut uow,
            state,
            None,
            &email::templates::render(&notice, &locale, &old),
        )
        .await?;
        "auth.email_changed"
    };
    let details = serde_json::json!({ "from": old, "to": moved.email });
    audit::log(
        &mut uow,
        actor(state, user, meta).await?,
        action,
        ("user", user.0.to_string()),
        details,
    )
    .await?;
    // A member without a name is shown by their address.
    let name: String = sqlx::query_scalar("SELECT name FROM users WHERE id = $1")
        .bind(user.0)
        .fetch_one(uow.conn())
        .await?;
    if name.is_empty() {
        record_shown_name(&mut uow, user).await?;
    }
    uow.wake_jobs();
    uow.commit().await?;
    if moved.revert {
        state.auth_cache().forget_user_sessions(user);
    }
    state.auth_cache().forget_profiles();
    tracing::info!(user_id = %user, revert = moved.revert, "email address changed");
    Ok(())
}

async fn actor(
    state: &AppState,
    user: UserId,
    meta: &ClientMeta,
) -> Result<audit::AuditActor, AppError> {
    let workspace = workspaces::default_membership(state, user)
        .await?
        .map(|(w, _)| w.0);
    Ok(audit::AuditActor {
        workspace_id: workspace,
        user_id: Some(user.0),
        ip: meta.ip.to_string(),
        source: "manual",
    })
}
