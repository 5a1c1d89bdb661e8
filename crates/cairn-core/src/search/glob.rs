//! Translates a LIKE pattern into an SQLite GLOB pattern. MLflow's LIKE is case-sensitive, and
//! SQLite's LIKE is not (unless a connection turns on `case_sensitive_like`), so LIKE and ILIKE
//! are compiled to GLOB, whose matching is exact whatever the connection's settings.

/// `%` becomes `*`, `_` becomes `?`, and GLOB's own wildcards `*`, `?`, `[` are bracketed so that
/// they match themselves. There is no escape character, as in MLflow's SQL stores: `%` and `_`
/// are always wildcards.
pub(crate) fn like_to_glob(pattern: &str) -> String {
    let mut glob = String::with_capacity(pattern.len() + 8);
    for c in pattern.chars() {
        match c {
            '%' => glob.push('*'),
            '_' => glob.push('?'),
            '*' => glob.push_str("[*]"),
            '?' => glob.push_str("[?]"),
            '[' => glob.push_str("[[]"),
            other => glob.push(other),
        }
    }
    glob
}

#[cfg(test)]
mod tests {
    use super::like_to_glob;

    #[test]
    fn wildcards_translate_and_glob_specials_match_themselves() {
        assert_eq!(like_to_glob("%bert_v%"), "*bert?v*");
        assert_eq!(like_to_glob("a*b?c[d]"), "a[*]b[?]c[[]d]");
        assert_eq!(like_to_glob("plain"), "plain");
    }
}
