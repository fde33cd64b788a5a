//! `lang::parse` never panics: random text and random mutations of valid statements.

use proptest::prelude::*;
use setkey::lang::{diag, parse};

const VALID: &[&str] = &[
    "add 10.1.2.3 10.200.2.3 esp 0x10001 -m transport -u 5 -E aes-cbc 0x00112233445566778899aabbccddeeff -A hmac-sha256 \"k\";",
    "spdadd 10.1.2.3/32[any] 10.200.2.3/32[1234] tcp -P out ipsec esp/transport//require;",
    "spdadd fec0::1 fec0::2 icmp6 135,0 -P out prio def + 5 none;",
    "add -46n fe80::1%em0[500] fe80::2 esp-udp 10.0.0.1 1000 -natt 1.2.3.4 [1] 5.6.7.8 [2] -E null;",
    "spdadd tagged \"t\" -P in ipsec ah/tunnel/10.0.0.1[1]-10.0.0.2/unique:5 esp/transport;",
    "deleteall 10.0.0.1 10.0.0.2 ah; flush esp; dump; spdflush; spddump; exit; # end",
];

fn check(src: &str) {
    if let Err(errors) = parse(src) {
        assert!(!errors.is_empty());
        for e in &errors {
            assert!(
                e.span.start <= e.span.end && e.span.end <= src.len(),
                "{e:?} in {src:?}"
            );
        }
        let _ = diag::render("fuzz.conf", src, &errors);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_text(src in "\\PC{0,80}") {
        check(&src);
    }

    #[test]
    fn random_setkey_like_text(src in "[a-z0-9 ./:\\[\\]\\-;#\"\n%,+]{0,120}") {
        check(&src);
    }

    #[test]
    fn mutated_valid_statements(
        which in 0..VALID.len(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..3, "[ -~]{0,3}"), 1..4),
    ) {
        let mut src = VALID[which].to_string();
        for (at, kind, text) in edits {
            let mut i = at.index(src.len() + 1);
            while !src.is_char_boundary(i) { i -= 1; }
            match kind {
                0 => src.insert_str(i, &text),
                1 => { let end = (i + text.len().max(1)).min(src.len()); if src.is_char_boundary(end) { src.replace_range(i..end, ""); } }
                _ => { src.truncate(i); }
            }
        }
        check(&src);
    }
}

#[test]
fn valid_samples_parse() {
    for src in VALID {
        assert!(parse(src).is_ok(), "{src}: {:?}", parse(src));
    }
}

/// Pieces of scripts whose statement ends the splitter and the grammar must agree on: quotes
/// at and inside words, comments holding `;` and `"`, unterminated strings, CRLF.
const FRAGMENTS: &[&str] = &[
    "add fe80::1%\" fe80::2 esp 1 -E null;",
    "spdadd tagged \"a;b\" -P out none;",
    "# a comment; with \"quotes\n",
    "add 10.0.0.1 10.0.0.2 ah 1 -A hmac-sha1 \"abcdefghijklmnopqrst\";",
    "add 10.0.0.1 10.0.0.2 ah 1 -A hmac-sha1 \"abc;\n",
    "\"\"\"",
    "x\"y;z\";",
    "spdflush;\r\n",
    ";;",
    "\n",
    "flush esp",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Splitting anywhere the splitter chooses gives the statements and errors of one piece.
    #[test]
    fn pieces_agree_with_the_whole(
        parts in proptest::collection::vec(
            prop_oneof![
                (0..VALID.len()).prop_map(|i| VALID[i].to_string()),
                (0..FRAGMENTS.len()).prop_map(|i| FRAGMENTS[i].to_string()),
                "[a-z0-9 ;#\"%\n]{0,12}",
            ],
            0..40,
        ),
        pieces in 2usize..9,
    ) {
        let src = parts.concat();
        let whole = setkey::lang::parse_range(&src, 0, src.len());
        let mut split = (Vec::new(), Vec::new());
        for (start, end) in setkey::lang::chunk_ranges(&src, pieces) {
            let (mut s, mut e) = setkey::lang::parse_range(&src, start, end);
            split.0.append(&mut s);
            split.1.append(&mut e);
        }
        prop_assert_eq!(whole, split);
    }
}
