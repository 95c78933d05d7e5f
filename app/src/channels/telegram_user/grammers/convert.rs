//! Telegram's types in the product's terms: messages (with their files), the signed-in user,
//! chats, folders and the various forms of chat id.

use grammers_client::media::Media;
use grammers_client::message::Message;
use grammers_client::peer::Peer;
use grammers_client::tl;
use grammers_session::types::{PeerId, PeerKind};

use super::super::boundary::{Me, RemoteFile, RemoteMessage};
use super::{lock, Shared};

/// Files larger than this are not downloaded (the message keeps its text, `file` is `None`).
const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

impl Shared {
    /// Maps a message; service messages (joins, pins, calls…) and empty ones are skipped.
    pub(super) async fn remote_message(&self, message: &Message) -> Option<RemoteMessage> {
        let tl::enums::Message::Message(raw) = &message.raw else {
            return None;
        };
        let chat = peer_id_of(&raw.peer_id)?;
        let peer_id = chat.bot_api_dialog_id()?;
        let self_id = self.session.self_id();

        // Private chats carry no author: it is us when outgoing, the other side otherwise.
        // Channel posts carry none either: the channel is the author.
        let sender_id = match &raw.from_id {
            Some(from) => peer_id_of(from).and_then(PeerId::bot_api_dialog_id),
            None if chat.kind() == PeerKind::User && raw.out => self_id,
            None => Some(peer_id),
        }
        .unwrap_or_default();
        let (sender_name, sender_username) = self.describe_sender(message, sender_id, self_id);

        let file = match message.media() {
            Some(media) => self.download(&media).await,
            None => None,
        };

        Some(RemoteMessage {
            peer_id,
            id: i64::from(raw.id),
            outgoing: raw.out,
            sender_id,
            sender_name,
            sender_username,
            text: raw.message.clone(),
            date_ms: seconds_to_ms(raw.date),
            edit_date_ms: raw.edit_date.map(seconds_to_ms),
            reply_to: message.reply_to_message_id().map(i64::from),
            file,
        })
    }

    /// The author's name and username, from the peers that came with the message (or our own).
    fn describe_sender(
        &self,
        message: &Message,
        sender_id: i64,
        self_id: Option<i64>,
    ) -> (String, String) {
        if self_id == Some(sender_id) {
            if let Some(me) = lock(&self.me).as_ref() {
                return (me.name.clone(), me.username.clone());
            }
        }
        let is_sender = |peer: &&Peer| peer.id().bot_api_dialog_id() == Some(sender_id);
        message
            .sender()
            .filter(is_sender)
            .or_else(|| message.peer().filter(is_sender))
            .map(|peer| {
                (
                    peer_title(peer),
                    peer.username().unwrap_or_default().to_string(),
                )
            })
            .unwrap_or_default()
    }

    /// Downloads a photo, document or sticker into memory, unless it is over the size cap.
    async fn download(&self, media: &Media) -> Option<RemoteFile> {
        let (file_name, mime_type, kind) = match media {
            Media::Photo(photo) => match photo.raw.photo.as_ref()? {
                tl::enums::Photo::Photo(photo) => (
                    format!("photo_{}.jpg", photo.id),
                    "image/jpeg".to_string(),
                    "photo",
                ),
                tl::enums::Photo::Empty(_) => return None,
            },
            Media::Document(document) => describe_document(&document.raw, "file")?,
            Media::Sticker(sticker) => describe_document(&sticker.document.raw, "sticker")?,
            _ => return None,
        };
        if media.size().is_some_and(|size| size > MAX_FILE_BYTES) {
            tracing::debug!(file_name, "not downloading a file over the size cap");
            return None;
        }

        let mut download = self.client.iter_download(media);
        let mut bytes = Vec::new();
        loop {
            match download.next().await {
                Ok(Some(chunk)) => {
                    if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                        tracing::debug!(file_name, "not downloading a file over the size cap");
                        return None;
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => {
                    tracing::warn!(error = %e, file_name, "could not download a Telegram file");
                    return None;
                }
            }
        }
        Some(RemoteFile {
            bytes,
            file_name,
            mime_type,
            kind: kind.to_string(),
        })
    }
}

pub(super) fn me_from_user(user: &tl::enums::User) -> Me {
    match user {
        tl::enums::User::User(user) => Me {
            user_id: user.id,
            name: full_name(user.first_name.as_deref(), user.last_name.as_deref()),
            username: user.username.clone().unwrap_or_default(),
            phone: user.phone.clone().unwrap_or_default(),
        },
        tl::enums::User::Empty(user) => Me {
            user_id: user.id,
            name: String::new(),
            username: String::new(),
            phone: String::new(),
        },
    }
}

fn full_name(first: Option<&str>, last: Option<&str>) -> String {
    [first, last]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// 'private' | 'group' | 'channel': broadcast channels are channels; basic groups,
/// supergroups and communities are groups.
pub(super) fn chat_kind(peer: &Peer) -> &'static str {
    match peer {
        Peer::User(_) => "private",
        Peer::Channel(_) => "channel",
        _ => "group",
    }
}

pub(super) fn peer_title(peer: &Peer) -> String {
    match peer {
        Peer::User(user) => user.full_name(),
        other => other.name().unwrap_or_default().to_string(),
    }
}

/// A folder's id, title and explicitly listed chats (pinned ones included); `None` for the
/// built-in "All chats". Rule-based inclusion (contacts, groups…) is not expanded.
pub(super) fn filter_parts(
    filter: &tl::enums::DialogFilter,
) -> Option<(i32, &str, impl Iterator<Item = &tl::enums::InputPeer>)> {
    match filter {
        tl::enums::DialogFilter::Filter(filter) => Some((
            filter.id,
            text_of(&filter.title),
            filter
                .pinned_peers
                .iter()
                .chain(filter.include_peers.iter()),
        )),
        tl::enums::DialogFilter::Chatlist(list) => Some((
            list.id,
            text_of(&list.title),
            list.pinned_peers.iter().chain(list.include_peers.iter()),
        )),
        tl::enums::DialogFilter::Default => None,
    }
}

fn text_of(text: &tl::enums::TextWithEntities) -> &str {
    match text {
        tl::enums::TextWithEntities::Entities(text) => &text.text,
    }
}

fn describe_document(
    media: &tl::types::MessageMediaDocument,
    prefix: &str,
) -> Option<(String, String, &'static str)> {
    let tl::enums::Document::Document(document) = media.document.as_ref()? else {
        return None;
    };
    let file_name = document
        .attributes
        .iter()
        .find_map(|attribute| match attribute {
            tl::enums::DocumentAttribute::Filename(name) => Some(name.file_name.clone()),
            _ => None,
        })
        .unwrap_or_else(|| format!("{prefix}_{}", document.id));
    let mime_type = if document.mime_type.is_empty() {
        "application/octet-stream".to_string()
    } else {
        document.mime_type.clone()
    };
    Some((file_name, mime_type, "document"))
}

pub(super) fn message_date(message: &tl::enums::Message) -> Option<i32> {
    match message {
        tl::enums::Message::Message(message) => Some(message.date),
        tl::enums::Message::Service(message) => Some(message.date),
        tl::enums::Message::Empty(_) => None,
    }
}

pub(super) fn seconds_to_ms(seconds: i32) -> i64 {
    i64::from(seconds) * 1000
}

/// The peer id of a TL peer, range-checked (grammers' own conversion only debug-asserts).
pub(super) fn peer_id_of(peer: &tl::enums::Peer) -> Option<PeerId> {
    match peer {
        tl::enums::Peer::User(user) => PeerId::user(user.user_id),
        tl::enums::Peer::Chat(chat) => PeerId::chat(chat.chat_id),
        tl::enums::Peer::Channel(channel) => PeerId::channel(channel.channel_id),
    }
}

pub(super) fn channel_marked(channel_id: i64) -> Option<i64> {
    PeerId::channel(channel_id)?.bot_api_dialog_id()
}

/// The user id behind a peer, if it is a user (typing "as a channel" is not a person).
pub(super) fn user_of(peer: &tl::enums::Peer) -> Option<i64> {
    match peer {
        tl::enums::Peer::User(user) => Some(user.user_id),
        _ => None,
    }
}

pub(super) fn input_peer_id(peer: &tl::enums::InputPeer, self_id: Option<i64>) -> Option<i64> {
    use tl::enums::InputPeer as P;
    let id = match peer {
        P::Empty => None,
        P::PeerSelf => return self_id,
        P::User(user) => PeerId::user(user.user_id),
        P::UserFromMessage(user) => PeerId::user(user.user_id),
        P::Chat(chat) => PeerId::chat(chat.chat_id),
        P::Channel(channel) => PeerId::channel(channel.channel_id),
        P::ChannelFromMessage(channel) => PeerId::channel(channel.channel_id),
    };
    id?.bot_api_dialog_id()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_list_their_explicit_chats() {
        let title = tl::enums::TextWithEntities::Entities(tl::types::TextWithEntities {
            text: "Clients".to_string(),
            entities: Vec::new(),
        });
        let filter = tl::enums::DialogFilter::Chatlist(tl::types::DialogFilterChatlist {
            has_my_invites: false,
            title_noanimate: false,
            id: 3,
            title,
            emoticon: None,
            color: None,
            pinned_peers: vec![tl::enums::InputPeer::PeerSelf],
            include_peers: vec![tl::types::InputPeerChannel {
                channel_id: 1234,
                access_hash: 1,
            }
            .into()],
        });
        let (id, title, peers) = filter_parts(&filter).expect("a folder");
        let ids: Vec<_> = peers
            .filter_map(|peer| input_peer_id(peer, Some(777)))
            .collect();
        assert_eq!((id, title), (3, "Clients"));
        assert_eq!(ids, vec![777, -1_000_000_001_234]);
        assert!(filter_parts(&tl::enums::DialogFilter::Default).is_none());
    }
}
