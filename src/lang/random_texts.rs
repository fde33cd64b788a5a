//! Texts made of random runs of given pieces, for tests that compare a fast scan of text
//! with a plain one.

/// `rounds` texts: the one of round `r` is `r % most` pieces long, each piece drawn from
/// `pieces` by a linear congruential generator started at `seed`.
pub(crate) fn random_texts<'p>(
    pieces: &'p [&'p str],
    seed: u64,
    rounds: usize,
    most: usize,
) -> impl Iterator<Item = String> + 'p {
    let mut seed = seed;
    (0..rounds).map(move |round| {
        let mut text = String::new();
        for _ in 0..(round % most) {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            text.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
        }
        text
    })
}
