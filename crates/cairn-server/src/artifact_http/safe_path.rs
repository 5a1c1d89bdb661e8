//! MLflow's `validate_path_is_safe` for a relative artifact path taken from a query
//! (`get-artifact?path=`, `upload-artifact?path=`, `artifact_file_path=`...): percent escapes are
//! decoded until nothing changes (so `%252e%252e` is `..` too), then `#`, NUL, backslashes, `..`
//! components and absolute paths are refused with 400 naming the parameter. The decoded path is
//! the one used, as in MLflow. Symlinks are the resolver's business
//! (`cairn_app::artifact_files::RunFolder::resolve`).

use cairn_app::artifact_files::percent_decode;

use crate::error::ApiError;

/// How many rounds of percent-decoding a path may need before it is refused.
const MAX_DECODE_ROUNDS: usize = 10;

/// The decoded path, or `INVALID_PARAMETER_VALUE` naming `field`.
pub fn safe_relative_path(field: &str, raw: &str) -> Result<String, ApiError> {
    let refuse = |why: &str| {
        ApiError::invalid(format!(
            "Invalid path '{raw}' for parameter '{field}': {why}"
        ))
    };
    let mut path = raw.to_owned();
    let mut stable = false;
    for _ in 0..MAX_DECODE_ROUNDS {
        let decoded = percent_decode(&path);
        if decoded == path {
            stable = true;
            break;
        }
        path = decoded;
    }
    if !stable {
        return Err(refuse(
            "it is still percent-encoded after 10 rounds of decoding",
        ));
    }
    if path.contains('#') || path.contains('\0') || path.contains('\\') {
        return Err(refuse("it contains '#', a NUL or a backslash"));
    }
    if path.split('/').any(|part| part == "..") {
        return Err(refuse("'..' is not allowed"));
    }
    let drive =
        path.len() >= 2 && path.as_bytes()[1] == b':' && path.as_bytes()[0].is_ascii_alphabetic();
    if path.starts_with('/') || drive {
        return Err(refuse("absolute paths are not allowed"));
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::safe_relative_path;

    #[test]
    fn traversal_in_every_spelling_is_refused_and_names_the_field() {
        for raw in [
            "../secret",
            "a/../../secret",
            "%2e%2e/secret",
            "%252e%252e/secret",
            "/etc/passwd",
            "%2Fetc%2Fpasswd",
            "C:/Windows",
            "a\\..\\b",
            "a#b",
            "a\0b",
        ] {
            let error = safe_relative_path("path", raw).unwrap_err();
            assert_eq!(error.error_code, "INVALID_PARAMETER_VALUE", "{raw}");
            assert!(
                error.message.contains("parameter 'path'"),
                "{}",
                error.message
            );
        }
    }

    #[test]
    fn plain_paths_come_back_decoded() {
        assert_eq!(safe_relative_path("path", "a/b.txt").unwrap(), "a/b.txt");
        assert_eq!(
            safe_relative_path("path", "a%2520b.txt").unwrap(),
            "a b.txt"
        );
        assert_eq!(safe_relative_path("path", "..a/b..").unwrap(), "..a/b..");
    }
}
