//! The pages, in groups the browser fetches on first use.
//!
//! The release build splits the WASM (`cargo leptos build --release --split`): the main
//! module holds the frame every page shares (router, layout, providers, components), and each
//! group below is its own module, fetched the first time one of its pages is shown and then
//! kept. A page's first load is the main module plus its group (and any code its group shares
//! with another), which `parley-bench` measures. Without `--split` (debug builds) the groups
//! are ordinary functions.
//!
//! A group is a module whose `#[lazy]` function `pages` draws one of its pages; each route is a
//! `LazyRoute` naming its group and page.

use crate::{auth, channels, companies, contacts, csv_exchange, deals, email, messaging};
use crate::{board, pipelines, team, workspaces};
use leptos::lazy;
use leptos::prelude::*;
use leptos_router::LazyRoute;

/// Routes drawn by page groups: `Route => group(Page::Variant);`, or `Route => group();` for a
/// group of one page.
macro_rules! lazy_pages {
    ($($route:ident => $group:ident($($page:expr)?);)+) => {$(
        pub struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_: Self) -> AnyView {
                $group::pages($($page)?).await
            }

            // Hydration needs the page's code before it starts: the router fetches it here.
            async fn preload() {
                #[cfg(feature = "hydrate")]
                $group::__preload_pages().await;
            }
        }
    )+};
}

#[derive(Clone, Copy)]
pub enum Signin {
    SignIn,
    SignUp,
    ForgotPassword,
    ResetPassword,
    VerifyEmail,
    ConfirmEmailChange,
    Join,
}

mod signin_pages {
    use super::*;

    #[lazy(signin_pages)]
    pub fn pages(page: Signin) -> AnyView {
        match page {
            Signin::SignIn => view! { <auth::SignInPage/> }.into_any(),
            Signin::SignUp => view! { <auth::SignUpPage/> }.into_any(),
            Signin::ForgotPassword => view! { <auth::ForgotPasswordPage/> }.into_any(),
            Signin::ResetPassword => view! { <auth::ResetPasswordPage/> }.into_any(),
            Signin::VerifyEmail => view! { <auth::VerifyEmailPage/> }.into_any(),
            Signin::ConfirmEmailChange => view! { <auth::ConfirmEmailChangePage/> }.into_any(),
            Signin::Join => view! { <team::JoinPage/> }.into_any(),
        }
    }
}

#[derive(Clone, Copy)]
pub enum Workspace {
    Home,
    Settings,
}

mod workspace_pages {
    use super::*;

    #[lazy(workspace_pages)]
    pub fn pages(page: Workspace) -> AnyView {
        match page {
            Workspace::Home => view! { <workspaces::HomePage/> }.into_any(),
            Workspace::Settings => view! { <workspaces::SettingsPage/> }.into_any(),
        }
    }
}

#[derive(Clone, Copy)]
pub enum Records {
    Contacts,
    NewContact,
    Contact,
    Companies,
    NewCompany,
    Company,
}

mod record_pages {
    use super::*;

    #[lazy(record_pages)]
    pub fn pages(page: Records) -> AnyView {
        match page {
            Records::Contacts => view! { <contacts::ContactsPage/> }.into_any(),
            Records::NewContact => view! { <contacts::NewContactPage/> }.into_any(),
            Records::Contact => view! { <contacts::ContactPage/> }.into_any(),
            Records::Companies => view! { <companies::CompaniesPage/> }.into_any(),
            Records::NewCompany => view! { <companies::NewCompanyPage/> }.into_any(),
            Records::Company => view! { <companies::CompanyPage/> }.into_any(),
        }
    }
}

mod import_page {
    use super::*;

    #[lazy(import_page)]
    pub fn pages() -> AnyView {
        view! { <csv_exchange::ImportContactsPage/> }.into_any()
    }
}

#[derive(Clone, Copy)]
pub enum Deals {
    List,
    New,
    Deal,
}

mod deal_pages {
    use super::*;

    #[lazy(deal_pages)]
    pub fn pages(page: Deals) -> AnyView {
        match page {
            Deals::List => view! { <deals::DealsPage/> }.into_any(),
            Deals::New => view! { <deals::NewDealPage/> }.into_any(),
            Deals::Deal => view! { <deals::DealPage/> }.into_any(),
        }
    }
}

mod board_page {
    use super::*;

    #[lazy(board_page)]
    pub fn pages() -> AnyView {
        view! { <board::BoardPage/> }.into_any()
    }
}

#[derive(Clone, Copy)]
pub enum Settings {
    Pipelines,
    Profile,
    Security,
}

mod settings_pages {
    use super::*;

    #[lazy(settings_pages)]
    pub fn pages(page: Settings) -> AnyView {
        match page {
            Settings::Pipelines => view! { <pipelines::PipelinesPage/> }.into_any(),
            Settings::Profile => view! { <auth::ProfilePage/> }.into_any(),
            Settings::Security => view! { <auth::SecurityPage/> }.into_any(),
        }
    }
}

#[derive(Clone, Copy)]
pub enum Team {
    Members,
    Audit,
    Outbox,
}

mod team_pages {
    use super::*;

    #[lazy(team_pages)]
    pub fn pages(page: Team) -> AnyView {
        match page {
            Team::Members => view! { <team::TeamPage/> }.into_any(),
            Team::Audit => view! { <team::AuditPage/> }.into_any(),
            Team::Outbox => view! { <email::OutboxPage/> }.into_any(),
        }
    }
}

mod inbox_page {
    use super::*;

    #[lazy(inbox_page)]
    pub fn pages() -> AnyView {
        view! { <messaging::InboxPage/> }.into_any()
    }
}

#[derive(Clone, Copy)]
pub enum Telegram {
    Connect,
    Account,
}

mod telegram_pages {
    use super::*;

    #[lazy(telegram_pages)]
    pub fn pages(page: Telegram) -> AnyView {
        match page {
            Telegram::Connect => {
                view! { <channels::telegram_user::TelegramConnectPage/> }.into_any()
            }
            Telegram::Account => {
                view! { <channels::telegram_user::TelegramAccountPage/> }.into_any()
            }
        }
    }
}

lazy_pages! {
    SignInRoute => signin_pages(Signin::SignIn);
    SignUpRoute => signin_pages(Signin::SignUp);
    ForgotPasswordRoute => signin_pages(Signin::ForgotPassword);
    ResetPasswordRoute => signin_pages(Signin::ResetPassword);
    VerifyEmailRoute => signin_pages(Signin::VerifyEmail);
    ConfirmEmailChangeRoute => signin_pages(Signin::ConfirmEmailChange);
    JoinRoute => signin_pages(Signin::Join);
    HomeRoute => workspace_pages(Workspace::Home);
    SettingsRoute => workspace_pages(Workspace::Settings);
    ContactsRoute => record_pages(Records::Contacts);
    NewContactRoute => record_pages(Records::NewContact);
    ContactRoute => record_pages(Records::Contact);
    CompaniesRoute => record_pages(Records::Companies);
    NewCompanyRoute => record_pages(Records::NewCompany);
    CompanyRoute => record_pages(Records::Company);
    DealsRoute => deal_pages(Deals::List);
    NewDealRoute => deal_pages(Deals::New);
    DealRoute => deal_pages(Deals::Deal);
    PipelinesRoute => settings_pages(Settings::Pipelines);
    ProfileRoute => settings_pages(Settings::Profile);
    SecurityRoute => settings_pages(Settings::Security);
    TeamRoute => team_pages(Team::Members);
    AuditRoute => team_pages(Team::Audit);
    OutboxRoute => team_pages(Team::Outbox);
    TelegramConnectRoute => telegram_pages(Telegram::Connect);
    TelegramAccountRoute => telegram_pages(Telegram::Account);
    ImportRoute => import_page();
    BoardRoute => board_page();
    InboxRoute => inbox_page();
}
