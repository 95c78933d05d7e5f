//! The signed-in user and workspace, shared by the layout and the pages inside it.

use crate::access::permissions::{Action, Grant};
use crate::access::Me;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Session {
    pub me: RwSignal<Me>,
}

impl Session {
    /// Whether the caller's role may take `action` at all (reactive). The UI hides what the
    /// server would refuse; the server checks again.
    pub fn may(&self, action: Action) -> bool {
        self.me.with(|m| m.role.may(action))
    }

    /// Whether the caller's role may take `action` on a record owned by `owner` (reactive).
    pub fn may_on(&self, action: Action, owner: Option<i64>) -> bool {
        self.me.with(|m| match m.role.grant(action) {
            Grant::All => true,
            Grant::Own => owner.is_none() || owner == Some(m.user.id.0),
            Grant::No => false,
        })
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
