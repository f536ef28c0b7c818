//! Password hashing: argon2id at OWASP's recommended parameters.
//!
//! Hashing is CPU- and memory-heavy (about 19 MiB, tens of milliseconds), so
//! async callers go through [`hash`] and [`verify`], which run it on the
//! blocking thread pool instead of an async worker.

use std::sync::LazyLock;

use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use argon2::{Algorithm, Argon2, Params, Version};

/// Longest password accepted; anything longer is refused before hashing.
pub const MAX_PASSWORD_CHARS: usize = 256;
/// Shortest password a new account may have.
pub const MIN_PASSWORD_CHARS: usize = 10;

fn argon2() -> Argon2<'static> {
    // m = 19456 KiB, t = 2, p = 1 (OWASP Password Storage Cheat Sheet)
    let params = Params::new(19_456, 2, 1, None).expect("static argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A hash of a password nobody has, verified for unknown users so that a
/// login for an unknown name takes as long as one for a known name.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    hash_blocking("sanse-dummy-password-never-matches").expect("hashing the dummy password")
});

/// Hash a password on the current thread (for the command line and seeding).
pub fn hash_blocking(password: &str) -> anyhow::Result<String> {
    let hash = argon2()
        .hash_password(password.as_bytes())
        .map_err(|e| anyhow::anyhow!("hashing password: {e}"))?;
    Ok(hash.to_string())
}

/// Verify on the current thread. `None` verifies against the dummy hash and
/// always fails.
pub fn verify_blocking(password: &str, stored: Option<&str>) -> bool {
    let stored = stored.unwrap_or(DUMMY_HASH.as_str());
    match PasswordHash::new(stored) {
        Ok(parsed) => {
            argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
                && stored != DUMMY_HASH.as_str()
        }
        Err(_) => false,
    }
}

/// Hash off the async worker threads.
pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password)).await?
}

/// Verify off the async worker threads; `stored` is `None` for an unknown user.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || verify_blocking(&password, stored.as_deref()))
        .await
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_then_verify() {
        let h = hash_blocking("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_blocking("correct horse battery", Some(&h)));
        assert!(!verify_blocking("wrong horse battery", Some(&h)));
    }

    #[test]
    fn unknown_user_never_verifies() {
        assert!(!verify_blocking("sanse-dummy-password-never-matches", None));
        assert!(!verify_blocking("anything", None));
        assert!(!verify_blocking("anything", Some("not a phc string")));
    }
}
