#!/usr/bin/env python3
"""Seeds fuzz/corpus/TARGET with the project's own inputs: every statement of the golden
corpus, the examples and the NetBSD acceptance files (script, once per dialect), and each
message of the recorded kernel dumps (decode, replay)."""
import pathlib

root = pathlib.Path(__file__).resolve().parent.parent
corpus = root / "fuzz" / "corpus"


def put(target, name, data):
    d = corpus / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


scripts = []
for line in (root / "tests/golden/statements.txt").read_text().splitlines():
    if line and not line.startswith("#") and "\t" in line:
        scripts.append(line.split("\t", 1)[1].encode())
for path in sorted((root / "examples").glob("*.conf")) + sorted(
    (root / "tests/acceptance").glob("*/*.conf")
):
    scripts.append(path.read_bytes())
for i, text in enumerate(scripts):
    for selector in range(3):
        put("script", f"seed-{i}-{selector}", bytes([selector]) + text)

messages = []
for path in sorted((root / "tests/data").glob("*/*.bin")):
    data = path.read_bytes()
    at = 0
    while at + 16 <= len(data):
        size = int.from_bytes(data[at + 4 : at + 6], "little") * 8
        if size < 16:
            break
        messages.append(data[at : at + size])
        at += size
for i, msg in enumerate(messages[:400]):
    put("decode", f"seed-{i}", msg)
    put("replay", f"seed-{i}", bytes([i % 64]) + msg)
put("replay", "seed-all", bytes([0]) + b"".join(messages[:50]))
