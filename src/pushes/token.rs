//! A department's API tokens: random, shown once, stored as SHA-256.

use crate::random;

/// What every token starts with, so that a leaked one is recognisable.
pub const TOKEN_PREFIX: &str = "sanse_";

/// A new token: the text to show once, its hash to store, and the prefix
/// that tells it apart in lists.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub plain: String,
    pub hash: Vec<u8>,
    pub prefix: String,
}

pub fn generate() -> NewToken {
    let plain = format!("{TOKEN_PREFIX}{}", random::token_hex(32));
    let hash = hash(&plain);
    let prefix = plain.chars().take(TOKEN_PREFIX.len() + 6).collect();
    NewToken {
        plain,
        hash,
        prefix,
    }
}

/// The stored form of a token presented by a client.
pub fn hash(plain: &str) -> Vec<u8> {
    random::sha256(plain.as_bytes())
}

/// A webhook signing secret to give to the partner system.
pub fn webhook_secret() -> String {
    format!("whsec_{}", random::token_hex(32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_distinct_and_hash_to_what_is_stored() {
        let a = generate();
        let b = generate();
        assert_ne!(a.plain, b.plain);
        assert!(a.plain.starts_with(TOKEN_PREFIX));
        assert_eq!(a.plain.len(), TOKEN_PREFIX.len() + 64);
        assert_eq!(hash(&a.plain), a.hash);
        assert!(a.plain.starts_with(&a.prefix));
        assert_ne!(hash(&b.plain), a.hash);
    }
}
