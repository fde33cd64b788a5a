//! What each fuzz target asserts, shared with `tests/fuzz_regressions.rs` so that every input
//! the fuzzers found stays a test of `cargo test`.
#![allow(dead_code)] // each fuzz target uses one of these

use std::collections::BTreeMap;

use setkey::compile::{compile_statement, CompileOptions, Operation};
use setkey::format::kame::{sa_entry, sp_entry, DumpContext};
use setkey::format::monitor_entry::{render, View};
use setkey::format::{json, kdebug};
use setkey::lang::{chunk_ranges, diag, parse_range};
use setkey::origin::{ConfigTrace, PolicyOrigins};
use setkey::pfkey::{self, Dialect, Message};

const DIALECTS: [Dialect; 3] = [Dialect::NetBsd, Dialect::FreeBsd, Dialect::Linux];

fn dialect_of(selector: u8) -> Dialect {
    DIALECTS[usize::from(selector) % DIALECTS.len()]
}

/// The language front end: any text parses or is explained within its bounds, the pieces
/// the splitter cuts give what the whole gives, and every statement compiles or is refused;
/// what compiles emits, and its bytes decode and emit again unchanged.
pub fn script(data: &[u8]) {
    let Some((&selector, text)) = data.split_first() else {
        return;
    };
    let dialect = dialect_of(selector);
    let source = String::from_utf8_lossy(text);
    let whole = parse_range(&source, 0, source.len());
    for e in &whole.1 {
        assert!(e.span.start <= e.span.end && e.span.end <= source.len());
    }
    let _ = diag::render("fuzz.conf", &source, &whole.1);

    let pieces = usize::from(selector >> 2) % 6 + 2;
    let mut split = (Vec::new(), Vec::new());
    for (start, end) in chunk_ranges(&source, pieces) {
        let (mut s, mut e) = parse_range(&source, start, end);
        split.0.append(&mut s);
        split.1.append(&mut e);
    }
    assert_eq!(whole, split, "cut into {pieces} pieces");

    let opts = CompileOptions {
        dialect,
        pid: 1,
        linux_fwd_copy: selector & 2 != 0,
        interface_index: |name| (name == "lo0" || name == "em0").then_some(1),
        require_interfaces: true,
    };
    for stmt in &whole.0 {
        let Ok(ops) = compile_statement(stmt, &opts) else {
            continue;
        };
        for op in ops {
            let msg = match op {
                Operation::Send(m) | Operation::Get(m) | Operation::Dump(m) => m,
                Operation::DeleteAllByDump { dump, .. } => dump,
                Operation::Exit | Operation::Warning(_) => continue,
            };
            let bytes = pfkey::emit(&msg, dialect).expect("a compiled message emits");
            let back = pfkey::parse(&bytes, dialect).expect("an emitted message parses");
            assert_eq!(pfkey::emit(&back, dialect).as_deref(), Ok(&bytes[..]));
        }
    }
}

/// The decoder of every dialect: any bytes decode or are refused; what decodes is printed
/// by every formatter, emits, and its bytes decode to the same message.
pub fn decode(data: &[u8]) {
    let ctx = DumpContext {
        now: 1_700_000_000,
        with_ports: data.first().is_some_and(|b| b & 1 != 0),
        protocol_name: &|_| None,
        interface_name: &|i| (i == 1).then(|| "lo0".to_string()),
        wide_keys: false,
    };
    for dialect in DIALECTS {
        let Ok(msg) = pfkey::parse(data, dialect) else {
            continue;
        };
        let _ = sa_entry(&msg, dialect, &ctx);
        let _ = sp_entry(&msg, dialect, &ctx);
        let _ = kdebug::render(&msg, dialect);
        let _ = json::message(&msg, dialect, Some((1, 2)), false);
        let bytes = pfkey::emit(&msg, dialect).expect("a decoded message emits");
        let again = pfkey::parse(&bytes, dialect).expect("its bytes decode");
        assert_eq!(again, msg);
    }
}

/// Emit and parse on structured messages: what the encoder accepts, the decoder reads
/// back, and the message read back emits the same bytes.
pub fn roundtrip(selector: u8, msg: &Message) {
    let dialect = dialect_of(selector);
    let Ok(bytes) = pfkey::emit(msg, dialect) else {
        return;
    };
    let back = pfkey::parse(&bytes, dialect).expect("emitted bytes decode");
    assert_eq!(pfkey::emit(&back, dialect).as_deref(), Ok(&bytes[..]));
}

/// The monitor's replay path: any file is framed into messages, each printed as `-x`,
/// `-xx`, `-x -h` and `-x --json` print it, with or without a filter.
pub fn replay(data: &[u8]) {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let view = View {
        dialect: dialect_of(selector),
        raw_time: selector & 4 != 0,
        hex: selector & 8 != 0,
        json: selector & 16 != 0,
        annotate: selector & 1 != 0,
        filter: if selector & 32 != 0 {
            vec![selector >> 6, 13]
        } else {
            Vec::new()
        },
    };
    // `--config`: the input's own policy messages stand for the configuration.
    let configured = pfkey::split(bytes)
        .filter_map(|one| pfkey::parse(one, view.dialect).ok())
        .enumerate()
        .map(|(i, m)| (m, format!("fuzz:{i}")));
    let mut trace = ConfigTrace {
        name: "fuzz".into(),
        origins: PolicyOrigins::new(configured),
    };
    let mut counts = BTreeMap::new();
    let mut frames = 0;
    for one in pfkey::split(bytes) {
        assert!(!one.is_empty());
        frames += 1;
        let traced = (selector & 2 != 0).then_some(&mut trace);
        let _ = render(one, &view, &mut counts, (1_700_000_000, 5), traced);
    }
    assert!(frames <= bytes.len());
}
