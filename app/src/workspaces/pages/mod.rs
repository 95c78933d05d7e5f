//! Home and workspace settings.

mod activity;
mod home;
mod settings;

pub use home::HomePage;
pub use settings::SettingsPage;
