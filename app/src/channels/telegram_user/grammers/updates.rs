//! Updates: a background task drives grammers' update stream and queues what the product
//! follows (new, edited and deleted messages, read receipts, typing).

use std::sync::Arc;
use std::time::Duration;

use grammers_client::client::UpdateStream;
use grammers_client::sender::UpdatesConfiguration;
use grammers_client::tl;
use grammers_client::update::Update;
use grammers_client::InvocationError;
use grammers_session::types::PeerId;
use grammers_session::updates::UpdatesLike;
use tokio::sync::mpsc;

use super::super::boundary::{MtError, RemoteUpdate};
use super::convert::{channel_marked, peer_id_of, user_of};
use super::errors::map_invocation;
use super::{lock, GrammersClient, Shared};

/// Mapped updates waiting for [`UserClient::next_update`].
///
/// [`UserClient::next_update`]: super::super::boundary::UserClient::next_update
const UPDATE_QUEUE: usize = 256;
/// Pause after a failed attempt to fetch updates, before trying again.
const UPDATE_RETRY_DELAY: Duration = Duration::from_secs(5);

impl GrammersClient {
    /// What `UserClient::next_update` answers: starts the update task on the first call, then
    /// reads its queue.
    pub(super) async fn next_queued_update(&self) -> Result<RemoteUpdate, MtError> {
        let mut queue = self.updates.lock().await;
        let queue = match queue.as_mut() {
            Some(queue) => queue,
            None => {
                if self.shared.session.self_id().is_none() {
                    return Err(MtError::OutOfOrder(
                        "Sign in before listening for updates".to_string(),
                    ));
                }
                let Some(raw) = lock(&self.raw_updates).take() else {
                    return Err(MtError::Network("the update stream has ended".to_string()));
                };
                // Everything that awaits runs in the task, so this call stays cancel-safe.
                let (tx, rx) = mpsc::channel(UPDATE_QUEUE);
                let pump = tokio::spawn(pump_updates(Arc::clone(&self.shared), raw, tx));
                *lock(&self.pump) = Some(pump);
                queue.insert(rx)
            }
        };
        match queue.recv().await {
            Some(update) => update,
            None => Err(MtError::Network("the update stream has ended".to_string())),
        }
    }
}

/// Drives grammers' update stream and queues the mapped updates, until the queue's reader goes
/// away, the connection pool stops, or the session is revoked.
async fn pump_updates(
    shared: Arc<Shared>,
    raw: mpsc::Receiver<UpdatesLike>,
    tx: mpsc::Sender<Result<RemoteUpdate, MtError>>,
) {
    let configuration = UpdatesConfiguration { catch_up: true };
    let mut stream: UpdateStream = match shared.client.stream_updates(raw, configuration).await {
        Ok(stream) => stream,
        Err(e) => {
            let _ = tx
                .send(Err(MtError::Other(format!(
                    "could not follow updates: {e}"
                ))))
                .await;
            return;
        }
    };
    loop {
        let next = tokio::select! {
            _ = tx.closed() => return,
            next = stream.next() => next,
        };
        match next {
            Ok(update) => {
                if let Some(update) = shared.map_update(update).await {
                    if tx.send(Ok(update)).await.is_err() {
                        return;
                    }
                }
                // Keep the stored update state current, so a new connection catches up from
                // here (grammers does not do this by itself).
                if let Err(e) = stream.sync_update_state().await {
                    tracing::warn!(error = %e, "could not store the Telegram update state");
                }
            }
            Err(e) => {
                let fatal = matches!(e, InvocationError::Dropped(_));
                let error = map_invocation(&e);
                let fatal = fatal || error == MtError::SessionRevoked;
                if tx.send(Err(error)).await.is_err() || fatal {
                    return;
                }
                tokio::time::sleep(UPDATE_RETRY_DELAY).await;
            }
        }
    }
}

impl Shared {
    /// The product's view of an update, or `None` for updates it does not follow.
    pub(super) async fn map_update(&self, update: Update) -> Option<RemoteUpdate> {
        match update {
            Update::NewMessage(message) => self
                .remote_message(&message)
                .await
                .map(RemoteUpdate::NewMessage),
            Update::MessageEdited(message) => self
                .remote_message(&message)
                .await
                .map(RemoteUpdate::Edited),
            Update::MessageDeleted(deletion) => Some(RemoteUpdate::Deleted {
                peer_id: deletion.channel_id().and_then(channel_marked),
                ids: deletion
                    .messages()
                    .iter()
                    .map(|&id| i64::from(id))
                    .collect(),
            }),
            Update::Raw(raw) => map_raw_update(&raw.raw),
            _ => None,
        }
    }
}

/// Read receipts and typing, which grammers passes on as raw updates.
fn map_raw_update(update: &tl::enums::Update) -> Option<RemoteUpdate> {
    use tl::enums::Update as U;
    match update {
        U::ReadHistoryInbox(read) => Some(RemoteUpdate::ReadInbox {
            peer_id: peer_id_of(&read.peer)?.bot_api_dialog_id()?,
            max_id: i64::from(read.max_id),
        }),
        U::ReadHistoryOutbox(read) => Some(RemoteUpdate::ReadOutbox {
            peer_id: peer_id_of(&read.peer)?.bot_api_dialog_id()?,
            max_id: i64::from(read.max_id),
        }),
        U::ReadChannelInbox(read) => Some(RemoteUpdate::ReadInbox {
            peer_id: channel_marked(read.channel_id)?,
            max_id: i64::from(read.max_id),
        }),
        U::ReadChannelOutbox(read) => Some(RemoteUpdate::ReadOutbox {
            peer_id: channel_marked(read.channel_id)?,
            max_id: i64::from(read.max_id),
        }),
        U::UserTyping(typing) if is_composing(&typing.action) => Some(RemoteUpdate::Typing {
            peer_id: PeerId::user(typing.user_id)?.bot_api_dialog_id()?,
            user_id: typing.user_id,
        }),
        U::ChatUserTyping(typing) if is_composing(&typing.action) => Some(RemoteUpdate::Typing {
            peer_id: PeerId::chat(typing.chat_id)?.bot_api_dialog_id()?,
            user_id: user_of(&typing.from_id)?,
        }),
        U::ChannelUserTyping(typing) if is_composing(&typing.action) => {
            Some(RemoteUpdate::Typing {
                peer_id: channel_marked(typing.channel_id)?,
                user_id: user_of(&typing.from_id)?,
            })
        }
        _ => None,
    }
}

/// Whether a chat action means someone is writing something (typing, recording, uploading…).
fn is_composing(action: &tl::enums::SendMessageAction) -> bool {
    use tl::enums::SendMessageAction as A;
    matches!(
        action,
        A::SendMessageTypingAction
            | A::SendMessageRecordVideoAction
            | A::SendMessageUploadVideoAction(_)
            | A::SendMessageRecordAudioAction
            | A::SendMessageUploadAudioAction(_)
            | A::SendMessageUploadPhotoAction(_)
            | A::SendMessageUploadDocumentAction(_)
            | A::SendMessageGeoLocationAction
            | A::SendMessageChooseContactAction
            | A::SendMessageRecordRoundAction
            | A::SendMessageUploadRoundAction(_)
            | A::SendMessageChooseStickerAction
            | A::SendMessageTextDraftAction(_)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_receipts_use_marked_ids() {
        let update = tl::enums::Update::ReadChannelInbox(tl::types::UpdateReadChannelInbox {
            folder_id: None,
            channel_id: 1234,
            max_id: 42,
            still_unread_count: 0,
            pts: 1,
        });
        assert_eq!(
            map_raw_update(&update),
            Some(RemoteUpdate::ReadInbox {
                peer_id: -1_000_000_001_234,
                max_id: 42
            })
        );
    }
}
