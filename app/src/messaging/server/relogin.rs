//! The owner of an account that needs a new login hears it by email (they may not be looking
//! at Parley): a durable consumer of `account.needs_relogin` events, so the email is queued
//! exactly once per event, in the transaction that moves the consumer past it.

use crate::error::AppError;
use crate::ids::WorkspaceId;
use crate::messaging::MessagingEvent;
use crate::realtime::server::consumers::Consumer;
use crate::realtime::{DomainEvent, RealtimeEvent};
use crate::server::db::Tx;
use crate::server::AppState;

pub struct ReloginEmail;

impl Consumer for ReloginEmail {
    const NAME: &'static str = "messaging.relogin_email";

    fn wants(kind: &str) -> bool {
        kind == "account.needs_relogin"
    }

    async fn handle(
        state: &AppState,
        tx: &mut Tx,
        workspace_id: WorkspaceId,
        event: &RealtimeEvent,
    ) -> Result<(), AppError> {
        let Some(MessagingEvent::AccountNeedsRelogin {
            id: account,
            tell_owner: true,
            ..
        }) = MessagingEvent::from_stream(event)
        else {
            return Ok(());
        };
        let owner: Option<(String, String, String)> = sqlx::query_as(
            "SELECT u.email, u.locale, a.name FROM channel_accounts a JOIN users u ON u.id = a.owner_id \
             WHERE a.id = $1 AND a.workspace_id = $2",
        )
        .bind(account)
        .bind(workspace_id.0)
        .fetch_optional(&mut **tx)
        .await?;
        let Some((email, locale, name)) = owner else {
            return Ok(());
        };
        let url = format!("{}/inbox/telegram/connect", state.settings.app_url());
        let mail = crate::email::server::templates::render(
            &crate::email::server::templates::Template::TelegramRelogin {
                account: &name,
                url: &url,
            },
            &locale,
            &email,
        );
        crate::email::server::queue(tx, state, Some(workspace_id.0), &mail).await?;
        state.jobs_wake.notify_one();
        Ok(())
    }
}
