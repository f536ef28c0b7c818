//! Runtime configuration shared by every request.

use std::time::Duration;

/// How the web layer behaves; built by the command line, or by tests.
#[derive(Debug, Clone)]
pub struct Config {
    /// Mark cookies `Secure` (set when Sanse is served over HTTPS).
    pub secure_cookies: bool,
    /// Extra origins allowed to POST (e.g. `https://sanse.example.gov.cn`
    /// behind a proxy that rewrites `Host`).
    pub trusted_origins: Vec<String>,
    /// Take the client address from the last `X-Forwarded-For` entry
    /// (only behind a proxy that sets it).
    pub trust_forwarded_for: bool,
    /// Largest form body accepted, in bytes.
    pub body_limit: usize,
    /// Largest request of any kind (file uploads), in bytes.
    pub upload_limit: usize,
    /// Requests running longer than this are answered 408/503.
    pub request_timeout: Duration,
    /// Session ends after this long without a request.
    pub session_idle: Duration,
    /// Session ends this long after login, however active.
    pub session_absolute: Duration,
    /// Where department webhooks may go (the allow-list and the addresses
    /// that stay refused).
    pub webhook_guard: crate::pushes::guard::Guard,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            secure_cookies: false,
            trusted_origins: Vec::new(),
            trust_forwarded_for: false,
            body_limit: 256 * 1024,
            upload_limit: 4 * 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            session_idle: Duration::from_secs(30 * 60),
            session_absolute: Duration::from_secs(12 * 60 * 60),
            webhook_guard: crate::pushes::guard::Guard::default(),
        }
    }
}
