//! "Check" beside an account in the inbox: asks the network whether the account works now and
//! says what it found. Shown to members who may connect the account; the server checks again.

use super::state::use_inbox;
use crate::access::permissions::Action;
use crate::i18n::{use_strings, Msg};
use crate::messaging::{check_channel_account, AccountCheck, AccountStatus};
use crate::providers::{use_hydrated, use_session, use_toasts, ToastKind, ToastText};
use leptos::prelude::*;

#[component]
pub fn CheckButton(
    /// The account checked.
    id: i64,
    /// Its owner, whose rights decide whether the member may check it.
    owner: Option<i64>,
    /// Its name, for the button's accessible name.
    name: String,
) -> impl IntoView {
    let t = use_strings();
    let inbox = use_inbox();
    let toasts = use_toasts();
    let session = use_session();
    let hydrated = use_hydrated();
    let pending = RwSignal::new(false);
    let label = move || format!("{} {name}", t.get().inbox.check_account_label);
    let check = move |_| {
        pending.set(true);
        leptos::task::spawn_local(async move {
            match check_channel_account(id).await {
                Ok(found) => {
                    let (kind, text) = outcome(&found);
                    inbox.accounts.try_update(|list| {
                        if let Some(a) = list.iter_mut().find(|a| a.id == id) {
                            *a = found.account;
                        }
                    });
                    toasts.push(kind, text);
                }
                Err(e) => toasts.push(ToastKind::Error, e),
            }
            pending.try_set(false);
        });
    };
    view! {
        <Show when=move || session.may_on(Action::ConnectChannels, owner)>
            <button class="accounts__check" type="button" data-testid=format!("check-account-{id}")
                aria-label=label.clone() disabled=move || !hydrated.get() || pending.get() on:click=check>
                {move || t.get().inbox.check_account}
            </button>
        </Show>
    }
}

/// What the member is told about a check.
fn outcome(found: &AccountCheck) -> (ToastKind, ToastText) {
    let status = found.account.status;
    if !found.checked {
        (ToastKind::Info, Msg::new("toast-connection-pending").into())
    } else if !found.error.is_empty() {
        let unanswered = Msg::new("toast-connection-unanswered").arg("reason", found.error.clone());
        (ToastKind::Error, unanswered.into())
    } else if status == AccountStatus::Connected {
        (
            ToastKind::Success,
            Msg::new("toast-connection-works").into(),
        )
    } else {
        let problem = Msg::new("toast-connection-problem").arg("status", status.as_str());
        (ToastKind::Error, problem.into())
    }
}
