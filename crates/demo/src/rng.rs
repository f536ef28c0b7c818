//! The one pseudo-random generator of the demo and the seed: splitmix64,
//! tiny, fixed and portable, so that a seed means the same data on every
//! machine and in every release. (Tokens and secrets come from the
//! operating system's generator, in the server library; never from here.)

/// splitmix64.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

/// The people's names and phone numbers a data set draws from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Names<'a> {
    pub(crate) surnames: &'a [&'static str],
    pub(crate) given_names: &'a [&'static str],
    pub(crate) mobile_prefixes: &'a [&'static str],
}

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n (0 when n is 0); the modulo bias is irrelevant here.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    pub(crate) fn index(&mut self, len: usize) -> usize {
        // len is a small slice length; both conversions are lossless.
        self.below(len as u64) as usize
    }

    pub(crate) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.index(items.len())]
    }

    /// Uniform in [0, 1).
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1_u64 << 53) as f64
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// True with probability `percent` / 100.
    pub(crate) fn percent(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// Uniform in lo..=hi (lo when hi <= lo).
    pub(crate) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        // hi - lo + 1 is positive and small.
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// An index drawn with the given relative weights (any index when they
    /// are all zero).
    pub(crate) fn weighted(&mut self, weights: &[u64]) -> usize {
        let total: u64 = weights.iter().sum();
        if total == 0 {
            return self.index(weights.len());
        }
        let mut roll = self.below(total);
        for (i, w) in weights.iter().enumerate() {
            if roll < *w {
                return i;
            }
            roll -= w;
        }
        weights.len() - 1
    }

    /// `k` distinct items of `items`, in drawing order.
    pub(crate) fn sample<T: Copy>(&mut self, items: &[T], k: usize) -> Vec<T> {
        let mut pool: Vec<T> = items.to_vec();
        let mut out = Vec::new();
        while out.len() < k && !pool.is_empty() {
            out.push(pool.swap_remove(self.index(pool.len())));
        }
        out
    }

    /// A surname and a given name.
    pub(crate) fn person_name(&mut self, names: Names<'_>) -> String {
        let mut name = self.pick(names.surnames).to_owned();
        name.push_str(self.pick(names.given_names));
        name
    }

    /// An eleven-digit mobile number.
    pub(crate) fn mobile(&mut self, names: Names<'_>) -> String {
        format!(
            "{}{:08}",
            self.pick(names.mobile_prefixes),
            self.below(100_000_000)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sequence_is_fixed() {
        // splitmix64's published first outputs for seed 0.
        let mut rng = Rng::new(0);
        assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(rng.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn weighted_draws_follow_the_weights() {
        let mut rng = Rng::new(7);
        let mut counts = [0; 3];
        for _ in 0..3000 {
            counts[rng.weighted(&[1, 0, 2])] += 1;
        }
        assert_eq!(counts[1], 0);
        assert!(counts[2] > counts[0] * 3 / 2, "{counts:?}");
    }
}
