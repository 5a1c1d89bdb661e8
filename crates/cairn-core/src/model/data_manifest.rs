//! The file list behind a directory's data hash, and the stat key of the hash cache.

/// What a manifest entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManifestEntryKind {
    /// A regular file; its hash is BLAKE3 of its bytes.
    File,
    /// A symbolic link (not followed); its hash is BLAKE3 of the link target's bytes.
    Symlink,
}

impl ManifestEntryKind {
    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            ManifestEntryKind::File => "file",
            ManifestEntryKind::Symlink => "symlink",
        }
    }
}

/// One entry of a directory's manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestEntry {
    /// Path relative to the hashed directory, `/`-separated.
    pub rel_path: String,
    /// File or symlink.
    pub kind: ManifestEntryKind,
    /// Size in bytes (for a symlink, the length of its target).
    pub size_bytes: u64,
    /// BLAKE3, lower-case hex.
    pub file_hash: String,
}

/// What identifies an unchanged file for the hash cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileStatKey {
    /// Device number.
    pub device: u64,
    /// Inode number.
    pub inode: u64,
    /// Size in bytes.
    pub size_bytes: u64,
    /// Modification time, nanoseconds since the epoch.
    pub mtime_ns: i64,
}
