//! What the generator knows of the bytes an expression can start with: the one-byte classes
//! it matches and the first bytes of its matches, which the generated code tests before
//! trying an expression that would fail there; and the word-wide test of a skip's stops.

use pest_meta::ast::RuleType;
use pest_meta::optimizer::OptimizedExpr;

use super::{flatten, single_char, ByteSet, Generator};

impl Generator {
    /// The bytes `expr` matches when it matches exactly one byte, always one of a set of
    /// ASCII bytes, and leaves no token: then one table lookup does its work.
    pub(super) fn class_of(&self, expr: &OptimizedExpr, depth: u32) -> Option<ByteSet> {
        use OptimizedExpr::*;
        match expr {
            Str(s) if s.len() == 1 && s.is_ascii() => {
                Some(set_of(&[(s.as_bytes()[0], s.as_bytes()[0])]))
            }
            Range(lo, hi) => {
                let (lo, hi) = (single_char(lo).ok()?, single_char(hi).ok()?);
                hi.is_ascii().then(|| set_of(&[(lo as u8, hi as u8)]))
            }
            Ident(name) => match self.rules.get(name) {
                Some((RuleType::Silent, body)) if depth < 8 => self.class_of(body, depth + 1),
                Some(_) => None,
                None => builtin_ranges(name).map(set_of),
            },
            Choice(..) => flatten(expr, false)
                .into_iter()
                .map(|e| self.class_of(e, depth))
                .try_fold([false; 256], |all, set| Some(union(all, set?))),
            _ => None,
        }
    }

    /// A set that holds the byte at the position wherever `expr` matches there: where the
    /// byte is not in it (or there is none) `expr` fails, so it need not be tried. `None`
    /// when nothing is known (`expr` may match nothing, or at the end of the input).
    pub(super) fn first_of(
        &self,
        expr: &OptimizedExpr,
        visiting: &mut Vec<String>,
    ) -> Option<ByteSet> {
        use OptimizedExpr::*;
        if let Some(set) = self.class_of(expr, 0) {
            return Some(set);
        }
        match expr {
            Str(s) => s.bytes().next().map(|b| set_of(&[(b, b)])),
            Insens(s) => {
                let b = *s.as_bytes().first()?;
                b.is_ascii().then(|| {
                    set_of(&[
                        (b.to_ascii_lowercase(), b.to_ascii_lowercase()),
                        (b.to_ascii_uppercase(), b.to_ascii_uppercase()),
                    ])
                })
            }
            Ident(name) => {
                let (_, body) = self.rules.get(name)?;
                if visiting.contains(name) {
                    return None;
                }
                visiting.push(name.clone());
                let set = self.first_of(body, visiting);
                visiting.pop();
                set
            }
            // A sequence matches only where its first part does.
            Seq(first, _) => self.first_of(first, visiting),
            PosPred(e) => self.first_of(e, visiting),
            Choice(..) => flatten(expr, false)
                .into_iter()
                .map(|e| self.first_of(e, visiting))
                .try_fold([false; 256], |all, set| Some(union(all, set?))),
            _ => None,
        }
    }

    /// The bytes `expr` can start with, when testing them first spares trying it: not for
    /// a one-byte class (as cheap as the test) nor when any byte may start it.
    pub(super) fn guard_of(&self, expr: &OptimizedExpr) -> Option<ByteSet> {
        if self.class_of(expr, 0).is_some() {
            return None;
        }
        self.first_of(expr, &mut Vec::new())
            .filter(|set| set.iter().any(|&b| !b))
    }
}

/// The byte ranges of pest's one-byte built-in rules.
pub(super) fn builtin_ranges(name: &str) -> Option<&'static [(u8, u8)]> {
    Some(match name {
        "ASCII_DIGIT" => &[(b'0', b'9')],
        "ASCII_NONZERO_DIGIT" => &[(b'1', b'9')],
        "ASCII_BIN_DIGIT" => &[(b'0', b'1')],
        "ASCII_OCT_DIGIT" => &[(b'0', b'7')],
        "ASCII_HEX_DIGIT" => &[(b'0', b'9'), (b'a', b'f'), (b'A', b'F')],
        "ASCII_ALPHA_LOWER" => &[(b'a', b'z')],
        "ASCII_ALPHA_UPPER" => &[(b'A', b'Z')],
        "ASCII_ALPHA" => &[(b'a', b'z'), (b'A', b'Z')],
        "ASCII_ALPHANUMERIC" => &[(b'a', b'z'), (b'A', b'Z'), (b'0', b'9')],
        "ASCII" => &[(0, 0x7f)],
        _ => return None,
    })
}

pub(super) fn set_of(ranges: &[(u8, u8)]) -> ByteSet {
    let mut set = [false; 256];
    for &(lo, hi) in ranges {
        for b in lo..=hi {
            set[usize::from(b)] = true;
        }
    }
    set
}

pub(super) fn union(a: ByteSet, b: ByteSet) -> ByteSet {
    std::array::from_fn(|i| a[i] || b[i])
}

/// A test of eight bytes at a time for a skip to one of `stops`, where it is cheaper than a
/// look-up per byte: the bytes below the first of the result (blanks, `"`, `#`), and the
/// others, at most three. The bytes of the usual words (letters, digits, `-`, `.`, `:`,
/// `_`) are never below it, so that a block of them passes the test.
pub(super) fn word_filter(stops: &[u8]) -> Option<(u8, Vec<u8>)> {
    let below = stops
        .iter()
        .filter(|&&b| b < b'-')
        .map(|&b| b + 1)
        .max()
        .unwrap_or(0);
    let extras: Vec<u8> = stops.iter().copied().filter(|&b| b >= below).collect();
    (below > 0 && extras.len() <= 3 && extras.iter().all(u8::is_ascii)).then_some((below, extras))
}
