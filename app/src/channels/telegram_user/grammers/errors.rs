//! Errors: RPC errors become [`MtError`] by name; transport failures become
//! [`MtError::Network`].

use grammers_client::InvocationError;

use super::super::boundary::MtError;

pub(super) fn map_invocation(error: &InvocationError) -> MtError {
    match error {
        InvocationError::Rpc(rpc) => {
            let name = rpc.name.as_str();
            match name {
                "FLOOD_WAIT" | "FLOOD_PREMIUM_WAIT" | "SLOWMODE_WAIT" => {
                    MtError::FloodWait(u64::from(rpc.value.unwrap_or(1)))
                }
                "PHONE_NUMBER_INVALID" => MtError::PhoneInvalid,
                "PHONE_CODE_INVALID" | "PHONE_CODE_EMPTY" => MtError::InvalidCode,
                "PHONE_CODE_EXPIRED" => MtError::CodeExpired,
                "PASSWORD_HASH_INVALID" => MtError::InvalidPassword,
                "AUTH_KEY_UNREGISTERED"
                | "AUTH_KEY_INVALID"
                | "AUTH_KEY_PERM_EMPTY"
                | "AUTH_KEY_DUPLICATED"
                | "SESSION_REVOKED"
                | "SESSION_EXPIRED"
                | "USER_DEACTIVATED"
                | "USER_DEACTIVATED_BAN" => MtError::SessionRevoked,
                // 401 but not a dead session: the login is only half done.
                "SESSION_PASSWORD_NEEDED" => MtError::Other(name.to_string()),
                _ if rpc.code == 401 => MtError::SessionRevoked,
                _ => MtError::Other(name.to_string()),
            }
        }
        InvocationError::Io(e) => MtError::Network(e.to_string()),
        InvocationError::Transport(e) => MtError::Network(e.to_string()),
        InvocationError::Dropped(reason) => {
            MtError::Network(format!("connection closed: {reason}"))
        }
        InvocationError::Authentication(e) => MtError::Network(e.to_string()),
        InvocationError::Deserialize(e) => MtError::Other(format!("unreadable answer: {e}")),
        InvocationError::InvalidDc => MtError::Other("unknown Telegram data centre".to_string()),
        InvocationError::Session(e) => MtError::Other(format!("session storage: {e}")),
    }
}

/// Uploads report failures as I/O errors that may wrap an [`InvocationError`].
pub(super) fn map_io(error: &std::io::Error) -> MtError {
    match error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<InvocationError>())
    {
        Some(inner) => map_invocation(inner),
        None => MtError::Network(error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use grammers_client::sender::RpcError;

    use super::*;

    fn rpc(code: i32, name: &str, value: Option<u32>) -> InvocationError {
        InvocationError::Rpc(RpcError {
            code,
            name: name.to_string(),
            value,
            caused_by: None,
        })
    }

    #[test]
    fn rpc_errors_map_by_name() {
        assert_eq!(
            map_invocation(&rpc(420, "FLOOD_WAIT", Some(31))),
            MtError::FloodWait(31)
        );
        assert_eq!(
            map_invocation(&rpc(400, "PHONE_CODE_EXPIRED", None)),
            MtError::CodeExpired
        );
        assert_eq!(
            map_invocation(&rpc(400, "PHONE_CODE_EMPTY", None)),
            MtError::InvalidCode
        );
        assert_eq!(
            map_invocation(&rpc(401, "AUTH_KEY_UNREGISTERED", None)),
            MtError::SessionRevoked
        );
        assert_eq!(
            map_invocation(&rpc(401, "SOMETHING_ELSE", None)),
            MtError::SessionRevoked
        );
        assert_eq!(
            map_invocation(&rpc(401, "SESSION_PASSWORD_NEEDED", None)),
            MtError::Other("SESSION_PASSWORD_NEEDED".to_string())
        );
        assert_eq!(
            map_invocation(&InvocationError::Dropped("gone")),
            MtError::Network("connection closed: gone".to_string())
        );
    }
}
