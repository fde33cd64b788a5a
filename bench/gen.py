#!/usr/bin/env python3
"""Writes N (default 100000) mixed spdadd/add statements, the benchmark input, to stdout."""
import sys

count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
out = sys.stdout
for i in range(count // 2):
    a, b, c = (i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF
    out.write(f"spdadd 10.{a}.{b}.{c}/32[any] 10.200.{b}.{c}/32[1234] tcp -P out ipsec esp/transport//require;\n")
    ekey = (i * 0x9E3779B97F4A7C15) % (1 << 128)
    akey = (i * 0x0123456789ABCDEF) % (1 << 256)
    out.write(
        f"add 10.{a}.{b}.{c} 10.200.{b}.{c} esp 0x{0x10000 + i:x} -m transport -u {i % 16000 + 1} "
        f"-E aes-cbc 0x{ekey:032x} -A hmac-sha256 0x{akey:064x};\n"
    )
