//! The secrets of accounts: passwords hashed with argon2id (PHC strings, a salt each), and
//! access tokens — 32 random bytes shown once as `cairn_<base64url>` and kept as their SHA-256.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest as _, Sha256};

/// What every token's text starts with, so that a leaked one is recognisable.
pub const TOKEN_PREFIX: &str = "cairn_";

/// Shortest password accepted.
pub const MIN_PASSWORD_LENGTH: usize = 8;

/// Random bytes from the operating system.
fn random_bytes<const N: usize>() -> Result<[u8; N], String> {
    let mut bytes = [0_u8; N];
    getrandom::fill(&mut bytes).map_err(|error| format!("no randomness available: {error}"))?;
    Ok(bytes)
}

/// Checks a new password: at least [`MIN_PASSWORD_LENGTH`] characters, at most 1024 bytes.
pub fn check_new_password(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_LENGTH {
        return Err(format!(
            "the password must be at least {MIN_PASSWORD_LENGTH} characters long"
        ));
    }
    if password.len() > 1024 {
        return Err("the password must be at most 1024 bytes long".to_owned());
    }
    Ok(())
}

/// The argon2id hash of `password` with a fresh salt, as a PHC string.
pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::encode_b64(&random_bytes::<16>()?)
        .map_err(|error| format!("making a salt: {error}"))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| format!("hashing the password: {error}"))
}

/// Whether `password` matches the stored hash (false for a malformed hash).
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// Spends the time of one verification, for a user that does not exist: answers then take as
/// long whether or not the name is taken.
pub fn verify_nothing(password: &str) {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let decoy = DECOY.get_or_init(|| hash_password("a password no one has").unwrap_or_default());
    let _ = verify_password(password, decoy);
}

/// A new token: its text (given to the user once) and the hash that is stored.
pub fn new_token() -> Result<(String, String), String> {
    let text = format!(
        "{TOKEN_PREFIX}{}",
        URL_SAFE_NO_PAD.encode(random_bytes::<32>()?)
    );
    let hash = token_hash(&text);
    Ok((text, hash))
}

/// The stored form of a token's text: its SHA-256, in hex. A token carries 256 random bits, so
/// a fast hash is enough; the database never holds anything that signs in.
pub fn token_hash(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

/// A fingerprint of a user name and password for the verified-credentials cache, keyed by a
/// secret of this process so that the cache holds nothing reusable.
pub fn credential_fingerprint(process_key: &[u8; 32], username: &str, password: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(process_key);
    hasher.update((username.len() as u64).to_le_bytes());
    hasher.update(username.as_bytes());
    hasher.update(password.as_bytes());
    hasher.finalize().into()
}

/// A fresh secret for [`credential_fingerprint`].
pub fn process_key() -> [u8; 32] {
    random_bytes::<32>().unwrap_or_else(|_| {
        // Without OS randomness, a key from the clock and address still differs per process.
        let seed = format!(
            "{:?}{:p}",
            std::time::SystemTime::now(),
            &MIN_PASSWORD_LENGTH
        );
        Sha256::digest(seed.as_bytes()).into()
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]

    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("correct horsE", &hash));
        assert!(!verify_password("correct horse", "not a hash"));
        assert_ne!(hash, hash_password("correct horse").unwrap(), "salted");
    }

    #[test]
    fn tokens_are_random_and_stored_as_their_hash() {
        let (text, hash) = new_token().unwrap();
        let (other, _) = new_token().unwrap();
        assert!(text.starts_with(TOKEN_PREFIX) && text.len() > 40, "{text}");
        assert_ne!(text, other);
        assert_eq!(hash, token_hash(&text));
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains(&text[TOKEN_PREFIX.len()..]));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(check_new_password("1234567").is_err());
        assert!(check_new_password("12345678").is_ok());
    }
}
