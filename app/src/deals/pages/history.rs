//! A deal's stage history: every move with from, to, who, when, why and how.

use crate::components::format_time;
use crate::deals::DealEvent;
use crate::i18n::use_strings;
use crate::ids::DealId;
use crate::pipelines::{deal_stage_history, StageMove};
use crate::realtime::{use_realtime, DomainEvent};
use leptos::prelude::*;

#[component]
pub fn StageHistory(deal_id: DealId) -> impl IntoView {
    let t = use_strings();
    let version = RwSignal::new(0u64);
    let moves = crate::providers::client_fetch(move || {
        version.track();
        deal_stage_history(deal_id)
    });
    use_realtime().on_event(move |e| {
        if let Some(DealEvent::StageChanged { deal, .. }) = DealEvent::from_stream(e) {
            if deal.id == deal_id {
                version.update(|v| *v += 1);
            }
        }
    });
    let line = move |m: &StageMove| {
        let tt = t.get();
        let to = m.to_stage_name.clone().unwrap_or_else(|| "—".into());
        let what = match &m.from_stage_name {
            None if m.from_stage_id.is_none() && m.reason.is_empty() => {
                format!("{} {to}", tt.board.created_in)
            }
            from => format!("{} → {to}", from.clone().unwrap_or_else(|| "—".into())),
        };
        let source = match m.source.as_str() {
            "api" => tt.board.source_api,
            "automation" => tt.board.source_automation,
            "campaign" => tt.board.source_campaign,
            "system" => tt.board.source_system,
            _ => tt.board.source_manual,
        };
        let who = m.actor_name.clone().unwrap_or_default();
        (
            what,
            format!("{} · {who} · {source}", format_time(m.created_at)),
            m.reason.clone(),
        )
    };
    view! {
        <section class="card history" aria-labelledby="history-title">
            <h2 id="history-title" class="card__subtitle">{move || t.get().board.history}</h2>
            {move || match moves.get() {
                None => view! { <p class="muted">{move || t.get().loading}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="page-error" role="alert">{e.error}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="muted">{move || t.get().board.history_empty}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <ol class="history__list" data-testid="stage-history">
                        {list.iter().map(|m| {
                            let (what, meta, reason) = line(m);
                            view! {
                                <li class="history__item">
                                    <span class="history__what">{what}</span>
                                    <span class="muted history__meta">{meta}</span>
                                    {(!reason.is_empty()).then(|| view! { <span class="history__reason">{reason}</span> })}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any(),
            }}
        </section>
    }
}
