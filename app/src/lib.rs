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
                <Route path=path!("/signin") view=auth::SignInPage/>
                <Route path=path!("/signup") view=auth::SignUpPage/>
                <Route path=path!("/forgot-password") view=auth::ForgotPasswordPage/>
                <Route path=path!("/reset-password") view=auth::ResetPasswordPage/>
                <Route path=path!("/verify-email") view=auth::VerifyEmailPage/>
                <Route path=path!("/confirm-email-change") view=auth::ConfirmEmailChangePage/>
                <Route path=path!("/join") view=team::JoinPage ssr=SsrMode::Async/>
                <ParentRoute path=path!("") view=layout::AppLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=workspaces::HomePage ssr=SsrMode::Async/>
                    <Route path=path!("settings") view=workspaces::SettingsPage ssr=SsrMode::Async/>
                    <Route path=path!("contacts") view=contacts::ContactsPage ssr=SsrMode::Async/>
                    <Route path=path!("contacts/new") view=contacts::NewContactPage ssr=SsrMode::Async/>
                    <Route path=path!("contacts/import") view=csv_exchange::ImportContactsPage ssr=SsrMode::Async/>
                    <Route path=path!("contacts/:id") view=contacts::ContactPage ssr=SsrMode::Async/>
                    <Route path=path!("companies") view=companies::CompaniesPage ssr=SsrMode::Async/>
                    <Route path=path!("companies/new") view=companies::NewCompanyPage ssr=SsrMode::Async/>
                    <Route path=path!("companies/:id") view=companies::CompanyPage ssr=SsrMode::Async/>
                    <Route path=path!("deals") view=deals::DealsPage ssr=SsrMode::Async/>
                    <Route path=path!("board") view=board::BoardPage ssr=SsrMode::Async/>
                    <Route path=path!("settings/pipelines") view=pipelines::PipelinesPage ssr=SsrMode::Async/>
                    <Route path=path!("settings/profile") view=auth::ProfilePage ssr=SsrMode::Async/>
                    <Route path=path!("settings/security") view=auth::SecurityPage ssr=SsrMode::Async/>
                    <Route path=path!("settings/audit") view=team::AuditPage ssr=SsrMode::Async/>
                    <Route path=path!("settings/outbox") view=email::OutboxPage ssr=SsrMode::Async/>
                    <Route path=path!("team") view=team::TeamPage ssr=SsrMode::Async/>
                    <Route path=path!("deals/new") view=deals::NewDealPage ssr=SsrMode::Async/>
                    <Route path=path!("deals/:id") view=deals::DealPage ssr=SsrMode::Async/>
                    <Route path=path!("inbox") view=messaging::InboxPage ssr=SsrMode::Async/>
                    <Route path=path!("inbox/telegram/connect") view=channels::telegram_user::TelegramConnectPage ssr=SsrMode::Async/>
                    <Route path=path!("inbox/accounts/:id") view=channels::telegram_user::TelegramAccountPage ssr=SsrMode::Async/>
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
