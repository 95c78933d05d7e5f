//! The inbox's closed vocabularies — a message's direction and delivery state, a
//! conversation's kind, an account's health — as enums, written and read as the same
//! lower-case words the database and the API have always used.

use serde::{Deserialize, Serialize};

/// An enum whose variants are stored and sent as fixed words.
macro_rules! words {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $word)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and sent word.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word),+
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(word: &str) -> Result<$name, String> {
                match word {
                    $($word => Ok($name::$variant),)+
                    other => Err(format!(concat!("not a ", stringify!($name), ": {}"), other)),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

words! {
    /// Who wrote a message, seen from the account.
    Direction {
        /// The peer wrote to the account.
        In = "in",
        /// The account wrote (from Parley or another device).
        Out = "out",
    }
}

words! {
    /// Where a message is on its way.
    MessageState {
        /// Queued here, not yet handed to the network.
        Pending = "pending",
        Sent = "sent",
        Delivered = "delivered",
        Read = "read",
        Failed = "failed",
    }
}

words! {
    /// What kind of chat a conversation is.
    ConversationKind {
        Private = "private",
        Group = "group",
        Channel = "channel",
    }
}

words! {
    /// A channel account's health (written only by `messaging::server::health` and the
    /// account upsert).
    AccountStatus {
        Connected = "connected",
        Reconnecting = "reconnecting",
        FloodWait = "flood_wait",
        NeedsRelogin = "needs_relogin",
        Disconnected = "disconnected",
    }
}

/// Reads a stored word as its enum (a row the schema's CHECKs let through always parses).
#[cfg(feature = "ssr")]
pub fn column<T: std::str::FromStr<Err = String>>(
    row: &sqlx::any::AnyRow,
    name: &str,
) -> Result<T, sqlx::Error> {
    use sqlx::Row as _;
    let word: String = row.try_get(name)?;
    word.parse().map_err(|e: String| sqlx::Error::ColumnDecode {
        index: name.to_string(),
        source: e.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_reads_back_as_its_variant_and_is_sent_as_itself() {
        for s in MessageState::ALL {
            assert_eq!(s.as_str().parse::<MessageState>(), Ok(*s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        for s in AccountStatus::ALL {
            assert_eq!(s.as_str().parse::<AccountStatus>(), Ok(*s));
        }
        assert_eq!(serde_json::to_value(Direction::Out).unwrap(), "out");
        assert!("sideways".parse::<Direction>().is_err());
        assert_eq!(
            serde_json::from_value::<ConversationKind>("group".into()).unwrap(),
            ConversationKind::Group
        );
    }
}
