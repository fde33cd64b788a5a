//! Parse + compile + emit throughput on 100,000 generated spdadd/add statements, against a
//! baseline that only splits the same text into statements.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use setkey::compile::{self, CompileOptions};
use setkey::lang;
use setkey::pfkey::{self, Dialect};

/// 50,000 `spdadd` and 50,000 `add` statements, interleaved (the layout of bench/gen.py).
fn generate(count: usize) -> String {
    let mut text = String::with_capacity(count * 150);
    for i in 0..count / 2 {
        let (a, b, c) = ((i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
        text.push_str(&format!(
            "spdadd 10.{a}.{b}.{c}/32[any] 10.200.{b}.{c}/32[1234] tcp -P out ipsec esp/transport//require;\n"
        ));
        text.push_str(&format!(
            "add 10.{a}.{b}.{c} 10.200.{b}.{c} esp 0x{:x} -m transport -u {} -E aes-cbc 0x{:032x} -A hmac-sha256 0x{:064x};\n",
            0x10000 + i,
            i % 16000 + 1,
            i as u128 * 0x9e37_79b9_7f4a_7c15,
            i as u128 * 0x0123_4567_89ab_cdef
        ));
    }
    text
}

fn bench(c: &mut Criterion) {
    let text = generate(100_000);
    let opts = CompileOptions {
        dialect: Dialect::NetBsd,
        pid: 1,
        linux_fwd_copy: false,
        interface_index: |name| (name == "lo0" || name == "em0").then_some(1),
        require_interfaces: true,
    };
    let mut group = c.benchmark_group("100k statements");
    group.sample_size(10);
    group.throughput(Throughput::Elements(100_000));
    group.bench_function("baseline: split at ';'", |b| {
        b.iter(|| text.split(';').filter(|s| !s.trim().is_empty()).count())
    });
    group.bench_function("parse", |b| b.iter(|| lang::parse(&text).unwrap().len()));
    group.bench_function("parse+compile+emit", |b| {
        b.iter(|| {
            let stmts = lang::parse(&text).unwrap();
            let ops = compile::compile(&stmts, &opts).unwrap();
            let mut bytes = 0;
            for op in ops.iter().flatten() {
                if let compile::Operation::Send(m) = op {
                    bytes += pfkey::emit(m, Dialect::NetBsd).unwrap().len();
                }
            }
            bytes
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
