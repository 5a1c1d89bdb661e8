//! What both stores check about accounts before writing them, and how they assemble groups
//! from joined rows.

use crate::error::{StoreError, StoreResult};
use crate::model::Group;

/// Longest user or group name.
pub const MAX_NAME_LENGTH: usize = 256;

/// A user or group name: not empty, not over [`MAX_NAME_LENGTH`], no control characters, no
/// `:` (Basic credentials split on it) and no surrounding spaces.
pub(crate) fn check_name(field: &str, name: &str) -> StoreResult<()> {
    let reason = if name.is_empty() {
        Some("must not be empty")
    } else if name.len() > MAX_NAME_LENGTH {
        Some("is longer than 256 bytes")
    } else if name.chars().any(char::is_control) {
        Some("must not contain control characters")
    } else if name.contains(':') {
        Some("must not contain ':'")
    } else if name.trim() != name {
        Some("must not start or end with spaces")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(StoreError::invalid(field, format!("'{name}' {reason}"))),
        None => Ok(()),
    }
}

/// A token's name: what its owner calls it, up to [`MAX_NAME_LENGTH`] bytes.
pub(crate) fn check_token_name(name: &str) -> StoreResult<()> {
    if name.len() > MAX_NAME_LENGTH || name.chars().any(char::is_control) {
        return Err(StoreError::invalid(
            "token name",
            "must be at most 256 bytes without control characters",
        ));
    }
    Ok(())
}

/// Groups from `(group, member)` rows sorted by group then member; a group without members has
/// one row with no member.
pub(crate) fn groups_from_rows(rows: Vec<(String, Option<String>)>) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for (name, member) in rows {
        if groups.last().is_none_or(|group| group.name != name) {
            groups.push(Group {
                name,
                members: Vec::new(),
            });
        }
        if let (Some(member), Some(group)) = (member, groups.last_mut()) {
            group.members.push(member);
        }
    }
    groups
}
