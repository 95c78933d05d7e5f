//! Secrets at rest: bot tokens and Telegram sessions are sealed with XChaCha20-Poly1305 before
//! they reach the database, so a copy of the database alone reveals none of them.
//!
//! The key is `secret_key` from configuration (32 bytes, base64) — required when several
//! instances share one PostgreSQL — or else a key generated on first start into
//! `<data_dir>/secret.key`, readable by its owner only.

use super::Settings;
use anyhow::{bail, Context};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use secrecy::{ExposeSecret, SecretString};
use std::path::Path;

/// Sealed values start with this, so a future key or cipher can be told apart.
const PREFIX: &str = "v1:";
const NONCE_LEN: usize = 24;

#[derive(Clone)]
pub struct Secrets {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets(..)")
    }
}

impl Secrets {
    /// The configured key, or the data directory's (created when missing).
    pub fn load(settings: &Settings) -> anyhow::Result<Secrets> {
        let encoded = match &settings.secret_key {
            Some(key) => key.expose_secret().trim().to_string(),
            None => key_file(&settings.data_dir)?,
        };
        let bytes = STANDARD
            .decode(encoded.as_bytes())
            .context("secret_key is not base64")?;
        if bytes.len() != 32 {
            bail!("secret_key must be 32 bytes (base64), not {}", bytes.len());
        }
        Ok(Secrets {
            cipher: XChaCha20Poly1305::new(Key::from_slice(&bytes)),
        })
    }

    /// Seals `plain` (a fresh random nonce every time).
    pub fn seal(&self, plain: &str) -> String {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = self
            .cipher
            .encrypt(&nonce, plain.as_bytes())
            .expect("XChaCha20-Poly1305 encryption of an in-memory buffer cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("{PREFIX}{}", STANDARD.encode(out))
    }

    /// Opens a value sealed with this key; an error for anything else (tampered, another key).
    pub fn open(&self, sealed: &str) -> anyhow::Result<SecretString> {
        let body = sealed.strip_prefix(PREFIX).context("not a sealed value")?;
        let bytes = STANDARD
            .decode(body)
            .context("sealed value is not base64")?;
        if bytes.len() < NONCE_LEN {
            bail!("sealed value is too short");
        }
        let (nonce, data) = bytes.split_at(NONCE_LEN);
        let plain = self
            .cipher
            .decrypt(XNonce::from_slice(nonce), data)
            .map_err(|_| anyhow::anyhow!("sealed value does not open with this key"))?;
        Ok(SecretString::from(
            String::from_utf8(plain).context("sealed value is not text")?,
        ))
    }
}

/// Reads `<dir>/secret.key`, writing a new random key (mode 0600) the first time.
fn key_file(dir: &Path) -> anyhow::Result<String> {
    let path = dir.join("secret.key");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        return Ok(existing.trim().to_string());
    }
    std::fs::create_dir_all(dir)
        .with_context(|| format!("creating the data directory {}", dir.display()))?;
    let key = STANDARD.encode(XChaCha20Poly1305::generate_key(&mut OsRng));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(&path) {
        Ok(mut file) => {
            std::io::Write::write_all(&mut file, key.as_bytes())
                .with_context(|| format!("writing {}", path.display()))?;
            file.sync_all()?;
            tracing::info!(path = %path.display(), "generated the key that seals secrets at rest");
            Ok(key)
        }
        // Another process created it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Ok(std::fs::read_to_string(&path)?.trim().to_string())
        }
        Err(e) => Err(e).with_context(|| format!("creating {}", path.display())),
    }
}

/// Compares two secrets in time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets(dir: &Path) -> Secrets {
        Secrets::load(&Settings::for_data_dir(dir.to_path_buf()).unwrap()).unwrap()
    }

    #[test]
    fn sealed_values_open_and_hide_the_plain_text() {
        let dir = std::env::temp_dir().join(format!("parley-secrets-{}", std::process::id()));
        let s = secrets(&dir);
        let sealed = s.seal("123456:bot-token");
        assert!(!sealed.contains("bot-token"));
        assert_ne!(
            sealed,
            s.seal("123456:bot-token"),
            "a fresh nonce each time"
        );
        assert_eq!(s.open(&sealed).unwrap().expose_secret(), "123456:bot-token");
        // The key persists: a second load opens what the first sealed.
        assert_eq!(
            secrets(&dir).open(&sealed).unwrap().expose_secret(),
            "123456:bot-token"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join("secret.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert!(s.open(&tampered).is_err());
        let other = std::env::temp_dir().join(format!("parley-secrets-o-{}", std::process::id()));
        assert!(
            secrets(&other).open(&sealed).is_err(),
            "another key cannot open it"
        );
        let _ = std::fs::remove_dir_all(dir);
        let _ = std::fs::remove_dir_all(other);
    }
}
