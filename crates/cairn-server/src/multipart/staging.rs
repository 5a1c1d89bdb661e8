//! Where a local multipart upload's parts wait: a hidden folder `.NAME.mpu-UPLOAD_ID` beside the
//! file it will become (same file system, so the final rename is atomic), holding `part-N` files.
//! Joining them writes a temporary `.NAME.upload-UUID` (the pattern every unfinished upload
//! has), re-reads each part against the etag the client was given, syncs the file to disk, and
//! only then renames it to its name and syncs the folder: a crash leaves the old file or the
//! whole new one, never half of it.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::{MAX_PARTS, UploadedPart};
use crate::artifact_http::folder::{file_name_of, hidden_name, upload_temp_name};
use crate::error::ApiError;

/// What sits between NAME and the upload id in a staging folder's name.
const STAGING_MARK: &str = ".mpu-";

/// Bytes read from a part at a time while joining.
const JOIN_BUFFER_BYTES: usize = 1024 * 1024;

/// A new upload id: 32 lowercase hex digits.
pub fn new_upload_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Refuses an upload id that is not one this server hands out (so it can name a folder).
pub fn check_upload_id(upload_id: &str) -> Result<(), ApiError> {
    if is_upload_id(upload_id) {
        Ok(())
    } else {
        Err(ApiError::invalid(format!(
            "invalid value '{upload_id}' for parameter 'upload_id': not an upload id this server \
             gave (32 lowercase hex digits)"
        )))
    }
}

fn is_upload_id(text: &str) -> bool {
    text.len() == 32
        && text
            .bytes()
            .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte))
}

/// Whether `name` is a staging folder's name (`.NAME.mpu-UPLOAD_ID`).
pub fn is_staging_dir_name(name: &str) -> bool {
    name.strip_prefix('.')
        .and_then(|rest| rest.rsplit_once(STAGING_MARK))
        .is_some_and(|(target, id)| !target.is_empty() && is_upload_id(id))
}

/// The staging folder of upload `upload_id` to the file `target`.
pub fn staging_dir(target: &Path, upload_id: &str) -> PathBuf {
    target.with_file_name(hidden_name(
        &file_name_of(target),
        &format!("{STAGING_MARK}{upload_id}"),
    ))
}

/// Where part `part_number` is kept once received whole.
pub fn part_file(staging: &Path, part_number: u32) -> PathBuf {
    staging.join(format!("part-{part_number}"))
}

/// Where part `part_number` is written while it arrives.
pub fn part_temp_file(staging: &Path, part_number: u32) -> PathBuf {
    staging.join(format!(
        "part-{part_number}.tmp-{}",
        uuid::Uuid::new_v4().simple()
    ))
}

/// Refuses a part number outside 1..=[`MAX_PARTS`], naming `field`.
pub fn check_part_number(field: &str, part_number: i64) -> Result<u32, ApiError> {
    u32::try_from(part_number)
        .ok()
        .filter(|number| (1..=MAX_PARTS).contains(number))
        .ok_or_else(|| {
            ApiError::invalid(format!(
                "invalid value {part_number} for parameter '{field}': part numbers run from 1 \
                 to {MAX_PARTS}"
            ))
        })
}

/// The etag of a part's bytes: their BLAKE3, quoted as HTTP writes entity tags.
pub fn etag_of(hasher: &blake3::Hasher) -> String {
    format!("\"{}\"", hasher.finalize().to_hex())
}

/// Joins `parts` from `staging` into `target` (see the module's comment); `path` names the
/// artifact in errors and `limit` bounds the whole file. Blocking.
pub fn join_parts(
    staging: &Path,
    target: &Path,
    parts: &[UploadedPart],
    limit: u64,
    path: &str,
) -> Result<u64, ApiError> {
    let temporary = target.with_file_name(upload_temp_name(&file_name_of(target)));
    let joined = write_joined(staging, &temporary, parts, limit, path);
    let size = match joined {
        Ok(size) => size,
        Err(error) => {
            let _ = fs::remove_file(&temporary);
            return Err(error);
        }
    };
    let io_error = |error: std::io::Error| {
        ApiError::from_io(&format!("completing the upload of '{path}'"), &error)
    };
    if let Err(error) = fs::rename(&temporary, target) {
        let _ = fs::remove_file(&temporary);
        return Err(io_error(error));
    }
    if let Some(parent) = target.parent() {
        File::open(parent)
            .and_then(|folder| folder.sync_all())
            .map_err(io_error)?;
    }
    Ok(size)
}

fn write_joined(
    staging: &Path,
    temporary: &Path,
    parts: &[UploadedPart],
    limit: u64,
    path: &str,
) -> Result<u64, ApiError> {
    let io_error = |error: std::io::Error| {
        ApiError::from_io(&format!("completing the upload of '{path}'"), &error)
    };
    let mut output = File::create(temporary).map_err(io_error)?;
    let mut buffer = vec![0_u8; JOIN_BUFFER_BYTES];
    let mut size: u64 = 0;
    for (index, part) in parts.iter().enumerate() {
        let mut input = match File::open(part_file(staging, part.part_number)) {
            Ok(input) => input,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(ApiError::invalid(format!(
                    "invalid value {} for parameter 'parts[{index}].part_number': that part \
                     was never uploaded",
                    part.part_number
                )));
            }
            Err(error) => return Err(io_error(error)),
        };
        let mut hasher = blake3::Hasher::new();
        loop {
            let read = input.read(&mut buffer).map_err(io_error)?;
            if read == 0 {
                break;
            }
            size += read as u64;
            if size > limit {
                return Err(crate::args::too_large(limit));
            }
            hasher.update(&buffer[..read]);
            output.write_all(&buffer[..read]).map_err(io_error)?;
        }
        if !same_etag(&etag_of(&hasher), &part.etag) {
            return Err(ApiError::invalid(format!(
                "invalid value '{}' for parameter 'parts[{index}].etag': it is not the etag of \
                 part {} as received; upload the part again",
                part.etag, part.part_number
            )));
        }
    }
    output.sync_all().map_err(io_error)?;
    Ok(size)
}

/// Entity tags compare without their quotes (a client may strip them).
fn same_etag(ours: &str, theirs: &str) -> bool {
    ours.trim_matches('"') == theirs.trim().trim_matches('"')
}

#[cfg(test)]
mod tests {
    use super::{is_staging_dir_name, same_etag, staging_dir};
    use std::path::Path;

    #[test]
    fn staging_names_are_recognised_exactly() {
        let id = "0123456789abcdef0123456789abcdef";
        let staging = staging_dir(Path::new("/a/model.ckpt"), id);
        assert_eq!(staging, Path::new(&format!("/a/.model.ckpt.mpu-{id}")));
        for (name, matches) in [
            (format!(".model.ckpt.mpu-{id}"), true),
            (format!("model.ckpt.mpu-{id}"), false),
            (format!(".mpu-{id}"), false),
            (".model.ckpt.mpu-0123".to_string(), false),
            (format!(".model.ckpt.mpu-{}", id.to_uppercase()), false),
        ] {
            assert_eq!(is_staging_dir_name(&name), matches, "{name}");
        }
    }

    #[test]
    fn etags_match_with_or_without_quotes() {
        assert!(same_etag("\"abc\"", "\"abc\""));
        assert!(same_etag("\"abc\"", "abc"));
        assert!(!same_etag("\"abc\"", "\"abd\""));
    }
}
