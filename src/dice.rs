//! A small deterministic generator (SplitMix64) for demo and synthetic data:
//! the same "random" orders on every machine and every run, so benchmarks
//! compare like with like and screenshots stay stable. Never used for
//! anything secret.

/// SplitMix64 over a seed.
#[derive(Debug, Clone)]
pub(crate) struct Dice(pub(crate) u64);

impl Dice {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (0 when `bound` is 0).
    pub(crate) fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound.max(1)
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let index = usize::try_from(self.below(items.len() as u64)).unwrap_or(0);
        &items[index]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dice_are_deterministic_and_spread() {
        let mut first = Dice(7);
        let mut second = Dice(7);
        let rolls: Vec<u64> = (0..1000).map(|_| first.below(10)).collect();
        assert_eq!(
            rolls,
            (0..1000).map(|_| second.below(10)).collect::<Vec<_>>()
        );
        for face in 0..10 {
            let count = rolls.iter().filter(|&&roll| roll == face).count();
            assert!((60..140).contains(&count), "face {face}: {count}");
        }
        assert_eq!(Dice(1).below(0), 0);
    }
}
