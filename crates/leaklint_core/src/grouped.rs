//! Items grouped by a small integer key, built by counting sort: one flat
//! vector and one offset per key, instead of a map of vectors. Used for the
//! events of each value and the references to each symbol.

/// Item indexes grouped by key, in the order they were given within each key.
#[derive(Debug, Clone, Default)]
pub(crate) struct Grouped {
    /// Key `k`'s items are `items[starts[k]..starts[k + 1]]`.
    starts: Vec<u32>,
    items: Vec<u32>,
}

impl Grouped {
    /// Group `pairs` of (key, item) by key, for keys below `keys`. The pairs
    /// are walked twice (count, then place), so they come as a cloneable iterator.
    pub(crate) fn new(keys: usize, pairs: impl Iterator<Item = (usize, u32)> + Clone) -> Self {
        let mut starts = vec![0u32; keys + 1];
        for (key, _) in pairs.clone() {
            starts[key + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut items = vec![0u32; *starts.last().unwrap_or(&0) as usize];
        for (key, item) in pairs {
            let slot = &mut next[key];
            items[*slot as usize] = item;
            *slot += 1;
        }
        Self { starts, items }
    }

    /// The items of `key`; empty for a key never grouped.
    pub(crate) fn get(&self, key: usize) -> &[u32] {
        match (self.starts.get(key), self.starts.get(key + 1)) {
            (Some(&from), Some(&to)) => &self.items[from as usize..to as usize],
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Grouped;

    #[test]
    fn groups_keep_their_order_and_missing_keys_are_empty() {
        let pairs = [(2usize, 10u32), (0, 11), (2, 12), (1, 13), (2, 14)];
        let grouped = Grouped::new(4, pairs.iter().copied());
        assert_eq!(grouped.get(0), &[11]);
        assert_eq!(grouped.get(1), &[13]);
        assert_eq!(grouped.get(2), &[10, 12, 14]);
        assert_eq!(grouped.get(3), &[] as &[u32]);
        assert_eq!(grouped.get(9), &[] as &[u32]);
        assert_eq!(Grouped::default().get(0), &[] as &[u32]);
    }
}
