//! The bytes of a write not sent yet: pieces as they came, without copying them, except that
//! pieces smaller than [`SMALL_PIECE`] are joined into one first. A body that arrives in tiny
//! pieces (a client may send one byte per chunk) thus holds at most a few hundred pieces per
//! part, and taking a part costs the same whatever their size.

use std::collections::VecDeque;

use bytes::{Bytes, BytesMut};

/// Pieces smaller than this are copied together.
const SMALL_PIECE: usize = 16 * 1024;

#[derive(Default)]
pub(super) struct Gathered {
    pieces: VecDeque<Bytes>,
    /// Small pieces joined, not yet among `pieces`.
    small: BytesMut,
    len: usize,
}

impl Gathered {
    /// Bytes held.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    pub(super) fn push(&mut self, piece: Bytes) {
        self.len += piece.len();
        if piece.len() < SMALL_PIECE {
            self.small.extend_from_slice(&piece);
            if self.small.len() >= SMALL_PIECE {
                self.join_small();
            }
        } else {
            self.join_small();
            self.pieces.push_back(piece);
        }
    }

    fn join_small(&mut self) {
        if !self.small.is_empty() {
            self.pieces.push_back(self.small.split().freeze());
        }
    }

    /// The first `wanted` bytes (all of them when fewer are held), as slices of the pieces.
    pub(super) fn take(&mut self, wanted: usize) -> Vec<Bytes> {
        self.join_small();
        let mut taken = Vec::new();
        let mut left = wanted.min(self.len);
        self.len -= left;
        while left > 0 {
            let Some(mut first) = self.pieces.pop_front() else {
                break;
            };
            if first.len() > left {
                let rest = first.split_off(left);
                self.pieces.push_front(rest);
            }
            left -= first.len();
            taken.push(first);
        }
        taken
    }

    /// Everything held.
    pub(super) fn take_all(&mut self) -> Vec<Bytes> {
        self.take(self.len)
    }

    pub(super) fn clear(&mut self) {
        self.pieces.clear();
        self.small.clear();
        self.len = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::Gathered;
    use bytes::Bytes;

    #[test]
    fn parts_come_out_whole_and_in_order_whatever_the_pieces() {
        let whole: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        // Tiny, small and large pieces mixed.
        let mut gathered = Gathered::default();
        let mut at = 0;
        for size in [1, 3, 40_000, 7, 16_384, 5, 90_000].iter().cycle() {
            if at >= whole.len() {
                break;
            }
            let end = (at + size).min(whole.len());
            gathered.push(Bytes::copy_from_slice(&whole[at..end]));
            at = end;
        }
        assert_eq!(gathered.len(), whole.len());
        let mut back = Vec::new();
        while gathered.len() >= 30_000 {
            let part: Vec<u8> = gathered.take(30_000).concat();
            assert_eq!(part.len(), 30_000);
            back.extend(part);
        }
        back.extend(gathered.take_all().concat());
        assert_eq!(gathered.len(), 0);
        assert!(back == whole);
    }

    #[test]
    fn a_million_one_byte_pieces_are_few_pieces() {
        let mut gathered = Gathered::default();
        for _ in 0..1_000_000 {
            gathered.push(Bytes::from_static(b"x"));
        }
        let part = gathered.take(1_000_000);
        assert!(part.len() <= 1_000_000 / (16 * 1024) + 1, "{}", part.len());
    }
}
