//! Syntax errors: pest's expected rules turned into plain words, with the offending token.

use pest::error::{Error, ErrorVariant, InputLocation};

use super::ast::Span;
use super::diag::Diagnostic;
use super::parser::Rule;

/// How a grammar rule is named in an error message.
struct Phrase {
    text: &'static str,
    /// Order in the "expected A, B or C" list.
    rank: u8,
    /// Left out of the list when something else is also expected.
    secondary: bool,
}

const fn main(text: &'static str, rank: u8) -> Phrase {
    Phrase {
        text,
        rank,
        secondary: false,
    }
}

const fn minor(text: &'static str, rank: u8) -> Phrase {
    Phrase {
        text,
        rank,
        secondary: true,
    }
}

const COMMAND: &str = "a command (add, update, get, getspi, delete, deleteall, flush, dump, \
spdadd, spdupdate, spddelete, spdflush, spddump, exit, quit, bye)";
const SA_PROTOCOL: &str = "an SA protocol (esp, ah, ipcomp, tcp, esp-old, ah-old, esp-udp)";
const SA_OPTION: &str =
    "an SA option (-m, -u, -r, -f, -lh, -ls, -bh, -bs, -ctx, -natt, -natt_mtu, -esn, -hwif)";
const ALGORITHM: &str = "an algorithm (-E, -A, -C, -R)";
const ADDRESS: &str = "an IPv4 or IPv6 address";
const POLICY: &str = "a policy (-P in|out|fwd ...)";
const PRIORITY: &str = "a priority (low, def, high or a number)";
const REQUEST: &str = "an IPsec request (PROTOCOL/MODE/[SRC-DST]/[LEVEL])";
const ENDPOINTS: &str = "tunnel endpoints (SRC-DST)";
const LEVEL: &str = "an IPsec level (default, use, require, unique, unique:N)";

fn phrase(rule: Rule) -> Phrase {
    use Rule::*;
    match rule {
        sa_cmd | kw_deleteall | kw_flush | kw_dump | spd_cmd | kw_spdadd | kw_spdflush
        | kw_spddump | kw_exit | statement | statement_at | file => main(COMMAND, 0),
        kw_tagged => minor("'tagged'", 1),
        af_flags => minor("address flags (-4, -6, -n)", 1),
        sa_host | host_word | nat_oa => main(ADDRESS, 2),
        selector => main("an address selector (ADDRESS[/PREFIX][[PORT]])", 2),
        port_number | bracket_port => main("a port number", 3),
        port_any => minor("any", 3),
        prefix_len => main("a prefix length", 3),
        port_spec => main("a port (a number or any)", 3),
        esp_udp | sa_protocol => main(SA_PROTOCOL, 4),
        spi => main("an SPI (a decimal or 0x hexadecimal number)", 5),
        upper_spec => main(
            "an upper-layer protocol (any, a protocol number or a name such as tcp, udp, icmp6)",
            5,
        ),
        upper_misc => minor("an ICMP type[,code] or a GRE key", 6),
        decimal => main("a decimal number", 10),
        quoted => minor("a quoted string", 12),
        sa_option | opt_mode | opt_number | opt_flag | opt_natt | opt_esn | flag_m
        | number_flag | flag_f | flag_natt => main(SA_OPTION, 20),
        ctx | flag_ctx => minor("-ctx DOI ALGORITHM \"CONTEXT\"", 21),
        opt_hwif | flag_hwif => minor("-hwif INTERFACE", 80),
        sa_mode => main("an SA mode (transport, tunnel, any) after -m", 10),
        sa_flag => main(
            "an SA flag (zero-pad, random-pad, seq-pad, nocyclic-seq) after -f",
            10,
        ),
        if_name => main("an interface name", 10),
        alg_encrypt | alg_auth | alg_compress | alg_raw_cpi | flag_e | flag_a | flag_c => {
            main(ALGORITHM, 30)
        }
        alg_name => main("an algorithm name", 10),
        hex_key => main(
            "a key (0x followed by hexadecimal digits, or a \"quoted string\")",
            11,
        ),
        hex_digits => main("hexadecimal digits after 0x", 11),
        policy | flag_p => main(POLICY, 40),
        direction => main("a policy direction (in, out, fwd) after -P", 41),
        priority | prio_kw => minor("a priority (prio ...)", 42),
        prio_base | prio_offset => main(PRIORITY, 42),
        prio_sign => minor("'+' or '-'", 43),
        prio_number => main("a number", 43),
        action => main(
            "a policy action (discard, none, ipsec, entrust, bypass)",
            44,
        ),
        request | ipsec_proto => main(REQUEST, 48),
        request_slash => main("'/' and an IPsec mode after the protocol", 46),
        ipsec_mode => main("an IPsec mode (transport, tunnel)", 46),
        req_endpoints | req_host | req_addr => main(ENDPOINTS, 47),
        req_dash => main("'-' between the tunnel endpoints", 47),
        level | level_kw => main(LEVEL, 45),
        level_reqid => main("a reqid number after unique:", 48),
        eot => main("';'", 99),
        _ => main("a statement", 0),
    }
}

/// Converts a pest error on `source[offset..]` into a diagnostic on `source`.
pub(crate) fn from_pest(source: &str, offset: usize, error: &Error<Rule>) -> Diagnostic {
    let pos = offset
        + match error.location {
            InputLocation::Pos(p) => p,
            InputLocation::Span((s, _)) => s,
        };
    let pos = pos.min(source.len());
    let expected = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => expected_list(positives),
        ErrorVariant::CustomError { message } => message.clone(),
    };
    let rest = &source[pos..];
    if rest.trim().is_empty() {
        let end = source.trim_end().len();
        let span = Span { start: end, end };
        let message = if expected.ends_with("';'") {
            "expected ';' at the end of the statement, found end of input".to_string()
        } else {
            format!("expected {expected}, found end of input")
        };
        return Diagnostic::new(span, message);
    }
    if rest.strip_prefix('"').is_some_and(|q| !q.contains('"')) {
        let span = Span {
            start: pos,
            end: pos + 1,
        };
        return Diagnostic::new(span, "unterminated quoted string (missing closing '\"')");
    }
    if rest.starts_with('\u{feff}') {
        // Some editors start a UTF-8 file with a byte order mark; no setkey lexer takes it.
        let span = Span {
            start: pos,
            end: pos + '\u{feff}'.len_utf8(),
        };
        return Diagnostic::new(
            span,
            "a byte order mark (U+FEFF) is not setkey text: save the file without it",
        );
    }
    if let Some(diagnostic) = unclosed_bracket(source, pos) {
        return diagnostic;
    }
    let token = found_token(rest);
    let span = Span {
        start: pos,
        end: pos + token.len(),
    };
    Diagnostic::new(span, format!("expected {expected}, found '{token}'"))
}

/// A `[` at `pos` (or just before it, glued to an address) whose port is not closed by `]`
/// before the statement or the line ends: say so, rather than what else was expected there.
fn unclosed_bracket(source: &str, pos: usize) -> Option<Diagnostic> {
    let open = if source[pos..].starts_with('[') {
        pos
    } else {
        let before = source[..pos].trim_end_matches(|c: char| c.is_ascii_alphanumeric());
        before.strip_suffix('[').map(str::len)?
    };
    let after = &source[open + 1..];
    let close = after.find([']', ';', '\n']);
    if close.is_some_and(|i| after.as_bytes()[i] == b']') {
        return None;
    }
    Some(Diagnostic::new(
        Span {
            start: open,
            end: open + 1,
        },
        "unclosed '[': expected a port (a number or any) and ']'",
    ))
}

fn expected_list(positives: &[Rule]) -> String {
    let mut phrases: Vec<Phrase> = positives.iter().map(|&r| phrase(r)).collect();
    if phrases.iter().any(|p| !p.secondary) {
        phrases.retain(|p| !p.secondary);
    }
    phrases.sort_by_key(|p| p.rank);
    let mut texts: Vec<&str> = Vec::with_capacity(phrases.len());
    for p in &phrases {
        if !texts.contains(&p.text) {
            texts.push(p.text);
        }
    }
    match texts.split_last() {
        None => "a statement".to_string(),
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// The token at the start of `rest`, for "found '...'".
fn found_token(rest: &str) -> &str {
    const MAX: usize = 40;
    if let Some(quoted) = rest.strip_prefix('"') {
        let end = quoted.find('"').map_or(rest.len(), |i| i + 2);
        return clip(&rest[..end], MAX);
    }
    let end = rest
        .find(|c: char| c.is_whitespace() || matches!(c, ';' | '#' | '/' | '[' | ']' | '"'))
        .unwrap_or(rest.len());
    if end == 0 {
        let first = rest.chars().next().map_or(0, char::len_utf8);
        return &rest[..first];
    }
    clip(&rest[..end], MAX)
}

fn clip(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}
