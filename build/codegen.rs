//! Turns pest's optimized rules for `grammar.pest` into plain Rust functions over a `Machine`,
//! following the semantics of pest's own generated parser rule by rule (implicit whitespace,
//! atomicity, silent rules, lookahead), so both parsers produce the same tokens. Where pest
//! tracks atomicity and lookahead at run time, each rule is generated once for every context
//! it is called in, so that whether it leaves a token or skips whitespace is decided here.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::fmt::Write;

use pest_meta::ast::RuleType;
use pest_meta::optimizer::{OptimizedExpr, OptimizedRule};

#[path = "byte_sets.rs"]
mod byte_sets;
use byte_sets::{builtin_ranges, set_of, union, word_filter};

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

/// Rules whose generated body is at most this long (token-sized rules) are marked
/// `#[inline]`: a call costs about as much as their whole match.
const INLINE_BODY_MAX: usize = 400;

/// A set of bytes, one flag per byte value.
type ByteSet = [bool; 256];

/// Pest's atomicity: whether implicit whitespace is skipped, whether inner rules leave tokens.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Atomicity {
    Atomic,
    CompoundAtomic,
    NonAtomic,
}

/// What a rule is called in: its caller's atomicity and whether under a lookahead (`&e`,
/// `!e`), where no rule leaves a token.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
struct Context {
    atomicity: Atomicity,
    lookahead: bool,
}

impl Context {
    /// Where a parse starts.
    const ENTRY: Context = Context {
        atomicity: Atomicity::NonAtomic,
        lookahead: false,
    };

    fn with(self, atomicity: Atomicity) -> Context {
        Context { atomicity, ..self }
    }

    fn looking_ahead(self) -> Context {
        Context {
            lookahead: true,
            ..self
        }
    }

    /// The context inside a rule of type `ty` called here, and whether the rule leaves a
    /// token (that of an atomic rule is seen from outside it, the others' from inside).
    fn enter(self, ty: RuleType) -> (Context, bool) {
        match ty {
            RuleType::Silent => (self, false),
            RuleType::Normal => (self, self.visible()),
            RuleType::Atomic => (self.with(Atomicity::Atomic), self.visible()),
            RuleType::CompoundAtomic => {
                let inner = self.with(Atomicity::CompoundAtomic);
                (inner, inner.visible())
            }
            RuleType::NonAtomic => {
                let inner = self.with(Atomicity::NonAtomic);
                (inner, inner.visible())
            }
        }
    }

    /// Whether a rule matched here leaves a token.
    fn visible(self) -> bool {
        !self.lookahead && self.atomicity != Atomicity::Atomic
    }

    fn skips_whitespace(self) -> bool {
        self.atomicity == Atomicity::NonAtomic
    }

    /// The suffix of the function name of a rule generated for this context.
    fn suffix(self) -> &'static str {
        match (self.atomicity, self.lookahead) {
            (Atomicity::NonAtomic, false) => "",
            (Atomicity::Atomic, false) => "_atomic",
            (Atomicity::CompoundAtomic, false) => "_compound",
            (Atomicity::NonAtomic, true) => "_ahead",
            (Atomicity::Atomic, true) => "_atomic_ahead",
            (Atomicity::CompoundAtomic, true) => "_compound_ahead",
        }
    }
}

struct Generator {
    defined: HashSet<String>,
    uses_eoi: bool,
    /// Each rule's type and expression, by name.
    rules: HashMap<String, (RuleType, OptimizedExpr)>,
    /// The byte sets the generated code tests, emitted as `CLASS_<index>` tables.
    tables: RefCell<Vec<ByteSet>>,
    /// The rules called so far, each in the contexts it is called in: each is generated once.
    called: RefCell<Vec<(String, Context)>>,
}

impl Generator {
    fn new(rules: &[OptimizedRule]) -> Self {
        let defined = rules.iter().map(|r| r.name.clone()).collect();
        let uses_eoi = rules
            .iter()
            .any(|r| r.expr.iter_top_down().any(|e| ident_is(&e, "EOI")));
        let rules = rules
            .iter()
            .map(|r| (r.name.clone(), (r.ty, r.expr.clone())))
            .collect();
        Generator {
            defined,
            uses_eoi,
            rules,
            tables: RefCell::new(Vec::new()),
            called: RefCell::new(Vec::new()),
        }
    }

    /// The name of the table of `set`.
    fn table(&self, set: &ByteSet) -> String {
        let mut tables = self.tables.borrow_mut();
        let index = match tables.iter().position(|t| t == set) {
            Some(index) => index,
            None => {
                tables.push(*set);
                tables.len() - 1
            }
        };
        format!("CLASS_{index}")
    }

    fn source(&self, rules: &[OptimizedRule]) -> Result<String, String> {
        let mut out = String::new();
        let by_name: HashMap<&str, &OptimizedRule> =
            rules.iter().map(|r| (r.name.as_str(), r)).collect();
        // Every rule can be run from the start; the others are generated as they are called.
        for rule in rules {
            self.call(&rule.name, Context::ENTRY);
        }
        let mut next = 0;
        loop {
            let Some((name, cx)) = self.called.borrow().get(next).cloned() else {
                break;
            };
            next += 1;
            let rule = by_name
                .get(name.as_str())
                .ok_or_else(|| format!("rule {name} is called but not defined"))?;
            let body = self.rule_body(rule, cx)?;
            let inline = if body.len() <= INLINE_BODY_MAX {
                "#[inline]\n"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "#[allow(non_snake_case, clippy::all)]\n{inline}fn r_{name}{}(m: &mut Machine<'_>) -> bool {{\n    {body}\n}}\n",
                cx.suffix(),
            );
        }
        out.push_str(&self.dispatch(rules));
        out.push_str(&self.tables_source());
        Ok(out)
    }

    /// A call of the rule `name` in `cx`, whose function is then generated. Contexts that give
    /// the same code share it: an atomic rule's code is the same wherever it leaves its
    /// token, a compound-atomic or non-atomic rule's whatever the caller's atomicity.
    fn call(&self, name: &str, cx: Context) -> String {
        let cx = match self.rules.get(name).map(|(ty, _)| *ty) {
            Some(RuleType::Atomic) if cx.atomicity == Atomicity::CompoundAtomic => {
                cx.with(Atomicity::NonAtomic)
            }
            Some(RuleType::CompoundAtomic | RuleType::NonAtomic) => cx.with(Atomicity::NonAtomic),
            _ => cx,
        };
        let mut called = self.called.borrow_mut();
        if !called.iter().any(|(n, c)| n == name && *c == cx) {
            called.push((name.to_string(), cx));
        }
        format!("r_{name}{}(m)", cx.suffix())
    }

    /// The implicit whitespace between tokens, in a context that skips it.
    fn skip(&self, cx: Context) -> String {
        let call = |name: &str| {
            self.defined
                .contains(name)
                .then(|| self.guarded_call(name, cx))
        };
        let comment = call("COMMENT");
        if comment.is_none() {
            if let Some(run) = self.whitespace_run(cx) {
                return run;
            }
        }
        match (call("WHITESPACE"), comment) {
            (None, None) => "true".to_string(),
            (Some(ws_call), None) => format!("{{ while {ws_call} {{}} true }}"),
            (None, Some(comment_call)) => format!("{{ while {comment_call} {{}} true }}"),
            (Some(ws_call), Some(comment_call)) => format!(
                "{{ while {ws_call} {{}} while {comment_call} {{ while {ws_call} {{}} }} true }}"
            ),
        }
    }

    /// `WHITESPACE*` for a silent `WHITESPACE = _{ c | ... | rest }` whose first alternatives
    /// are one-byte classes: runs of those bytes are passed in one scan, and the rest (a
    /// comment) is tried only where the scan stops. That is the repetition's own order: each
    /// round tries the classes first and the rest only where they fail.
    fn whitespace_run(&self, cx: Context) -> Option<String> {
        let (RuleType::Silent, expr) = self.rules.get("WHITESPACE")? else {
            return None;
        };
        let alternatives = flatten(expr, false);
        let classes = alternatives
            .iter()
            .take_while(|e| self.class_of(e, 0).is_some())
            .count();
        let set = alternatives[..classes]
            .iter()
            .filter_map(|e| self.class_of(e, 0))
            .reduce(union)?;
        let scan = format!("while m.class(&{}) {{}}", self.table(&set));
        if classes == alternatives.len() {
            return Some(format!("{{ {scan} true }}"));
        }
        // The body of WHITESPACE called from `cx`, as `rule_body` generates it.
        let body_cx = cx.with(Atomicity::Atomic);
        // The other alternatives (a comment) are out of line: most gaps are blanks only.
        let rest = alternatives[classes..]
            .iter()
            .map(|e| {
                let code = self.expr(e, body_cx)?;
                let code = format!("m.out_of_line(|m| {code})");
                Ok(match self.guard_of(e) {
                    Some(set) => format!("(m.next_in(&{}) && {code})", self.table(&set)),
                    None => code,
                })
            })
            .collect::<Result<Vec<_>, String>>()
            .ok()?;
        Some(format!(
            "{{ while {{ {scan}; {} }} {{}} true }}",
            rest.join(" || ")
        ))
    }

    /// A rule's body in `cx`, with its token when it leaves one there.
    fn rule_body(&self, rule: &OptimizedRule, cx: Context) -> Result<String, String> {
        let name = &rule.name;
        let (inner, visible) = cx.enter(rule.ty);
        // Pest matches implicit whitespace and comments atomically.
        let written_atomic = matches!(rule.ty, RuleType::Atomic | RuleType::CompoundAtomic);
        let body_cx = if !written_atomic && (name == "WHITESPACE" || name == "COMMENT") {
            inner.with(Atomicity::Atomic)
        } else {
            inner
        };
        let body = self.expr(&rule.expr, body_cx)?;
        Ok(if visible {
            format!("m.token(Rule::{name}, |m| {body})")
        } else {
            body
        })
    }

    /// One expression as a Rust `bool` expression, in context `cx`.
    fn expr(&self, expr: &OptimizedExpr, cx: Context) -> Result<String, String> {
        use OptimizedExpr::*;
        let skips = cx.skips_whitespace();
        let gap = if skips {
            format!(" && {} && ", self.skip(cx))
        } else {
            " && ".to_string()
        };
        if let Some(set) = self.class_of(expr, 0) {
            if !matches!(expr, Str(_) | Range(..)) {
                return Ok(format!("m.class(&{})", self.table(&set)));
            }
        }
        Ok(match expr {
            Str(s) if s.len() == 1 => format!("m.byte_range({0}, {0})", s.as_bytes()[0]),
            Str(s) => format!("m.string({s:?}.as_bytes())"),
            Insens(s) => format!("m.insensitive({s:?}.as_bytes())"),
            Range(lo, hi) => range(lo, hi)?,
            Ident(name) => self.ident(name, cx)?,
            PosPred(e) => format!(
                "m.lookahead(true, |m| {})",
                self.expr(e, cx.looking_ahead())?
            ),
            NegPred(e) => format!(
                "m.lookahead(false, |m| {})",
                self.expr(e, cx.looking_ahead())?
            ),
            Seq(..) => {
                let parts = flatten(expr, true)
                    .into_iter()
                    .map(|e| self.expr(e, cx))
                    .collect::<Result<Vec<_>, _>>()?;
                format!("m.sequence(|m| {})", parts.join(&gap))
            }
            Choice(..) => {
                // Runs of one-byte alternatives become one table lookup (only next to each
                // other: which alternative matches first decides what is matched); runs of
                // others that start with the same bytes are tried behind one test of them.
                let mut parts = Vec::new();
                let mut class_run: Option<ByteSet> = None;
                let mut guarded_run: Option<(ByteSet, Vec<String>)> = None;
                for e in flatten(expr, false) {
                    if let Some(set) = self.class_of(e, 0) {
                        self.end_run(&mut guarded_run, &mut parts);
                        class_run = Some(union(class_run.unwrap_or([false; 256]), set));
                        continue;
                    }
                    if let Some(set) = class_run.take() {
                        parts.push(format!("m.class(&{})", self.table(&set)));
                    }
                    let code = self.expr(e, cx)?;
                    match (self.guard_of(e), &mut guarded_run) {
                        (Some(set), Some((run_set, run))) if *run_set == set => run.push(code),
                        (Some(set), _) => {
                            self.end_run(&mut guarded_run, &mut parts);
                            guarded_run = Some((set, vec![code]));
                        }
                        (None, _) => {
                            self.end_run(&mut guarded_run, &mut parts);
                            parts.push(code);
                        }
                    }
                }
                self.end_run(&mut guarded_run, &mut parts);
                if let Some(set) = class_run {
                    parts.push(format!("m.class(&{})", self.table(&set)));
                }
                format!("({})", parts.join(" || "))
            }
            Opt(e) => format!("{{ let _ = {}; true }}", self.guarded(e, cx)?),
            Rep(e) if !skips && self.class_of(e, 0).is_some() => {
                let set = self.class_of(e, 0).unwrap_or([false; 256]);
                format!("m.skip_while(&{})", self.table(&set))
            }
            // `(!("a" | "b") ~ ANY)*` where pest's optimizer leaves it (in WHITESPACE and
            // COMMENT, atomic without being written so): the skip it makes of it elsewhere.
            Rep(e) if !skips && self.skipped_until(e).is_some() => {
                self.skip_until(&self.skipped_until(e).unwrap_or_default())
            }
            Rep(e) => {
                let e = self.guarded(e, cx)?;
                if skips {
                    format!(
                        "{{ if {e} {{ while m.sequence(|m| {} && {e}) {{}} }} true }}",
                        self.skip(cx)
                    )
                } else {
                    format!("{{ while {e} {{}} true }}")
                }
            }
            Skip(strings) => self.skip_until(strings),
            other => return Err(format!("grammar construct not supported: {other:?}")),
        })
    }

    /// `expr`, tried only where the next byte can start it: for the parts that are expected
    /// to fail often (optional and repeated ones; alternatives have their own runs).
    fn guarded(&self, expr: &OptimizedExpr, cx: Context) -> Result<String, String> {
        let code = self.expr(expr, cx)?;
        Ok(match self.guard_of(expr) {
            Some(set) => format!("(m.next_in(&{}) && {code})", self.table(&set)),
            None => code,
        })
    }

    /// Closes a run of alternatives that share their first bytes.
    fn end_run(&self, run: &mut Option<(ByteSet, Vec<String>)>, parts: &mut Vec<String>) {
        if let Some((set, codes)) = run.take() {
            parts.push(format!(
                "(m.next_in(&{}) && ({}))",
                self.table(&set),
                codes.join(" || ")
            ));
        }
    }

    /// A call of the rule `name` in `cx`, tried only where the next byte can start it.
    fn guarded_call(&self, name: &str, cx: Context) -> String {
        let call = self.call(name, cx);
        match self.guard_of(&OptimizedExpr::Ident(name.to_string())) {
            Some(set) => format!("(m.next_in(&{}) && {call})", self.table(&set)),
            None => call,
        }
    }

    /// The strings `a`, `b` of `!("a" | "b") ~ ANY` (none empty), with the built-in ANY.
    fn skipped_until(&self, expr: &OptimizedExpr) -> Option<Vec<String>> {
        let OptimizedExpr::Seq(ahead, any) = expr else {
            return None;
        };
        let (OptimizedExpr::NegPred(strings), true) = (
            ahead.as_ref(),
            ident_is(any, "ANY") && !self.defined.contains("ANY"),
        ) else {
            return None;
        };
        flatten(strings, false)
            .into_iter()
            .map(|e| match e {
                OptimizedExpr::Str(s) if !s.is_empty() => Some(s.clone()),
                _ => None,
            })
            .collect()
    }

    /// `(!("a" | "b") ~ ANY)*`, which pest's optimizer turns into a skip to the first of the
    /// strings (or to the end of the input).
    fn skip_until(&self, strings: &[String]) -> String {
        if strings.iter().any(|s| s.is_empty()) {
            return "true".to_string();
        }
        let firsts: Vec<(u8, u8)> = strings
            .iter()
            .map(|s| (s.as_bytes()[0], s.as_bytes()[0]))
            .collect();
        let table = self.table(&set_of(&firsts));
        if strings.iter().all(|s| s.len() == 1) {
            let stops: Vec<u8> = firsts.iter().map(|&(b, _)| b).collect();
            if let Some((below, extras)) = word_filter(&stops) {
                return format!("m.skip_to_by_words(&{table}, {below}, {extras:?})");
            }
            return format!("m.skip_to(&{table}, &[])");
        }
        let list: Vec<String> = strings
            .iter()
            .map(|s| format!("{s:?}.as_bytes()"))
            .collect();
        format!("m.skip_to(&{table}, &[{}])", list.join(", "))
    }

    /// The tables of the byte sets the rules test.
    fn tables_source(&self) -> String {
        let mut out = String::new();
        for (index, set) in self.tables.borrow().iter().enumerate() {
            let flags: Vec<&str> = set
                .iter()
                .map(|&b| if b { "true" } else { "false" })
                .collect();
            let _ = writeln!(
                out,
                "static CLASS_{index}: [bool; 256] = [{}];",
                flags.join(", ")
            );
        }
        out
    }

    fn ident(&self, name: &str, cx: Context) -> Result<String, String> {
        if self.defined.contains(name) {
            return Ok(self.call(name, cx));
        }
        Ok(match name {
            "ANY" => "m.any()".to_string(),
            "SOI" => "(m.pos == 0)".to_string(),
            "EOI" if cx.visible() => "m.token(Rule::EOI, |m| m.pos == m.input.len())".to_string(),
            "EOI" => "(m.pos == m.input.len())".to_string(),
            "NEWLINE" => {
                "(m.string(b\"\\n\") || m.string(b\"\\r\\n\") || m.string(b\"\\r\"))".to_string()
            }
            _ => match builtin_ranges(name) {
                Some(ranges) => format!("m.class(&{})", self.table(&set_of(ranges))),
                None => return Err(format!("rule or built-in not supported: {name}")),
            },
        })
    }

    /// `run(rule)`: the entry point for every rule (pest gives silent rules a variant too).
    fn dispatch(&self, rules: &[OptimizedRule]) -> String {
        let mut arms = String::new();
        for rule in rules {
            let _ = writeln!(arms, "        Rule::{0} => r_{0}(m),", rule.name);
        }
        if self.uses_eoi {
            arms.push_str("        Rule::EOI => m.token(Rule::EOI, |m| m.pos == m.input.len()),\n");
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
