//! The channel's part of `AppState`: the connector, logins under way, connected clients.

use super::boundary::{Connector, UserClient};
use super::{grammers, login, simulated};
use crate::server::config::{Settings, TelegramUserBackend};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The channel's part of `AppState`.
pub struct TelegramUsers {
    pub connector: Arc<dyn Connector>,
    /// Present with the simulated backend: its control routes play the other side.
    pub simulated: Option<simulated::SimulatedTelegram>,
    /// Logins under way on this instance.
    pub logins: login::Logins,
    /// The connected clients of the accounts whose lease this instance holds: the send and
    /// read jobs use them.
    clients: Mutex<HashMap<i64, Arc<dyn UserClient>>>,
    /// Wakes an account's worker (a pick, a resync).
    wakers: Mutex<HashMap<i64, Arc<tokio::sync::Notify>>>,
}

impl TelegramUsers {
    pub fn from_settings(settings: &Settings) -> TelegramUsers {
        let (connector, simulated): (Arc<dyn Connector>, _) = match settings.telegram_user_backend {
            TelegramUserBackend::Grammers => (Arc::new(grammers::GrammersConnector), None),
            TelegramUserBackend::Simulated => {
                let sim = simulated::SimulatedTelegram::shared();
                (Arc::new(sim.clone()), Some(sim))
            }
        };
        TelegramUsers {
            connector,
            simulated,
            logins: login::Logins::default(),
            clients: Mutex::new(HashMap::new()),
            wakers: Mutex::new(HashMap::new()),
        }
    }

    pub fn client(&self, account_id: i64) -> Option<Arc<dyn UserClient>> {
        self.clients
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&account_id)
            .cloned()
    }

    pub(super) fn waker(&self, account_id: i64) -> Arc<tokio::sync::Notify> {
        self.wakers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(account_id)
            .or_default()
            .clone()
    }

    /// Wakes the account's worker if it runs here (elsewhere it looks within seconds).
    pub fn wake(&self, account_id: i64) {
        self.waker(account_id).notify_one();
    }

    pub(super) fn set_client(&self, account_id: i64, client: Option<Arc<dyn UserClient>>) {
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        match client {
            Some(c) => clients.insert(account_id, c),
            None => clients.remove(&account_id),
        };
    }
}

impl crate::server::AppState {
    /// Telegram user accounts: the MTProto connector, logins under way, connected clients.
    pub fn telegram(&self) -> &TelegramUsers {
        self.part()
    }
}
