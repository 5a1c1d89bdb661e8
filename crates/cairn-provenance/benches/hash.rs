//! Data hash figures: cold hashing throughput on a generated tree of mixed file sizes, and
//! re-hashing an unchanged tree of many small files through the store's stat cache.
//! `cargo bench -p cairn-provenance --bench hash [-- TOTAL_MB SMALL_FILES]`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark fails loudly"
)]

use std::fs;
use std::time::Instant;

use cairn_core::SqliteStore;
use cairn_provenance::{hash_path, hash_with_store};

fn main() {
    let mut args = std::env::args().skip(1).filter(|arg| arg != "--bench");
    let total_mb: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(512);
    let small_files: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let dir = tempfile::tempdir().unwrap();

    // Mixed sizes: per 64 MiB, one 32 MiB file, eight 2 MiB, 64 x 128 KiB, 1024 x 4 KiB.
    let mixed = dir.path().join("mixed");
    let mut written = 0u64;
    let mut block = 0u64;
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    while written < total_mb << 20 {
        let sub = mixed.join(format!("block{block:04}"));
        fs::create_dir_all(&sub).unwrap();
        let mut write = |name: String, size: usize| {
            let mut bytes = vec![0u8; size];
            for chunk in bytes.chunks_mut(8) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let n = chunk.len();
                chunk.copy_from_slice(&seed.to_le_bytes()[..n]);
            }
            fs::write(sub.join(name), bytes).unwrap();
            size as u64
        };
        written += write("big.bin".into(), 32 << 20);
        for i in 0..8 {
            written += write(format!("mid{i}.bin"), 2 << 20);
        }
        for i in 0..64 {
            written += write(format!("small{i}.bin"), 128 << 10);
        }
        for i in 0..1024 {
            written += write(format!("tiny{i}.bin"), 4 << 10);
        }
        block += 1;
    }
    let start = Instant::now();
    let hashed = hash_path(&mixed, |keys| vec![None; keys.len()]).unwrap();
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "cold hash, mixed tree: {:.0} MiB in {} files: {:.2} s, {:.2} GB/s (page cache warm from writing)",
        hashed.size_bytes as f64 / (1 << 20) as f64,
        hashed.file_count,
        seconds,
        hashed.size_bytes as f64 / seconds / 1e9
    );

    let many = dir.path().join("many");
    for i in 0..small_files {
        let sub = many.join(format!("d{:03}", i % 200));
        fs::create_dir_all(&sub).unwrap();
        fs::write(sub.join(format!("f{i}.txt")), format!("file {i}\n")).unwrap();
    }
    let store = SqliteStore::open(&dir.path().join("store.db")).unwrap();
    let start = Instant::now();
    let (_, first) = hash_with_store(&store, &many).unwrap();
    let first_seconds = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let (_, again) = hash_with_store(&store, &many).unwrap();
    let again_seconds = start.elapsed().as_secs_f64();
    assert_eq!(again.cache_hits, first.file_count);
    println!(
        "{} small files: first hash {:.3} s (reads every file, fills the cache); unchanged re-hash {:.3} s ({} cache hits, 0 files read)",
        first.file_count, first_seconds, again_seconds, again.cache_hits
    );
}
