//! A set of runs as a bitset over their integer ids (`runs.id`, dense from 1), so that AND, OR and
//! NOT of filter clauses are word operations and a count is a popcount.

/// Runs whose ids are below a fixed bound, one bit each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RunSet {
    words: Vec<u64>,
}

impl RunSet {
    /// The empty set of runs with ids in `0..bound`.
    pub(super) fn empty(bound: usize) -> RunSet {
        RunSet {
            words: vec![0; bound.div_ceil(64)],
        }
    }

    /// Adds a run. Ids outside the bound are ignored: they cannot be candidates.
    pub(super) fn insert(&mut self, id: i64) {
        let Ok(id) = usize::try_from(id) else { return };
        if let Some(word) = self.words.get_mut(id / 64) {
            *word |= 1 << (id % 64);
        }
    }

    /// Whether the run is in the set.
    pub(super) fn contains(&self, id: i64) -> bool {
        usize::try_from(id)
            .ok()
            .and_then(|id| {
                self.words
                    .get(id / 64)
                    .map(|word| word >> (id % 64) & 1 == 1)
            })
            .unwrap_or(false)
    }

    /// Keeps the runs that are also in `other`.
    pub(super) fn intersect(&mut self, other: &RunSet) {
        for (index, word) in self.words.iter_mut().enumerate() {
            *word &= other.words.get(index).copied().unwrap_or(0);
        }
    }

    /// Adds the runs of `other` (within this set's bound).
    pub(super) fn unite(&mut self, other: &RunSet) {
        for (word, other) in self.words.iter_mut().zip(&other.words) {
            *word |= other;
        }
    }

    /// Removes the runs of `other`.
    pub(super) fn subtract(&mut self, other: &RunSet) {
        for (word, other) in self.words.iter_mut().zip(&other.words) {
            *word &= !other;
        }
    }

    /// Whether the set holds no run.
    pub(super) fn is_empty(&self) -> bool {
        self.words.iter().all(|&word| word == 0)
    }

    /// How many runs the set holds.
    pub(super) fn len(&self) -> usize {
        self.words
            .iter()
            .map(|word| word.count_ones() as usize)
            .sum()
    }

    /// The runs' ids, ascending.
    pub(super) fn ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.words.iter().enumerate().flat_map(|(index, &word)| {
            let base = (index * 64) as i64;
            let mut rest = word;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let bit = rest.trailing_zeros();
                    rest &= rest - 1;
                    base + i64::from(bit)
                })
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::RunSet;

    fn set(bound: usize, ids: &[i64]) -> RunSet {
        let mut set = RunSet::empty(bound);
        ids.iter().for_each(|&id| set.insert(id));
        set
    }

    #[test]
    fn insert_contains_and_iterates_in_order() {
        let set = set(200, &[130, 0, 63, 64, 5, 199, 64]);
        assert_eq!(set.ids().collect::<Vec<_>>(), vec![0, 5, 63, 64, 130, 199]);
        assert_eq!(set.len(), 6);
        assert!(set.contains(63) && set.contains(199) && !set.contains(1));
    }

    #[test]
    fn ids_outside_the_bound_are_ignored() {
        let set = set(70, &[-1, 128, 1000, 69]);
        assert_eq!(set.ids().collect::<Vec<_>>(), vec![69]);
        assert!(!set.contains(-1) && !set.contains(1000));
        assert_eq!(RunSet::empty(0).len(), 0);
        assert!(RunSet::empty(100).is_empty() && !set.is_empty());
        assert_eq!(RunSet::empty(0).ids().count(), 0);
    }

    #[test]
    fn intersect_unite_and_subtract_are_set_operations() {
        let a = set(150, &[1, 2, 3, 64, 100, 149]);
        let b = set(150, &[2, 3, 4, 100, 120]);
        let mut and = a.clone();
        and.intersect(&b);
        assert_eq!(and.ids().collect::<Vec<_>>(), vec![2, 3, 100]);
        let mut or = a.clone();
        or.unite(&b);
        assert_eq!(
            or.ids().collect::<Vec<_>>(),
            vec![1, 2, 3, 4, 64, 100, 120, 149]
        );
        let mut minus = a.clone();
        minus.subtract(&b);
        assert_eq!(minus.ids().collect::<Vec<_>>(), vec![1, 64, 149]);
        assert_eq!(or.len(), 8);
    }

    #[test]
    fn operations_against_a_smaller_set_treat_missing_words_as_empty() {
        let mut big = set(300, &[1, 250]);
        big.intersect(&set(10, &[1]));
        assert_eq!(big.ids().collect::<Vec<_>>(), vec![1]);
        let mut big = set(300, &[1, 250]);
        big.unite(&set(10, &[2]));
        big.subtract(&set(10, &[1]));
        assert_eq!(big.ids().collect::<Vec<_>>(), vec![2, 250]);
    }
}
