//! `/settings/outbox`: mail kept locally because no SMTP server is configured.

use crate::components::{format_time, Skeleton};
use crate::email::get_outbox;
use crate::i18n::use_strings;
use leptos::prelude::*;

#[component]
pub fn OutboxPage() -> impl IntoView {
    let t = use_strings();
    let messages = Resource::new(|| (), |_| get_outbox());
    view! {
        <section class="page">
            <h1 class="page__title">{move || t.get().team.outbox_title}</h1>
            <p class="muted">{move || t.get().team.outbox_hint}</p>
            <Suspense fallback=|| view! { <Skeleton lines=6/> }>
                {move || Suspend::new(async move {
                    match messages.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted">{move || t.get().team.outbox_empty}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="outbox" data-testid="outbox">
                                {list.into_iter().map(|m| view! {
                                    <li class="card outbox__message" data-testid="outbox-message">
                                        <details>
                                            <summary>
                                                <strong>{m.subject.clone()}</strong>" — "{m.to.clone()}
                                                <span class="muted">" · "{format_time(m.created_at)}</span>
                                            </summary>
                                            <pre class="outbox__text">{m.text.clone()}</pre>
                                        </details>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <p class="page-error" role="alert">{e.error}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
