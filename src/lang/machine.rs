//! The recognizer generated from `grammar.pest` at build time: the same rules, tokens and
//! spans as pest's parser, without its per-call bookkeeping. Pest stays the reference and
//! explains syntax errors; this one parses text that is read in bulk.

use super::parser::Rule;
use super::tree::{Tok, Tree};

/// Parser state: position in the input, the tokens of the rules matched so far.
pub(super) struct Machine<'i> {
    text: &'i str,
    input: &'i [u8],
    pos: usize,
    toks: &'i mut Vec<Tok>,
}

/// Runs `rule` from the start of `text` and returns the tokens of what it matched, or `None`
/// when the rule does not match. The tokens are kept in `toks`, which is cleared first (a
/// buffer reused from one call to the next saves allocating it each time).
pub(crate) fn parse<'i>(rule: Rule, text: &'i str, toks: &'i mut Vec<Tok>) -> Option<Tree<'i>> {
    toks.clear();
    let mut machine = Machine {
        text,
        input: text.as_bytes(),
        pos: 0,
        toks,
    };
    if rules::run(rule, &mut machine) {
        Some(Tree::new(text, machine.toks))
    } else {
        None
    }
}

/// Whether a match of `rule` leaves a token here. Pest's parser leaves one for every rule
/// that is not silent; here the rules that lowering never reads leave none (their children
/// become their parent's), which spares writing and then passing over several tokens in
/// each statement: the `;` ending a statement, the digits inside `0x...`, the wrapper around
/// each SA option, and flags whose text is known from their parent rule.
pub(crate) const fn leaves_token(rule: Rule) -> bool {
    !matches!(
        rule,
        Rule::eot
            | Rule::hex_digits
            | Rule::sa_option
            | Rule::flag_m
            | Rule::flag_e
            | Rule::flag_a
            | Rule::flag_c
            | Rule::flag_p
            | Rule::request_slash
    )
}

impl Machine<'_> {
    /// The token of `rule` around what `body` matches (the generator calls it where pest's
    /// parser would leave one; `leaves_token` has the last word).
    #[inline(always)]
    fn token(&mut self, rule: Rule, body: impl FnOnce(&mut Self) -> bool) -> bool {
        if !leaves_token(rule) {
            return body(self);
        }
        let index = self.toks.len();
        self.toks.push(Tok::open(rule, self.pos));
        if body(self) {
            let next = self.toks.len();
            self.toks[index].close(self.pos, next);
            true
        } else {
            self.toks.truncate(index);
            false
        }
    }

    /// `&e` (`positive`) or `!e`: never moves, never leaves tokens.
    #[inline(always)]
    fn lookahead(&mut self, positive: bool, body: impl FnOnce(&mut Self) -> bool) -> bool {
        let at = self.pos;
        let matched = body(self);
        self.pos = at;
        matched == positive
    }

    /// All of `body` or nothing: a failure restores the position and the tokens.
    #[inline(always)]
    fn sequence(&mut self, body: impl FnOnce(&mut Self) -> bool) -> bool {
        let (at, len) = (self.pos, self.toks.len());
        if body(self) {
            true
        } else {
            self.pos = at;
            self.toks.truncate(len);
            false
        }
    }

    #[inline(always)]
    fn string(&mut self, s: &[u8]) -> bool {
        if self.input[self.pos..].starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    #[inline(always)]
    #[allow(dead_code)] // for `^"..."` in the grammar
    fn insensitive(&mut self, s: &[u8]) -> bool {
        match self.input.get(self.pos..self.pos + s.len()) {
            Some(here) if here.eq_ignore_ascii_case(s) => {
                self.pos += s.len();
                true
            }
            _ => false,
        }
    }

    /// A character in `lo..=hi`, both ASCII: then no byte of a longer character matches.
    #[inline(always)]
    fn byte_range(&mut self, lo: u8, hi: u8) -> bool {
        match self.input.get(self.pos) {
            Some(&b) if lo <= b && b <= hi => {
                self.pos += 1;
                true
            }
            _ => false,
        }
    }

    #[inline(always)]
    #[allow(dead_code)] // for ranges of other than ASCII characters in the grammar
    fn char_range(&mut self, lo: char, hi: char) -> bool {
        match self.text[self.pos..].chars().next() {
            Some(c) if lo <= c && c <= hi => {
                self.pos += c.len_utf8();
                true
            }
            _ => false,
        }
    }

    #[inline(always)]
    fn any(&mut self) -> bool {
        match self.text[self.pos..].chars().next() {
            Some(c) => {
                self.pos += c.len_utf8();
                true
            }
            None => false,
        }
    }

    /// A byte of `class` (a table of ASCII bytes: no byte of a longer character is in it).
    #[inline(always)]
    fn class(&mut self, class: &[bool; 256]) -> bool {
        match self.input.get(self.pos) {
            Some(&b) if class[usize::from(b)] => {
                self.pos += 1;
                true
            }
            _ => false,
        }
    }

    /// `body`, in a function of its own: for what is seldom reached (comments), so that it
    /// does not crowd the code around it.
    #[cold]
    #[inline(never)]
    fn out_of_line(&mut self, body: impl FnOnce(&mut Self) -> bool) -> bool {
        body(self)
    }

    /// Whether the next byte is in `class`; never moves.
    #[inline(always)]
    fn next_in(&self, class: &[bool; 256]) -> bool {
        matches!(self.input.get(self.pos), Some(&b) if class[usize::from(b)])
    }

    /// Moves past every byte of `class`.
    #[inline(always)]
    fn skip_while(&mut self, class: &[bool; 256]) -> bool {
        let rest = self.input.get(self.pos..).unwrap_or(&[]);
        self.pos += rest
            .iter()
            .position(|&b| !class[usize::from(b)])
            .unwrap_or(rest.len());
        true
    }

    /// `skip_to(first, &[])`, eight bytes a test while none of them is below `below` or one
    /// of `extras` (every byte of `first` is one of those): a block that may hold a stop is
    /// searched a byte at a time.
    #[inline(always)]
    fn skip_to_by_words<const N: usize>(
        &mut self,
        first: &[bool; 256],
        below: u8,
        extras: [u8; N],
    ) -> bool {
        const ONES: u64 = u64::from_le_bytes([1; 8]);
        const HIGHS: u64 = ONES << 7;
        // Whether a byte of `x` is below `n` (at most 128), or zero.
        let has_below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGHS != 0;
        let rest = self.input.get(self.pos..).unwrap_or(&[]);
        let mut passed = 0;
        for block in rest.chunks_exact(8) {
            let mut word = [0; 8];
            word.copy_from_slice(block);
            let x = u64::from_le_bytes(word);
            let may_stop = extras.iter().fold(has_below(x, below), |any, &e| {
                any | has_below(x ^ (ONES * u64::from(e)), 1)
            });
            if may_stop {
                break;
            }
            passed += 8;
        }
        let mut at = self.pos + passed;
        while let Some(&b) = self.input.get(at) {
            if first[usize::from(b)] {
                break;
            }
            at += 1;
        }
        self.pos = at;
        true
    }

    /// Moves to the first place where one of `strings` starts (their first bytes are those
    /// of `first`; no strings: all are one byte long), or to the end of the input.
    #[inline(always)]
    fn skip_to(&mut self, first: &[bool; 256], strings: &[&[u8]]) -> bool {
        let mut at = self.pos;
        if strings.is_empty() {
            // Eight bytes a test: long words (keys) are passed over quickly.
            let rest = self.input.get(at..).unwrap_or(&[]);
            let blocks = rest.chunks_exact(8);
            let mut passed = 0;
            for block in blocks {
                if block
                    .iter()
                    .fold(false, |stop, &b| stop | first[usize::from(b)])
                {
                    break;
                }
                passed += 8;
            }
            at += passed;
        }
        while at < self.input.len() {
            if first[usize::from(self.input[at])]
                && (strings.is_empty() || strings.iter().any(|s| self.input[at..].starts_with(s)))
            {
                break;
            }
            at += 1;
        }
        self.pos = at;
        true
    }
}

#[allow(clippy::all, clippy::pedantic, unused_parens, unused_braces)]
mod rules {
    use super::{Machine, Rule};

    include!(concat!(env!("OUT_DIR"), "/grammar_machine.rs"));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where a skip to a byte of `stops` ends, one byte at a time.
    fn reference(text: &str, from: usize, stops: &[u8]) -> usize {
        text.as_bytes()[from..]
            .iter()
            .position(|b| stops.contains(b))
            .map_or(text.len(), |at| from + at)
    }

    #[test]
    fn skips_by_words_end_where_a_byte_by_byte_skip_ends() {
        // The stops of a host word and of a key, with the tests the generator makes of them.
        let cases: [(&[u8], u8, &[u8]); 2] =
            [(b" \t\n;[/#\r", 0x24, b";[/"), (b" \t\n;#\r", 0x24, b";")];
        let pieces = [
            "a",
            "0",
            "-",
            ".",
            ":",
            "_",
            " ",
            "\t",
            "\n",
            "\r",
            ";",
            "#",
            "[",
            "/",
            "\"",
            "!",
            "$",
            "é",
            "\u{1}",
            "\u{7f}",
            "ffffffff",
            "10.200.0.1",
            "\u{10ffff}",
        ];
        for text in crate::lang::random_texts::random_texts(&pieces, 7, 3000, 40) {
            for &(stops, below, extras) in &cases {
                let mut first = [false; 256];
                for &b in stops {
                    first[usize::from(b)] = true;
                }
                for from in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                    let mut toks = Vec::new();
                    let mut m = Machine {
                        text: &text,
                        input: text.as_bytes(),
                        pos: from,
                        toks: &mut toks,
                    };
                    match extras {
                        [a] => m.skip_to_by_words(&first, below, [*a]),
                        [a, b, c] => m.skip_to_by_words(&first, below, [*a, *b, *c]),
                        _ => unreachable!(),
                    };
                    assert_eq!(m.pos, reference(&text, from, stops), "{text:?} from {from}");
                }
            }
        }
    }
}
