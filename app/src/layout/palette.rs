use crate::i18n::use_strings;
use crate::search::{search_all, SearchHit};
use leptos::prelude::*;
use std::time::Duration;

/// The search palette: Ctrl/⌘+K opens it; type, move with ↑/↓, open with Enter, close with Esc.
#[component]
pub fn Palette() -> impl IntoView {
    let t = use_strings();
    let open = RwSignal::new(false);
    let term = RwSignal::new(String::new());
    let query = RwSignal::new(String::new());
    let selected = RwSignal::new(0usize);
    let generation = StoredValue::new(0u64);
    let input = NodeRef::<leptos::html::Input>::new();
    let hits = crate::providers::client_fetch(move || {
        let q = query.get();
        async move {
            if q.is_empty() {
                Ok(Vec::new())
            } else {
                search_all(q).await
            }
        }
    });
    let results = Signal::derive(move || hits.get().and_then(|r| r.ok()).unwrap_or_default());
    let navigate = leptos_router::hooks::use_navigate();
    let go = move |hit: SearchHit| {
        open.set(false);
        navigate(&hit.href, Default::default());
    };
    let _ = window_event_listener(leptos::ev::keydown, move |ev| {
        if (ev.ctrl_key() || ev.meta_key()) && ev.key().eq_ignore_ascii_case("k") {
            ev.prevent_default();
            open.set(true);
            term.set(String::new());
            query.set(String::new());
            selected.set(0);
        }
    });
    Effect::new(move |_| {
        if open.get() {
            // Focus once the dialog is displayed (it is `display: none` until the class lands).
            request_animation_frame(move || {
                if let Some(el) = input.get_untracked() {
                    let _ = el.focus();
                }
            });
        }
    });
    let on_input = move |ev| {
        let text = event_target_value(&ev);
        term.set(text.clone());
        selected.set(0);
        let mine = generation.get_value() + 1;
        generation.set_value(mine);
        set_timeout(
            move || {
                if generation.get_value() == mine {
                    query.set(text.trim().to_string())
                }
            },
            Duration::from_millis(150),
        );
    };
    let on_key = {
        let go = go.clone();
        move |ev: leptos::ev::KeyboardEvent| {
            let n = results.get_untracked().len();
            match ev.key().as_str() {
                "ArrowDown" if n > 0 => {
                    ev.prevent_default();
                    selected.update(|s| *s = (*s + 1) % n)
                }
                "ArrowUp" if n > 0 => {
                    ev.prevent_default();
                    selected.update(|s| *s = (*s + n - 1) % n)
                }
                "Enter" => {
                    ev.prevent_default();
                    if let Some(hit) = results
                        .get_untracked()
                        .get(selected.get_untracked())
                        .cloned()
                    {
                        go(hit);
                    }
                }
                "Escape" => open.set(false),
                _ => {}
            }
        }
    };
    let kind_label = move |kind: &str| match kind {
        "contact" => t.get().col_contact,
        "company" => t.get().company,
        _ => t.get().col_title,
    };
    view! {
        <button class="button button--ghost palette-trigger" type="button" on:click=move |_| open.set(true)
            aria-keyshortcuts="Control+K Meta+K">
            {move || t.get().palette_button}
            <kbd>"⌘K"</kbd>
        </button>
        <div class="modal palette" class:modal--open=move || open.get() role="dialog" aria-modal="true" aria-label=move || t.get().palette_label
            on:click=move |_| open.set(false)>
            <div class="modal__panel palette__panel" on:click=|ev| ev.stop_propagation()>
                <input node_ref=input class="palette__input" type="search" role="combobox" aria-expanded="true"
                    aria-controls="palette-results" aria-label=move || t.get().palette_label
                    placeholder=move || t.get().palette_placeholder prop:value=move || term.get() on:input=on_input on:keydown=on_key/>
                <ul id="palette-results" class="palette__results" role="listbox">
                    {move || {
                        let list = results.get();
                        if list.is_empty() && !query.get().is_empty() {
                            return view! { <li class="muted palette__empty">{t.get().palette_empty}</li> }.into_any();
                        }
                        list.into_iter().enumerate().map(|(i, hit)| {
                            let go = go.clone();
                            let h = hit.clone();
                            view! {
                                <li role="option" class="palette__hit" aria-selected=move || if selected.get() == i { "true" } else { "false" }
                                    on:mouseenter=move |_| selected.set(i) on:click=move |_| go(h.clone())>
                                    <span class="badge">{kind_label(&hit.kind)}</span>
                                    <span class="palette__title">{hit.title.clone()}</span>
                                    <span class="muted palette__subtitle">{hit.subtitle.clone()}</span>
                                </li>
                            }
                        }).collect_view().into_any()
                    }}
                </ul>
                <p class="muted palette__hint">{move || t.get().palette_hint}</p>
            </div>
        </div>
    }
}
