//! The session store: grammers' state (data centres and authorisation keys, cached peers, the
//! update state) kept in memory and written out whole as JSON, to be sealed and stored.

use std::convert::Infallible;
use std::sync::{Mutex as StdMutex, MutexGuard};

use grammers_session::types::{
    ChannelState, DcOption, PeerId, PeerInfo, PeerRef, UpdateState, UpdatesState,
};
use grammers_session::{BoxFuture, Session, SessionData};
use serde::{Deserialize, Serialize};

use super::lock;

/// Version of the serialised session format.
const SESSION_FORMAT: u32 = 1;

/// The serialised form of a session (what [`UserClient::session`] returns).
///
/// [`UserClient::session`]: super::super::boundary::UserClient::session
#[derive(Serialize, Deserialize)]
struct SessionSnapshot {
    format: u32,
    home_dc: i32,
    /// Data-centre addresses, with the authorisation key for each one connected to.
    dc_options: Vec<DcOption>,
    /// Cached peers (access hashes); the signed-in user is the one with `is_self`.
    peers: Vec<PeerInfo>,
    updates_state: UpdatesState,
}

/// A grammers session kept in memory that can be written out whole at any time.
///
/// Behaves like grammers' `MemorySession`, except that it also answers
/// `peer(PeerId::self_user())` with the signed-in user (as the SQLite storage does; grammers
/// relies on it to know whether the session is signed in).
#[derive(Default)]
pub(super) struct StoredSession(StdMutex<StoredState>);

#[derive(Default)]
struct StoredState {
    data: SessionData,
    self_id: Option<PeerId>,
}

impl StoredSession {
    pub(super) fn from_bytes(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        let snapshot: SessionSnapshot = serde_json::from_slice(bytes)?;
        // Start from the statically known data centres, then overlay what was stored.
        let mut state = StoredState::default();
        state.data.home_dc = snapshot.home_dc;
        for dc_option in snapshot.dc_options {
            state.data.dc_options.insert(dc_option.id, dc_option);
        }
        for peer in snapshot.peers {
            state.insert_peer(peer);
        }
        state.data.updates_state = snapshot.updates_state;
        Ok(Self(StdMutex::new(state)))
    }

    pub(super) fn to_bytes(&self) -> Vec<u8> {
        let snapshot = {
            let state = self.lock();
            SessionSnapshot {
                format: SESSION_FORMAT,
                home_dc: state.data.home_dc,
                dc_options: state.data.dc_options.values().cloned().collect(),
                peers: state.data.peer_infos.values().cloned().collect(),
                updates_state: state.data.updates_state.clone(),
            }
        };
        serde_json::to_vec(&snapshot).unwrap_or_else(|e| {
            // Plain structs and vectors: serialising them cannot fail.
            tracing::error!(error = %e, "could not serialise the Telegram session");
            Vec::new()
        })
    }

    fn lock(&self) -> MutexGuard<'_, StoredState> {
        lock(&self.0)
    }

    pub(super) fn home_dc(&self) -> i32 {
        self.lock().data.home_dc
    }

    pub(super) fn set_home_dc(&self, dc_id: i32) {
        self.lock().data.home_dc = dc_id;
    }

    /// The signed-in user's id, once signed in.
    pub(super) fn self_id(&self) -> Option<i64> {
        self.lock().self_id.and_then(PeerId::bot_api_dialog_id)
    }

    fn peer_info(&self, peer: PeerId) -> Option<PeerInfo> {
        let state = self.lock();
        let id = if peer == PeerId::self_user() {
            state.self_id?
        } else {
            peer
        };
        state.data.peer_infos.get(&id).cloned()
    }

    pub(super) fn peer_ref_of(&self, peer: PeerId) -> Option<PeerRef> {
        let info = self.peer_info(peer)?;
        Some(PeerRef {
            id: info_id(&info)?,
            auth: info.auth()?,
        })
    }

    pub(super) fn store_peer(&self, peer: PeerInfo) {
        self.lock().insert_peer(peer);
    }

    pub(super) fn store_update_state(&self, update: UpdateState) {
        let state = &mut self.lock().data.updates_state;
        match update {
            UpdateState::All(all) => *state = all,
            UpdateState::Primary { pts, date, seq } => {
                state.pts = pts;
                state.date = date;
                state.seq = seq;
            }
            UpdateState::Secondary { qts } => state.qts = qts,
            UpdateState::Channel { id, pts } => {
                state.channels.retain(|channel| channel.id != id);
                state.channels.push(ChannelState { id, pts });
            }
        }
    }
}

impl StoredState {
    /// Caches a peer, merging what is new into what was known (like `MemorySession`).
    fn insert_peer(&mut self, peer: PeerInfo) {
        let Some(id) = info_id(&peer) else {
            return;
        };
        if let PeerInfo::User {
            is_self: Some(true),
            ..
        } = peer
        {
            self.self_id = Some(id);
        }
        self.data
            .peer_infos
            .entry(id)
            .or_insert_with(|| peer.clone())
            .extend_info(&peer);
    }
}

/// The id of a cached peer, range-checked (`PeerInfo::id` only debug-asserts).
fn info_id(info: &PeerInfo) -> Option<PeerId> {
    match info {
        PeerInfo::User { id, .. } => PeerId::user(*id),
        PeerInfo::Chat { id } => PeerId::chat(*id),
        PeerInfo::Channel { id, .. } => PeerId::channel(*id),
    }
}

impl Session for StoredSession {
    type Error = Infallible;

    fn home_dc_id(&self) -> Result<i32, Infallible> {
        Ok(self.home_dc())
    }

    fn set_home_dc_id(&self, dc_id: i32) -> BoxFuture<'_, Result<(), Infallible>> {
        Box::pin(async move {
            self.set_home_dc(dc_id);
            Ok(())
        })
    }

    fn dc_option(&self, dc_id: i32) -> Result<Option<DcOption>, Infallible> {
        Ok(self.lock().data.dc_options.get(&dc_id).cloned())
    }

    fn set_dc_option(&self, dc_option: &DcOption) -> BoxFuture<'_, Result<(), Infallible>> {
        let dc_option = dc_option.clone();
        Box::pin(async move {
            self.lock().data.dc_options.insert(dc_option.id, dc_option);
            Ok(())
        })
    }

    fn peer(&self, peer: PeerId) -> BoxFuture<'_, Result<Option<PeerInfo>, Infallible>> {
        Box::pin(async move { Ok(self.peer_info(peer)) })
    }

    fn cache_peer(&self, peer: PeerInfo) -> BoxFuture<'_, Result<(), Infallible>> {
        Box::pin(async move {
            self.store_peer(peer);
            Ok(())
        })
    }

    fn updates_state(&self) -> BoxFuture<'_, Result<UpdatesState, Infallible>> {
        Box::pin(async move { Ok(self.lock().data.updates_state.clone()) })
    }

    fn set_update_state(&self, update: UpdateState) -> BoxFuture<'_, Result<(), Infallible>> {
        Box::pin(async move {
            self.store_update_state(update);
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use grammers_session::types::PeerAuth;

    use super::*;

    #[test]
    fn session_survives_a_round_trip() {
        let session = StoredSession::default();
        session.set_home_dc(4);
        session.store_peer(PeerInfo::User {
            id: 777,
            auth: Some(PeerAuth::from_hash(1)),
            bot: Some(false),
            is_self: Some(true),
        });
        session.store_peer(PeerInfo::Channel {
            id: 1234,
            auth: Some(PeerAuth::from_hash(99)),
            kind: None,
        });
        session.store_update_state(UpdateState::Channel { id: 1234, pts: 5 });

        let restored = StoredSession::from_bytes(&session.to_bytes()).expect("readable");
        assert_eq!(restored.home_dc(), 4);
        assert_eq!(restored.self_id(), Some(777));
        assert!(restored.peer_info(PeerId::self_user()).is_some());
        let channel = PeerId::from_bot_api_dialog_id(-1_000_000_001_234).expect("channel id");
        assert_eq!(
            restored.peer_ref_of(channel).map(|peer| peer.auth.hash()),
            Some(99)
        );
        assert_eq!(restored.lock().data.updates_state.channels.len(), 1);
        assert!(restored.lock().data.dc_options.contains_key(&1));
    }

    #[test]
    fn unreadable_session_is_an_error() {
        assert!(StoredSession::from_bytes(b"not json").is_err());
    }
}
