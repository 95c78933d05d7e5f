//! Parley's application crate: domain modules with their wire types, server functions,
//! pages and (behind the `ssr` feature) services and queries.

#![recursion_limit = "512"]

pub mod access;
pub mod auth;
pub mod board;
pub mod channels;
pub mod companies;
pub mod components;
pub mod contacts;
mod crm;
pub mod csv_exchange;
pub mod deals;
pub mod email;
pub mod error;
pub mod i18n;
pub mod ids;
mod layout;
pub mod listing;
pub mod messaging;
pub mod pipelines;
#[cfg(feature = "ssr")]
pub mod platform;
pub mod providers;
pub mod realtime;
mod routes;
pub mod search;
#[cfg(feature = "ssr")]
pub mod server;
pub mod team;
pub mod timeline;
pub mod validation;
pub mod workspaces;

use crate::i18n::use_strings;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes, A};
use leptos_router::Lazy;
use leptos_router::{path, SsrMode};

/// The HTML document around the app (server only). The hydration script carries the
/// request's CSP nonce.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    leptos::nonce::provide_nonce();
    server::csp::set_document_csp();
    let prefs = providers::prefs::initial();
    view! {
        <!DOCTYPE html>
        <html lang=prefs.lang.code() data-theme=prefs.theme.code() data-tz=prefs.time_zone>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <HydrationScripts options/>
                <leptos_meta::MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    providers::provide_hydrated();
    providers::provide_prefs();
    providers::provide_toasts();
    let t = use_strings();
    view! {
        <Stylesheet id="leptos" href="/pkg/parley.css"/>
        // The brand reads the same in every language: read once, so building the title when
        // the response is sent never touches a signal whose owner is already gone.
        <Title text=t.get_untracked().app_name/>
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/signin") view={Lazy::<routes::SignInRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/signup") view={Lazy::<routes::SignUpRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/forgot-password") view={Lazy::<routes::ForgotPasswordRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/reset-password") view={Lazy::<routes::ResetPasswordRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/verify-email") view={Lazy::<routes::VerifyEmailRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/confirm-email-change") view={Lazy::<routes::ConfirmEmailChangeRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/join") view={Lazy::<routes::JoinRoute>::new()} ssr=SsrMode::Async/>
                <ParentRoute path=path!("") view=layout::AppLayout ssr=SsrMode::Async>
                    <Route path=path!("") view={Lazy::<routes::HomeRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("settings") view={Lazy::<routes::SettingsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("contacts") view={Lazy::<routes::ContactsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("contacts/new") view={Lazy::<routes::NewContactRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("contacts/import") view={Lazy::<routes::ImportRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("contacts/:id") view={Lazy::<routes::ContactRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("companies") view={Lazy::<routes::CompaniesRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("companies/new") view={Lazy::<routes::NewCompanyRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("companies/:id") view={Lazy::<routes::CompanyRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("deals") view={Lazy::<routes::DealsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("board") view={Lazy::<routes::BoardRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("settings/pipelines") view={Lazy::<routes::PipelinesRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("settings/profile") view={Lazy::<routes::ProfileRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("settings/security") view={Lazy::<routes::SecurityRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("settings/audit") view={Lazy::<routes::AuditRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("settings/outbox") view={Lazy::<routes::OutboxRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("team") view={Lazy::<routes::TeamRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("deals/new") view={Lazy::<routes::NewDealRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("deals/:id") view={Lazy::<routes::DealRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("inbox") view={Lazy::<routes::InboxRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("inbox/telegram/connect") view={Lazy::<routes::TelegramConnectRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("inbox/accounts/:id") view={Lazy::<routes::TelegramAccountRoute>::new()} ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        </Router>
        <components::ToastHost/>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    let t = use_strings();
    #[cfg(feature = "ssr")]
    if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
        opts.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <main class="centered">
            <div class="card">
                <p>{move || t.get().page_not_found}</p>
                <A href="/">{move || t.get().go_home}</A>
            </div>
        </main>
    }
}
