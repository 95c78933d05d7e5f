//! TOTP two-factor sign-in (RFC 6238 through totp-rs): enrolment with a QR code, ten
//! single-use recovery codes (stored hashed), and the second sign-in step.
//!
//! A code is accepted at most once: the accepted 30-second time step is stored, and accepting
//! is one `UPDATE … WHERE last_step < $step`, so of any number of concurrent requests with
//! the same code exactly one wins.

use crate::access::server::audit;
use crate::access::server::AuthContext;
use crate::auth::security::{RecoveryCodes, TwoFactorSetup};
use crate::error::AppError;
use crate::ids::UserId;
use crate::server::db::Tx;
use crate::server::secrets::constant_time_eq;
use crate::server::{now_ms, AppState};
use base64::Engine;
use rand::Rng;
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};
use sqlx::Row;
use totp_rs::{Algorithm, Secret, TOTP};

const STEP_SECONDS: u64 = 30;
const RECOVERY_CODES: usize = 10;

fn totp(secret_base32: &str, account: &str) -> Result<TOTP, AppError> {
    let bytes = Secret::Encoded(secret_base32.to_string())
        .to_bytes()
        .map_err(|_| AppError::internal())?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP_SECONDS,
        bytes,
        Some("Parley".into()),
        account.replace(':', ""),
    )
    .map_err(|e| {
        tracing::error!(error = %e, "a TOTP secret was refused");
        AppError::internal()
    })
}

fn qr_data_url(text: &str) -> Result<String, AppError> {
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(|_| AppError::internal())?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .build();
    Ok(format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg)
    ))
}

fn now_step() -> i64 {
    now_ms() / 1000 / STEP_SECONDS as i64
}

/// The time step within one step of now whose code is `code`, if any.
fn matching_step(totp: &TOTP, code: &str) -> Option<i64> {
    let code = code.trim().replace(' ', "");
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = now_step();
    (now - 1..=now + 1).find(|step| {
        let expected = totp.generate((*step as u64) * STEP_SECONDS);
        constant_time_eq(expected.as_bytes(), code.as_bytes())
    })
}

fn hash_code(code: &str) -> String {
    let normalized: String = code
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    hex::encode(Sha256::digest(normalized.as_bytes()))
}

async fn account_email(state: &AppState, user: UserId) -> Result<String, AppError> {
    Ok(sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
        .bind(user.0)
        .fetch_one(&state.db.pool)
        .await?)
}

/// Whether the user signs in with a second factor.
pub async fn enabled(state: &AppState, user: UserId) -> Result<bool, AppError> {
    let confirmed: Option<Option<i64>> =
        sqlx::query_scalar("SELECT confirmed_at FROM user_totp WHERE user_id = $1")
            .bind(user.0)
            .fetch_optional(&state.db.pool)
            .await?;
    Ok(matches!(confirmed, Some(Some(_))))
}

/// Starts enrolment: a new secret, replacing one not yet confirmed.
pub async fn setup(state: &AppState, auth: &AuthContext) -> Result<TwoFactorSetup, AppError> {
    if enabled(state, auth.user_id).await? {
        return Err(AppError::conflict(
            "Two-factor sign-in is already on; turn it off first to enrol again",
        ));
    }
    let mut raw = [0u8; 20];
    rand::rngs::OsRng.fill(&mut raw);
    let secret = Secret::Raw(raw.to_vec()).to_encoded().to_string();
    let email = account_email(state, auth.user_id).await?;
    let totp = totp(&secret, &email)?;
    let url = totp.get_url();
    let mut tx = state.db.begin().await?;
    sqlx::query("DELETE FROM user_totp WHERE user_id = $1")
        .bind(auth.user_id.0)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO user_totp (user_id, sealed_secret, created_at) VALUES ($1, $2, $3)")
        .bind(auth.user_id.0)
        .bind(state.secrets.seal(&secret))
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(TwoFactorSetup {
        qr: qr_data_url(&url)?,
        secret,
        otpauth_url: url,
    })
}

/// Accepts `code` for the user's secret (confirmed or, when enrolling, not yet) at most once,
/// in the caller's transaction. `false` for a wrong, stale or replayed code.
async fn accept_code(
    state: &AppState,
    tx: &mut Tx,
    user: UserId,
    code: &str,
    confirmed: bool,
) -> Result<bool, AppError> {
    let row = sqlx::query("SELECT sealed_secret, confirmed_at FROM user_totp WHERE user_id = $1")
        .bind(user.0)
        .fetch_optional(&mut **tx)
        .await?;
    let Some(row) = row else { return Ok(false) };
    let confirmed_at: Option<i64> = row.try_get("confirmed_at")?;
    if confirmed_at.is_some() != confirmed {
        return Ok(false);
    }
    let sealed: String = row.try_get("sealed_secret")?;
    let secret = state
        .secrets
        .open(&sealed)
        .map_err(|_| AppError::internal())?;
    let Some(step) = matching_step(&totp(secret.expose_secret(), "")?, code) else {
        return Ok(false);
    };
    let done =
        sqlx::query("UPDATE user_totp SET last_step = $1 WHERE user_id = $2 AND last_step < $1")
            .bind(step)
            .bind(user.0)
            .execute(&mut **tx)
            .await?;
    Ok(done.rows_affected() == 1)
}

fn wrong_code() -> AppError {
    AppError::field(
        "token",
        "wrong_code",
        "That code is not right (or was used already)",
    )
}

/// Confirms enrolment with a first code and hands out the recovery codes, once.
pub async fn verify_setup(
    state: &AppState,
    auth: &AuthContext,
    code: &str,
) -> Result<RecoveryCodes, AppError> {
    state.signin_throttle().attempt(
        &format!("2fa:{}", auth.user_id),
        auth.ip.unwrap_or([0, 0, 0, 0].into()),
    )?;
    let mut tx = state.db.begin().await?;
    if !accept_code(state, &mut tx, auth.user_id, code, false).await? {
        return Err(wrong_code());
    }
    let now = now_ms();
    sqlx::query("UPDATE user_totp SET confirmed_at = $1 WHERE user_id = $2")
        .bind(now)
        .bind(auth.user_id.0)
        .execute(&mut *tx)
        .await?;
    let codes = new_recovery_codes(&mut tx, auth.user_id).await?;
    finish(state, tx, auth, "two_factor.enabled").await?;
    Ok(RecoveryCodes {
        recovery_codes: codes,
    })
}

async fn new_recovery_codes(tx: &mut Tx, user: UserId) -> Result<Vec<String>, AppError> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user.0)
        .execute(&mut **tx)
        .await?;
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    let now = now_ms();
    for _ in 0..RECOVERY_CODES {
        let mut rng = rand::rngs::OsRng;
        let chars: String = (0..10)
            .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
            .collect();
        let code = format!("{}-{}", &chars[..5], &chars[5..]);
        sqlx::query(
            "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3)",
        )
        .bind(user.0)
        .bind(hash_code(&code))
        .bind(now)
        .execute(&mut **tx)
        .await?;
        codes.push(code);
    }
    Ok(codes)
}

/// Turns two-factor sign-in off; needs a current code.
pub async fn disable(state: &AppState, auth: &AuthContext, code: &str) -> Result<(), AppError> {
    state.signin_throttle().attempt(
        &format!("2fa:{}", auth.user_id),
        auth.ip.unwrap_or([0, 0, 0, 0].into()),
    )?;
    let mut tx = state.db.begin().await?;
    if !accept_code(state, &mut tx, auth.user_id, code, true).await? {
        return Err(wrong_code());
    }
    for sql in [
        "DELETE FROM user_totp WHERE user_id = $1",
        "DELETE FROM recovery_codes WHERE user_id = $1",
    ] {
        sqlx::query(sql)
            .bind(auth.user_id.0)
            .execute(&mut *tx)
            .await?;
    }
    finish(state, tx, auth, "two_factor.disabled").await
}

/// Audits a change of the caller's two-factor state, commits, and drops what the caches knew
/// of it (the sessions' "must enrol" flag, the profile).
async fn finish(
    state: &AppState,
    mut tx: Tx,
    auth: &AuthContext,
    action: &str,
) -> Result<(), AppError> {
    let target = ("user", auth.user_id.0.to_string());
    audit::log(&mut tx, auth, action, target, serde_json::json!({})).await?;
    tx.commit().await?;
    state.auth_cache().forget_user_sessions(auth.user_id);
    state.auth_cache().forget_profiles();
    Ok(())
}

/// Recovery codes not used yet.
pub async fn recovery_codes_left(state: &AppState, user: UserId) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user.0)
    .fetch_one(&state.db.pool)
    .await?)
}

/// Checks a second factor in the caller's transaction: a code (once) or a recovery code
/// (once). Returns which kind was used, or `None` when neither was right.
pub async fn check_second_factor(
    state: &AppState,
    tx: &mut Tx,
    user: UserId,
    code: Option<&str>,
    recovery_code: Option<&str>,
) -> Result<Option<&'static str>, AppError> {
    if let Some(code) = code.filter(|c| !c.trim().is_empty()) {
        return Ok(accept_code(state, tx, user, code, true)
            .await?
            .then_some("code"));
    }
    if let Some(recovery) = recovery_code.filter(|c| !c.trim().is_empty()) {
        let done = sqlx::query(
            "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(now_ms())
        .bind(user.0)
        .bind(hash_code(recovery))
        .execute(&mut **tx)
        .await?;
        return Ok((done.rows_affected() == 1).then_some("recovery_code"));
    }
    Ok(None)
}

/// Opens the step between a password and a second factor: a five-minute single-use token.
pub async fn challenge(state: &AppState, user: UserId) -> Result<String, AppError> {
    let mut tx = state.db.begin().await?;
    let token = super::email_links::issue(&mut tx, user, "two_factor", 5 * 60_000).await?;
    tx.commit().await?;
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_of_the_neighbouring_steps_match_and_others_do_not() {
        let secret = Secret::Raw(vec![7u8; 20]).to_encoded().to_string();
        let t = totp(&secret, "a@b.c").unwrap();
        let now = now_step();
        let code = t.generate((now as u64) * STEP_SECONDS);
        assert_eq!(matching_step(&t, &code), Some(now));
        let old = t.generate(((now - 5) as u64) * STEP_SECONDS);
        if old != code {
            assert_eq!(matching_step(&t, &old), None);
        }
        assert_eq!(matching_step(&t, "12345"), None);
        assert_eq!(matching_step(&t, "abcdef"), None);
    }

    #[test]
    fn recovery_codes_hash_the_same_however_typed() {
        assert_eq!(hash_code("abcde-fghjk"), hash_code(" ABCDE FGHJK "));
    }
}
