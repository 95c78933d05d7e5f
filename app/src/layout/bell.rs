use crate::components::format_time;
use crate::i18n::use_strings;
use crate::i18n::Msg;
use crate::messaging::MessagingEvent;
use crate::providers::{use_session, use_toasts, ToastKind};
use crate::realtime::{use_realtime, DomainEvent};
use crate::timeline::{my_reminders, ReminderView, TimelineEvent};
use leptos::prelude::*;
use leptos_router::components::A;

/// The bell: the caller's reminders that are due; a reminder coming due arrives live.
#[component]
pub fn Bell() -> impl IntoView {
    let t = use_strings();
    let toasts = use_toasts();
    let me = use_session().me.get_untracked().user.id.0;
    let version = RwSignal::new(0u64);
    let reminders = crate::providers::client_fetch(move || {
        version.track();
        my_reminders()
    });
    use_realtime().on_event(move |e| match e.kind.as_str() {
        "account.needs_relogin" => {
            if let Some(MessagingEvent::AccountNeedsRelogin {
                owner_id: Some(owner),
                ..
            }) = MessagingEvent::from_stream(e)
            {
                if owner == me {
                    toasts.push(ToastKind::Error, Msg::new("toast-relogin-needed"));
                }
            }
        }
        "reminder.due" => {
            if let Some(TimelineEvent::ReminderDue { reminder, user_id }) =
                TimelineEvent::from_stream(e)
            {
                if user_id == me {
                    toasts.push(
                        ToastKind::Info,
                        Msg::new("toast-reminder-due").arg("title", reminder.title),
                    );
                }
            }
            version.update(|v| *v += 1);
        }
        k if k.starts_with("reminder.") => version.update(|v| *v += 1),
        _ => {}
    });
    let due = Signal::derive(move || {
        let now = js_now();
        reminders
            .get()
            .and_then(|r| r.ok())
            .unwrap_or_default()
            .into_iter()
            .filter(|r| r.due_at <= now)
            .collect::<Vec<ReminderView>>()
    });
    view! {
        <details class="menu bell">
            <summary class="menu__trigger" aria-label=move || t.get().bell_label>
                <span aria-hidden="true">"🔔"</span>
                <span class="bell__count" data-testid="bell-count">{move || { let n = due.get().len(); (n > 0).then(|| n.to_string()) }}</span>
            </summary>
            <div class="menu__panel">
                <p class="menu__email">{move || t.get().bell_label}</p>
                {move || {
                    let list = due.get();
                    if list.is_empty() {
                        return view! { <p class="muted bell__empty">{t.get().no_due}</p> }.into_any();
                    }
                    list.into_iter().map(|r| view! {
                        <A href=r.href() attr:class="bell__item">
                            <span>{r.title.clone()}</span>
                            <time class="muted">{format_time(r.due_at)}</time>
                        </A>
                    }).collect_view().into_any()
                }}
            </div>
        </details>
    }
}

/// Now, in epoch milliseconds (the browser's clock; the server's during rendering).
fn js_now() -> i64 {
    #[cfg(feature = "ssr")]
    {
        crate::server::now_ms()
    }
    #[cfg(not(feature = "ssr"))]
    {
        js_sys::Date::now() as i64
    }
}
