//! What Cairn's tests share: [`copy_tree`] for fixtures, [`Random`] for randomised tests that
//! reproduce, and [`tidy`], the repository's invariants that `cargo test` checks. Used only as
//! a dev-dependency; never published.
#![warn(missing_docs)]

pub mod postgres;
pub mod s3;
pub mod tidy;

use std::path::Path;

/// Copies the folder `from` (files and folders, recursively) into `to`, creating it. Panics
/// naming the path on any error: it is for tests.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to)
        .unwrap_or_else(|error| panic!("creating {}: {error}", to.display()));
    let entries = std::fs::read_dir(from)
        .unwrap_or_else(|error| panic!("reading {}: {error}", from.display()));
    for entry in entries {
        let entry = entry.unwrap_or_else(|error| panic!("reading {}: {error}", from.display()));
        let target = to.join(entry.file_name());
        let is_dir = entry
            .file_type()
            .unwrap_or_else(|error| panic!("{}: {error}", entry.path().display()))
            .is_dir();
        if is_dir {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target)
                .unwrap_or_else(|error| panic!("copying {}: {error}", entry.path().display()));
        }
    }
}

/// A small deterministic pseudo-random generator (xorshift64*): the same seed gives the same
/// sequence on every machine, so a failing randomised test reproduces from its seed.
#[derive(Debug, Clone)]
pub struct Random(pub u64);

impl Random {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..bound`.
    pub fn below(&mut self, bound: usize) -> usize {
        (self.next_u64() % bound as u64) as usize
    }

    /// One of `items`.
    pub fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())].clone()
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

#[cfg(test)]
mod tests {
    use super::Random;

    #[test]
    fn the_sequence_is_fixed_by_the_seed() {
        let mut random = Random(0x5EED_1234_ABCD_0001);
        let first: Vec<u64> = (0..3).map(|_| random.next_u64()).collect();
        let mut again = Random(0x5EED_1234_ABCD_0001);
        let second: Vec<u64> = (0..3).map(|_| again.next_u64()).collect();
        assert_eq!(first, second);
        assert!((0..1000).all(|_| random.below(7) < 7));
    }
}
