//! Percent-encoding: ASCII letters, digits and a caller's set of kept bytes as they are, every
//! other byte of the UTF-8 text as `%XX`.

/// `value` with every byte but ASCII alphanumerics and `kept` written as `%XX`.
pub fn encode(value: &str, kept: &[u8]) -> String {
    let mut encoded = String::with_capacity(value.len() * 3);
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || kept.contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}
