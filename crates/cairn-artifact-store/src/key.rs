//! Artifact keys come from requests: a `/`-separated path relative to the store's root. Empty
//! and `.` segments are dropped (`a//./b` is `a/b`); `..`, an absolute path, a NUL, a backslash
//! or another control character is refused, naming the key — in every store, so a key that
//! could climb out of a folder never reaches an object store either.

use crate::ArtifactError;

/// Longest key an object store takes, in bytes (S3: 1024).
pub const MAX_KEY_BYTES: usize = 1024;

/// The key's segments, checked and normalised; the root is no segments.
pub fn segments(key: &str) -> Result<Vec<&str>, ArtifactError> {
    let refuse =
        |why: &str| ArtifactError::Invalid(format!("invalid artifact path '{key}': {why}"));
    if key.contains('\\') || key.chars().any(char::is_control) {
        return Err(refuse(
            "it contains a NUL, a backslash or a control character",
        ));
    }
    let drive =
        key.len() >= 2 && key.as_bytes()[1] == b':' && key.as_bytes()[0].is_ascii_alphabetic();
    if key.starts_with('/') || drive {
        return Err(refuse("absolute paths are not allowed"));
    }
    let parts: Vec<&str> = key
        .split('/')
        .filter(|part| !part.is_empty() && *part != ".")
        .collect();
    if parts.contains(&"..") {
        return Err(refuse("'..' is not allowed"));
    }
    if parts.iter().map(|part| part.len() + 1).sum::<usize>() > MAX_KEY_BYTES {
        return Err(refuse(&format!("it is longer than {MAX_KEY_BYTES} bytes")));
    }
    Ok(parts)
}

/// The key checked and normalised, as one string (`""` for the root).
pub fn normalise(key: &str) -> Result<String, ArtifactError> {
    Ok(segments(key)?.join("/"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]
    use super::normalise;

    #[test]
    fn hostile_keys_are_refused_and_plain_ones_normalised() {
        for hostile in [
            "../x",
            "a/../../x",
            "/etc/passwd",
            "a\\b",
            "a\0b",
            "C:/x",
            "a/\u{7}",
        ] {
            let error = normalise(hostile).unwrap_err().to_string();
            assert!(
                error.contains("invalid artifact path"),
                "{hostile}: {error}"
            );
        }
        assert_eq!(normalise("a//./b/").unwrap(), "a/b");
        assert_eq!(normalise("").unwrap(), "");
        assert_eq!(normalise("..a/b..").unwrap(), "..a/b..");
    }
}
