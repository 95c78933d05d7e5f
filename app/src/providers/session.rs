//! The signed-in user and workspace, shared by the layout and the pages inside it.

use crate::auth::Me;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Session {
    pub me: RwSignal<Me>,
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
