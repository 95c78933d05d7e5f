//! Channels: the networks messages come from and go to. Each channel maps its network onto
//! the messaging model (accounts, conversations, messages) and runs its own receivers.

pub mod lease;
pub mod telegram_bot;
pub mod telegram_user;

/// The channels' own job kinds (sending is the inbox's job, through each channel).
pub fn register_jobs(jobs: &mut crate::server::jobs::JobRegistry) {
    jobs.register::<telegram_user::jobs::MarkRead>();
}
