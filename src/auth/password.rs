//! Password hashing: argon2id at OWASP's recommended parameters.
//!
//! A hash costs about 19 MiB and tens of milliseconds of a core, so the
//! server never runs more than [`HASHING_AT_ONCE`] at a time ([`Passwords`]
//! holds the permits): callers that cannot be stopped before the hash (the
//! login throttling refuses without one) can at worst make others wait, not
//! exhaust memory. Hashing runs on the blocking thread pool, never on an
//! async worker.

use std::sync::Arc;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};

use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

/// Longest password accepted; anything longer is refused before hashing.
pub const MAX_PASSWORD_CHARS: usize = 256;
/// Shortest password a new account may have.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Hashes the server computes at once (a machine of this size has two cores).
pub const HASHING_AT_ONCE: usize = 2;

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

/// The server's password hashing: a few at a time, off the async workers,
/// counted (the tests check that a refused login computes none).
#[derive(Debug, Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    computed: Arc<AtomicU64>,
}

impl Default for Passwords {
    fn default() -> Self {
        Passwords {
            permits: Arc::new(Semaphore::new(HASHING_AT_ONCE)),
            computed: Arc::new(AtomicU64::new(0)),
        }
    }
}

impl Passwords {
    /// Hashes computed by this server so far.
    pub fn computed(&self) -> u64 {
        self.computed.load(Ordering::Relaxed)
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> anyhow::Result<T> {
        let _permit = self.permits.acquire().await?;
        self.computed.fetch_add(1, Ordering::Relaxed);
        Ok(tokio::task::spawn_blocking(work).await?)
    }

    pub async fn hash(&self, password: String) -> anyhow::Result<String> {
        self.run(move || hash_blocking(&password)).await?
    }

    /// Whether `password` matches `stored`; `None` (an unknown user) never
    /// matches but takes as long.
    pub async fn verify(&self, password: String, stored: Option<String>) -> bool {
        self.run(move || verify_blocking(&password, stored.as_deref()))
            .await
            .unwrap_or(false)
    }
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

    #[tokio::test]
    async fn no_more_than_the_permits_hash_at_once() {
        let passwords = Passwords::default();
        let busy = Arc::new(AtomicU64::new(0));
        let most = Arc::new(AtomicU64::new(0));
        let mut tasks = Vec::new();
        for _ in 0..6 {
            let (p, busy, most) = (passwords.clone(), busy.clone(), most.clone());
            tasks.push(tokio::spawn(async move {
                p.run(move || {
                    let now = busy.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(30));
                    busy.fetch_sub(1, Ordering::SeqCst);
                })
                .await
                .unwrap();
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(passwords.computed(), 6);
        assert!(most.load(Ordering::SeqCst) <= HASHING_AT_ONCE as u64);
    }
}
