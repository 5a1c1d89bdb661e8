//! The `Content-Type` and `Content-Disposition` an artifact download carries, as MLflow's server
//! chooses them: text-like files (by MLflow's list of extensions, and `MLmodel`/`MLproject`) are
//! `text/plain`, the rest by Python's `mimetypes` table, unknown ones `application/octet-stream`.
//! One deliberate difference: media types a browser would run or render as a page (HTML, SVG,
//! XML, JavaScript, Flash, MHTML) are sent as `text/plain` too, where MLflow sends `text/html` or
//! `image/svg+xml` and relies on `attachment` and `nosniff` alone.

use super::mime_table::{ENCODING_SUFFIXES, SUFFIX_ALIASES, TYPES_BY_EXTENSION};

/// Extensions (without the dot, compared case-sensitively) and whole names MLflow serves as
/// `text/plain`.
const TEXT_EXTENSIONS: &[&str] = &[
    "txt",
    "log",
    "err",
    "cfg",
    "conf",
    "cnf",
    "cf",
    "ini",
    "properties",
    "prop",
    "hocon",
    "toml",
    "yaml",
    "yml",
    "xml",
    "json",
    "js",
    "py",
    "py3",
    "csv",
    "tsv",
    "md",
    "rst",
    "ipynb",
    "MLmodel",
    "MLproject",
];

/// Media types a browser may execute or render as a document of the server's origin.
const ACTIVE_TYPES: &[&str] = &[
    "application/javascript",
    "application/x-shockwave-flash",
    "application/xhtml+xml",
    "application/xml",
    "image/svg+xml",
    "message/rfc822",
    "text/html",
    "text/javascript",
    "text/xml",
];

/// The media type an artifact named `file_name` (a path is cut to its last component) is sent
/// with.
pub fn content_type(file_name: &str) -> &'static str {
    let name = last_component(file_name);
    let extension = split_extension(name).1.replace('.', "");
    let key = if extension.is_empty() {
        name
    } else {
        &extension
    };
    if TEXT_EXTENSIONS.contains(&key) {
        return "text/plain";
    }
    match guess_type(name) {
        Some(media_type) if ACTIVE_TYPES.contains(&media_type) => "text/plain",
        Some(media_type) => media_type,
        None => "application/octet-stream",
    }
}

/// `attachment; filename=...` for `file_name`'s last component: a bare token when it is one,
/// quoted otherwise; a name with characters outside ASCII also gets RFC 5987's
/// `filename*=UTF-8''...` and an ASCII `filename` with those characters left out.
pub fn content_disposition(file_name: &str) -> String {
    let name = last_component(file_name);
    if name.is_ascii() {
        return format!("attachment; filename={}", quote_header_value(name));
    }
    let ascii: String = name.chars().filter(char::is_ascii).collect();
    let fallback = if ascii.is_empty() { "download" } else { &ascii };
    format!(
        "attachment; filename={}; filename*=UTF-8''{}",
        quote_header_value(fallback),
        percent_encode_attr(name)
    )
}

fn last_component(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Python's `posixpath.splitext`: the extension starts at the last dot, unless everything
/// before that dot is dots (`.bashrc` has none).
fn split_extension(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(dot) if !name[..dot].bytes().all(|byte| byte == b'.') => (&name[..dot], &name[dot..]),
        _ => (name, ""),
    }
}

/// Python's `mimetypes.guess_type` (strict) over its built-in table: aliases like `.tgz`
/// expanded, a compression suffix (`.gz`) skipped, the extension looked up lower-cased.
fn guess_type(name: &str) -> Option<&'static str> {
    let mut owned = name.to_owned();
    let (mut base, mut extension) = {
        let (base, extension) = split_extension(&owned);
        (base.to_owned(), extension.to_owned())
    };
    while let Some((_, expanded)) = SUFFIX_ALIASES
        .iter()
        .find(|(alias, _)| *alias == extension.to_ascii_lowercase())
    {
        owned = format!("{base}{expanded}");
        let (next_base, next_extension) = split_extension(&owned);
        (base, extension) = (next_base.to_owned(), next_extension.to_owned());
    }
    if ENCODING_SUFFIXES.contains(&extension.as_str()) {
        extension = split_extension(&base).1.to_owned();
    }
    let key = extension.strip_prefix('.')?.to_ascii_lowercase();
    TYPES_BY_EXTENSION
        .binary_search_by(|(known, _)| (*known).cmp(key.as_str()))
        .ok()
        .map(|index| TYPES_BY_EXTENSION[index].1)
}

/// werkzeug's `quote_header_value`: a token as it is, anything else in double quotes with `\`
/// and `"` escaped.
fn quote_header_value(value: &str) -> String {
    let is_token = !value.is_empty()
        && value
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte));
    if is_token {
        return value.to_owned();
    }
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

/// RFC 5987 `attr-char`s as they are, every other UTF-8 byte as `%XX`.
fn percent_encode_attr(value: &str) -> String {
    crate::percent::encode(value, b"!#$&+-.^_`|~")
}

#[cfg(test)]
mod tests {
    use super::{content_disposition, content_type};

    #[test]
    fn media_types_follow_mlflow_and_python_tables() {
        for (name, expected) in [
            ("metrics.txt", "text/plain"),
            ("dir/config.yaml", "text/plain"),
            ("data.json", "text/plain"),
            ("MLmodel", "text/plain"),
            ("notes.TXT", "text/plain"),
            ("plot.png", "image/png"),
            ("plot.PNG", "image/png"),
            ("photo.jpeg", "image/jpeg"),
            ("report.pdf", "application/pdf"),
            ("archive.zip", "application/zip"),
            ("model.tar.gz", "application/x-tar"),
            ("model.tgz", "application/x-tar"),
            ("table.csv.gz", "text/csv"),
            ("table.parquet", "application/octet-stream"),
            ("model.pkl", "application/octet-stream"),
            ("weights.GZ", "application/octet-stream"),
            ("image.webp", "application/octet-stream"),
            (".bashrc", "application/octet-stream"),
            ("no_extension", "application/octet-stream"),
            ("trailing.", "application/octet-stream"),
            ("page.html", "text/plain"),
            ("page.htm", "text/plain"),
            ("chart.svg", "text/plain"),
            ("chart.svgz", "text/plain"),
            ("module.mjs", "text/plain"),
            ("saved.mht", "text/plain"),
            ("style.css", "text/css"),
        ] {
            assert_eq!(content_type(name), expected, "{name}");
        }
    }

    #[test]
    fn dispositions_quote_and_encode_names_as_werkzeug_does() {
        for (name, expected) in [
            ("model.pkl", "attachment; filename=model.pkl"),
            ("a/b/model.pkl", "attachment; filename=model.pkl"),
            ("my model.pkl", "attachment; filename=\"my model.pkl\""),
            ("q\"uote.txt", "attachment; filename=\"q\\\"uote.txt\""),
            (
                "résumé.txt",
                "attachment; filename=rsum.txt; filename*=UTF-8''r%C3%A9sum%C3%A9.txt",
            ),
            (
                "日本",
                "attachment; filename=download; filename*=UTF-8''%E6%97%A5%E6%9C%AC",
            ),
        ] {
            assert_eq!(content_disposition(name), expected, "{name}");
        }
    }
}
