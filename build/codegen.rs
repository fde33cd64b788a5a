//! Turns pest's optimized rules for `grammar.pest` into plain Rust functions over a `Machine`,
//! following the semantics of pest's own generated parser rule by rule (implicit whitespace,
//! atomicity, silent rules, lookahead), so both parsers produce the same tokens.

use std::collections::HashSet;
use std::fmt::Write;

use pest_meta::ast::RuleType;
use pest_meta::optimizer::{OptimizedExpr, OptimizedRule};

/// Reads the grammar the way pest_derive does and returns the generated Rust source.
pub fn generate(grammar: &str) -> Result<String, String> {
    let pairs = pest_meta::parser::parse(pest_meta::parser::Rule::grammar_rules, grammar)
        .map_err(|e| format!("grammar: {e}"))?;
    let ast = pest_meta::parser::consume_rules(pairs).map_err(|errors| {
        errors
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let rules = pest_meta::optimizer::optimize(ast);
    Generator::new(&rules).source(&rules)
}

struct Generator {
    defined: HashSet<String>,
    uses_eoi: bool,
}

impl Generator {
    fn new(rules: &[OptimizedRule]) -> Self {
        let defined = rules.iter().map(|r| r.name.clone()).collect();
        let uses_eoi = rules
            .iter()
            .any(|r| r.expr.iter_top_down().any(|e| ident_is(&e, "EOI")));
        Generator { defined, uses_eoi }
    }

    fn source(&self, rules: &[OptimizedRule]) -> Result<String, String> {
        let mut out = String::new();
        out.push_str(&self.skip_function());
        for rule in rules {
            let _ = writeln!(
                out,
                "#[allow(non_snake_case, clippy::all)]\nfn r_{}(m: &mut Machine<'_>) -> bool {{\n    {}\n}}\n",
                rule.name,
                self.rule_body(rule)?
            );
        }
        out.push_str(&self.dispatch(rules));
        Ok(out)
    }

    /// The implicit whitespace between tokens of non-atomic rules.
    fn skip_function(&self) -> String {
        let ws = self.defined.contains("WHITESPACE");
        let comment = self.defined.contains("COMMENT");
        let body = match (ws, comment) {
            (false, false) => String::new(),
            (true, false) => "while r_WHITESPACE(m) {}".to_string(),
            (false, true) => "while r_COMMENT(m) {}".to_string(),
            (true, true) => {
                "while r_WHITESPACE(m) {}\n        while r_COMMENT(m) { while r_WHITESPACE(m) {} }"
                    .to_string()
            }
        };
        format!(
            "#[inline(always)]\nfn skip(m: &mut Machine<'_>) -> bool {{\n    if m.atomicity == Atomicity::NonAtomic {{\n        {body}\n    }}\n    true\n}}\n\n"
        )
    }

    fn rule_body(&self, rule: &OptimizedRule) -> Result<String, String> {
        let name = &rule.name;
        let atomic_body = matches!(rule.ty, RuleType::Atomic | RuleType::CompoundAtomic);
        let mut body = self.expr(&rule.expr, atomic_body)?;
        if !atomic_body && (name == "WHITESPACE" || name == "COMMENT") {
            body = format!(
                "m.atomic(Atomicity::Atomic, |m| {})",
                self.expr(&rule.expr, true)?
            );
        }
        Ok(match rule.ty {
            RuleType::Normal => format!("m.rule(Rule::{name}, |m| {body})"),
            RuleType::Silent => body,
            RuleType::Atomic => {
                format!("m.rule(Rule::{name}, |m| m.atomic(Atomicity::Atomic, |m| {body}))")
            }
            RuleType::CompoundAtomic => {
                format!("m.atomic(Atomicity::CompoundAtomic, |m| m.rule(Rule::{name}, |m| {body}))")
            }
            RuleType::NonAtomic => {
                format!("m.atomic(Atomicity::NonAtomic, |m| m.rule(Rule::{name}, |m| {body}))")
            }
        })
    }

    /// One expression as a Rust `bool` expression; `atomic` says whether the rule it is in
    /// was written atomic (no implicit whitespace generated between its tokens).
    fn expr(&self, expr: &OptimizedExpr, atomic: bool) -> Result<String, String> {
        use OptimizedExpr::*;
        let gap = if atomic { " && " } else { " && skip(m) && " };
        Ok(match expr {
            Str(s) if s.len() == 1 => format!("m.byte_range({0}, {0})", s.as_bytes()[0]),
            Str(s) => format!("m.string({s:?}.as_bytes())"),
            Insens(s) => format!("m.insensitive({s:?}.as_bytes())"),
            Range(lo, hi) => range(lo, hi)?,
            Ident(name) => self.ident(name)?,
            PosPred(e) => format!("m.lookahead(true, |m| {})", self.expr(e, atomic)?),
            NegPred(e) => format!("m.lookahead(false, |m| {})", self.expr(e, atomic)?),
            Seq(..) => {
                let parts = flatten(expr, true)
                    .into_iter()
                    .map(|e| self.expr(e, atomic))
                    .collect::<Result<Vec<_>, _>>()?;
                format!("m.sequence(|m| {})", parts.join(gap))
            }
            Choice(..) => {
                let parts = flatten(expr, false)
                    .into_iter()
                    .map(|e| self.expr(e, atomic))
                    .collect::<Result<Vec<_>, _>>()?;
                format!("({})", parts.join(" || "))
            }
            Opt(e) => format!("{{ let _ = {}; true }}", self.expr(e, atomic)?),
            Rep(e) => {
                let e = self.expr(e, atomic)?;
                if atomic {
                    format!("{{ while {e} {{}} true }}")
                } else {
                    format!("{{ if {e} {{ while m.sequence(|m| skip(m) && {e}) {{}} }} true }}")
                }
            }
            Skip(strings) => skip_until(strings),
            other => return Err(format!("grammar construct not supported: {other:?}")),
        })
    }

    fn ident(&self, name: &str) -> Result<String, String> {
        if self.defined.contains(name) {
            return Ok(format!("r_{name}(m)"));
        }
        Ok(match name {
            "ANY" => "m.any()".to_string(),
            "SOI" => "(m.pos == 0)".to_string(),
            "EOI" => "m.rule(Rule::EOI, |m| m.pos == m.input.len())".to_string(),
            "ASCII_DIGIT" => bytes(&[(b'0', b'9')]),
            "ASCII_NONZERO_DIGIT" => bytes(&[(b'1', b'9')]),
            "ASCII_BIN_DIGIT" => bytes(&[(b'0', b'1')]),
            "ASCII_OCT_DIGIT" => bytes(&[(b'0', b'7')]),
            "ASCII_HEX_DIGIT" => bytes(&[(b'0', b'9'), (b'a', b'f'), (b'A', b'F')]),
            "ASCII_ALPHA_LOWER" => bytes(&[(b'a', b'z')]),
            "ASCII_ALPHA_UPPER" => bytes(&[(b'A', b'Z')]),
            "ASCII_ALPHA" => bytes(&[(b'a', b'z'), (b'A', b'Z')]),
            "ASCII_ALPHANUMERIC" => bytes(&[(b'a', b'z'), (b'A', b'Z'), (b'0', b'9')]),
            "ASCII" => bytes(&[(0, 0x7f)]),
            "NEWLINE" => {
                "(m.string(b\"\\n\") || m.string(b\"\\r\\n\") || m.string(b\"\\r\"))".to_string()
            }
            _ => return Err(format!("rule or built-in not supported: {name}")),
        })
    }

    /// `run(rule)`: the entry point for every rule (pest gives silent rules a variant too).
    fn dispatch(&self, rules: &[OptimizedRule]) -> String {
        let mut arms = String::new();
        for rule in rules {
            let _ = writeln!(arms, "        Rule::{0} => r_{0}(m),", rule.name);
        }
        if self.uses_eoi {
            arms.push_str("        Rule::EOI => m.rule(Rule::EOI, |m| m.pos == m.input.len()),\n");
        }
        format!(
            "/// Runs `rule` from the machine's position.\npub(super) fn run(rule: Rule, m: &mut Machine<'_>) -> bool {{\n    match rule {{\n{arms}    }}\n}}\n"
        )
    }
}

fn ident_is(expr: &OptimizedExpr, name: &str) -> bool {
    matches!(expr, OptimizedExpr::Ident(n) if n == name)
}

/// The operands of a chain of `~` (`seq`) or `|`.
fn flatten(expr: &OptimizedExpr, seq: bool) -> Vec<&OptimizedExpr> {
    let mut parts = Vec::new();
    let mut current = expr;
    loop {
        match (current, seq) {
            (OptimizedExpr::Seq(lhs, rhs), true) | (OptimizedExpr::Choice(lhs, rhs), false) => {
                parts.push(lhs.as_ref());
                current = rhs;
            }
            _ => {
                parts.push(current);
                return parts;
            }
        }
    }
}

fn single_char(s: &str) -> Result<char, String> {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Ok(c),
        _ => Err(format!("range bound is not one character: {s:?}")),
    }
}

fn range(lo: &str, hi: &str) -> Result<String, String> {
    let (lo, hi) = (single_char(lo)?, single_char(hi)?);
    Ok(if hi.is_ascii() {
        // An ASCII range never matches the first byte of a longer character.
        format!("m.byte_range({}, {})", lo as u32, hi as u32)
    } else {
        format!("m.char_range({lo:?}, {hi:?})")
    })
}

fn bytes(ranges: &[(u8, u8)]) -> String {
    let parts: Vec<String> = ranges
        .iter()
        .map(|(lo, hi)| format!("m.byte_range({lo}, {hi})"))
        .collect();
    format!("({})", parts.join(" || "))
}

/// `(!("a" | "b") ~ ANY)*`, which pest's optimizer turns into a skip to the first of the
/// strings (or to the end of the input).
fn skip_until(strings: &[String]) -> String {
    if strings.iter().any(|s| s.is_empty()) {
        return "true".to_string();
    }
    let mut firsts: Vec<u8> = strings.iter().map(|s| s.as_bytes()[0]).collect();
    firsts.sort_unstable();
    firsts.dedup();
    let pattern: Vec<String> = firsts.iter().map(|b| b.to_string()).collect();
    let list: Vec<String> = strings
        .iter()
        .map(|s| format!("{s:?}.as_bytes()"))
        .collect();
    format!(
        "m.skip_until(|b| matches!(b, {}), &[{}])",
        pattern.join(" | "),
        list.join(", ")
    )
}
