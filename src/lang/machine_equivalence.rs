//! The generated recognizer against pest's parser of the same grammar: for every rule, on the
//! golden corpus, on malformed text and on random edits of both, the same match or failure
//! and the same tokens.

use pest::iterators::Pairs;
use pest::{Parser, Token};
use proptest::prelude::*;

use super::machine;
use super::parser::{LangParser, Rule};
use super::tree::Children;

const CORPUS: &str = include_str!("../../tests/golden/statements.txt");

/// `(is_start, rule, offset)` for each token, in the order pest's `Pairs::tokens` gives them.
type Tokens = Vec<(bool, Rule, usize)>;

fn pest_tokens(pairs: Pairs<'_, Rule>) -> Tokens {
    pairs
        .tokens()
        .map(|t| match t {
            Token::Start { rule, pos } => (true, rule, pos.pos()),
            Token::End { rule, pos } => (false, rule, pos.pos()),
        })
        .collect()
}

fn machine_tokens(nodes: Children<'_>, out: &mut Tokens) {
    for node in nodes {
        let span = node.as_span();
        out.push((true, node.as_rule(), span.start()));
        machine_tokens(node.into_inner(), out);
        out.push((false, node.as_rule(), span.end()));
    }
}

fn check(rule: Rule, text: &str) -> Result<(), TestCaseError> {
    let expected = LangParser::parse(rule, text).ok().map(pest_tokens);
    let mut toks = Vec::new();
    let actual = machine::parse(rule, text, &mut toks).map(|tree| {
        let mut tokens = Vec::new();
        machine_tokens(tree.top(), &mut tokens);
        tokens
    });
    prop_assert_eq!(actual, expected, "rule {:?} on {:?}", rule, text);
    Ok(())
}

fn check_all_rules(text: &str) -> Result<(), TestCaseError> {
    for &rule in Rule::all_rules() {
        check(rule, text)?;
    }
    Ok(())
}

fn corpus_statements() -> Vec<&'static str> {
    CORPUS
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t').map(|(_, statement)| statement))
        .collect()
}

const MALFORMED: &[&str] = &[
    "foo 10.0.0.1;",
    "addd 10.0.0.1 10.0.0.2 esp 1000 -E null;",
    "add 10.0.0.1 10.0.0.2 esp 1000 -E null @;",
    "add 10.0.0.1 10.0.0.2 esp 1000 -E aes-cbc \"abc;\n",
    "add 10.0.0.1 10.0.0.2 esp 1000 -E aes-cbc 0x;",
    ";",
    "spdadd 10.0.0.1/33[ 10.0.0.2 any -P out none;",
    "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport/10.0.0.1-/require;",
    "spdadd 10.0.0.1 10.0.0.2 any -P out prio def +-3 ipsec ah/tunnel//unique:;",
    "add -4n6 ::1 ::2 esp-udp 10.0.0.9 1 -natt 1.2.3.4 [4500] 5.6.7.8 -m any;",
    "spdadd tagged \"x\" -P in none; # trailing; comment\nflush esp ; dump",
    "add 10.0.0.1 10.0.0.2 esp 1 -ctx 1 2 \"unterminated",
    "spdadd é 10.0.0.2 any -P out none;",
    "deleteall 10.0.0.1 10.0.0.2 esp-udp;exit; quit ;bye",
    "",
];

#[test]
fn every_rule_agrees_on_the_corpus_and_malformed_text() {
    let statements = corpus_statements();
    assert!(statements.len() > 100);
    check(Rule::file, CORPUS).unwrap();
    check(Rule::file, &statements.join("\n")).unwrap();
    for text in statements.iter().chain(MALFORMED) {
        check_all_rules(text).unwrap();
        // Every rule also from each token on, where the inner rules start.
        for (at, _) in text.match_indices([' ', '/', '[', '-', ':']) {
            check_all_rules(&text[at..]).unwrap();
            check_all_rules(&text[at + 1..]).unwrap();
        }
    }
}

fn edited(base: &str, edits: &[(usize, u8, char)]) -> String {
    let mut chars: Vec<char> = base.chars().collect();
    for &(at, op, c) in edits {
        let at = at % (chars.len() + 1);
        match op % 3 {
            0 => chars.insert(at, c),
            1 if at < chars.len() => {
                chars.remove(at);
            }
            _ if at < chars.len() => chars[at] = c,
            _ => chars.push(c),
        }
    }
    chars.into_iter().collect()
}

const ALPHABET: &[char] = &[
    ' ', '\t', '\n', '\r', ';', '#', '"', '/', '[', ']', '-', ':', '.', ',', '+', '0', '1', '9',
    'a', 'f', 'x', 'E', 'A', 'P', 'u', 'é',
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn every_rule_agrees_on_edited_statements(
        pick in 0usize..10_000,
        edits in prop::collection::vec((0usize..400, 0u8..3, prop::sample::select(ALPHABET)), 1..6),
    ) {
        let statements = corpus_statements();
        let base = statements[pick % statements.len()];
        let text = edited(base, &edits);
        check_all_rules(&text)?;
    }

    #[test]
    fn file_agrees_on_random_text(text in "[ \t\n;#\"/\\[\\]a-z0-9:.,+x-]{0,80}") {
        check(Rule::file, &text)?;
        check(Rule::statement_at, &text)?;
    }
}
