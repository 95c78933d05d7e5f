//! Logging in: by phone (code, then the cloud password if there is one) and by QR code, with
//! the data-centre migrations Telegram asks for on the way.

use base64::Engine as _;
use grammers_client::client::PasswordToken;
use grammers_client::tl;
use grammers_client::{InvocationError, SignInError};
use grammers_session::types::{PeerAuth, PeerInfo, UpdateState, UpdatesState};

use super::super::boundary::{LoginStep, Me, MtError};
use super::convert::{me_from_user, seconds_to_ms};
use super::errors::map_invocation;
use super::{lock, GrammersClient};

/// A login in progress.
#[derive(Default)]
pub(super) struct LoginState {
    /// Set by `request_code`, used by `sign_in`.
    phone: Option<PhoneLogin>,
    /// Set when Telegram asks for the cloud password, used by `check_password`.
    password: Option<tl::types::account::Password>,
}

#[derive(Clone)]
struct PhoneLogin {
    phone: String,
    phone_code_hash: String,
}

impl GrammersClient {
    pub(super) async fn login_request_code(&self, phone: &str) -> Result<LoginStep, MtError> {
        let request = tl::functions::auth::SendCode {
            phone_number: phone.to_string(),
            api_id: self.api_id,
            api_hash: self.api_hash.clone(),
            settings: tl::types::CodeSettings {
                allow_flashcall: false,
                current_number: false,
                allow_app_hash: false,
                allow_missed_call: false,
                allow_firebase: false,
                unknown_number: false,
                logout_tokens: None,
                token: None,
                app_sandbox: None,
            }
            .into(),
        };
        use tl::enums::auth::SentCode;
        match self.invoke_migrating(&request).await {
            Ok(SentCode::Code(sent)) => {
                let mut login = lock(&self.login);
                login.phone = Some(PhoneLogin {
                    phone: phone.to_string(),
                    phone_code_hash: sent.phone_code_hash,
                });
                login.password = None;
                Ok(LoginStep::CodeSent)
            }
            Ok(SentCode::Success(success)) => self.authorized(success.authorization).await,
            Ok(SentCode::PaymentRequired(_)) => Err(MtError::Other(
                "Telegram only sends a code to this number after a payment; log in with the QR code instead"
                    .to_string(),
            )),
            Err(e) => Err(map_invocation(&e)),
        }
    }

    pub(super) async fn login_sign_in(&self, code: &str) -> Result<LoginStep, MtError> {
        let pending = lock(&self.login).phone.clone();
        let Some(pending) = pending else {
            return Err(MtError::OutOfOrder(
                "Ask for a login code first".to_string(),
            ));
        };
        let request = tl::functions::auth::SignIn {
            phone_number: pending.phone,
            phone_code_hash: pending.phone_code_hash,
            phone_code: Some(code.trim().to_string()),
            email_verification: None,
        };
        match self.shared.client.invoke(&request).await {
            Ok(authorization) => self.authorized(authorization).await,
            Err(e) if e.is("SESSION_PASSWORD_NEEDED") => self.password_needed().await,
            Err(e) => Err(map_invocation(&e)),
        }
    }

    pub(super) async fn login_check_password(&self, password: &str) -> Result<LoginStep, MtError> {
        let info = lock(&self.login).password.clone();
        let Some(info) = info else {
            return Err(MtError::OutOfOrder(
                "Telegram has not asked for the password".to_string(),
            ));
        };
        // grammers unwraps these; without them there is nothing to check against.
        if info.current_algo.is_none() || info.srp_b.is_none() || info.srp_id.is_none() {
            return Err(MtError::Other(
                "Telegram sent incomplete password parameters".to_string(),
            ));
        }
        match self
            .shared
            .client
            .check_password(PasswordToken::new(info), password.as_bytes())
            .await
        {
            // grammers has already cached the user as "self" and stored the update state.
            Ok(user) => {
                let me = me_from_user(&user.raw);
                self.logged_in(&me);
                Ok(LoginStep::Done(me))
            }
            Err(SignInError::InvalidPassword(_)) => {
                // Fresh SRP parameters for the next attempt.
                self.refresh_password().await;
                Err(MtError::InvalidPassword)
            }
            Err(SignInError::Other(e)) => Err(map_invocation(&e)),
            Err(SignInError::SignUpRequired) => Err(MtError::SignUpRequired),
            Err(SignInError::InvalidCode) => Err(MtError::InvalidCode),
            Err(SignInError::PasswordRequired(_)) => {
                self.refresh_password().await;
                Err(MtError::InvalidPassword)
            }
        }
    }

    pub(super) async fn login_qr(&self) -> Result<LoginStep, MtError> {
        let request = tl::functions::auth::ExportLoginToken {
            api_id: self.api_id,
            api_hash: self.api_hash.clone(),
            except_ids: Vec::new(),
        };
        use tl::enums::auth::LoginToken;
        match self.invoke_migrating(&request).await {
            Ok(LoginToken::Token(token)) => Ok(qr_step(&token)),
            Ok(LoginToken::Success(success)) => self.authorized(success.authorization).await,
            Ok(LoginToken::MigrateTo(migrate)) => {
                // The account lives in another data centre: make that one home first (so its
                // connection is the one that receives updates), then redeem the token there.
                self.move_home_dc(migrate.dc_id);
                let import = tl::functions::auth::ImportLoginToken {
                    token: migrate.token,
                };
                match self.shared.client.invoke(&import).await {
                    Ok(LoginToken::Success(success)) => {
                        self.authorized(success.authorization).await
                    }
                    Ok(LoginToken::Token(token)) => Ok(qr_step(&token)),
                    Ok(LoginToken::MigrateTo(_)) => Err(MtError::Other(
                        "Telegram redirected the login more than once".to_string(),
                    )),
                    Err(e) if e.is("SESSION_PASSWORD_NEEDED") => self.password_needed().await,
                    Err(e) => Err(map_invocation(&e)),
                }
            }
            Err(e) if e.is("SESSION_PASSWORD_NEEDED") => self.password_needed().await,
            Err(e) => Err(map_invocation(&e)),
        }
    }

    /// Invokes a request in the home data centre; if Telegram answers that the account (or phone
    /// number) lives in another one (`*_MIGRATE_n`, code 303), makes that one home and retries.
    async fn invoke_migrating<R>(&self, request: &R) -> Result<R::Return, InvocationError>
    where
        R: tl::RemoteCall + Sync,
    {
        match self.shared.client.invoke(request).await {
            Err(InvocationError::Rpc(err)) if err.code == 303 => {
                let Some(dc_id) = err.value.and_then(|value| i32::try_from(value).ok()) else {
                    return Err(InvocationError::Rpc(err));
                };
                self.move_home_dc(dc_id);
                self.shared.client.invoke(request).await
            }
            result => result,
        }
    }

    /// Makes `dc_id` the home data centre and drops the connection to the old one (as grammers
    /// does on migration: the old connection would otherwise keep receiving updates).
    fn move_home_dc(&self, dc_id: i32) {
        let old = self.shared.session.home_dc();
        if old != dc_id {
            self.pool.disconnect_from_dc(old);
            self.shared.session.set_home_dc(dc_id);
        }
    }

    /// Completes a login from Telegram's `auth.Authorization`.
    async fn authorized(
        &self,
        authorization: tl::enums::auth::Authorization,
    ) -> Result<LoginStep, MtError> {
        match authorization {
            tl::enums::auth::Authorization::Authorization(authorization) => {
                Ok(LoginStep::Done(self.finish_login(authorization).await))
            }
            tl::enums::auth::Authorization::SignUpRequired(_) => Err(MtError::SignUpRequired),
        }
    }

    /// The bookkeeping grammers' own sign-in does (`complete_login`): cache the user as "self"
    /// and start the update state from now.
    async fn finish_login(&self, authorization: tl::types::auth::Authorization) -> Me {
        // If this fails the update machinery recovers the state from the first updates.
        let state = self
            .shared
            .client
            .invoke(&tl::functions::updates::GetState {})
            .await
            .ok();
        if let tl::enums::User::User(user) = &authorization.user {
            self.shared.session.store_peer(PeerInfo::User {
                id: user.id,
                auth: user.access_hash.map(PeerAuth::from_hash),
                bot: Some(user.bot),
                is_self: Some(true),
            });
        }
        if let Some(tl::enums::updates::State::State(state)) = state {
            self.shared
                .session
                .store_update_state(UpdateState::All(UpdatesState {
                    pts: state.pts,
                    qts: state.qts,
                    date: state.date,
                    seq: state.seq,
                    channels: Vec::new(),
                }));
        }
        let me = me_from_user(&authorization.user);
        self.logged_in(&me);
        me
    }

    fn logged_in(&self, me: &Me) {
        *lock(&self.shared.me) = Some(me.clone());
        *lock(&self.login) = LoginState::default();
    }

    /// Telegram wants the cloud password: fetch its parameters and keep them for
    /// `check_password`.
    async fn password_needed(&self) -> Result<LoginStep, MtError> {
        let password = self.fetch_password().await?;
        let hint = password.hint.clone().unwrap_or_default();
        lock(&self.login).password = Some(password);
        Ok(LoginStep::PasswordNeeded { hint })
    }

    async fn refresh_password(&self) {
        match self.fetch_password().await {
            Ok(password) => lock(&self.login).password = Some(password),
            Err(e) => tracing::warn!(error = %e, "could not refresh the password parameters"),
        }
    }

    async fn fetch_password(&self) -> Result<tl::types::account::Password, MtError> {
        let tl::enums::account::Password::Password(password) = self
            .shared
            .client
            .invoke(&tl::functions::account::GetPassword {})
            .await
            .map_err(|e| map_invocation(&e))?;
        Ok(password)
    }
}

fn qr_step(token: &tl::types::auth::LoginToken) -> LoginStep {
    LoginStep::Qr {
        url: format!(
            "tg://login?token={}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&token.token)
        ),
        expires_at_ms: seconds_to_ms(token.expires),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_url_is_base64url_without_padding() {
        let step = qr_step(&tl::types::auth::LoginToken {
            expires: 10,
            token: vec![0xfb, 0xff],
        });
        assert_eq!(
            step,
            LoginStep::Qr {
                url: "tg://login?token=-_8".to_string(),
                expires_at_ms: 10_000
            }
        );
    }
}
