//! Channels: the networks messages come from and go to. Each channel maps its network onto
//! the messaging model (accounts, conversations, messages) and runs its own receivers.

#[cfg(feature = "ssr")]
pub mod lease;
#[cfg(feature = "ssr")]
pub mod telegram_bot;
pub mod telegram_user;

/// Every channel, for the inbox's registry.
#[cfg(feature = "ssr")]
pub fn register(channels: &mut crate::messaging::server::channel::ChannelRegistry) {
    channels
        .register(telegram_bot::channel::BotChannel)
        .register(telegram_user::channel::UserChannel);
}
