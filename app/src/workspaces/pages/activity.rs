use crate::components::format_time;
use crate::i18n::{tr, use_lang, use_strings, Arg, Lang};
use crate::realtime::RealtimeEvent;
use leptos::prelude::*;

/// One line of the activity feed, in `lang`: `event-<kind>` of the translation files with the
/// event's names put in; a kind without a message reads "something changed", never raw.
pub fn describe(lang: Lang, e: &RealtimeEvent) -> String {
    let text = |pointer: &str| {
        e.data
            .pointer(pointer)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let args: [(&str, Arg); 7] = [
        ("name", text("/name").into()),
        ("displayName", text("/displayName").into()),
        (
            "title",
            {
                let t = text("/title");
                if t.is_empty() {
                    text("/reminder/title")
                } else {
                    t
                }
            }
            .into(),
        ),
        ("stageName", text("/stageName").into()),
        ("pipeline", text("/pipeline/name").into()),
        ("chat", text("/conversation/title").into()),
        (
            "count",
            Arg::Number(e.data.get("created").and_then(|v| v.as_i64()).unwrap_or(0)),
        ),
    ];
    let id = format!("event-{}", e.kind.replace('.', "-"));
    if crate::i18n::has_message(lang, &id) {
        tr(lang, &id, &args)
    } else {
        tr(lang, "event-unknown", &[])
    }
}

/// The workspace's recent events, newest first.
#[component]
pub fn ActivityList(
    /// Events, newest first.
    #[prop(into)]
    events: Signal<Vec<RealtimeEvent>>,
) -> impl IntoView {
    let t = use_strings();
    let lang = use_lang();
    view! {
        <Show
            when=move || !events.get().is_empty()
            fallback=move || view! { <p class="empty">{move || t.get().no_activity}</p> }
        >
            <ol class="activity" aria-label=move || t.get().recent_activity>
                <For each=move || events.get() key=|e| e.seq let:event>
                    <li class="activity__item">
                        <span class="activity__text">{
                            let e = event.clone();
                            move || describe(lang.get(), &e)
                        }</span>
                        <time class="activity__time">{move || format_time(event.at)}</time>
                    </li>
                </For>
            </ol>
        </Show>
    }
}
