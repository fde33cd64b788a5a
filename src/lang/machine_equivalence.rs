//! The generated recognizer against pest's parser of the same grammar: for every rule, on the
//! golden corpus, on malformed text and on random edits of both, the same match or failure
//! and the same tokens.

use pest::iterators::Pairs;
use pest::{Parser, Token};
use proptest::prelude::*;

use super::parser::{LangParser, Rule};
use super::tree::Children;
use super::{errors, machine};

const CORPUS: &str = include_str!("../../tests/golden/statements.txt");

/// `(is_start, rule, offset)` for each token, in the order pest's `Pairs::tokens` gives them.
type Tokens = Vec<(bool, Rule, usize)>;

/// Pest's tokens but those of the rules that leave none in the recognizer's tree.
fn pest_tokens(pairs: Pairs<'_, Rule>) -> Tokens {
    pairs
        .tokens()
        .map(|t| match t {
            Token::Start { rule, pos } => (true, rule, pos.pos()),
            Token::End { rule, pos } => (false, rule, pos.pos()),
        })
        .filter(|&(_, rule, _)| machine::leaves_token(rule))
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

const TAILS: &[&str] = &[
    "flush;",
    "add 1 2 esp 1 -E null \"q;\";",
    "# \" ; \n dump;",
    "\"",
    "spdflush",
];

/// Errors are explained by pest from the bad statement's text alone: the same as from all the
/// text that follows, even with quotes and comments after it.
fn check_errors_alone(text: &str) -> Result<(), TestCaseError> {
    let mut toks = Vec::new();
    let Some(tree) = machine::parse(Rule::file, text, &mut toks) else {
        return Err(TestCaseError::fail("file did not match"));
    };
    let Some(file) = tree.top().next() else {
        return Err(TestCaseError::fail("no file token"));
    };
    for bad in file
        .into_inner()
        .filter(|n| n.as_rule() == Rule::bad_statement)
    {
        let (start, end) = (bad.as_span().start(), bad.as_span().end());
        let whole = LangParser::parse(Rule::statement_at, &text[start..]).err();
        let alone = LangParser::parse(Rule::statement_at, &text[start..end]).err();
        let explain =
            |e: Option<pest::error::Error<Rule>>| e.map(|e| errors::from_pest(text, start, &e));
        prop_assert_eq!(explain(alone), explain(whole), "{:?}", &text[start..end]);
    }
    Ok(())
}

#[test]
fn errors_of_statements_cut_short_do_not_depend_on_what_follows() {
    for statement in corpus_statements() {
        for (at, _) in statement.match_indices([' ', '/', '[', '-']) {
            for tail in TAILS {
                check_errors_alone(&format!("{};{tail}", &statement[..at])).unwrap();
                check_errors_alone(&format!("{} ;\n{tail}", &statement[..at + 1])).unwrap();
            }
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
    fn statement_errors_do_not_depend_on_what_follows(
        pick in 0usize..10_000,
        edits in prop::collection::vec((0usize..400, 0u8..3, prop::sample::select(ALPHABET)), 1..6),
        tail in prop::sample::select(TAILS),
    ) {
        let statements = corpus_statements();
        let text = format!("{}\n{tail}\n", edited(statements[pick % statements.len()], &edits));
        check_errors_alone(&text)?;
    }

    #[test]
    fn file_agrees_on_random_text(text in "[ \t\n;#\"/\\[\\]a-z0-9:.,+x-]{0,80}") {
        check(Rule::file, &text)?;
        check(Rule::statement_at, &text)?;
    }
}
